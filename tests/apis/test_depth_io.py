"""Reading/writing every supported depth format and unit, and the RGB guide checks."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from xmodal.apis.depth_io import colourise, read_depth, read_rgb, write_depth


def _depth_mm(h: int = 6, w: int = 7) -> np.ndarray:
    d = np.arange(h * w, dtype=np.float32).reshape(h, w) * 37 + 900
    d[0, 0] = 0  # a hole
    return d


@pytest.mark.parametrize(
    ("suffix", "fmt", "unit"),
    [(".png", "png16", "mm"), (".png", "png8", "disparity"), (".npy", "npy", "m"),
     (".npz", "npz", "m")],
)
def test_round_trip_each_format(tmp_path, suffix, fmt, unit):
    depth = _depth_mm()
    if fmt == "png8":
        depth = np.clip(depth / 10, 0, 255).round()
    if fmt in ("npy", "npz"):
        depth = depth / 1000.0  # metres
    path = tmp_path / f"d{suffix}"
    write_depth(path, depth, fmt)
    got = read_depth(path)
    assert (got.fmt, got.unit, got.suffix) == (fmt, unit, suffix)
    assert got.depth.dtype == np.float32
    np.testing.assert_allclose(got.depth, depth.astype(np.float32), rtol=0, atol=1e-6)
    # write what was read: identical file content
    path2 = tmp_path / f"e{suffix}"
    write_depth(path2, got.depth, got.fmt)
    np.testing.assert_array_equal(read_depth(path2).depth, got.depth)


def test_png16_reads_uint16_range(tmp_path):
    depth = np.array([[0, 1, 65535]], dtype=np.uint16)
    Image.fromarray(depth).save(tmp_path / "d.png")
    np.testing.assert_array_equal(read_depth(tmp_path / "d.png").depth, depth.astype(np.float32))


def test_unit_override_and_bad_unit(tmp_path):
    np.save(tmp_path / "d.npy", _depth_mm())
    assert read_depth(tmp_path / "d.npy", unit="mm").unit == "mm"
    with pytest.raises(ValueError, match="depth_unit must be one of"):
        read_depth(tmp_path / "d.npy", unit="inch")


def test_npz_keys(tmp_path):
    np.savez(tmp_path / "one.npz", anything=np.ones((3, 3)))
    assert read_depth(tmp_path / "one.npz").depth.shape == (3, 3)
    np.savez(tmp_path / "two.npz", a=np.ones((3, 3)), b=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="name the depth 'depth'"):
        read_depth(tmp_path / "two.npz")


def test_write_png_invalid_and_clipping(tmp_path):
    depth = np.array([[np.nan, 0.2, 70000.0, 1234.4]], dtype=np.float32)
    clipped = write_depth(tmp_path / "o.png", depth, "png16")
    assert clipped == 2  # 0.2 -> 1 (not a hole) and 70000 -> 65535
    np.testing.assert_array_equal(read_depth(tmp_path / "o.png").depth, [[0, 1, 65535, 1234]])


@pytest.mark.parametrize("mode", ["RGBA", "L", "I;16"])
def test_rgb_rejects_non_rgb(tmp_path, mode):
    arr = np.zeros((4, 4, 4), np.uint8) if mode == "RGBA" else np.zeros((4, 4), np.uint8)
    img = Image.fromarray(arr) if mode != "I;16" else Image.fromarray(arr.astype(np.uint16))
    img.save(tmp_path / "g.png")
    with pytest.raises(ValueError, match="expected an 8-bit 3-channel RGB image"):
        read_rgb(tmp_path / "g.png")


def test_rgb_reads_jpeg_and_rejects_non_images(tmp_path):
    Image.fromarray(np.full((5, 6, 3), 100, np.uint8)).save(tmp_path / "g.jpg")
    assert read_rgb(tmp_path / "g.jpg").shape == (5, 6, 3)
    (tmp_path / "fake.png").write_text("not an image")
    with pytest.raises(ValueError, match="not a readable image"):
        read_rgb(tmp_path / "fake.png")
    with pytest.raises(ValueError, match="not a readable image"):
        read_depth(tmp_path / "fake.png")
    with pytest.raises(FileNotFoundError, match="file not found"):
        read_rgb(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="unsupported file type"):
        (tmp_path / "x.txt").write_text("1 2 3")
        read_depth(tmp_path / "x.txt")


def test_depth_rejects_colour_png(tmp_path):
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(tmp_path / "c.png")
    with pytest.raises(ValueError, match="single-channel"):
        read_depth(tmp_path / "c.png")


def test_colourise_shared_scale_and_nan():
    depth = np.array([[0.0, 5.0, 10.0, np.nan]])
    rgb = colourise(depth, 0.0, 10.0, "gray")
    assert rgb.shape == (1, 4, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 128, 255, 0])
    # a value outside the shared range saturates instead of rescaling the map
    np.testing.assert_array_equal(colourise(np.array([[20.0]]), 0.0, 10.0, "gray")[0, 0], 255)
    with pytest.raises(ValueError, match="unknown matplotlib colormap"):
        colourise(depth, 0, 1, "no-such-map")


def test_32_bit_integer_depth_outside_16_bit_is_refused(tmp_path):
    Image.fromarray(np.full((4, 5), 70000, np.int32)).save(tmp_path / "um.tif")
    with pytest.raises(ValueError, match=r"um\.tif is a 32-bit integer image with values "
                                         r"70000\.\.70000"):
        read_depth(tmp_path / "um.tif")
    Image.fromarray(np.full((4, 5), 1500, np.int32)).save(tmp_path / "mm.tif")
    d = read_depth(tmp_path / "mm.tif")
    assert d.fmt == "png16" and d.unit == "mm" and float(d.depth.max()) == 1500.0


def test_object_npy_is_refused_without_numpy_advice(tmp_path):
    np.save(tmp_path / "o.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="holds Python objects") as exc:
        read_depth(tmp_path / "o.npy")
    assert "allow_pickle" not in str(exc.value)


def test_depth_decompression_bomb_is_one_line(tmp_path, monkeypatch):
    Image.fromarray(np.full((20, 20), 1000, np.uint16)).save(tmp_path / "big.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValueError, match=r"big\.png is too large to decode safely"):
        read_depth(tmp_path / "big.png")
