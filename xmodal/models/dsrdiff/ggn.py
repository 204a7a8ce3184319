"""Guidance generation network (GGN) of DSR-Diff (stage 1 only).

Shi et al., DSR-Diff, arXiv 2311.09919: the GGN compresses the HR RGB image,
the HR depth and the bicubic-up-sampled LR depth into a compact latent
guidance vector that the depth SR network consumes. Where the paper is silent
the layout follows DiffIR's compact prior extractor (CPEN, ICCV 2023):
pixel-unshuffle by 4, a conv, residual blocks, strided convs, global average
pooling, a two-layer MLP.

:class:`GuidanceEncoder` is the image-to-vector encoder; the GGN is one over
``cat(guide, hr_depth, lr_up)`` and the guidance recovery network's condition
encoder is one over ``cat(guide, lr_up)`` (never the HR depth).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import MODELS
from ...utils.checks import check_lr_guide
from ..encoders import ResBlock

__all__ = ["GuidanceEncoder", "GuidanceGenerationNet", "GGN", "check_gdsr_pair"]


check_gdsr_pair = check_lr_guide  # the older name of the shared GDSR pair check


class GuidanceEncoder(nn.Module):
    """Image (B, in_channels, H, W) -> vector (B, guidance_dim).

    Args:
        in_channels: channels of the stacked input images.
        channels: width C of the conv trunk.
        guidance_dim: D, length of the output vector (256).
        num_resblocks: residual blocks after the first conv.
        unshuffle: pixel-unshuffle factor (4).

    Shape:
        (B, in_channels, H, W) with H, W divisible by ``unshuffle`` -> (B, D).

    Raises:
        ValueError: H or W not divisible by ``unshuffle``, or wrong channels.
    """

    def __init__(
        self, in_channels: int, channels: int = 64, guidance_dim: int = 256,
        num_resblocks: int = 4, unshuffle: int = 4,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.unshuffle = unshuffle
        act = nn.LeakyReLU(0.1, inplace=True)
        self.trunk = nn.Sequential(
            nn.PixelUnshuffle(unshuffle),
            nn.Conv2d(in_channels * unshuffle**2, channels, 3, padding=1), act,
            *[ResBlock(channels) for _ in range(num_resblocks)],
            nn.Conv2d(channels, 2 * channels, 3, stride=2, padding=1), act,
            nn.Conv2d(2 * channels, 2 * channels, 3, stride=2, padding=1), act,
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.mlp = nn.Sequential(
            nn.Linear(2 * channels, guidance_dim), nn.LeakyReLU(0.1, inplace=True),
            nn.Linear(guidance_dim, guidance_dim),
        )

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"input must be (B, {self.in_channels}, H, W), got {tuple(x.shape)}")
        if x.shape[-2] % self.unshuffle or x.shape[-1] % self.unshuffle:
            raise ValueError(
                f"H and W must be divisible by {self.unshuffle}, got {tuple(x.shape[-2:])}"
            )
        return self.mlp(self.trunk(x))


@MODELS.register_module(name=["GuidanceGenerationNet", "GGN"])
class GuidanceGenerationNet(nn.Module):
    """Stage-1 teacher: guidance vector from HR RGB + HR depth + up-sampled LR depth.

    Args:
        scale: super-resolution factor (checks the input sizes).
        channels: conv width C (64).
        guidance_dim: D (256).
        num_resblocks: residual blocks (4).
        guide_channels: channels of the guide image (3).

    Shape:
        - lr: (B, 1, h, w), guide: (B, 3, h*scale, w*scale),
          hr_depth: (B, 1, h*scale, w*scale), all normalised as the data contract.
        - output: (B, D) float.

    Raises:
        TypeError / ValueError: inputs of the wrong type, rank, channels or size.

    Example:
        >>> ggn = GuidanceGenerationNet(scale=4, channels=8, guidance_dim=16)
        >>> ggn(torch.rand(2, 1, 8, 8), torch.rand(2, 3, 32, 32), torch.rand(2, 1, 32, 32)).shape
        torch.Size([2, 16])
    """

    def __init__(
        self, scale: int = 4, channels: int = 64, guidance_dim: int = 256,
        num_resblocks: int = 4, guide_channels: int = 3,
    ) -> None:
        super().__init__()
        self.scale = scale
        self.guide_channels = guide_channels
        self.guidance_dim = guidance_dim
        self.encoder = GuidanceEncoder(guide_channels + 2, channels, guidance_dim, num_resblocks)

    def forward(self, lr: Tensor, guide: Tensor, hr_depth: Tensor) -> Tensor:
        check_gdsr_pair(lr, guide, self.scale, self.guide_channels)
        if not isinstance(hr_depth, Tensor) or hr_depth.shape != (lr.shape[0], 1,
                                                                   *guide.shape[-2:]):
            raise ValueError(
                f"hr_depth must be (B, 1, H, W) = {(lr.shape[0], 1, *guide.shape[-2:])}, got "
                f"{getattr(hr_depth, 'shape', type(hr_depth).__name__)}"
            )
        lr_up = F.interpolate(lr, size=guide.shape[-2:], mode="bicubic", align_corners=False)
        return self.encoder(torch.cat((guide, hr_depth.to(guide), lr_up), dim=1))


GGN = GuidanceGenerationNet
