"""Reading and writing the files of ``xmodal upsample``: RGB guides, depth maps, colour maps.

Depth formats and their units (the unit is what a pixel value means; it can be
stated explicitly, otherwise the default of the format is used):

=================  ==================  ==========================================
file               default unit        notes
=================  ==================  ==========================================
16-bit PNG         ``'mm'``            Kinect/RealSense/ToF convention, 0 = hole
8-bit PNG          ``'disparity'``     Middlebury-style 8-bit levels, 0 = hole
``.npy``           ``'m'``             float array (H, W) in metres
``.npz``           ``'m'``             key ``'depth'`` or the only array
=================  ==================  ==========================================

Outputs are written in the format and unit of the input (16-bit PNG in, 16-bit
PNG out). Invalid pixels are 0 in every format.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from xmodal.utils import read_rgb_image

from .atomic import atomic_write

__all__ = [
    "DEPTH_UNITS",
    "IMAGE_SUFFIXES",
    "DEPTH_SUFFIXES",
    "check_depth_unit",
    "UNIT_TO_REPORT",
    "DepthFile",
    "default_unit",
    "read_rgb",
    "read_depth",
    "write_depth",
    "write_png",
    "check_colormap",
    "colourise",
]

#: Units a depth file can be stated in (``--depth-unit``).
DEPTH_UNITS: tuple[str, ...] = ("mm", "m", "disparity")

#: Multiplier from a file unit to the unit the GDSR protocol reports RMSE in, and that unit:
#: mm -> cm (RGB-D-D), m -> cm (NYUv2), disparity -> 8-bit levels (Middlebury).
UNIT_TO_REPORT: dict[str, tuple[float, str]] = {
    "mm": (0.1, "cm"),
    "m": (100.0, "cm"),
    "disparity": (1.0, "levels"),
}

#: File suffixes read as RGB guides and as depth maps.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
DEPTH_SUFFIXES = (".png", ".npy", ".npz", ".tif", ".tiff")


class DepthFile:
    """A depth map read from disk, with what is needed to write the result back alike.

    Args:
        depth: float32 array (h, w) in ``unit``; invalid pixels keep their file value
            (0, NaN or inf).
        unit: one of :data:`DEPTH_UNITS`.
        fmt: ``'png16'``, ``'png8'``, ``'npy'`` or ``'npz'``.
        path: the file it came from.
    """

    def __init__(self, depth: np.ndarray, unit: str, fmt: str, path: Path) -> None:
        self.depth = depth
        self.unit = unit
        self.fmt = fmt
        self.path = path

    @property
    def suffix(self) -> str:
        """File suffix of the format (``.png``, ``.npy``, ``.npz``)."""
        return {"png16": ".png", "png8": ".png", "npy": ".npy", "npz": ".npz"}[self.fmt]


def _check_file(path: str | Path, name: str, suffixes: tuple[str, ...]) -> Path:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name}: file not found: {path}")
    if not path.is_file():
        raise ValueError(f"{name}: not a file: {path}")
    if path.suffix.lower() not in suffixes:
        raise ValueError(f"{name}: unsupported file type {path.suffix!r} ({path}); "
                         f"expected one of {', '.join(suffixes)}")
    return path


def _open_image(path: Path, name: str) -> Image.Image:
    try:
        img = Image.open(path)
        img.load()
    except Image.DecompressionBombError as err:
        size = str(err).split(",")[0]
        raise ValueError(f"{name}: {path} is too large to decode safely ({size}; Pillow's "
                         "decompression-bomb limit)") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise ValueError(f"{name}: not a readable image: {path} ({err})") from None
    return img


def check_depth_unit(unit: str | None) -> None:
    """Raise ValueError unless ``unit`` is None or one of :data:`DEPTH_UNITS`."""
    if unit is not None and unit not in DEPTH_UNITS:
        raise ValueError(f"depth_unit must be one of {', '.join(DEPTH_UNITS)} or None, "
                         f"got {unit!r}")


def default_unit(fmt: str) -> str:
    """The unit a depth format is read in when none is stated (see the module table).

    Args:
        fmt: ``'png16'``, ``'png8'``, ``'npy'`` or ``'npz'``.

    Returns:
        ``'mm'``, ``'disparity'`` or ``'m'``.
    """
    return {"png16": "mm", "png8": "disparity", "npy": "m", "npz": "m"}[fmt]


def read_rgb(path: str | Path) -> np.ndarray:
    """Read an 8-bit RGB guide image (PNG, JPEG, ...): :func:`xmodal.utils.read_rgb_image`,
    the package's one RGB reader (Pillow), after checking the file type.

    Args:
        path: image file. Grey and RGBA images are refused, palette images expanded.

    Returns:
        uint8 array (H, W, 3), RGB channel order.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: an unsupported suffix, not an image, not 8-bit, or not 3 channels
            (e.g. RGBA: a 4-channel guide is refused rather than silently dropping alpha).
    """
    return read_rgb_image(_check_file(path, "rgb", IMAGE_SUFFIXES), "rgb")


def read_depth(path: str | Path, unit: str | None = None) -> DepthFile:
    """Read a depth map: 16-bit PNG, 8-bit PNG, ``.npy`` or ``.npz``.

    Args:
        path: the depth file.
        unit: one of :data:`DEPTH_UNITS`, or None for the format's default
            (:func:`default_unit`).

    Returns:
        A :class:`DepthFile` whose ``depth`` is float32 (h, w), values as in the file.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: unknown ``unit``, unreadable file, colour or multi-channel data,
            a non-2-D or non-numeric array, an ``.npz`` with several arrays and no
            ``'depth'`` key, a 32-bit integer image (e.g. a TIFF in micrometres) with
            values outside 0..65535 (read as 16-bit it would be clipped).
    """
    check_depth_unit(unit)
    path = _check_file(path, "depth", DEPTH_SUFFIXES)
    suffix = path.suffix.lower()
    if suffix in (".npy", ".npz"):
        try:
            data = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as err:
            why = ("it holds Python objects, refused: a depth file is a numeric array"
                   if "allow_pickle" in str(err) else str(err))
            raise ValueError(f"depth: not a readable {suffix} file: {path} ({why})") from None
        if suffix == ".npz":
            keys = list(data.keys())
            if "depth" in keys:
                arr = data["depth"]
            elif len(keys) == 1:
                arr = data[keys[0]]
            else:
                raise ValueError(f"depth: {path} holds arrays {keys}; name the depth 'depth'")
        else:
            arr = data
        fmt = suffix[1:]
        arr = np.asarray(arr)
        if arr.ndim == 3 and 1 in (arr.shape[0], arr.shape[-1]):
            arr = arr.reshape(arr.shape[1:] if arr.shape[0] == 1 else arr.shape[:2])
        if arr.ndim != 2 or not (np.issubdtype(arr.dtype, np.floating)
                                 or np.issubdtype(arr.dtype, np.integer)):
            raise ValueError(f"depth: expected a numeric (H, W) array in {path}, "
                             f"got dtype {arr.dtype} shape {arr.shape}")
    else:
        img = _open_image(path, "depth")
        if img.mode in ("I;16", "I;16B", "I;16L", "I"):
            fmt = "png16"
        elif img.mode == "L":
            fmt = "png8"
        else:
            raise ValueError(f"depth: expected a single-channel 16-bit or 8-bit image, got mode "
                             f"{img.mode!r} ({len(img.getbands())} channels) in {path}")
        arr = np.asarray(img)
        if img.mode == "I":
            _check_16bit_range(arr, path)
    return DepthFile(arr.astype(np.float32), unit or default_unit(fmt), fmt, path)


def _check_16bit_range(arr: np.ndarray, path: Path) -> None:
    """A 32-bit integer image is read as 16-bit depth only when its values fit 0..65535."""
    low, high = int(arr.min()), int(arr.max())
    if low < 0 or high > 65535:
        raise ValueError(f"depth: {path} is a 32-bit integer image with values {low}..{high}, "
                         "outside the 16-bit range it would be read in (mm, clipped): save "
                         "it as .npy in metres, or as a 16-bit PNG in mm")


def write_depth(path: str | Path, depth: np.ndarray, fmt: str) -> int:
    """Write a depth map in a file format, atomically; invalid pixels (NaN, inf, 0) become 0.

    Integer formats round to the nearest level and clip valid pixels to
    ``[1, 65535]`` (16-bit) or ``[1, 255]`` (8-bit), so that a valid pixel never
    becomes a hole; the number of clipped pixels is returned (and logged by the caller).
    The file is written to a temporary file in the same folder and then renamed
    (:func:`xmodal.apis.atomic.atomic_write`): an existing file is replaced whole
    or left as it was.

    Args:
        path: output file (its suffix should match ``fmt``); its folder is created.
        depth: float array (H, W); NaN, inf and exact 0 mark invalid pixels.
        fmt: ``'png16'``, ``'png8'``, ``'npy'`` or ``'npz'`` (key ``'depth'``).

    Returns:
        Number of valid pixels clipped to the format's range (0 for float formats).

    Raises:
        ValueError: unknown ``fmt`` or a non-2-D ``depth``.
        OSError: the file cannot be written (the message names it).
    """
    depth = np.asarray(depth, dtype=np.float32)
    if depth.ndim != 2:
        raise ValueError(f"depth must be (H, W), got shape {depth.shape}")
    if fmt not in ("png16", "png8", "npy", "npz"):
        raise ValueError(f"fmt must be 'png16', 'png8', 'npy' or 'npz', got {fmt!r}")
    invalid = ~np.isfinite(depth) | (depth == 0)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("npy", "npz"):
        out = np.where(invalid, np.float32(0), depth).astype(np.float32)
        save = (lambda fh: np.save(fh, out)) if fmt == "npy" else (
            lambda fh: np.savez_compressed(fh, depth=out))
        atomic_write(path, save)
        return 0
    top = 65535 if fmt == "png16" else 255
    levels = np.rint(np.where(invalid, 0, depth))
    clipped = int(((levels < 1) | (levels > top))[~invalid].sum())
    levels = np.where(invalid, 0, np.clip(levels, 1, top))
    write_png(path, levels.astype(np.uint16 if fmt == "png16" else np.uint8))
    return clipped


def write_png(path: str | Path, image: np.ndarray) -> Path:
    """Write a uint8 / uint16 image array as a PNG, atomically (see :func:`write_depth`).

    Raises:
        OSError: the file cannot be written (the message names it).
    """
    img = Image.fromarray(image)
    return atomic_write(path, lambda fh: img.save(fh, format="PNG"))


def check_colormap(cmap: str) -> None:
    """Raise ValueError unless ``cmap`` names a matplotlib colormap (ImportError without it)."""
    try:
        from matplotlib import colormaps
    except ImportError as err:  # pragma: no cover - matplotlib comes with mmengine
        raise ImportError("the colourised PNG needs matplotlib: pip install matplotlib") from err
    if not isinstance(cmap, str) or cmap not in colormaps:
        raise ValueError(f"unknown matplotlib colormap {cmap!r} (e.g. turbo, viridis, magma)")


def colourise(depth: np.ndarray, vmin: float, vmax: float, cmap: str = "turbo") -> np.ndarray:
    """Colour a depth map with a matplotlib colormap on a fixed value range.

    Args:
        depth: float array (H, W); NaN pixels are drawn black.
        vmin: value mapped to the low end of the colormap (same unit as ``depth``).
        vmax: value mapped to the high end (``> vmin``); pass the input's range so that
            the input and the output share one colour scale.
        cmap: matplotlib colormap name.

    Returns:
        uint8 array (H, W, 3), RGB.

    Raises:
        ImportError: if matplotlib is not installed (``pip install matplotlib``).
        ValueError: unknown colormap name.
    """
    check_colormap(cmap)
    from matplotlib import colormaps

    depth = np.asarray(depth, dtype=np.float64)
    span = vmax - vmin if vmax > vmin else 1.0
    norm = np.clip((depth - vmin) / span, 0.0, 1.0)
    rgb = colormaps[cmap](np.nan_to_num(norm, nan=0.0))[..., :3]
    rgb[~np.isfinite(depth)] = 0.0
    return (rgb * 255.0 + 0.5).astype(np.uint8)
