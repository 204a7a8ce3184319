"""The mmengine training wrapper of reference-based SR networks (mmagic split)."""

from __future__ import annotations

from torch import Tensor

from ...registry import MODELS
from ..base_model import GeneratorLossModel

__all__ = ["RefSRModel"]


@MODELS.register_module()
class RefSRModel(GeneratorLossModel):
    """Generator + RefSR loss + data preprocessor.

    Args:
        generator: config (or module) of a network ``forward(lr, ref) -> HR RGB``
            (e.g. ``dict(type='RefSRNet', scale=4)``).
        loss: ``dict(type='RefSRLoss', mode='l1' | 'dcsr')``; None for test-only.
        data_preprocessor: defaults to ``MultiInputDataPreprocessor(keys=('lr', 'ref'))``.
        init_cfg: mmengine initialisation config.

    Modes (``inputs = {'lr': (B, 3, h, w), 'ref': (B, 3, H_r, W_r)}`` in [0, 1]):
        - ``'tensor'``: the (B, 3, H, W) prediction.
        - ``'loss'``: the loss dict against each sample's ``gt_img`` (3, H, W).
        - ``'predict'``: data samples with ``pred_img`` (3, H, W), clamped to [0, 1].

    Raises:
        ValueError: unknown mode; ``'loss'`` without loss or ``gt_img``.
    """

    default_preprocessor = dict(type="MultiInputDataPreprocessor", keys=("lr", "ref"))
    pred_key = "pred_img"

    def forward_tensor(self, inputs: dict, data_samples: list | None = None) -> Tensor:
        return self.generator(inputs["lr"], inputs["ref"])

    def loss(self, inputs: dict, data_samples: list | None) -> dict:
        loss = self.loss_module_or_raise()
        gt = self.stack_field(data_samples, "gt_img")
        pred = self.forward_tensor(inputs)
        return loss(pred, gt.to(pred), inputs["ref"])

    def predict(self, inputs: dict, data_samples: list) -> list:
        pred = self.forward_tensor(inputs).detach().clamp(0, 1)
        for sample, p in zip(data_samples, pred):
            setattr(sample, self.pred_key, p)
        return data_samples
