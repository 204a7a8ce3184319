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

    _loss = staticmethod(F.l1_loss)  # overridden by each subclass

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        if pred.shape != target.shape:
            raise ValueError(
                f"pred and target must have the same shape, got {tuple(pred.shape)} and "
                f"{tuple(target.shape)}"
            )
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
