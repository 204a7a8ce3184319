"""The one RGB image reader of the package (datasets, inference, demos).

Pillow decodes the file (the decoder the GDSR protocol's published numbers
depend on for JPEG guides, see docs/evaluation.md). Palette images are
expanded; anything that is not 8-bit 3-channel RGB after that (grey, RGBA,
16-bit) is refused rather than converted, so no channel is silently dropped or
invented. The infrared-visible fusion readers (:func:`read_ir_image`,
:func:`read_visible_image`) keep 16-bit IR at its bit depth and refuse RGBA
visible images unless asked to drop the alpha channel. Every reader refuses
what Pillow would not hand over as stored: 16-bit colour channels (reduced to
8 bits), an EXIF orientation other than upright, and images over Pillow's
decompression-bomb limit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

__all__ = ["read_rgb_image", "read_ir_image", "ir_to_unit", "read_visible_image"]


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
            grey or RGBA image is refused, naming its mode and the file); 16-bit
            channels (Pillow would reduce them to 8 bits); an EXIF orientation other
            than upright (the stored pixels are not what a viewer shows); more pixels
            than Pillow's decompression-bomb limit.

    Example:
        >>> import tempfile, os
        >>> from PIL import Image
        >>> p = os.path.join(tempfile.mkdtemp(), "g.png")
        >>> Image.new("RGB", (4, 3)).save(p)
        >>> read_rgb_image(p).shape
        (3, 4, 3)
    """
    with _open_checked(path, name, "save it as 8-bit RGB") as img:
        if img.mode != "RGB":
            bands = len(img.getbands())
            raise ValueError(f"{name}: expected an 8-bit 3-channel RGB image, got mode "
                             f"{img.mode!r} ({bands} channel{'s' if bands != 1 else ''}) "
                             f"in {path}")
        return np.asarray(img, dtype=np.uint8).copy()


def _stored_bits(img: Image.Image, path: Path) -> int:
    """Bits per channel as stored in the file (Pillow decodes 16-bit RGB PNG as 8-bit)."""
    if img.format == "PNG":
        with open(path, "rb") as fh:
            header = fh.read(25)
        return header[24] if len(header) == 25 else 8
    if img.format == "TIFF":
        bits = img.tag_v2.get(258, (8,))
        return max(bits) if isinstance(bits, tuple) else int(bits)
    return 8


def _check_faithful(img: Image.Image, name: str, path: Path, fix: str) -> None:
    """Refuse a file Pillow would change on reading: 16-bit colour channels, EXIF rotation.

    ``fix`` (e.g. ``'save it as 8-bit RGB'``) ends the 16-bit message.
    """
    bits = _stored_bits(img, path)
    if bits > 8 and img.mode not in ("I", "I;16", "F"):
        raise ValueError(f"{name}: {path} stores {bits}-bit channels, which would be reduced "
                         f"to 8 bits: {fix}")
    orientation = img.getexif().get(0x0112, 1)
    if orientation not in (1, None):
        raise ValueError(f"{name}: {path} has EXIF orientation {orientation} (shown rotated or "
                         "mirrored, stored unrotated): save it upright (orientation 1) so that "
                         "it is aligned with the depth as stored")


def _open_checked(path: str | Path, name: str, fix: str) -> Image.Image:
    """Open and decode ``path`` with Pillow, refusing what it would not read faithfully.

    The one opener of the readers here: 16-bit colour channels (Pillow reduces them
    to 8 bits; ``fix`` says what to do instead), an EXIF orientation other than
    upright, more pixels than Pillow's decompression-bomb limit. A palette image is
    expanded.

    Raises:
        FileNotFoundError, ValueError: one line naming ``name`` and the file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name}: file not found: {path}")
    if not path.is_file():
        raise ValueError(f"{name}: not a file: {path}")
    try:
        img = Image.open(path)
        try:
            _check_faithful(img, name, path, fix)
            img.load()
        except BaseException:
            img.close()
            raise
    except Image.DecompressionBombError as err:
        size = str(err).split(",")[0]
        raise ValueError(f"{name}: {path} is too large to decode safely ({size}; Pillow's "
                         "decompression-bomb limit)") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise ValueError(f"{name}: not a readable image: {path} ({err})") from None
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    return img


def _grey_from_rgb(arr: np.ndarray, name: str, path: Path) -> np.ndarray:
    """An RGB array whose three channels are identical, as (H, W); else ValueError."""
    if not (np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 0], arr[..., 2])):
        raise ValueError(f"{name}: expected a grey infrared image, got a colour RGB image "
                         f"(channels differ) in {path}")
    return np.ascontiguousarray(arr[..., 0])


def read_ir_image(path: str | Path, name: str = "ir") -> np.ndarray:
    """Read a grey infrared image, 8-bit or 16-bit, keeping its bit depth.

    8-bit grey (mode ``L``) is returned as uint8 and 16-bit grey (``I;16``, or
    ``I`` with values in 0..65535, e.g. a 16-bit PNG or TIFF) as uint16: nothing
    is rescaled or clipped here, the caller scales by the bit depth
    (``/ 255`` or ``/ 65535``, :func:`ir_to_unit`). Pillow's ``convert('L')``
    would saturate 16-bit data at 255 and is never used. An RGB file whose three
    channels are identical (IR saved as colour) is read as its one channel; a
    true colour image is refused.

    Args:
        path: the image file (PNG, JPEG, TIFF, ...).
        name: what the image is, named in errors.

    Returns:
        (H, W) uint8 or uint16 array.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: not a file or not readable; a colour image whose channels differ;
            a mode other than L / I;16 / I / RGB (e.g. RGBA, float ``F``); ``I`` data
            outside 0..65535; 16-bit RGB channels (Pillow would reduce them to 8 bits);
            an EXIF orientation other than upright; a decompression bomb.
    """
    path = Path(path)
    with _open_checked(path, name, "save it as 16-bit grey") as img:
        mode = img.mode
        arr = np.asarray(img)
    if mode == "L":
        return arr.astype(np.uint8, copy=True)
    if mode.startswith("I;16") or mode == "I":
        if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 65535):
            raise ValueError(f"{name}: integer image with values outside 0..65535 in {path} "
                             f"(range {int(arr.min())}..{int(arr.max())}); 8- or 16-bit expected")
        return arr.astype(np.uint16)
    if mode == "RGB":
        return _grey_from_rgb(arr, name, path)
    raise ValueError(f"{name}: expected an 8- or 16-bit grey infrared image, got mode {mode!r} "
                     f"in {path}")


def ir_to_unit(ir: np.ndarray, name: str = "ir") -> np.ndarray:
    """Scale an integer IR image to float32 [0, 1] by its bit depth.

    Args:
        ir: (H, W) uint8 (divided by 255) or uint16 (divided by 65535).
        name: named in errors.

    Returns:
        float32 (H, W) in [0, 1].

    Raises:
        TypeError: another dtype.
    """
    if not isinstance(ir, np.ndarray) or ir.dtype not in (np.uint8, np.uint16):
        got = ir.dtype if isinstance(ir, np.ndarray) else type(ir).__name__
        raise TypeError(f"{name} must be a uint8 or uint16 array, got {got}")
    return ir.astype(np.float32) / float(np.iinfo(ir.dtype).max)


def read_visible_image(path: str | Path, name: str = "vis", drop_alpha: bool = False
                       ) -> np.ndarray:
    """Read an 8-bit visible image, RGB or grey, for infrared-visible fusion.

    A grey image (mode ``L``) is returned as (H, W, 3) with three equal channels:
    its BT.601 luma is the grey value and its chroma neutral, so fusion treats it
    exactly as grey. An RGBA image is refused unless ``drop_alpha=True`` (then the
    alpha channel is discarded, not composited).

    Args:
        path: the image file.
        name: what the image is, named in errors.
        drop_alpha: accept RGBA / LA images by dropping their alpha channel.

    Returns:
        uint8 (H, W, 3) RGB array.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: not a file or not readable; RGBA / LA without ``drop_alpha``;
            16-bit or other modes (only 8-bit visible images are read, also a 16-bit
            RGB file Pillow would reduce to 8 bits); an EXIF orientation other than
            upright; a decompression bomb.
    """
    path = Path(path)
    with _open_checked(path, name, "save it as 8-bit RGB") as img:
        mode = img.mode
        if mode in ("RGBA", "LA") and not drop_alpha:
            raise ValueError(f"{name}: {mode} image with an alpha channel in {path}: pass "
                             "drop_alpha=True (--drop-alpha) to discard the alpha channel")
        if mode in ("RGBA", "LA"):
            img = img.convert("RGB" if mode == "RGBA" else "L")
        if img.mode not in ("RGB", "L"):
            raise ValueError(f"{name}: expected an 8-bit RGB or grey visible image, got mode "
                             f"{mode!r} in {path}")
        arr = np.asarray(img, dtype=np.uint8)
    return np.repeat(arr[..., None], 3, axis=2) if arr.ndim == 2 else arr.copy()
