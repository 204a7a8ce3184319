"""Guidance-modulated Restormer blocks and the feature-fusion module of DSR-Diff.

DSR-Diff (Shi et al., "DSR-Diff: Depth Map Super-Resolution with Diffusion
Model", arXiv 2311.09919) builds its depth (DFE) and colour (CFE) branches from
transformer blocks whose features are modulated by the compact guidance vector.
The paper gives no code; where it is silent we follow the pattern of DiffIR
(Xia et al., ICCV 2023), which DSR-Diff builds on:

- the block is Restormer's (Zamir et al., CVPR 2022, Sec. 3.1-3.2): channel
  ("transposed") multi-head self-attention (MDTA) and a gated depth-wise
  feed-forward network (GDFN), each after a channel LayerNorm;
- the guidance ``z`` modulates the normalised features before each of the two
  sub-layers with a channel-wise scale and shift from a linear layer (DiffIR's
  "DMTA"/"DGFN"). xmodal uses ``x * (1 + scale) + shift`` (identity at a zero
  linear layer) where DiffIR uses ``x * scale + shift``.

The feature-fusion module (FFM) is the paper's: a conv on the colour features
multiplied element-wise with the (up-sampled) depth features; xmodal adds a
residual and an output conv (not specified by the paper).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import Tensor, nn

from ...registry import MODELS
from ...utils.checks import check_pair

__all__ = [
    "LayerNorm2d", "GuidanceModulation", "ChannelAttention", "GatedDConvFFN",
    "GuidedTransformerBlock", "FeatureFusionModule", "FFM",
]


class LayerNorm2d(nn.Module):
    """LayerNorm over the channels of a (B, C, H, W) map (Restormer's "WithBias" norm).

    Args:
        channels: C.
        eps: variance floor (1e-5).

    Shape:
        (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, channels: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels, eps=eps)

    def forward(self, x: Tensor) -> Tensor:
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class GuidanceModulation(nn.Module):
    """Channel-wise scale and shift of a feature map from a guidance vector.

    ``x * (1 + scale) + shift`` with ``(scale, shift) = Linear(z)``; the linear
    layer starts at zero, so the untrained modulation is the identity.

    Args:
        channels: C of the feature map.
        guidance_dim: length D of the guidance vector.

    Shape:
        x (B, C, H, W), z (B, D) -> (B, C, H, W).

    Raises:
        ValueError: ``z`` is not (B, D) with the batch size of ``x``.
    """

    def __init__(self, channels: int, guidance_dim: int) -> None:
        super().__init__()
        self.guidance_dim = guidance_dim
        self.linear = nn.Linear(guidance_dim, 2 * channels)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, x: Tensor, z: Tensor) -> Tensor:
        if z.dim() != 2 or z.shape != (x.shape[0], self.guidance_dim):
            raise ValueError(
                f"z must be (B, {self.guidance_dim}) with B = {x.shape[0]}, got {tuple(z.shape)}"
            )
        scale, shift = self.linear(z)[:, :, None, None].chunk(2, dim=1)
        return x * (1 + scale) + shift


class ChannelAttention(nn.Module):
    """Multi-Dconv head transposed attention (Restormer MDTA, Sec. 3.1).

    Attention over channels (a C/heads x C/heads map per head), so the cost is
    linear in H * W. Queries and keys are L2-normalised over the pixels; a
    learnable temperature per head scales the logits.

    Args:
        channels: C (divisible by ``num_heads``).
        num_heads: attention heads.

    Shape:
        (B, C, H, W) -> (B, C, H, W).

    Raises:
        ValueError: ``channels`` not divisible by ``num_heads``.
    """

    def __init__(self, channels: int, num_heads: int = 4) -> None:
        super().__init__()
        if channels % num_heads:
            raise ValueError(f"channels ({channels}) must be divisible by num_heads ({num_heads})")
        self.num_heads = num_heads
        self.temperature = nn.Parameter(torch.ones(num_heads, 1, 1))
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.qkv_dw = nn.Conv2d(3 * channels, 3 * channels, 3, padding=1, groups=3 * channels)
        self.proj = nn.Conv2d(channels, channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        h, w = x.shape[-2:]
        q, k, v = self.qkv_dw(self.qkv(x)).chunk(3, dim=1)
        q, k, v = (rearrange(t, "b (n c) h w -> b n c (h w)", n=self.num_heads) for t in (q, k, v))
        q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
        attn = (q @ k.transpose(-2, -1) * self.temperature).softmax(dim=-1)
        out = rearrange(attn @ v, "b n c (h w) -> b (n c) h w", h=h, w=w)
        return self.proj(out)


class GatedDConvFFN(nn.Module):
    """Gated depth-wise conv feed-forward network (Restormer GDFN, Sec. 3.2).

    Args:
        channels: C.
        expansion: hidden width factor (2.66 in Restormer; 2.0 here by default).

    Shape:
        (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, channels: int, expansion: float = 2.0) -> None:
        super().__init__()
        hidden = int(channels * expansion)
        self.project_in = nn.Conv2d(channels, 2 * hidden, 1)
        self.dwconv = nn.Conv2d(2 * hidden, 2 * hidden, 3, padding=1, groups=2 * hidden)
        self.project_out = nn.Conv2d(hidden, channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        x1, x2 = self.dwconv(self.project_in(x)).chunk(2, dim=1)
        return self.project_out(F.gelu(x1) * x2)


class GuidedTransformerBlock(nn.Module):
    """Restormer block whose normalised features are modulated by the guidance.

    ``x = x + MDTA(mod1(LN(x), z)); x = x + GDFN(mod2(LN(x), z))``.

    Args:
        channels: C.
        guidance_dim: D, length of the guidance vector.
        num_heads: heads of the channel attention.
        ffn_expansion: hidden width factor of the feed-forward network.

    Shape:
        x (B, C, H, W), z (B, D) -> (B, C, H, W).

    Raises:
        ValueError: from :class:`GuidanceModulation` / :class:`ChannelAttention`.
    """

    def __init__(
        self, channels: int, guidance_dim: int, num_heads: int = 4, ffn_expansion: float = 2.0
    ) -> None:
        super().__init__()
        self.norm1 = LayerNorm2d(channels)
        self.mod1 = GuidanceModulation(channels, guidance_dim)
        self.attn = ChannelAttention(channels, num_heads)
        self.norm2 = LayerNorm2d(channels)
        self.mod2 = GuidanceModulation(channels, guidance_dim)
        self.ffn = GatedDConvFFN(channels, ffn_expansion)

    def forward(self, x: Tensor, z: Tensor) -> Tensor:
        x = x + self.attn(self.mod1(self.norm1(x), z))
        return x + self.ffn(self.mod2(self.norm2(x), z))


@MODELS.register_module(name=["FeatureFusionModule", "FFM"])
class FeatureFusionModule(nn.Module):
    """DSR-Diff feature fusion: depth features gated by convolved colour features.

    ``out = target + conv3x3(target * conv3x3(guide))``. The paper's FFM is
    "conv on colour features, element-wise product with the up-sampled depth
    features"; the depth up-sampling happens in :class:`DepthSRNet` between
    scales, and the residual + output conv are xmodal's choice.

    Args:
        channels: C.

    Shape:
        target (B, C, H, W) depth features, guide (B, C, H, W) colour features
        -> (B, C, H, W).

    Raises:
        TypeError / ValueError: inputs not (B, C, H, W) of matching sizes.
    """

    def __init__(self, channels: int = 64) -> None:
        super().__init__()
        self.channels = channels
        self.guide_conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.out_conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels)
        return target + self.out_conv(target * self.guide_conv(guide))


FFM = FeatureFusionModule
