"""Image files Pillow would not hand over as stored (for the reader refusal tests).

- :func:`png_rgb16`: a 16-bit-per-channel RGB PNG (Pillow opens it as 8-bit ``RGB``).
- :func:`exif_rotated_jpeg`: a JPEG whose EXIF orientation says "rotate 90 degrees".
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def png_rgb16(path: Path, rgb: np.ndarray) -> Path:
    """Write uint16 ``rgb`` (H, W, 3) as a 16-bit RGB PNG, by hand (Pillow cannot write one)."""
    h, w, _ = rgb.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    big_endian = np.ascontiguousarray(rgb.astype(">u2"))
    rows = b"".join(b"\x00" + big_endian[y].tobytes() for y in range(h))
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n"
                           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return Path(path)


def exif_rotated_jpeg(path: Path, image: np.ndarray, orientation: int = 6) -> Path:
    """Write uint8 ``image`` as a JPEG with EXIF ``orientation`` (6: viewers rotate it 90)."""
    img = Image.fromarray(image)
    exif = img.getexif()
    exif[0x0112] = orientation
    img.save(path, exif=exif.tobytes())
    return Path(path)
