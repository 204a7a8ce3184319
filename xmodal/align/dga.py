"""Deformable Geometric Alignment (DGA).

Jiang et al., D2A2, arXiv 2401.08123, Sec. 3.2 (Dynamic Dual Alignment, DGA
part), built on DCNv2 (Zhu et al., CVPR 2019, eq. 3).

An offset feature is computed from ``cat(target, guide_aligned)`` (3x3 conv +
LeakyReLU(0.2), twice); a zero-initialised 3x3 conv predicts the DCNv2 offsets
(``2 * G * k * k`` channels, pixels) and modulation masks (``G * k * k``
channels, sigmoid); a modulated deformable conv then samples the *raw* guide
features (not the domain-aligned ones), as in the official code's
``ModulatedDeformConv_Sep``. At initialisation the offsets are zero and the
masks 0.5, so ``DGA(target, guide) == 0.5 * conv3x3_nobias(guide) + bias``.
The DCN weight and bias start as in the official code (``init='official'``:
PyTorch's conv default, weight and bias uniform in +-1/sqrt(fan_in) with
fan_in = C * k * k, 1/24 for C = 64, k = 3); ``init='zero'`` keeps the weight
and starts the bias at zero, so the output at initialisation is exactly
``0.5 * conv3x3_nobias(guide)``.

Offset layout: interleaved ``(dy, dx)`` per kernel point per deformable group,
the layout of :func:`torchvision.ops.deform_conv2d` and mmcv's
``ModulatedDeformConv2d`` (see :mod:`xmodal.ops`). The prediction head's 3 * G
* k * k outputs are split into [offsets part 1 | offsets part 2 | masks] as in
the DCNv2 "pack" modules (EDVR/BasicSR), offsets being the concatenation of the
first two thirds.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ..ops import modulated_deform_conv2d, resolve_backend
from ..registry import MODELS
from ..utils.checks import check_pair

__all__ = ["DeformableGeometricAlign", "DGA"]

#: Starts of the DCN bias: the official D2A2 code's uniform one, or zero.
_INIT_MODES = ("official", "zero")


@MODELS.register_module(name=["DeformableGeometricAlign", "DGA"])
class DeformableGeometricAlign(nn.Module):
    """Align guide features to target features with a modulated deformable conv.

    Args:
        channels: C of target and guide features (64 in D2A2).
        kernel_size: k of the deformable conv (3).
        deform_groups: G, deformable (offset) groups (8 in D2A2).
        offset_channels: width of the offset feature (defaults to ``channels``).
        negative_slope: LeakyReLU slope of the offset branch (0.2).
        backend: ``'auto'`` | ``'torchvision'`` | ``'mmcv'``; see
            :func:`xmodal.ops.modulated_deform_conv2d`.
        init: start of the DCN bias. ``'official'`` (default): uniform in
            +-1/sqrt(fan_in), fan_in = ``channels * kernel_size ** 2``, as the
            official D2A2 code's ``ModulatedDeformConv.reset_parameters``
            (PyTorch's conv default). ``'zero'``: a zero bias, the usual DCNv2
            start. The weight (uniform +-1/sqrt(fan_in)) and the zero offset/mask
            head are the same for both; parameter names and shapes do not depend
            on it, so checkpoints load either way.

    Shape:
        - target: (B, C, H, W) target (depth) features.
        - guide: (B, C, H, W) raw guide (RGB) features, sampled by the DCN.
        - guide_aligned: optional (B, C, H, W) guide features used only to
          predict offsets (the LDA output in D2A2); defaults to ``guide``.
        - output: (B, C, H, W).

    Raises:
        TypeError / ValueError: non-tensor inputs, wrong rank, channels or sizes.
        ValueError: ``backend`` or ``init`` unknown; ``channels`` not divisible by
            ``deform_groups``.

    Example:
        >>> dga = DeformableGeometricAlign(channels=16, deform_groups=2, init="zero")
        >>> t, g = torch.randn(1, 16, 8, 8), torch.randn(1, 16, 8, 8)
        >>> torch.allclose(dga(t, g), 0.5 * torch.nn.functional.conv2d(g, dga.weight, padding=1))
        True
    """

    def __init__(
        self,
        channels: int = 64,
        kernel_size: int = 3,
        deform_groups: int = 8,
        offset_channels: int | None = None,
        negative_slope: float = 0.2,
        backend: str = "auto",
        init: str = "official",
    ) -> None:
        super().__init__()
        if init not in _INIT_MODES:
            raise ValueError(f"init must be one of {_INIT_MODES}, got {init!r}")
        if channels % deform_groups:
            raise ValueError(
                f"channels ({channels}) must be divisible by deform_groups ({deform_groups})"
            )
        resolve_backend(backend, torch.empty(0))  # validates the name early
        offset_channels = offset_channels or channels
        self.channels = channels
        self.kernel_size = kernel_size
        self.deform_groups = deform_groups
        self.backend = backend
        self.init = init
        act = nn.LeakyReLU(negative_slope, inplace=True)  # on fresh conv outputs: safe
        self.offset_feat = nn.Sequential(
            nn.Conv2d(2 * channels, offset_channels, 3, padding=1),
            act,
            nn.Conv2d(offset_channels, offset_channels, 3, padding=1),
            act,
        )
        kk = kernel_size * kernel_size
        self.offset_mask = nn.Conv2d(offset_channels, 3 * deform_groups * kk, 3, padding=1)
        self.weight = nn.Parameter(torch.empty(channels, channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(channels))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform weight and bias (``init='official'``) or zero bias; zero offset/mask head."""
        stdv = 1.0 / math.sqrt(self.channels * self.kernel_size**2)  # 1 / sqrt(fan_in)
        nn.init.uniform_(self.weight, -stdv, stdv)
        if self.init == "official":
            nn.init.uniform_(self.bias, -stdv, stdv)
        else:
            nn.init.zeros_(self.bias)
        nn.init.zeros_(self.offset_mask.weight)
        nn.init.zeros_(self.offset_mask.bias)

    def predict_offsets(self, target: Tensor, guide_aligned: Tensor) -> tuple[Tensor, Tensor]:
        """Return ``(offset, mask)``: (B, 2*G*k*k, H, W) pixels and (B, G*k*k, H, W) in (0, 1)."""
        out = self.offset_mask(self.offset_feat(torch.cat((target, guide_aligned), dim=1)))
        n = 2 * self.deform_groups * self.kernel_size**2
        # [o1 | o2 | mask]: cat(o1, o2) is the first 2/3 of the channels, a view, no copy
        return out[:, :n], torch.sigmoid(out[:, n:])

    def forward(
        self, target: Tensor, guide: Tensor, guide_aligned: Tensor | None = None
    ) -> Tensor:
        check_pair(target, guide, self.channels)
        if guide_aligned is None:
            guide_aligned = guide
        else:
            check_pair(target, guide_aligned, self.channels)
        offset, mask = self.predict_offsets(target, guide_aligned)
        return modulated_deform_conv2d(
            guide, offset, mask, self.weight, self.bias, stride=1,
            padding=self.kernel_size // 2, dilation=1, deform_groups=self.deform_groups,
            backend=self.backend,
        )

    def extra_repr(self) -> str:
        return (
            f"channels={self.channels}, kernel_size={self.kernel_size}, "
            f"deform_groups={self.deform_groups}, backend={self.backend!r}, init={self.init!r}"
        )


DGA = DeformableGeometricAlign
