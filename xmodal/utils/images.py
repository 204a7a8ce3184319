"""The one RGB image reader of the package (datasets, inference, demos).

Pillow decodes the file (the decoder the GDSR protocol's published numbers
depend on for JPEG guides, see docs/evaluation.md). Palette images are
expanded; anything that is not 8-bit 3-channel RGB after that (grey, RGBA,
16-bit) is refused rather than converted, so no channel is silently dropped or
invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

__all__ = ["read_rgb_image"]


def read_rgb_image(path: str | Path, name: str = "rgb") -> np.ndarray:
    """Read an 8-bit RGB image (PNG, JPEG, ...) with Pillow.

    Args:
        path: the image file.
        name: what the image is (``'rgb'``, ``'guide'``, ``'ref'``), named in errors.

    Returns:
        uint8 array (H, W, 3), RGB channel order (a palette image is expanded).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: not a file, not a readable image, or not 8-bit 3-channel RGB (a
            grey or RGBA image is refused, naming its mode and the file).

    Example:
        >>> import tempfile, os
        >>> from PIL import Image
        >>> p = os.path.join(tempfile.mkdtemp(), "g.png")
        >>> Image.new("RGB", (4, 3)).save(p)
        >>> read_rgb_image(p).shape
        (3, 4, 3)
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name}: file not found: {path}")
    if not path.is_file():
        raise ValueError(f"{name}: not a file: {path}")
    try:
        with Image.open(path) as img:
            img.load()
            if img.mode == "P":
                img = img.convert("RGBA" if "transparency" in img.info else "RGB")
            if img.mode != "RGB":
                bands = len(img.getbands())
                raise ValueError(f"{name}: expected an 8-bit 3-channel RGB image, got mode "
                                 f"{img.mode!r} ({bands} channel{'s' if bands != 1 else ''}) "
                                 f"in {path}")
            return np.asarray(img, dtype=np.uint8).copy()
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise ValueError(f"{name}: not a readable image: {path} ({err})") from None
