"""The synthetic GDSR protocol of DKN / FDSR / DCTNet / D2A2 as typed functions.

The "D2A2/DCTNet" preset (docs/evaluation.md) that the guided depth
super-resolution field reports on:

1. crop the HR depth (and the guide) to a multiple of the scale, keeping the
   top-left corner (:func:`mod_crop`);
2. make the LR depth with Pillow's bicubic resize of the float32 HR depth in
   file units (:func:`make_lr_bicubic`);
3. min-max normalise HR and LR depth with the **HR** min/max of the image
   (:func:`minmax_normalise`, inverse :func:`minmax_denormalise`);
4. report the RMSE per image after de-normalising, averaged over images
   (:mod:`xmodal.evaluation`).

RGB-D-D's synthetic test keeps the zero (invalid) pixels both in the min/max
and in the RMSE: no valid-pixel mask is applied anywhere in this preset.
Everything works in float32 as the field does; the RMSE is accumulated in
float64 (see :func:`xmodal.evaluation.rmse`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from xmodal.utils.checks import check_positive_int

__all__ = [
    "SUPPORTED_SCALES",
    "check_scale",
    "mod_crop",
    "make_lr_bicubic",
    "minmax_normalise",
    "minmax_denormalise",
    "upsample_bicubic_pil",
    "resize_bicubic_pil",
]

#: Up-sampling factors the GDSR benchmarks report (x4, x8, x16).
SUPPORTED_SCALES: tuple[int, ...] = (4, 8, 16)


def check_scale(scale: int, supported: tuple[int, ...] = SUPPORTED_SCALES) -> int:
    """Validate an up-sampling factor.

    Args:
        scale: the factor to check.
        supported: the allowed factors (default ``(4, 8, 16)``).

    Returns:
        ``scale`` unchanged, as an ``int``.

    Raises:
        ValueError: if ``scale`` is not an integer in ``supported``.
    """
    is_int = isinstance(scale, (int, np.integer)) and not isinstance(scale, bool)
    if not is_int or scale not in supported:
        raise ValueError(f"scale must be one of {supported}, got {scale!r}")
    return int(scale)


def _check_depth_2d(depth: np.ndarray, name: str) -> None:
    if not isinstance(depth, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(depth).__name__}")
    if depth.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (H, W) array, got shape {depth.shape}")
    if depth.dtype != np.float32:
        raise TypeError(f"{name} must be float32 (the protocol's dtype), got {depth.dtype}")


def mod_crop(img: np.ndarray, scale: int) -> np.ndarray:
    """Crop an image so that H and W are multiples of ``scale``, keeping the top-left.

    Args:
        img: array of shape (H, W) or (H, W, C), any dtype.
        scale: the up-sampling factor (positive integer).

    Returns:
        A view ``img[:H - H % scale, :W - W % scale]`` (same dtype).

    Shape:
        (H, W[, C]) -> (H // scale * scale, W // scale * scale[, C]).

    Raises:
        TypeError: if ``img`` is not a numpy array.
        ValueError: if ``img`` is not 2-D/3-D, ``scale`` is not a positive integer or
            the image is smaller than ``scale``.

    Source: DKN/FDSR/DCTNet/D2A2 test loaders (``modcrop``), docs/evaluation.md.
    """
    if not isinstance(img, np.ndarray):
        raise TypeError(f"img must be a numpy.ndarray, got {type(img).__name__}")
    if img.ndim not in (2, 3):
        raise ValueError(f"img must have shape (H, W) or (H, W, C), got {img.shape}")
    scale = check_positive_int(scale, "scale")
    h, w = img.shape[:2]
    if h < scale or w < scale:
        raise ValueError(f"img of size {h}x{w} is smaller than scale {scale}")
    return img[: h - h % scale, : w - w % scale]


def make_lr_bicubic(depth_hr: np.ndarray, scale: int) -> np.ndarray:
    """Make the synthetic LR depth with Pillow's bicubic resize (float mode ``'F'``).

    Args:
        depth_hr: HR depth, float32 array (H, W), in file units (metres, mm or
            8-bit levels: the resize is linear, so the unit does not matter).
        scale: the down-sampling factor (positive integer).

    Returns:
        LR depth, float32 array (H // scale, W // scale), same units.

    Shape:
        (H, W) -> (H // scale, W // scale). H and W should already be multiples
        of ``scale`` (:func:`mod_crop`); otherwise Pillow resizes the whole image
        to the floored size, exactly as the official loaders do.

    Raises:
        TypeError: if ``depth_hr`` is not a float32 numpy array.
        ValueError: if it is not 2-D, or is smaller than ``scale``.

    Source: ``Image.fromarray(depth).resize((w // s, h // s), Image.BICUBIC)`` in the
    DKN/FDSR/DCTNet/D2A2 loaders (docs/evaluation.md).
    """
    _check_depth_2d(depth_hr, "depth_hr")
    scale = check_positive_int(scale, "scale")
    h, w = depth_hr.shape
    if h < scale or w < scale:
        raise ValueError(f"depth_hr of size {h}x{w} is smaller than scale {scale}")
    img = _to_pil_f(depth_hr)
    lr = img.resize((w // scale, h // scale), Image.BICUBIC)
    return np.asarray(lr, dtype=np.float32).copy()


def upsample_bicubic_pil(lr: np.ndarray, scale: int) -> np.ndarray:
    """Up-sample a float32 depth map with Pillow's bicubic resize (the Bicubic baseline).

    Args:
        lr: LR depth, float32 array (h, w), any units (normalised or file units).
        scale: the up-sampling factor (positive integer).

    Returns:
        float32 array (h * scale, w * scale), same units.

    Raises:
        TypeError: if ``lr`` is not a float32 numpy array.
        ValueError: if it is not 2-D or ``scale`` is not a positive integer.

    Source: the bicubic baseline / DKN-FDSR-DCTNet input up-sampling (docs/evaluation.md).
    """
    _check_depth_2d(lr, "lr")
    scale = check_positive_int(scale, "scale")
    h, w = lr.shape
    img = _to_pil_f(lr)
    hr = img.resize((w * scale, h * scale), Image.BICUBIC)
    return np.asarray(hr, dtype=np.float32).copy()


def resize_bicubic_pil(depth: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a float32 depth map to ``size = (h, w)`` with Pillow's bicubic (mode ``'F'``).

    Used for the real LR depth of RGB-D-D's real-world branch, which comes from
    another sensor (192x144) and is brought to the protocol's LR size
    (H // s, W // s) as the SGNet RGB-D-D loader does
    (``Image.open(lr).resize((w // s, h // s), Image.BICUBIC)``).

    Args:
        depth: float32 array (h0, w0), any units.
        size: the output ``(h, w)``, positive integers.

    Returns:
        float32 array (h, w), same units.

    Raises:
        TypeError: if ``depth`` is not a float32 numpy array.
        ValueError: if it is not 2-D or ``size`` is not two positive integers.
    """
    _check_depth_2d(depth, "depth")
    if len(size) != 2:
        raise ValueError(f"size must be (h, w), got {size!r}")
    h, w = (check_positive_int(v, "size") for v in size)
    out = _to_pil_f(depth).resize((w, h), Image.BICUBIC)
    return np.asarray(out, dtype=np.float32).copy()


def minmax_normalise(depth: np.ndarray, dmin: float, dmax: float) -> np.ndarray:
    """Min-max normalise a depth map with given (HR) bounds: ``(d - dmin) / (dmax - dmin)``.

    Args:
        depth: depth array (any shape), file units; computed in float32.
        dmin: the HR minimum (file units).
        dmax: the HR maximum (file units), strictly greater than ``dmin``.

    Returns:
        float32 array of the same shape; the HR itself maps to [0, 1], the LR made
        from it may over/undershoot slightly (bicubic ringing).

    Raises:
        ValueError: if ``dmax <= dmin`` (a constant depth map cannot be normalised)
            or either bound is not finite.

    Source: DKN/FDSR/DCTNet/D2A2 loaders, normalisation with the HR min/max.
    """
    dmin32, dmax32 = np.float32(dmin), np.float32(dmax)
    if not (np.isfinite(dmin32) and np.isfinite(dmax32)) or dmax32 <= dmin32:
        raise ValueError(
            f"need finite dmin < dmax to normalise, got dmin={dmin!r}, dmax={dmax!r} "
            "(a constant depth map cannot be min-max normalised)"
        )
    depth = np.asarray(depth, dtype=np.float32)
    return ((depth - dmin32) / (dmax32 - dmin32)).astype(np.float32, copy=False)


def minmax_denormalise(depth: np.ndarray, dmin: float, dmax: float) -> np.ndarray:
    """Inverse of :func:`minmax_normalise`: ``d * (dmax - dmin) + dmin`` (float32).

    Args:
        depth: normalised depth (any shape).
        dmin: the HR minimum (file units).
        dmax: the HR maximum (file units), strictly greater than ``dmin``.

    Returns:
        float32 array in file units.

    Raises:
        ValueError: if ``dmax <= dmin`` or either bound is not finite.
    """
    dmin32, dmax32 = np.float32(dmin), np.float32(dmax)
    if not (np.isfinite(dmin32) and np.isfinite(dmax32)) or dmax32 <= dmin32:
        raise ValueError(f"need finite dmin < dmax, got dmin={dmin!r}, dmax={dmax!r}")
    depth = np.asarray(depth, dtype=np.float32)
    return (depth * (dmax32 - dmin32) + dmin32).astype(np.float32, copy=False)


def _to_pil_f(arr: np.ndarray) -> Image.Image:
    # A 2-D float32 array is Pillow's 32-bit float mode 'F' (the mode= argument of
    # Image.fromarray is deprecated in recent Pillow, so it is inferred from the dtype).
    img = Image.fromarray(np.ascontiguousarray(arr))
    if img.mode != "F":  # pragma: no cover - guarded by _check_depth_2d
        raise TypeError(f"expected a float32 array (Pillow mode 'F'), got mode {img.mode}")
    return img
