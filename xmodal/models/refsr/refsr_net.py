"""RefSRNet: reference-based (dual-camera) SR with the unchanged D2A2 blocks.

After DCSR (Wang et al., ICCV 2021): coarse correspondence by patch matching,
then learned refinement and confidence-weighted fusion. Here:

1. A shared encoder embeds the LR image and the reference down-sampled by the
   scale (bicubic, so both live at the LR frequency band); :func:`patch_match`
   gives per LR pixel a confidence (cosine) and an index into the reference.
2. The HR reference features are warped by copying the matched
   ``scale x scale`` blocks (:func:`gather_blocks`).
3. ``DGA(F_lr, F_ref_warped)`` refines the alignment (modulated deformable conv),
   ``GatedConv`` filters ``conv1x1(cat(F_lr, aligned))``, ``PixelAttentionFusion``
   reweights it, and DCSR's adaptive fusion adds it to the LR features in
   proportion to the matching confidence: ``F = F_lr + c * PA(gated, F_lr)``.
4. A decoder predicts the residual over the bicubic up-sampling of the LR.

The features of the LR branch are computed on the bicubic up-sampled LR (HR
grid). Not a re-implementation of DCSR: no VGG features, one scale.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ...align import DGA
from ...fuse import GatedConv, PixelAttentionFusion
from ...registry import MODELS
from ..encoders import conv_decoder, conv_encoder
from .matching import gather_blocks, patch_match

__all__ = ["RefSRNet"]


def _resize(x: Tensor, size: tuple[int, int]) -> Tensor:
    return F.interpolate(x, size=size, mode="bicubic", align_corners=False)


@MODELS.register_module()
class RefSRNet(nn.Module):
    """LR RGB + HR reference RGB -> HR RGB.

    Args:
        scale: SR factor, 2 or 4.
        channels: feature width C (32).
        num_resblocks: residual blocks per encoder (2).
        deform_groups: deformable groups of the DGA (4; divides C).
        chunk_size: query positions per block of the patch matching (memory bound).
        negative_slope: LeakyReLU slope (0.2).
        zero_init_tail: zero the last conv so the untrained network is bicubic.

    Shape:
        - lr: (B, 3, h, w) in [0, 1].
        - ref: (B, 3, H_r, W_r) in [0, 1], H_r and W_r multiples of ``scale``
          (any size, need not equal the output).
        - output: (B, 3, h * scale, w * scale), not clamped.

    Raises:
        ValueError: scale not 2/4; wrong channels/rank/batch; reference sides not
            multiples of ``scale``. TypeError: non-tensors.

    Example:
        >>> net = RefSRNet(scale=2, channels=8, deform_groups=2, num_resblocks=1)
        >>> net(torch.rand(1, 3, 6, 6), torch.rand(1, 3, 16, 12)).shape
        torch.Size([1, 3, 12, 12])
    """

    SCALES = (2, 4)

    def __init__(self, scale: int = 4, channels: int = 32, num_resblocks: int = 2,
                 deform_groups: int = 4, chunk_size: int = 1024,
                 negative_slope: float = 0.2, zero_init_tail: bool = False) -> None:
        super().__init__()
        if scale not in self.SCALES:
            raise ValueError(f"scale must be one of {self.SCALES}, got {scale!r}")
        self.scale, self.chunk_size = scale, chunk_size
        self.match_encoder = conv_encoder(3, channels, 1, negative_slope)
        self.lr_encoder = conv_encoder(3, channels, num_resblocks, negative_slope)
        self.ref_encoder = conv_encoder(3, channels, num_resblocks, negative_slope)
        self.dga = DGA(channels, deform_groups=deform_groups)
        self.merge = nn.Conv2d(2 * channels, channels, 1)
        self.gate = GatedConv(channels)
        self.attention = PixelAttentionFusion(channels, negative_slope=negative_slope)
        self.decoder = conv_decoder(channels, 3, negative_slope, zero_init_tail)

    def _check(self, lr: Tensor, ref: Tensor) -> None:
        for name, x in (("lr", lr), ("ref", ref)):
            if not isinstance(x, Tensor):
                raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
            if x.dim() != 4 or x.shape[1] != 3:
                raise ValueError(f"{name} must be (B, 3, H, W), got {tuple(x.shape)}")
        if lr.shape[0] != ref.shape[0]:
            raise ValueError(f"lr {tuple(lr.shape)} and ref {tuple(ref.shape)} batch sizes differ")
        if ref.shape[2] % self.scale or ref.shape[3] % self.scale:
            raise ValueError(f"ref sides {tuple(ref.shape[-2:])} must be multiples of scale "
                             f"{self.scale} (crop the reference, e.g. top-left)")

    def match(self, lr: Tensor, ref: Tensor) -> tuple[Tensor, Tensor]:
        """``(confidence, index)`` maps, each (B, 1, h, w), of the LR against the reference."""
        s = self.scale
        ref_lr = _resize(ref, (ref.shape[2] // s, ref.shape[3] // s))
        return patch_match(self.match_encoder(lr), self.match_encoder(ref_lr),
                           chunk_size=self.chunk_size)

    def forward(self, lr: Tensor, ref: Tensor) -> Tensor:
        self._check(lr, ref)
        s = self.scale
        h, w = lr.shape[2] * s, lr.shape[3] * s
        up = _resize(lr, (h, w))
        conf, index = self.match(lr, ref)
        warped = gather_blocks(self.ref_encoder(ref), index, s)
        f_lr = self.lr_encoder(up)
        aligned = self.dga(f_lr, warped)
        gated = self.gate(self.merge(torch.cat((f_lr, aligned), dim=1)))
        conf_hr = F.interpolate(conf.clamp(min=0), scale_factor=s, mode="nearest")
        fused = f_lr + conf_hr * self.attention(gated, f_lr)
        return up + self.decoder(fused)
