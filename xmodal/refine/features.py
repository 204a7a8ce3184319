"""Guide features for the DADA diffusion conductances, learned or learning-free.

DADA (Metzger et al., CVPR 2023, Section 3.2) computes the conductances from
features of ``cat(guide, depth - mean(depth))``: a segmentation UNet with an
ImageNet ResNet-50 encoder in the authors' code (downloaded when the model is
built), or, in the learning-free "RGB" variant, the guide and the upsampled
depth themselves. xmodal never reaches the network: :class:`DiffusionFeatureUNet`
is a small UNet built from plain convolutions (random init), and
:class:`GuideDepthFeatures` is the learning-free variant (no parameters).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.registry import MODELS
from xmodal.utils.checks import check_positive_int

__all__ = ["guide_depth_features", "GuideDepthFeatures", "DiffusionFeatureUNet"]


def _check_guide_depth(guide: Tensor, depth: Tensor) -> None:
    if guide.ndim != 4 or depth.ndim != 4:
        raise ValueError(
            f"guide and depth must be (B, C, H, W); got guide {tuple(guide.shape)}, "
            f"depth {tuple(depth.shape)}"
        )
    if guide.shape[0] != depth.shape[0] or guide.shape[-2:] != depth.shape[-2:]:
        raise ValueError(
            f"guide {tuple(guide.shape)} and depth {tuple(depth.shape)} must share B, H, W"
        )
    if not (guide.is_floating_point() and depth.is_floating_point()):
        raise TypeError(f"guide and depth must be float, got {guide.dtype}, {depth.dtype}")


def guide_depth_features(
    guide: Tensor, depth: Tensor, guide_weight: float = 1.0, depth_weight: float = 1.0
) -> Tensor:
    """Learning-free DADA features: ``cat(guide_weight * guide, depth_weight * depth)``.

    Args:
        guide: RGB guide (B, 3, H, W) (e.g. in [0, 1]).
        depth: upsampled depth estimate (B, 1, H, W) (e.g. bicubic, normalised).
        guide_weight: factor on the guide channels.
        depth_weight: factor on the depth channel (0 drops its influence).

    Returns:
        Tensor (B, 4, H, W) (or (B, C_guide + 1, H, W)).

    Raises:
        ValueError / TypeError: on mismatched shapes or non-float inputs.
    """
    _check_guide_depth(guide, depth)
    return torch.cat([guide_weight * guide, depth_weight * depth], 1)


@MODELS.register_module()
class GuideDepthFeatures(nn.Module):
    """Module form of :func:`guide_depth_features` (learning-free DADA, no parameters).

    Args:
        guide_weight: factor on the guide channels.
        depth_weight: factor on the depth channel.

    Shape:
        - guide: (B, 3, H, W); depth: (B, 1, H, W)
        - output: (B, 4, H, W)
    """

    def __init__(self, guide_weight: float = 1.0, depth_weight: float = 1.0) -> None:
        super().__init__()
        self.guide_weight = guide_weight
        self.depth_weight = depth_weight

    def forward(self, guide: Tensor, depth: Tensor) -> Tensor:
        """Return ``cat(guide_weight * guide, depth_weight * depth)``."""
        return guide_depth_features(guide, depth, self.guide_weight, self.depth_weight)


def _conv_block(in_ch: int, out_ch: int, act_layer: type[nn.Module]) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, 3, padding=1),
        act_layer(),
        nn.Conv2d(out_ch, out_ch, 3, padding=1),
        act_layer(),
    )


@MODELS.register_module()
class DiffusionFeatureUNet(nn.Module):
    """Small UNet mapping ``cat(guide, depth - mean(depth))`` to diffusion features.

    Replaces the ImageNet ResNet-50 UNet of the DADA code (downloaded at build time)
    with an offline network of plain convolutions: ``depth`` levels of two 3x3 convs,
    2x2 max-pool down, bilinear up + skip concatenation, 1x1 output conv. Inputs whose
    size is not a multiple of ``2 ** (depth - 1)`` are padded by replication and the
    output cropped back. Weights are random unless ``checkpoint`` (a local file path
    holding a state dict) is given; nothing is downloaded.

    Args:
        guide_channels: channels of the guide (3 for RGB).
        out_channels: feature channels F (DADA: 64).
        base_channels: channels of the first level, doubled per level.
        num_levels: number of resolution levels (>= 1).
        act_layer: activation class (default ReLU).
        checkpoint: optional local path of a state dict for this module.

    Shape:
        - guide: (B, guide_channels, H, W); depth: (B, 1, H, W)
        - output: (B, out_channels, H, W)

    Example:
        >>> net = DiffusionFeatureUNet(out_channels=8, base_channels=8, num_levels=2)
        >>> net(torch.rand(1, 3, 20, 18), torch.rand(1, 1, 20, 18)).shape
        torch.Size([1, 8, 20, 18])
    """

    def __init__(
        self,
        guide_channels: int = 3,
        out_channels: int = 64,
        base_channels: int = 32,
        num_levels: int = 3,
        act_layer: type[nn.Module] = nn.ReLU,
        checkpoint: str | None = None,
    ) -> None:
        super().__init__()
        check_positive_int(num_levels, "num_levels")
        self.guide_channels = guide_channels
        self.num_levels = num_levels
        chans = [base_channels * 2**i for i in range(num_levels)]
        self.down = nn.ModuleList()
        in_ch = guide_channels + 1
        for c in chans:
            self.down.append(_conv_block(in_ch, c, act_layer))
            in_ch = c
        self.up = nn.ModuleList(
            _conv_block(chans[i + 1] + chans[i], chans[i], act_layer)
            for i in reversed(range(num_levels - 1))
        )
        self.head = nn.Conv2d(chans[0], out_channels, 1)
        if checkpoint is not None:
            state = torch.load(checkpoint, map_location="cpu", weights_only=True)
            self.load_state_dict(state.get("state_dict", state))

    def forward(self, guide: Tensor, depth: Tensor) -> Tensor:
        """Return features (B, out_channels, H, W) of the guide and the depth estimate."""
        _check_guide_depth(guide, depth)
        if guide.shape[1] != self.guide_channels or depth.shape[1] != 1:
            raise ValueError(
                f"expected guide with {self.guide_channels} channels and depth with 1, got "
                f"{guide.shape[1]} and {depth.shape[1]}"
            )
        h, w = guide.shape[-2:]
        m = 2 ** (self.num_levels - 1)
        ph, pw = (-h) % m, (-w) % m
        x = torch.cat([guide, depth - depth.mean((1, 2, 3), keepdim=True)], 1)
        x = F.pad(x, (0, pw, 0, ph), mode="replicate")
        skips = []
        for i, block in enumerate(self.down):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        for block, skip in zip(self.up, reversed(skips[:-1]), strict=True):
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], 1))
        return self.head(x)[..., :h, :w]
