"""The mmengine training wrapper of infrared-visible fusion networks (mmagic split)."""

from __future__ import annotations

from torch import Tensor

from ...registry import MODELS
from ..base_model import GeneratorLossModel
from .color import rgb_to_luma

__all__ = ["IVIFModel"]


@MODELS.register_module()
class IVIFModel(GeneratorLossModel):
    """Generator + unsupervised fusion loss + data preprocessor.

    Args:
        generator: config (or module) of a network with ``forward(ir, vis)``
            returning the fused luma (B, 1, H, W) and ``fuse_rgb(ir, vis, fused_y)``
            (e.g. ``dict(type='IVIFNet')``).
        loss: config of the loss ``loss(fused_y, ir, vis_y) -> dict``
            (``dict(type='FusionLoss')``); None for a test-only model.
        data_preprocessor: defaults to ``MultiInputDataPreprocessor(keys=('ir', 'vis'))``.
        init_cfg: mmengine initialisation config.

    Modes of ``forward(inputs, data_samples, mode)`` (``inputs = {'ir': (B, 1, H, W),
    'vis': (B, 3, H, W)}`` in [0, 1]):
        - ``'tensor'``: the fused luma (B, 1, H, W).
        - ``'loss'``: the loss dict (no ground truth: unsupervised).
        - ``'predict'``: data samples with ``pred_fused`` (3, H, W) RGB in [0, 1]
          and ``pred_fused_y`` (1, H, W) set.

    Raises:
        ValueError: unknown ``mode``; ``'loss'`` without a loss; ``'predict'``
            without data samples.
    """

    default_preprocessor = dict(type="MultiInputDataPreprocessor", keys=("ir", "vis"))
    pred_key = "pred_fused"

    def forward_tensor(self, inputs: dict, data_samples: list | None = None) -> Tensor:
        return self.generator(inputs["ir"], inputs["vis"])

    def loss(self, inputs: dict, data_samples: list | None) -> dict:
        loss = self.loss_module_or_raise()
        return loss(self.forward_tensor(inputs), inputs["ir"], rgb_to_luma(inputs["vis"]))

    def predict(self, inputs: dict, data_samples: list) -> list:
        ir, vis = inputs["ir"], inputs["vis"]
        fused_y = self.forward_tensor(inputs)
        rgb = self.generator.fuse_rgb(ir, vis, fused_y).detach()
        for sample, f, y in zip(data_samples, rgb, fused_y.detach()):
            setattr(sample, self.pred_key, f)
            sample.pred_fused_y = y
        return data_samples
