"""Dynamic Dual Alignment (DDA) = LDA followed by DGA.

Jiang et al., D2A2, arXiv 2401.08123, Sec. 3.2, Fig. 3: the domain-aligned
guide ``LDA(target, guide)`` drives the offset prediction of DGA, which
samples the raw guide features.
"""

from __future__ import annotations

import copy

from torch import Tensor, nn

from ..registry import MODELS

__all__ = ["DynamicDualAlign", "DDA"]


def build_block(cfg: dict | nn.Module | None, **defaults) -> nn.Module | None:
    """Build a block from a config dict, filling unset keys from ``defaults``.

    A ready ``nn.Module`` is returned as is and ``None`` stays ``None``.

    Raises:
        TypeError: ``cfg`` is neither a dict, an ``nn.Module`` nor None.
    """
    if cfg is None or isinstance(cfg, nn.Module):
        return cfg
    if not isinstance(cfg, dict):
        raise TypeError(f"a block config must be a dict, nn.Module or None, got {type(cfg)}")
    cfg = copy.deepcopy(dict(cfg))
    for key, value in defaults.items():
        cfg.setdefault(key, value)
    return MODELS.build(cfg)


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
