"""Pixel losses used by the xmodal recipes (mmagic-style ``loss_weight``)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from ..registry import MODELS

__all__ = ["L1Loss", "MSELoss"]

_REDUCTIONS = ("mean", "sum")


class _PixelLoss(nn.Module):
    def __init__(self, loss_weight: float = 1.0, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.loss_weight = loss_weight
        self.reduction = reduction

    def _check(self, pred: Tensor, target: Tensor) -> None:
        if pred.shape != target.shape:
            raise ValueError(
                f"pred and target must have the same shape, got {tuple(pred.shape)} and "
                f"{tuple(target.shape)}"
            )


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

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        self._check(pred, target)
        return self.loss_weight * F.l1_loss(pred, target, reduction=self.reduction)


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

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        self._check(pred, target)
        return self.loss_weight * F.mse_loss(pred, target, reduction=self.reduction)
