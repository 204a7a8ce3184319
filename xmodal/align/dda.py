"""Dynamic Dual Alignment (DDA) = LDA followed by DGA.

Jiang et al., D2A2, arXiv 2401.08123, Sec. 3.2, Fig. 3: the domain-aligned
guide ``LDA(target, guide)`` drives the offset prediction of DGA, which
samples the raw guide features.
"""

from __future__ import annotations

from torch import Tensor, nn

from ..registry import MODELS, build_block

__all__ = ["DynamicDualAlign", "DDA", "build_block"]


@MODELS.register_module(name=["DynamicDualAlign", "DDA"])
class DynamicDualAlign(nn.Module):
    """LDA (domain) then DGA (geometry) alignment of guide features.

    Args:
        channels: C (64 in D2A2).
        domain_align: config of the domain-alignment block (``LDA``; ablations:
            ``InstanceNormAlign``, ``BatchNormAlign``, ``IdentityAlign``).
            ``channels`` is filled in.
        geometric_align: config of the geometric block (``DGA``); ``channels`` is
            filled in; e.g. ``dict(type='DGA', deform_groups=8, backend='auto')``.

    Shape:
        target (B, C, H, W), guide (B, C, H, W) -> (B, C, H, W).

    Raises:
        TypeError / ValueError: from the sub-blocks' input checks.
    """

    def __init__(
        self,
        channels: int = 64,
        domain_align: dict | nn.Module | None = None,
        geometric_align: dict | nn.Module | None = None,
    ) -> None:
        super().__init__()
        self.domain_align = build_block(domain_align or dict(type="LDA"), channels=channels)
        self.geometric_align = build_block(
            geometric_align or dict(type="DGA"), channels=channels
        )

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        guide_aligned = self.domain_align(target, guide)
        return self.geometric_align(target, guide, guide_aligned)


DDA = DynamicDualAlign
