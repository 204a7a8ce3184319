"""Masked pixel loss of the DADA preset (invalid ground-truth pixels carry no loss)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from xmodal.registry import MODELS

__all__ = ["MaskedL1Loss"]


@MODELS.register_module()
class MaskedL1Loss(nn.Module):
    """``loss_weight * mean |pred - target|`` over the valid target pixels.

    DADA's training loss (authors' ``losses.py``: L1 over ``mask_hr == 1``, times
    10). The DADA preset stores invalid ground truth as ``invalid_value`` (0: depth
    holes, see :class:`xmodal.datasets.PackDADAInputs`), so the mask is recovered
    from the target and the loss plugs into :class:`xmodal.models.GDSRModel`
    unchanged; non-finite targets are invalid too.

    Args:
        loss_weight: multiplier (DADA: 10.0).
        invalid_value: target value marking invalid pixels, or None for no value mask.

    Shape:
        pred, target: equal shapes, e.g. (B, 1, H, W) -> scalar.

    Raises:
        ValueError: if shapes differ.
    """

    def __init__(self, loss_weight: float = 1.0, invalid_value: float | None = 0.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.invalid_value = invalid_value

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        if pred.shape != target.shape:
            raise ValueError(f"pred and target must have the same shape, got "
                             f"{tuple(pred.shape)} and {tuple(target.shape)}")
        valid = torch.isfinite(target)
        if self.invalid_value is not None:
            valid = valid & (target != self.invalid_value)
        if not bool(valid.any()):  # no valid pixel: zero loss that keeps the graph
            return pred.sum() * 0.0
        diff = (pred - torch.where(valid, target, pred)).abs()
        return self.loss_weight * diff.sum() / valid.sum()
