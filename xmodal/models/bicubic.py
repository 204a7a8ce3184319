"""Bicubic up-sampling baseline for guided depth super-resolution.

The "Bicubic" row of every GDSR table: the LR depth up-sampled by Pillow's
bicubic resize (the protocol's, docs/evaluation.md), or by torch's bicubic
interpolation (about 2% lower RMSE: a different kernel, a = -0.75 vs Pillow's -0.5).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.datasets.protocol import upsample_bicubic_pil
from xmodal.registry import MODELS
from xmodal.utils.checks import check_lr_guide, check_positive_int

__all__ = ["Bicubic"]


@MODELS.register_module()
class Bicubic(nn.Module):
    """Bicubic baseline generator: ``forward(lr, guide)`` -> bicubic up-sampled ``lr``.

    Not trainable: the module has no parameters (an optimiser built on it gets an
    empty parameter list); the guide is only used to check the output size.

    Args:
        scale: up-sampling factor (positive integer; GDSR uses 4, 8, 16).
        backend: ``'pil'`` (default, the protocol: Pillow bicubic per sample in
            float32 on the CPU) or ``'torch'`` (``F.interpolate(mode='bicubic',
            align_corners=False)``, differentiable, stays on the device).

    Shape:
        lr: (B, 1, h, w) float, normalised depth; guide: (B, 3, h * scale, w * scale).
        Returns (B, 1, h * scale, w * scale), same dtype and device as ``lr``.

    Raises:
        ValueError: on a bad ``scale``/``backend``, or if the shapes do not match.

    Example:
        >>> net = Bicubic(scale=4)
        >>> net(torch.rand(2, 1, 8, 8), torch.rand(2, 3, 32, 32)).shape
        torch.Size([2, 1, 32, 32])
    """

    def __init__(self, scale: int, backend: str = "pil") -> None:
        super().__init__()
        check_positive_int(scale, "scale")
        if backend not in ("pil", "torch"):
            raise ValueError(f"backend must be 'pil' or 'torch', got {backend!r}")
        self.scale = scale
        self.backend = backend

    def forward(self, lr: Tensor, guide: Tensor) -> Tensor:
        """Up-sample ``lr`` by ``scale``; see the class docstring."""
        check_lr_guide(lr, guide, self.scale)
        b = lr.shape[0]
        if self.backend == "torch":
            return F.interpolate(lr, scale_factor=self.scale, mode="bicubic", align_corners=False)
        lr_np = lr.detach().to("cpu", torch.float32).numpy()
        out = np.stack([upsample_bicubic_pil(lr_np[i, 0], self.scale) for i in range(b)])
        return torch.from_numpy(out)[:, None].to(device=lr.device, dtype=lr.dtype)

    def extra_repr(self) -> str:
        return f"scale={self.scale}, backend={self.backend!r}"
