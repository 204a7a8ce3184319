"""The one RGB reader: RGB and palette images read, grey / RGBA / non-images refused by name."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from xmodal.utils.images import read_rgb_image


def test_reads_rgb_and_palette(tmp_path):
    arr = np.random.default_rng(0).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    Image.fromarray(arr).save(tmp_path / "g.png")
    np.testing.assert_array_equal(read_rgb_image(tmp_path / "g.png"), arr)
    Image.fromarray(arr).convert("P").save(tmp_path / "p.png")
    assert read_rgb_image(tmp_path / "p.png").shape == (5, 6, 3)


@pytest.mark.parametrize("mode", ["L", "RGBA", "I;16"])
def test_refuses_other_modes(tmp_path, mode):
    Image.new(mode, (4, 3)).save(tmp_path / "x.png")
    with pytest.raises(ValueError, match=rf"guide: expected an 8-bit 3-channel RGB image, got "
                                         rf"mode '{mode}'.*x\.png"):
        read_rgb_image(tmp_path / "x.png", "guide")


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="ref: file not found: .*nope.png"):
        read_rgb_image(tmp_path / "nope.png", "ref")
    (tmp_path / "fake.png").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="rgb: not a readable image: .*fake.png"):
        read_rgb_image(tmp_path / "fake.png")
    with pytest.raises(ValueError, match="not a file"):
        read_rgb_image(tmp_path)
