"""Pixel attention fusion (PA) and its ablation stand-ins.

Pixel attention: Zhao et al., "Efficient Image Super-Resolution Using Pixel
Attention", ECCV 2020 Workshops; as used in D2A2 (arXiv 2401.08123, Sec. 3.3):
``map = sigmoid(conv3x3(LeakyReLU(conv3x3(cat(target, guide)))))`` of shape
(B, C, H, W) and output ``target * map`` (the official code has no residual).

Stand-ins with the same signature ``forward(target, guide)`` for the D2A2
ablations (Table 5): :class:`ChannelAttentionFusion` (squeeze-excitation
weights, Hu et al., CVPR 2018), :class:`SpatialAttentionFusion` (a single
(B, 1, H, W) map, CBAM's spatial branch, Woo et al., ECCV 2018) and
:class:`ConcatFusion` (``conv3x3(cat(target, guide))``, no attention).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from ..registry import MODELS
from ..utils.checks import check_pair

__all__ = [
    "PixelAttentionFusion",
    "PixelAttention",
    "ChannelAttentionFusion",
    "SpatialAttentionFusion",
    "ConcatFusion",
]


@MODELS.register_module(name=["PixelAttentionFusion", "PixelAttention"])
class PixelAttentionFusion(nn.Module):
    """Reweight target features per pixel and channel with a map from both inputs.

    Args:
        channels: C of target and guide.
        negative_slope: LeakyReLU slope between the two convolutions (0.2).
        gate_layer: gate factory (Sigmoid); the map lies in [0, 1].

    Shape:
        target (B, C, H, W), guide (B, C, H, W) -> (B, C, H, W) = ``target * map``.

    Raises:
        TypeError / ValueError: inputs not (B, C, H, W) of matching sizes.

    Example:
        >>> pa = PixelAttentionFusion(8)
        >>> pa(torch.randn(1, 8, 4, 4), torch.randn(1, 8, 4, 4)).shape
        torch.Size([1, 8, 4, 4])
    """

    def __init__(
        self,
        channels: int = 64,
        negative_slope: float = 0.2,
        gate_layer: Callable[[], nn.Module] = nn.Sigmoid,
    ) -> None:
        super().__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(2 * channels, channels, 3, padding=1)
        self.act = nn.LeakyReLU(negative_slope, inplace=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.gate = gate_layer()

    def attention_map(self, target: Tensor, guide: Tensor) -> Tensor:
        """The (B, C, H, W) attention map in [0, 1]."""
        return self.gate(self.conv2(self.act(self.conv1(torch.cat((target, guide), dim=1)))))

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels)
        return target * self.attention_map(target, guide)


@MODELS.register_module()
class ChannelAttentionFusion(nn.Module):
    """``target * se(cat(target, guide))``: one weight per channel (SE attention).

    Args:
        channels: C.
        reduction: bottleneck reduction of the squeeze-excitation MLP (4).

    Shape:
        target (B, C, H, W), guide (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, channels: int = 64, reduction: int = 4) -> None:
        super().__init__()
        self.channels = channels
        hidden = max(1, 2 * channels // reduction)
        self.se = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(2 * channels, hidden, 1),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels)
        return target * self.se(torch.cat((target, guide), dim=1))


@MODELS.register_module()
class SpatialAttentionFusion(nn.Module):
    """``target * sigmoid(conv7x7([mean_c, max_c](cat(target, guide))))``: one map per pixel.

    Args:
        channels: C.
        kernel_size: size of the spatial conv (7, as in CBAM).

    Shape:
        target (B, C, H, W), guide (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, channels: int = 64, kernel_size: int = 7) -> None:
        super().__init__()
        self.channels = channels
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2)

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels)
        x = torch.cat((target, guide), dim=1)
        pooled = torch.cat((x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)), dim=1)
        return target * torch.sigmoid(self.conv(pooled))


@MODELS.register_module()
class ConcatFusion(nn.Module):
    """``conv3x3(cat(target, guide))``: plain fusion without attention.

    Args:
        channels: C.

    Shape:
        target (B, C, H, W), guide (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, channels: int = 64) -> None:
        super().__init__()
        self.channels = channels
        self.conv = nn.Conv2d(2 * channels, channels, 3, padding=1)

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels)
        return self.conv(torch.cat((target, guide), dim=1))


PixelAttention = PixelAttentionFusion
