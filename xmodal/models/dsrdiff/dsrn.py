"""Depth super-resolution network (DSRN) of DSR-Diff, steered by a guidance vector.

Shi et al., DSR-Diff, arXiv 2311.09919: a depth feature extraction branch
(DFE group) and a colour feature extraction branch (CFE group) of transformer
blocks modulated by the compact guidance, joined by the feature-fusion module
(FFM). The paper gives no code; the layout here is xmodal's:

- coarse-to-fine like D2A2 (the network is x4 inside; for x8/x16 the LR depth
  is first bicubic-up-sampled by ``scale / 4``): depth features start at 1/4 of
  the HR size, colour features come from D2A2's three-level
  :class:`xmodal.models.encoders.GuideEncoder`; at each of the three scales a
  DFE group and a CFE group of :class:`GuidedTransformerBlock` run, the fusion
  joins them, and a conv + pixel-shuffle doubles the depth features;
- ``fusion='ffm'`` uses the paper's FFM; ``fusion='dda+mfa'`` uses D2A2's
  per-scale fusion (:class:`xmodal.models.CrossModalFusion`: the shared
  :class:`xmodal.align.DDA` and :class:`xmodal.fuse.MFA` classes);
- a global skip adds the bicubic-up-sampled LR depth (as D2A2).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import MODELS
from ...utils.checks import check_lr_guide
from ..d2a2 import CrossModalFusion
from ..encoders import GuideEncoder
from .blocks import FeatureFusionModule, GuidedTransformerBlock

__all__ = ["DepthSRNet", "DSRN"]

FUSIONS = ("ffm", "dda+mfa")


class _BlockGroup(nn.Module):
    """A sequence of guided transformer blocks sharing the guidance ``z``."""

    def __init__(self, depth: int, channels: int, guidance_dim: int, heads: int,
                 expansion: float) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(
            GuidedTransformerBlock(channels, guidance_dim, heads, expansion) for _ in range(depth)
        )

    def forward(self, x: Tensor, z: Tensor) -> Tensor:
        for block in self.blocks:
            x = block(x, z)
        return x


@MODELS.register_module(name=["DepthSRNet", "DSRN"])
class DepthSRNet(nn.Module):
    """Guidance-modulated guided depth SR network (architecture only).

    Args:
        scale: super-resolution factor, 4, 8 or 16.
        channels: feature width C (48).
        guidance_dim: D, length of the guidance vector (256).
        depth_blocks: DFE blocks at the 1/4, 1/2 and full scales ((2, 2, 2)).
        guide_blocks: CFE blocks at the 1/4, 1/2 and full scales ((1, 1, 1)).
        num_heads: heads of the channel attention (C must be divisible by it).
        ffn_expansion: hidden width factor of the feed-forward networks.
        fusion: ``'ffm'`` (paper) or ``'dda+mfa'`` (D2A2's DDA + MFA).
        align: with ``'dda+mfa'``, config of the alignment (default ``DDA``).
        fuse: with ``'dda+mfa'``, config of the aggregation (default ``MFA``).
        guide_channels: channels of the guide image (3).
        zero_init_tail: zero the last conv so that the untrained net returns
            the bicubic skip exactly (xmodal option for short schedules).

    Shape:
        - lr: (B, 1, h, w) LR depth, min-max normalised with the HR min/max.
        - guide: (B, 3, h*scale, w*scale) RGB in [0, 1].
        - guidance: (B, D) guidance vector (GGN in stage 1, GRN at inference).
        - output: (B, 1, h*scale, w*scale) HR depth, same normalisation.

    Raises:
        ValueError: unsupported ``scale`` / ``fusion``; inputs of the wrong
            rank, channels or size; ``guidance`` not (B, D).
        TypeError: non-tensor inputs.
    """

    SCALES = (4, 8, 16)

    def __init__(
        self,
        scale: int = 4,
        channels: int = 48,
        guidance_dim: int = 256,
        depth_blocks: Sequence[int] = (2, 2, 2),
        guide_blocks: Sequence[int] = (1, 1, 1),
        num_heads: int = 4,
        ffn_expansion: float = 2.0,
        fusion: str = "ffm",
        align: dict | None = None,
        fuse: dict | None = None,
        guide_channels: int = 3,
        zero_init_tail: bool = False,
    ) -> None:
        super().__init__()
        if scale not in self.SCALES:
            raise ValueError(f"scale must be one of {self.SCALES}, got {scale!r}")
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}, got {fusion!r}")
        for name, seq in (("depth_blocks", depth_blocks), ("guide_blocks", guide_blocks)):
            if len(seq) != 3:
                raise ValueError(f"{name} must give 3 block counts (1/4, 1/2, full), got {seq}")
        self.scale = scale
        self.guide_channels = guide_channels
        self.guidance_dim = guidance_dim
        self.fusion_type = fusion
        group = dict(channels=channels, guidance_dim=guidance_dim, heads=num_heads,
                     expansion=ffn_expansion)
        self.depth_head = nn.Conv2d(1, channels, 3, padding=1)
        self.guide_encoder = GuideEncoder(guide_channels, channels)
        self.depth_groups = nn.ModuleList(_BlockGroup(n, **group) for n in depth_blocks)
        self.guide_groups = nn.ModuleList(_BlockGroup(n, **group) for n in guide_blocks)
        if fusion == "ffm":
            self.fusions = nn.ModuleList(FeatureFusionModule(channels) for _ in range(3))
        else:
            self.fusions = nn.ModuleList(
                CrossModalFusion(channels, align=align, fuse=fuse) for _ in range(3)
            )
        self.upsamplers = nn.ModuleList(
            nn.Sequential(nn.Conv2d(channels, 4 * channels, 3, padding=1), nn.PixelShuffle(2))
            for _ in range(2)
        )
        self.tail = nn.Sequential(
            nn.Conv2d(channels, channels // 2, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(channels // 2, 1, 1),
        )
        if zero_init_tail:
            nn.init.zeros_(self.tail[-1].weight)
            nn.init.zeros_(self.tail[-1].bias)

    def forward(self, lr: Tensor, guide: Tensor, guidance: Tensor) -> Tensor:
        check_lr_guide(lr, guide, self.scale, self.guide_channels)
        if not isinstance(guidance, Tensor) or guidance.shape != (lr.shape[0], self.guidance_dim):
            raise ValueError(
                f"guidance must be (B, {self.guidance_dim}) with B = {lr.shape[0]}, got "
                f"{getattr(guidance, 'shape', type(guidance).__name__)}"
            )
        hr_size = guide.shape[-2:]
        if self.scale > 4:  # x4 inside, as D2A2
            lr = F.interpolate(lr, size=(hr_size[0] // 4, hr_size[1] // 4), mode="bicubic",
                               align_corners=False)
        skip = F.interpolate(lr, size=hr_size, mode="bicubic", align_corners=False)
        guidance = guidance.to(guide)
        guide_feats = self.guide_encoder(guide)[::-1]  # 1/4, 1/2, full
        x = self.depth_head(lr)
        for i, g in enumerate(guide_feats):
            x = self.depth_groups[i](x, guidance)
            x = self.fusions[i](x, self.guide_groups[i](g, guidance))
            if i < 2:
                x = self.upsamplers[i](x)
        return self.tail(x) + skip


DSRN = DepthSRNet
