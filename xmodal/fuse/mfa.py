"""Mask-to-Pixel Feature Aggregation (MFA) = gated conv (mask) + pixel attention.

Jiang et al., D2A2, arXiv 2401.08123, Sec. 3.3, Fig. 4: the aligned guide is
merged with the target by ``conv3x3(cat(target, guide))``, filtered by a gated
convolution, and the result drives a pixel-attention map that reweights the
target features.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..registry import MODELS, build_block
from ..utils.checks import check_pair

__all__ = ["MaskToPixelAggregation", "MFA"]


@MODELS.register_module(name=["MaskToPixelAggregation", "MFA"])
class MaskToPixelAggregation(nn.Module):
    """Fuse aligned guide features into target features (D2A2 MFA).

    Args:
        channels: C (64 in D2A2).
        gate: config of the gating block (``GatedConv``; ``None`` for the
            "w/o GC" ablation). ``in_channels`` is filled in.
        attention: config of the fusion block (``PixelAttentionFusion``;
            ablations ``ChannelAttentionFusion``, ``SpatialAttentionFusion``,
            ``ConcatFusion``). ``channels`` is filled in.

    Shape:
        target (B, C, H, W), guide (B, C, H, W) (the DDA output) -> (B, C, H, W).

    Raises:
        TypeError / ValueError: inputs not (B, C, H, W) of matching sizes.
    """

    _DEFAULT = object()

    def __init__(
        self,
        channels: int = 64,
        gate: dict | nn.Module | None = _DEFAULT,  # type: ignore[assignment]
        attention: dict | nn.Module | None = None,
    ) -> None:
        super().__init__()
        self.channels = channels
        if gate is self._DEFAULT:
            gate = dict(type="GatedConv")
        self.merge = nn.Conv2d(2 * channels, channels, 3, padding=1)
        self.gate = build_block(gate, in_channels=channels) or nn.Identity()
        self.attention = build_block(
            attention or dict(type="PixelAttentionFusion"), channels=channels
        )

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels)
        masked = self.gate(self.merge(torch.cat((target, guide), dim=1)))
        return self.attention(target, masked)


MFA = MaskToPixelAggregation
