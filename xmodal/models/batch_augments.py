"""Training-batch augmentations applied by :class:`~xmodal.models.GDSRDataPreprocessor`."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..registry import MODELS

__all__ = ["GuideMix"]


@MODELS.register_module()
class GuideMix(nn.Module):
    """Blend another sample's guide into a share of the guides: texture the depth does not have.

    A GDSR network that copies RGB texture into flat depth regions (texture
    over-transfer) is wrong wherever colour edges are not depth edges. With
    probability ``prob`` per sample, its guide becomes ``(1 - a) * guide + a *
    guide[j]`` with ``a`` uniform in ``alpha`` and ``j`` another sample of the
    batch (the batch rolled by one): the added edges carry no depth, and the LR
    and the target are unchanged, so the network must learn to take from the
    guide only the edges the LR supports. Training batches only.

    Args:
        prob: share of the samples whose guide is blended, in [0, 1].
        alpha: ``(low, high)`` range of the blend weight, 0 <= low <= high <= 1.

    Shape:
        guide: (B, 3, H, W) float -> same (B = 1: returned unchanged).

    Raises:
        ValueError: ``prob`` or ``alpha`` out of range.
    """

    def __init__(self, prob: float = 0.25, alpha: tuple[float, float] = (0.2, 0.5)) -> None:
        super().__init__()
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"prob must be in [0, 1], got {prob}")
        if len(alpha) != 2 or not 0.0 <= alpha[0] <= alpha[1] <= 1.0:
            raise ValueError(f"alpha must be (low, high) with 0 <= low <= high <= 1, got {alpha}")
        self.prob, self.alpha = float(prob), (float(alpha[0]), float(alpha[1]))

    def forward(self, guide: Tensor) -> Tensor:
        b = guide.shape[0]
        if b < 2 or self.prob == 0:
            return guide
        lo, hi = self.alpha
        a = torch.rand(b, 1, 1, 1, device=guide.device) * (hi - lo) + lo
        a = a * (torch.rand(b, 1, 1, 1, device=guide.device) < self.prob)
        return (1 - a) * guide + a * guide.roll(1, dims=0)
