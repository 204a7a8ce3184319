"""Pixel and gradient losses used by the xmodal recipes (mmagic-style ``loss_weight``)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from ..registry import MODELS, build_block

__all__ = ["CompositeLoss", "GradientL1Loss", "L1Loss", "MSELoss", "RMSELoss",
           "gradient_l1_loss"]

_REDUCTIONS = ("mean", "sum")


def _check_same_shape(pred: Tensor, target: Tensor) -> None:
    if pred.shape != target.shape:
        raise ValueError(
            f"pred and target must have the same shape, got {tuple(pred.shape)} and "
            f"{tuple(target.shape)}"
        )


class _PixelLoss(nn.Module):
    def __init__(self, loss_weight: float = 1.0, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.loss_weight = loss_weight
        self.reduction = reduction

    _loss = staticmethod(F.l1_loss)  # overridden by each subclass

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        _check_same_shape(pred, target)
        return self.loss_weight * self._loss(pred, target, reduction=self.reduction)


@MODELS.register_module()
class L1Loss(_PixelLoss):
    """``loss_weight * mean|pred - target|`` (the D2A2 training loss).

    Args:
        loss_weight: multiplier of the loss (1.0).
        reduction: ``'mean'`` or ``'sum'``.

    Shape:
        pred, target: any equal shapes, e.g. (B, 1, H, W) -> scalar.

    Raises:
        ValueError: shapes differ or ``reduction`` unknown.
    """

    _loss = staticmethod(F.l1_loss)


@MODELS.register_module()
class MSELoss(_PixelLoss):
    """``loss_weight * mean (pred - target)^2``.

    Args:
        loss_weight: multiplier of the loss (1.0).
        reduction: ``'mean'`` or ``'sum'``.

    Shape:
        pred, target: any equal shapes, e.g. (B, 1, H, W) -> scalar.

    Raises:
        ValueError: shapes differ or ``reduction`` unknown.
    """

    _loss = staticmethod(F.mse_loss)


def gradient_l1_loss(pred: Tensor, target: Tensor) -> Tensor:
    """Mean absolute difference of the horizontal and vertical finite differences.

    ``mean|dx pred - dx target| + mean|dy pred - dy target|`` with forward
    differences between neighbouring pixels; it is zero for any constant offset
    and large where an edge is smeared or misplaced, so it weighs depth
    discontinuities (where a guide image helps) far more than an L1 on the
    values does. The gradient-matching term of monocular depth losses (e.g.
    Li and Snavely, MegaDepth, CVPR 2018, Eq. 3, here on one scale and without
    the log).

    Args:
        pred: (B, C, H, W) float prediction, H, W >= 2.
        target: the same shape and dtype.

    Returns:
        A scalar tensor (mean over every difference).

    Raises:
        ValueError: shapes differ, are not 4-D, or H or W is below 2.
    """
    _check_same_shape(pred, target)
    if pred.dim() != 4 or min(pred.shape[-2:]) < 2:
        raise ValueError(f"pred must be (B, C, H, W) with H, W >= 2, got {tuple(pred.shape)}")
    diff = pred - target
    return diff.diff(dim=-1).abs().mean() + diff.diff(dim=-2).abs().mean()


@MODELS.register_module()
class GradientL1Loss(nn.Module):
    """``loss_weight * gradient_l1_loss(pred, target)`` (:func:`gradient_l1_loss`).

    Args:
        loss_weight: multiplier of the loss (1.0).

    Shape:
        pred, target: (B, C, H, W), equal -> scalar.

    Raises:
        ValueError: as :func:`gradient_l1_loss`.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss_weight * gradient_l1_loss(pred, target)


@MODELS.register_module()
class RMSELoss(nn.Module):
    """``loss_weight * mean_b sqrt(mean_{c,h,w} (pred - target)^2 + eps)``: per-sample RMSE.

    The form of the GDSR benchmark metric, which averages each frame's RMSE:
    large (edge) errors weigh more than under L1.

    Args:
        loss_weight: multiplier of the loss (1.0).
        eps: added under the root, so the gradient stays finite at zero error (> 0).

    Shape:
        pred, target: (B, ...) equal shapes -> scalar.

    Raises:
        ValueError: shapes differ, or ``eps`` is not > 0.
    """

    def __init__(self, loss_weight: float = 1.0, eps: float = 1e-12) -> None:
        super().__init__()
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.loss_weight, self.eps = loss_weight, eps

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        _check_same_shape(pred, target)
        mse = (pred - target).square().flatten(1).mean(1)
        return self.loss_weight * (mse + self.eps).sqrt().mean()


@MODELS.register_module()
class CompositeLoss(nn.Module):
    """The sum of several losses of ``(pred, target)``, each with its own ``loss_weight``.

    Args:
        losses: configs (or modules) of the terms, e.g.
            ``[dict(type='RMSELoss'), dict(type='GradientL1Loss', loss_weight=1.0)]``.

    Shape:
        pred, target: as every term accepts -> scalar.

    Raises:
        ValueError: ``losses`` is empty.
    """

    def __init__(self, losses: list) -> None:
        super().__init__()
        if not losses:
            raise ValueError("losses must list at least one loss config")
        self.terms = nn.ModuleList(build_block(cfg) for cfg in losses)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return sum(term(pred, target) for term in self.terms)
