"""Protocol-exact per-image error measures for guided depth super-resolution.

Functional forms of the figures the GDSR field reports (DKN / FDSR / DCTNet /
D2A2): the root-mean-square error and the mean absolute error of one image,
computed in float64 on de-normalised depth in the reporting unit, after an
optional border crop (NYUv2: 6 pixels). No valid-pixel mask: zeros count
(RGB-D-D synthetic test convention, docs/evaluation.md).
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["rmse", "mae", "crop_border"]

ArrayLike = np.ndarray | torch.Tensor


def _to_float64(x: ArrayLike, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().to(torch.float64).numpy()
    if isinstance(x, np.ndarray):
        return x.astype(np.float64, copy=False)
    raise TypeError(f"{name} must be a numpy.ndarray or torch.Tensor, got {type(x).__name__}")


def crop_border(x: np.ndarray, border: int) -> np.ndarray:
    """Remove ``border`` pixels from each side of the last two axes.

    Args:
        x: array (..., H, W).
        border: pixels to drop on every side (>= 0).

    Returns:
        ``x[..., border:H - border, border:W - border]`` (a view).

    Raises:
        ValueError: if ``border`` is negative or leaves no pixel.
    """
    if isinstance(border, bool) or not isinstance(border, (int, np.integer)) or border < 0:
        raise ValueError(f"border must be a non-negative integer, got {border!r}")
    if border == 0:
        return x
    h, w = x.shape[-2:]
    if 2 * border >= h or 2 * border >= w:
        raise ValueError(f"border {border} leaves no pixel of a {h}x{w} image")
    return x[..., border : h - border, border : w - border]


def _prepare(pred: ArrayLike, gt: ArrayLike, border: int) -> tuple[np.ndarray, np.ndarray]:
    p = _to_float64(pred, "pred")
    g = _to_float64(gt, "gt")
    if p.shape != g.shape:
        raise ValueError(f"pred and gt must have the same shape, got {p.shape} and {g.shape}")
    if p.ndim < 2:
        raise ValueError(f"pred and gt must be at least 2-D (..., H, W), got shape {p.shape}")
    return crop_border(p, border), crop_border(g, border)


def rmse(pred: ArrayLike, gt: ArrayLike, border: int = 0, valid: ArrayLike | None = None) -> float:
    """Root-mean-square error of ONE image, in float64.

    Args:
        pred: predicted depth (..., H, W) in the reporting unit (e.g. cm), numpy or torch.
        gt: ground-truth depth, same shape and unit.
        border: pixels cropped from each side before the error (NYUv2: 6).
        valid: optional bool mask, same shape: only these pixels count (a *masked*
            RMSE, e.g. ``~invalid_depth(gt)``; the D2A2/DCTNet protocol uses none).

    Returns:
        ``sqrt(mean((pred - gt) ** 2))`` over all remaining pixels, zeros included
        (over the valid ones when ``valid`` is given; NaN if none is valid).

    Shape:
        pred, gt: (H, W), (1, H, W) or any (..., H, W); the mean is over every element.

    Raises:
        TypeError: if an input is neither a numpy array nor a tensor.
        ValueError: if shapes differ (``valid`` included) or ``border`` is invalid.

    Example:
        >>> rmse(np.array([[0.0, 2.0]]), np.zeros((1, 2)))
        1.4142135623730951
    """
    p, g = _prepare(pred, gt, border)
    sq = (p - g) ** 2
    if valid is not None:
        v = np.asarray(valid.cpu() if isinstance(valid, torch.Tensor) else valid, dtype=bool)
        if v.shape != tuple(pred.shape):
            raise ValueError(f"valid must have the shape of pred {tuple(pred.shape)}, "
                             f"got {v.shape}")
        sq = sq[crop_border(v, border)]
    return float(np.sqrt(np.mean(sq))) if sq.size else float("nan")


def mae(pred: ArrayLike, gt: ArrayLike, border: int = 0) -> float:
    """Mean absolute error of ONE image, in float64.

    Args:
        pred: predicted depth (..., H, W) in the reporting unit, numpy or torch.
        gt: ground-truth depth, same shape and unit.
        border: pixels cropped from each side before the error.

    Returns:
        ``mean(|pred - gt|)`` over all remaining pixels, zeros included.

    Raises:
        TypeError: if an input is neither a numpy array nor a tensor.
        ValueError: if shapes differ or ``border`` is invalid.
    """
    p, g = _prepare(pred, gt, border)
    return float(np.mean(np.abs(p - g)))
