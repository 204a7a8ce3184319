"""In-place inference versions of the D2A2 blocks, installed by :func:`convert_inplace`.

On CPU every fresh full-size feature map costs page faults (glibc maps blocks
above 32 MB anew on each allocation: about 60 ms for 64 channels at 640x480 on
one core), so an inference backend may let the blocks overwrite tensors they
have just created (``gate.mul_(feat)`` instead of ``feat * gate``). The blocks
in :mod:`xmodal.align` and :mod:`xmodal.fuse` keep one plain autograd-safe
``forward``; :func:`convert_inplace` swaps the class of every GatedConv,
PixelAttentionFusion, DGA and LDA in a network for a subclass whose forward
reuses those tensors whenever nothing needs autograd
(:func:`xmodal.ops.needs_autograd`) and otherwise calls the plain forward. The
parameters, buffers, hooks and ``state_dict`` keys are those of the plain
block, and the outputs are equal to float32 rounding (tested).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..align.dga import DeformableGeometricAlign
from ..align.lda import LearnableDomainAlignment
from ..fuse.gated_conv import GatedConv
from ..fuse.pixel_attention import PixelAttentionFusion
from ..ops import needs_autograd
from ..utils.checks import check_feature, check_pair

__all__ = ["convert_inplace"]


def _autograd(module: nn.Module, *inputs: Tensor) -> bool:
    return needs_autograd(*inputs, *module.parameters())


def _mean_std_(x: Tensor, eps: float) -> tuple[Tensor, Tensor]:
    """:func:`xmodal.align.lda.instance_mean_std` squaring the deviations in place."""
    n = x.shape[-2] * x.shape[-1]
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = (x - mean).square_().sum(dim=(2, 3), keepdim=True) / (n - 1)
    return mean, (var + eps).sqrt_()


class _InplaceGatedConv(GatedConv):
    def forward(self, x: Tensor) -> Tensor:
        if _autograd(self, x):
            return super().forward(x)
        check_feature(x, "x", self.in_channels)
        return self.norm(self.act(self.conv(x)).mul_(self.gate_map(x)))


class _InplacePixelAttentionFusion(PixelAttentionFusion):
    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        if _autograd(self, target, guide):
            return super().forward(target, guide)
        check_pair(target, guide, self.channels)
        return self.attention_map(target, guide).mul_(target)


class _InplaceDGA(DeformableGeometricAlign):
    def predict_offsets(self, target: Tensor, guide_aligned: Tensor) -> tuple[Tensor, Tensor]:
        if _autograd(self, target, guide_aligned):
            return super().predict_offsets(target, guide_aligned)
        out = self.offset_mask(self.offset_feat(torch.cat((target, guide_aligned), dim=1)))
        n = 2 * self.deform_groups * self.kernel_size**2
        return out[:, :n], out[:, n:].sigmoid_()


class _InplaceLDA(LearnableDomainAlignment):
    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        if _autograd(self, target, guide):
            return super().forward(target, guide)
        self.check_inputs(target, guide)
        t_mean, t_std = _mean_std_(target, self.eps)
        mean = self.mean_mlp(t_mean.flatten(1))[..., None, None]
        std = self.std_mlp(t_std.flatten(1))[..., None, None]
        g_mean, g_std = _mean_std_(guide, self.eps)
        scale = std / g_std
        aligned = torch.addcmul(mean - g_mean * scale, guide, scale)
        return self.proj(aligned).add_(guide)


_INPLACE: dict[type, type] = {
    GatedConv: _InplaceGatedConv,
    PixelAttentionFusion: _InplacePixelAttentionFusion,
    DeformableGeometricAlign: _InplaceDGA,
    LearnableDomainAlignment: _InplaceLDA,
}


def convert_inplace(module: nn.Module) -> nn.Module:
    """Give every D2A2 block in ``module`` its in-place inference forward (in place).

    Swaps the class of each submodule whose type is exactly GatedConv,
    PixelAttentionFusion, DeformableGeometricAlign or LearnableDomainAlignment
    (subclasses are left alone) for a private subclass that overwrites the
    tensors it has just created when no autograd graph is recorded (under
    ``torch.inference_mode()`` / ``no_grad``, or with frozen parameters and
    inputs) and runs the plain forward otherwise. Nothing else changes:
    same parameters, buffers, hooks, ``state_dict`` keys and outputs (to float32
    rounding). Meant for an inference backend's own copy of a network, next to
    :meth:`xmodal.ops.NNPACKConv2d.convert`; like that method it works in place.

    Args:
        module: any ``nn.Module`` (a bare block is converted too).

    Returns:
        ``module`` itself.

    Raises:
        TypeError: ``module`` is not an ``nn.Module``.

    Example:
        >>> from xmodal.models import D2A2
        >>> net = convert_inplace(D2A2(scale=4, channels=8, num_resblocks=1).eval())
        >>> with torch.inference_mode():
        ...     net(torch.rand(1, 1, 4, 4), torch.rand(1, 3, 16, 16)).shape
        torch.Size([1, 1, 16, 16])
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    for sub in module.modules():
        fast = _INPLACE.get(type(sub))
        if fast is not None:
            sub.__class__ = fast
    return module
