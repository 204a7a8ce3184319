"""LR-consistency adjustment: make an HR estimate average-pool exactly to the LR input.

The adjustment step of DADA, "Guided Depth Super-Resolution by Deep Anisotropic
Diffusion" (Metzger, Caye Daudt, Schindler, CVPR 2023, Eq. 3,
https://arxiv.org/abs/2211.11592): every ``scale x scale`` cell of the HR
estimate is multiplied by ``lr / avg_pool(hr)``, so that its mean equals the LR
pixel. It is a plain differentiable function of its inputs, usable after any
GDSR model.

Differences from the paper's code:

* cells whose estimate cannot be rescaled (mean <= ``eps``, or any negative
  value in the cell) are corrected additively, ``hr + (lr - avg_pool(hr))``,
  instead of being divided by ``mean + eps``; so the guarantee
  ``avg_pool(out, scale) == lr`` holds for every valid cell, including an
  all-zero estimate (a multiplicative step can never lift zeros);
* a validity mask, zeros and NaNs in the LR input all mark invalid LR pixels;
  their cells are returned unchanged (ratio 1).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.registry import MODELS
from xmodal.utils.checks import check_positive_int
from xmodal.utils.depth import invalid_depth

__all__ = ["lr_consistency_adjust", "infer_scale", "LRConsistencyAdjust"]


def infer_scale(hr: Tensor, lr: Tensor, scale: int | None = None) -> int:
    """Check the shapes of an HR/LR pair and return the integer scale factor.

    Args:
        hr: HR tensor (B, C, H, W).
        lr: LR tensor (B, C, H / s, W / s) (C may be 1 for a shared LR map only if
            ``hr`` also has one channel).
        scale: expected scale factor, or None to infer it from the shapes.

    Returns:
        The scale factor ``s`` (int >= 1) with ``H == s * h`` and ``W == s * w``.

    Raises:
        TypeError: if ``hr`` or ``lr`` is not a floating-point tensor.
        ValueError: if the tensors are not 4-D, their batch/channel sizes differ,
            or the HR size is not ``scale`` times the LR size.
    """
    for name, t in (("hr", hr), ("lr", lr)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {t.dtype}")
        if t.ndim != 4:
            raise ValueError(f"{name} must have shape (B, C, H, W), got {tuple(t.shape)}")
    if hr.shape[:2] != lr.shape[:2]:
        raise ValueError(
            f"hr and lr must have the same (B, C); got hr {tuple(hr.shape)}, lr {tuple(lr.shape)}"
        )
    (h_hr, w_hr), (h_lr, w_lr) = hr.shape[-2:], lr.shape[-2:]
    if scale is None:
        if h_lr == 0 or h_hr % h_lr != 0:
            raise ValueError(
                f"hr height {h_hr} is not an integer multiple of lr height {h_lr}"
            )
        scale = h_hr // h_lr
    check_positive_int(scale, "scale")
    if (h_hr, w_hr) != (h_lr * scale, w_lr * scale):
        raise ValueError(
            f"hr spatial size must be scale={scale} times lr size {(h_lr, w_lr)}, "
            f"got {(h_hr, w_hr)}"
        )
    return scale


def _upsample_nearest(x: Tensor, scale: int) -> Tensor:
    """Repeat every pixel into a ``scale x scale`` block (exact for integer scales)."""
    return x.repeat_interleave(scale, dim=-2).repeat_interleave(scale, dim=-1)


def lr_consistency_adjust(
    hr: Tensor,
    lr: Tensor,
    scale: int | None = None,
    valid: Tensor | None = None,
    eps: float = 1e-6,
    zero_invalid: bool = True,
) -> Tensor:
    """Rescale an HR estimate so that its ``scale x scale`` average pooling equals ``lr``.

    For every LR pixel ``(i, j)`` with cell ``P`` of ``scale x scale`` HR pixels and
    cell mean ``m = avg_pool(hr)[i, j]``:

    * LR pixel invalid (``valid`` False, ``lr`` zero or NaN): the cell is unchanged;
    * ``m > eps`` and no negative value in the cell: multiplicative (DADA, Eq. 3),
      ``out[P] = hr[P] * lr / m``;
    * otherwise (all-zero, near-zero or partly negative estimate): additive fallback,
      ``out[P] = hr[P] + (lr - m)``.

    Hence ``avg_pool2d(out, scale) == lr`` on every valid cell (up to float rounding,
    about 1e-7 relative in float32). The function is differentiable in ``hr`` and
    ``lr`` (the branch selection itself carries no gradient).

    Args:
        hr: HR estimate (B, C, H, W), float, finite; depth in any unit (same as ``lr``).
        lr: LR input (B, C, H / s, W / s), same dtype and unit as ``hr``.
        scale: integer scale factor ``s``; None infers it from the shapes.
        valid: optional bool mask of valid LR pixels, shape (B, C | 1, H / s, W / s).
        eps: smallest cell mean that is rescaled multiplicatively (same unit as ``hr``).
        zero_invalid: treat ``lr == 0`` as invalid (the DADA convention for depth
            holes). Set False for data whose valid range includes 0 (e.g. min-max
            normalised depth).

    Returns:
        Tensor (B, C, H, W), same dtype as ``hr``.

    Shape:
        - hr: (B, C, H, W); lr: (B, C, H / s, W / s); valid: (B, C or 1, H / s, W / s)
        - output: (B, C, H, W)

    Raises:
        TypeError: if ``hr``/``lr`` are not floating-point tensors or ``valid`` is not bool.
        ValueError: on inconsistent shapes, a non-positive scale or a negative ``eps``.

    Example:
        >>> hr = torch.rand(1, 1, 8, 8) + 0.1
        >>> lr = torch.rand(1, 1, 2, 2) + 0.1
        >>> out = lr_consistency_adjust(hr, lr)
        >>> torch.allclose(torch.nn.functional.avg_pool2d(out, 4), lr, atol=1e-5)
        True
    """
    s = infer_scale(hr, lr, scale)
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    lr_ok = ~invalid_depth(lr, zero_invalid)
    if valid is not None:
        if not isinstance(valid, Tensor) or valid.dtype != torch.bool:
            raise TypeError("valid must be a bool tensor")
        expected = (lr.shape[0], lr.shape[1], *lr.shape[-2:])
        if valid.ndim != 4 or valid.shape[0] != lr.shape[0] or valid.shape[-2:] != lr.shape[-2:] \
                or valid.shape[1] not in (1, lr.shape[1]):
            raise ValueError(
                f"valid must have shape {expected} (or channel 1), got {tuple(valid.shape)}"
            )
        lr_ok = lr_ok & valid
    pooled = F.avg_pool2d(hr, s)
    cell_min = -F.max_pool2d(-hr, s)
    multiplicative = lr_ok & (pooled > eps) & (cell_min >= 0)
    additive = lr_ok & ~multiplicative
    lr_safe = torch.where(lr_ok, lr, torch.ones_like(lr))
    ratio = torch.where(multiplicative, lr_safe / torch.where(multiplicative, pooled, 1.0), 1.0)
    shift = torch.where(additive, lr_safe - pooled, 0.0)
    return hr * _upsample_nearest(ratio, s) + _upsample_nearest(shift, s)


@MODELS.register_module()
class LRConsistencyAdjust(nn.Module):
    """Module form of :func:`lr_consistency_adjust` (DADA adjustment step, CVPR 2023, Eq. 3).

    Append it to any GDSR generator to guarantee ``avg_pool2d(out, scale) == lr`` on
    valid LR pixels. It has no parameters.

    Args:
        scale: integer scale factor, or None to infer it from the input shapes.
        eps: smallest cell mean rescaled multiplicatively (else additive correction).
        zero_invalid: treat LR zeros as invalid pixels (DADA convention).

    Shape:
        - hr: (B, C, H, W); lr: (B, C, H / s, W / s); valid: (B, C or 1, H / s, W / s) bool
        - output: (B, C, H, W)

    Example:
        >>> adjust = LRConsistencyAdjust(scale=4)
        >>> out = adjust(torch.rand(2, 1, 16, 16), torch.rand(2, 1, 4, 4))
        >>> out.shape
        torch.Size([2, 1, 16, 16])
    """

    def __init__(
        self, scale: int | None = None, eps: float = 1e-6, zero_invalid: bool = True
    ) -> None:
        super().__init__()
        if scale is not None and (not isinstance(scale, int) or scale < 1):
            raise ValueError(f"scale must be a positive int or None, got {scale!r}")
        self.scale = scale
        self.eps = eps
        self.zero_invalid = zero_invalid

    def forward(self, hr: Tensor, lr: Tensor, valid: Tensor | None = None) -> Tensor:
        """Return the LR-consistent version of ``hr`` (see :func:`lr_consistency_adjust`)."""
        return lr_consistency_adjust(hr, lr, self.scale, valid, self.eps, self.zero_invalid)

    def extra_repr(self) -> str:
        return f"scale={self.scale}, eps={self.eps}, zero_invalid={self.zero_invalid}"
