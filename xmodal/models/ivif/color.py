"""RGB <-> YCbCr (ITU-R BT.601, full range, JPEG/JFIF) for fusion on the luma channel.

Fusion networks of the SeAFusion family fuse the infrared image with the
visible image's Y and restore colour from the visible Cb, Cr. These are the
exact JFIF equations (Cb = 0.5 + (B - Y) / 1.772, Cr = 0.5 + (R - Y) / 1.402),
so the round trip is the identity up to float rounding.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["rgb_to_ycbcr", "ycbcr_to_rgb", "rgb_to_luma"]

_KR, _KG, _KB = 0.299, 0.587, 0.114


def _check(x: object, name: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() != 4 or x.shape[1] != 3:
        raise ValueError(f"{name} must be (B, 3, H, W), got shape {tuple(x.shape)}")


def rgb_to_luma(rgb: Tensor) -> Tensor:
    """BT.601 luma ``Y = 0.299 R + 0.587 G + 0.114 B``.

    Args:
        rgb: (B, 3, H, W) float, RGB in [0, 1].

    Returns:
        (B, 1, H, W) Y in [0, 1].

    Raises:
        TypeError / ValueError: not a (B, 3, H, W) tensor.
    """
    _check(rgb, "rgb")
    r, g, b = rgb.unbind(1)
    return (_KR * r + _KG * g + _KB * b).unsqueeze(1)


def rgb_to_ycbcr(rgb: Tensor) -> Tensor:
    """RGB -> YCbCr (BT.601 full range, chroma offset 0.5).

    Args:
        rgb: (B, 3, H, W) float, RGB in [0, 1].

    Returns:
        (B, 3, H, W): Y in [0, 1], Cb and Cr in [0, 1] (0.5 = neutral).

    Example:
        >>> x = torch.rand(1, 3, 4, 4)
        >>> torch.allclose(ycbcr_to_rgb(rgb_to_ycbcr(x)), x, atol=1e-6)
        True
    """
    y = rgb_to_luma(rgb)
    cb = 0.5 + (rgb[:, 2:3] - y) / (2.0 * (1.0 - _KB))
    cr = 0.5 + (rgb[:, 0:1] - y) / (2.0 * (1.0 - _KR))
    return torch.cat((y, cb, cr), dim=1)


def ycbcr_to_rgb(ycbcr: Tensor) -> Tensor:
    """YCbCr -> RGB, the exact inverse of :func:`rgb_to_ycbcr` (no clamping).

    Args:
        ycbcr: (B, 3, H, W) float (Y, Cb, Cr), chroma offset 0.5.

    Returns:
        (B, 3, H, W) RGB; values outside [0, 1] are kept (clamp before saving).
    """
    _check(ycbcr, "ycbcr")
    y, cb, cr = ycbcr[:, 0:1], ycbcr[:, 1:2] - 0.5, ycbcr[:, 2:3] - 0.5
    r = y + 2.0 * (1.0 - _KR) * cr
    b = y + 2.0 * (1.0 - _KB) * cb
    g = (y - _KR * r - _KB * b) / _KG
    return torch.cat((r, g, b), dim=1)
