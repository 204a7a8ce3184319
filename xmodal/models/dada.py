"""DADA generator: features -> guided anisotropic diffusion + adjustment.

"Guided Depth Super-Resolution by Deep Anisotropic Diffusion" (Metzger, Caye
Daudt, Schindler, CVPR 2023). A GDSR generator with the xmodal signature
``forward(lr, guide) -> hr``: bicubic upsampling of ``lr`` as the initial
estimate (or the output of another GDSR generator, ``init_generator``: an
xmodal option, e.g. D2A2's estimate refined by the diffusion), features from a
feature extractor (learned UNet, or the learning-free guide + depth), then
:func:`guided_anisotropic_diffusion`.

Differences from the paper's code: the initial estimate is torch bicubic
upsampling (the paper interpolates the LR samples with scipy's cubic
``griddata``); the positivity shift is a fixed ``depth_offset`` added before and
removed after the diffusion (the paper adds 0.1 only when the minimum is <= 0.1,
and prints a warning); LR zeros are valid by default here because xmodal's
min-max normalised depth has its minimum at 0 (pass ``valid`` for holes).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.refine.diffusion import GuidedAnisotropicDiffusion
from xmodal.registry import MODELS
from xmodal.utils.checks import check_lr_guide, check_positive_int

__all__ = ["DADA"]


@MODELS.register_module()
class DADA(nn.Module):
    """Deep anisotropic diffusion generator for guided depth super-resolution.

    Args:
        scale: integer scale factor s.
        feature_extractor: config dict (built from ``MODELS``) or module mapping
            ``(guide, depth)`` to features (B, F, H, W); default the learning-free
            :class:`~xmodal.refine.features.GuideDepthFeatures`.
        diffusion: config dict of
            :class:`~xmodal.refine.diffusion.GuidedAnisotropicDiffusion` (``scale`` and
            ``zero_invalid=False`` are filled in).
        depth_offset: added to the (normalised) depth during diffusion so that the
            multiplicative adjustment sees positive values; removed afterwards.
        lr_invalid_value: LR value marking invalid pixels (DADA preset: 0.0, depth
            holes), or None (default: every LR pixel is valid, as for min-max
            normalised depth). Invalid LR cells are left unchanged by the adjustment,
            and are filled with the image's mean valid LR depth before the bicubic
            initial estimate (DADA interpolates around them with scipy instead).
        init_generator: None (default: torch-bicubic initial estimate, as the paper),
            or a config dict (built from ``MODELS``) or module with the GDSR signature
            ``forward(lr (B, 1, h, w), guide (B, 3, H, W)) -> (B, 1, H, W)`` whose
            output is the initial estimate (it sees the hole-filled LR). Its
            parameters are part of this module (``init_generator.*``).

    Shape:
        - lr: (B, 1, H / s, W / s), normalised depth; guide: (B, 3, H, W) in [0, 1]
        - output: (B, 1, H, W); ``avg_pool2d(out, s) == lr``

    Raises:
        ValueError: (forward) inputs of the wrong shapes, or an ``init_generator``
            output that is not (B, 1, H, W).
    """

    def __init__(
        self,
        scale: int,
        feature_extractor: dict | nn.Module | None = None,
        diffusion: dict | None = None,
        depth_offset: float = 1.0,
        lr_invalid_value: float | None = None,
        init_generator: dict | nn.Module | None = None,
    ) -> None:
        super().__init__()
        check_positive_int(scale, "scale")
        self.scale = scale
        if feature_extractor is None:
            feature_extractor = dict(type="GuideDepthFeatures")
        if isinstance(feature_extractor, dict):
            feature_extractor = MODELS.build(feature_extractor)
        self.feature_extractor = feature_extractor
        cfg = dict(diffusion or {})
        cfg.setdefault("scale", scale)
        cfg.setdefault("zero_invalid", False)
        self.diffusion = GuidedAnisotropicDiffusion(**cfg)
        self.depth_offset = depth_offset
        self.lr_invalid_value = lr_invalid_value
        if isinstance(init_generator, dict):
            init_generator = MODELS.build(init_generator)
        self.init_generator = init_generator

    def forward(self, lr: Tensor, guide: Tensor, valid: Tensor | None = None) -> Tensor:
        """Return the HR depth (B, 1, H, W) for ``lr`` (B, 1, h, w) and ``guide`` (B, 3, H, W)."""
        check_lr_guide(lr, guide, self.scale, guide_channels=None)
        lr_filled = lr
        if self.lr_invalid_value is not None:
            lr_ok = lr != self.lr_invalid_value
            valid = lr_ok if valid is None else valid & lr_ok
            n = lr_ok.sum((1, 2, 3), keepdim=True).clamp(min=1)
            mean = torch.where(lr_ok, lr, 0.0).sum((1, 2, 3), keepdim=True) / n
            lr_filled = torch.where(lr_ok, lr, mean)
        init = self.initial_estimate(lr_filled, guide)
        features = self.feature_extractor(guide, init)
        off = self.depth_offset
        out = self.diffusion(init + off, lr + off, features, valid=valid)
        return out - off

    def initial_estimate(self, lr: Tensor, guide: Tensor) -> Tensor:
        """The estimate the diffusion starts from, (B, 1, H, W) at the guide's size."""
        size = tuple(guide.shape[-2:])
        if self.init_generator is None:
            return F.interpolate(lr, size=size, mode="bicubic", align_corners=False)
        init = self.init_generator(lr, guide)
        if tuple(init.shape) != (lr.shape[0], 1, *size):
            raise ValueError(f"init_generator must return (B, 1, H, W) = ({lr.shape[0]}, 1, "
                             f"{size[0]}, {size[1]}), got {tuple(init.shape)}")
        return init
