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


def test_ir_reader_keeps_bit_depth(tmp_path):
    from xmodal.utils.images import ir_to_unit, read_ir_image

    a16 = np.array([[0, 1000], [40000, 65535]], np.uint16)
    Image.fromarray(a16).save(tmp_path / "a16.png")
    got = read_ir_image(tmp_path / "a16.png")
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, a16)
    np.testing.assert_allclose(ir_to_unit(got), a16 / 65535.0, rtol=1e-6)
    a8 = np.array([[0, 255]], np.uint8)
    Image.fromarray(a8).save(tmp_path / "a8.png")
    assert read_ir_image(tmp_path / "a8.png").dtype == np.uint8
    with pytest.raises(TypeError, match="ir must be a uint8 or uint16"):
        ir_to_unit(np.zeros((2, 2), np.float32))


def test_ir_reader_accepts_grey_rgb_refuses_colour(tmp_path):
    from xmodal.utils.images import read_ir_image

    grey = np.repeat(np.arange(12, dtype=np.uint8).reshape(3, 4)[..., None], 3, 2)
    Image.fromarray(grey).save(tmp_path / "g.png")
    assert read_ir_image(tmp_path / "g.png").shape == (3, 4)
    grey[0, 0, 1] = 200
    Image.fromarray(grey).save(tmp_path / "c.png")
    with pytest.raises(ValueError, match="ir: expected a grey infrared image.*c.png"):
        read_ir_image(tmp_path / "c.png")
    Image.new("RGBA", (4, 3)).save(tmp_path / "a.png")
    with pytest.raises(ValueError, match="mode 'RGBA'"):
        read_ir_image(tmp_path / "a.png")


def test_visible_reader(tmp_path):
    from xmodal.utils.images import read_visible_image

    Image.new("L", (4, 3), 9).save(tmp_path / "l.png")
    got = read_visible_image(tmp_path / "l.png")
    assert got.shape == (3, 4, 3) and (got == 9).all()
    Image.new("RGBA", (4, 3), (1, 2, 3, 4)).save(tmp_path / "a.png")
    with pytest.raises(ValueError, match="vis: RGBA image with an alpha channel"):
        read_visible_image(tmp_path / "a.png")
    np.testing.assert_array_equal(read_visible_image(tmp_path / "a.png", drop_alpha=True)[0, 0],
                                  [1, 2, 3])
    Image.new("I;16", (4, 3)).save(tmp_path / "i.png")
    with pytest.raises(ValueError, match="8-bit RGB or grey"):
        read_visible_image(tmp_path / "i.png")


def _png_rgb16(path, h: int = 3, w: int = 4) -> None:
    """A 16-bit-per-channel RGB PNG written by hand (Pillow cannot write one)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(range(6 * w)) for _ in range(h))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2,
                                                                          0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_16_bit_rgb_guide_is_refused_not_reduced(tmp_path):
    _png_rgb16(tmp_path / "g16.png")
    assert Image.open(tmp_path / "g16.png").mode == "RGB"  # what Pillow would hand over
    with pytest.raises(ValueError, match=r"g16\.png stores 16-bit channels"):
        read_rgb_image(tmp_path / "g16.png")


def test_exif_rotated_jpeg_is_refused(tmp_path):
    img = Image.new("RGB", (4, 3))
    exif = img.getexif()
    exif[0x0112] = 6
    img.save(tmp_path / "r.jpg", exif=exif.tobytes())
    with pytest.raises(ValueError, match=r"r\.jpg has EXIF orientation 6"):
        read_rgb_image(tmp_path / "r.jpg")
    img.save(tmp_path / "upright.jpg")
    assert read_rgb_image(tmp_path / "upright.jpg").shape == (3, 4, 3)


def test_decompression_bomb_is_one_line(tmp_path, monkeypatch):
    Image.new("RGB", (20, 20)).save(tmp_path / "big.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValueError, match=r"big\.png is too large to decode safely") as exc:
        read_rgb_image(tmp_path / "big.png")
    assert "\n" not in str(exc.value)


def test_fusion_readers_refuse_what_pillow_would_change(tmp_path, monkeypatch):
    """16-bit RGB, EXIF rotation and decompression bombs: refused by the IR / visible readers."""
    from unfaithful_images import exif_rotated_jpeg, png_rgb16

    from xmodal.utils.images import read_ir_image, read_visible_image

    png_rgb16(tmp_path / "ir48.png", np.full((3, 4, 3), 40000, np.uint16))
    assert np.asarray(Image.open(tmp_path / "ir48.png")).max() == 156  # what Pillow gives
    with pytest.raises(ValueError, match=r"ir48\.png stores 16-bit channels.*16-bit grey"):
        read_ir_image(tmp_path / "ir48.png")
    with pytest.raises(ValueError, match=r"ir48\.png stores 16-bit channels.*8-bit RGB"):
        read_visible_image(tmp_path / "ir48.png")
    exif_rotated_jpeg(tmp_path / "r.jpg", np.zeros((3, 4, 3), np.uint8))
    for read in (read_ir_image, read_visible_image):
        with pytest.raises(ValueError, match=r"r\.jpg has EXIF orientation 6"):
            read(tmp_path / "r.jpg")
    Image.new("L", (20, 20)).save(tmp_path / "big.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    for read in (read_ir_image, read_visible_image):
        with pytest.raises(ValueError, match=r"big\.png is too large to decode safely") as exc:
            read(tmp_path / "big.png")
        assert "\n" not in str(exc.value)
