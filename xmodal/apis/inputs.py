"""Checks and conversions of the inference inputs, each with one clear error message.

Used by :class:`xmodal.apis.GDSRInferencer` before any compute: the guide and the
LR depth are turned into float tensors (B=1) or refused with a ``TypeError`` /
``ValueError`` that names the argument, what was expected and what was given.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import Tensor

from xmodal.utils.checks import check_positive_int

__all__ = ["guide_tensor", "depth_tensor", "check_depth_values", "check_tiling", "pick_scale"]


def _writable(arr: np.ndarray) -> np.ndarray:
    """``arr``, copied when read-only (``np.asarray(PIL image)``): torch would warn per call."""
    return arr if arr.flags.writeable else arr.copy()


def _numpy_guide(rgb: np.ndarray) -> tuple[Tensor, bool]:
    if rgb.dtype == np.bool_ or not (np.issubdtype(rgb.dtype, np.integer)
                                     or np.issubdtype(rgb.dtype, np.floating)):
        raise TypeError(f"rgb must be a uint8 or float array, got dtype {rgb.dtype}")
    if rgb.ndim == 3 and rgb.shape[0] == 3 and rgb.shape[-1] != 3:
        raise ValueError(f"rgb must be an (H, W, 3) RGB array (channels last), got shape "
                         f"{rgb.shape}: a (3, H, W) array needs rgb.transpose(1, 2, 0)")
    if rgb.ndim != 3 or rgb.shape[-1] != 3:
        got = f"{rgb.shape[-1]} channels" if rgb.ndim == 3 else f"shape {rgb.shape}"
        raise ValueError(f"rgb must be an (H, W, 3) RGB array, got {got}")
    t = torch.from_numpy(_writable(np.ascontiguousarray(rgb))).permute(2, 0, 1)
    return t, rgb.dtype == np.uint8


def _tensor_guide(rgb: Tensor) -> tuple[Tensor, bool]:
    if rgb.dtype == torch.bool or rgb.is_complex():
        raise TypeError(f"rgb must be a uint8 or float tensor, got dtype {rgb.dtype}")
    t = rgb[0] if rgb.ndim == 4 and rgb.shape[0] == 1 else rgb
    if t.ndim != 3 or t.shape[0] != 3:
        raise ValueError(f"rgb must be a (3, H, W) or (1, 3, H, W) tensor, got shape "
                         f"{tuple(rgb.shape)}")
    return t, t.dtype == torch.uint8


def guide_tensor(rgb: Any) -> Tensor:
    """The HR guide as a float tensor (1, 3, H, W) in [0, 1].

    Args:
        rgb: uint8 or [0, 1] float array (H, W, 3), or tensor (3, H, W) / (1, 3, H, W).

    Raises:
        TypeError: not an array/tensor, or a bool / non-numeric dtype.
        ValueError: not 3-channel RGB (a (3, H, W) array is named as such), NaN/inf, a
            float guide outside [0, 1], or an empty image.
    """
    if isinstance(rgb, np.ndarray):
        t, uint8 = _numpy_guide(rgb)
    elif isinstance(rgb, Tensor):
        t, uint8 = _tensor_guide(rgb)
    else:
        raise TypeError(f"rgb must be a numpy array or torch tensor, got {type(rgb).__name__}")
    if t.shape[-2] == 0 or t.shape[-1] == 0:
        raise ValueError(f"rgb is empty: shape {tuple(rgb.shape)}")
    t = t.float() / 255.0 if uint8 else t.float()
    if not bool(torch.isfinite(t).all()):
        raise ValueError("rgb contains NaN or inf values")
    if not uint8 and (t.min() < 0 or t.max() > 1):
        raise ValueError(f"a float rgb must lie in [0, 1], got range [{t.min():.3g}, {t.max():.3g}]"
                         "; pass uint8 for 8-bit images")
    return t[None]


def depth_tensor(depth: Any) -> Tensor:
    """The LR depth as a float32 tensor (1, 1, h, w), values as given.

    Args:
        depth: array or tensor (h, w), (1, h, w) or (1, 1, h, w); any strides
            (negative-stride numpy views are copied).

    Raises:
        TypeError: not an array/tensor, or a bool / non-numeric dtype.
        ValueError: not a single depth map, or an empty one.
    """
    if isinstance(depth, np.ndarray):
        if depth.dtype == np.bool_ or not (np.issubdtype(depth.dtype, np.floating)
                                           or np.issubdtype(depth.dtype, np.integer)):
            raise TypeError(f"depth_lr must be numeric, got dtype {depth.dtype}")
        t = torch.from_numpy(_writable(np.ascontiguousarray(depth, dtype=np.float32)))
    elif isinstance(depth, Tensor):
        if depth.dtype == torch.bool or depth.is_complex():
            raise TypeError(f"depth_lr must be a real-valued tensor, got dtype {depth.dtype}")
        t = depth.float()
    else:
        raise TypeError(f"depth_lr must be a numpy array or torch tensor, got "
                        f"{type(depth).__name__}")
    while t.ndim > 2 and t.shape[0] == 1:
        t = t[0]
    if t.ndim != 2:
        raise ValueError(f"depth_lr must be a single depth map (h, w), got shape "
                         f"{tuple(depth.shape)}")
    if t.numel() == 0:
        raise ValueError(f"depth_lr is empty: shape {tuple(depth.shape)}")
    return t[None, None]


def check_depth_values(lr: Tensor, invalid: Tensor) -> None:
    """Refuse an LR depth with no valid pixel or with negative values.

    Depth (mm, m) and disparity are never negative; 0 marks a hole. A negative value
    is refused rather than used: the min-max normalisation would take it as the
    nearest depth and stretch the output's range past every valid one.

    Raises:
        ValueError: every pixel invalid (0, NaN, inf), or negative values (the message
            gives their count and the minimum).
    """
    if bool(invalid.all()):
        raise ValueError("depth_lr has no valid pixel (all zero, NaN or inf)")
    negative = (lr < 0) & ~invalid
    if bool(negative.any()):
        raise ValueError(f"depth_lr has {int(negative.sum())} negative values (min "
                         f"{float(lr[negative].min()):.6g}): depth must be >= 0 (0 marks a "
                         "hole); shift or mask it first")


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def check_tiling(tile: int | None, overlap: int, scale: int | None = None) -> None:
    """Check the tile size and overlap (HR pixels); with ``scale``, that both are multiples.

    Raises:
        ValueError: ``tile`` not a positive integer, ``overlap`` negative or not an
            integer, ``overlap >= tile``, or (with ``scale``) not multiples of the scale
            (tiles are aligned to the LR grid).
    """
    if tile is None:
        return
    check_positive_int(tile, "tile")
    if not _is_int(overlap) or overlap < 0:
        raise ValueError(f"overlap must be a non-negative number of HR pixels, got {overlap!r}")
    if overlap >= tile:
        raise ValueError(f"overlap ({overlap}) must be smaller than tile ({tile})")
    if scale is not None and (tile % scale or overlap % scale):
        raise ValueError(f"tile ({tile}) and overlap ({overlap}) must be multiples of the "
                         f"scale {scale} (tiles are aligned to the LR grid)")


def _resize_scale(ratio: float, options: tuple[int, ...] | None, model_name: str) -> int:
    if options is None:
        return max(1, math.ceil(ratio - 1e-6))
    fits = [s for s in options if s >= ratio - 1e-6]
    if not fits:
        raise ValueError(f"rgb is {ratio:.2f}x the depth, more than {model_name}'s "
                         f"x{options[-1]}")
    return fits[0]


#: Largest aspect-ratio difference ``--resize-guide`` stretches away (plus one LR pixel).
ASPECT_TOLERANCE = 0.02


def _check_aspect(size_hr: tuple[int, int], size_lr: tuple[int, int]) -> None:
    """Refuse a guide whose aspect ratio differs from the depth's beyond the tolerance."""
    (hh, wh), (hl, wl) = size_hr, size_lr
    mismatch = abs((wh / hh) / (wl / hl) - 1.0)
    if mismatch > ASPECT_TOLERANCE + 1.0 / min(hl, wl):
        raise ValueError(f"rgb {wh}x{hh} and depth {wl}x{hl} differ in aspect ratio by "
                         f"{100 * mismatch:.0f} %: --resize-guide would stretch the guide; "
                         "crop one of them to the other's field of view first")


def pick_scale(size_hr: tuple[int, int], size_lr: tuple[int, int], scale: int | None,
               options: tuple[int, ...] | None, resize_guide: bool,
               model_name: str = "the model") -> int:
    """The integer scale factor for a guide of ``size_hr`` and an LR of ``size_lr``.

    Args:
        size_hr: (H, W) of the guide; size_lr: (h, w) of the depth.
        scale: the scale asked for, or None to infer it.
        options: the scales the model runs at (None: any).
        resize_guide: the guide may be resized to ``scale * (h, w)``; None then picks
            the smallest option that covers the size ratio.
        model_name: named in the error messages.

    Raises:
        ValueError: a bad ``scale``, a guide smaller than the depth with
            ``resize_guide`` (it would shrink the depth) or whose aspect ratio differs
            from the depth's by more than :data:`ASPECT_TOLERANCE` (plus one LR pixel:
            it would be stretched), or sizes that are not an
            integer multiple up to ``scale - 1`` pixels (without ``resize_guide``).
    """
    (hh, wh), (hl, wl) = size_hr, size_lr
    if scale is not None:
        check_positive_int(scale, "scale")
    if resize_guide:
        if hh < hl or wh < wl:
            raise ValueError(f"rgb ({wh}x{hh}) is smaller than the depth ({wl}x{hl}): "
                             "--resize-guide only enlarges the guide; the depth is never shrunk")
        _check_aspect((hh, wh), (hl, wl))
        return scale if scale is not None else _resize_scale(max(hh / hl, wh / wl), options,
                                                             model_name)
    s = scale if scale is not None else max(1, round(hh / hl))
    ok = abs(hh - s * hl) < s and abs(wh - s * wl) < s
    if scale is None:
        ok = ok and round(wh / wl) == s
    if not ok:
        raise ValueError(
            f"rgb size {wh}x{hh} is not x{s} the depth size {wl}x{hl} (ratio "
            f"{wh / wl:.3f} x {hh / hl:.3f}; an integer scale is needed, up to scale-1 pixels of "
            "padding); pass resize_guide=True (--resize-guide) to resize the guide to the "
            "network's grid"
        )
    return s
