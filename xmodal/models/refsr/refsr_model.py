"""The mmengine training wrapper of reference-based SR networks (mmagic split)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ...registry import MODELS, build_block
from ..base_model import GeneratorModel

__all__ = ["RefSRModel"]


@MODELS.register_module()
class RefSRModel(GeneratorModel):
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

    def __init__(self, generator: dict | nn.Module, loss: dict | nn.Module | None = None,
                 data_preprocessor: dict | nn.Module | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(generator, data_preprocessor, init_cfg)
        self.loss_module = build_block(loss)

    def forward(self, inputs: dict, data_samples: list | None = None,
                mode: str = "tensor") -> Tensor | dict | list:
        pred = self.generator(inputs["lr"], inputs["ref"])
        if mode == "tensor":
            return pred
        if mode == "loss":
            if self.loss_module is None:
                raise ValueError("mode='loss' needs a loss; this model was built without")
            if not data_samples or any("gt_img" not in s for s in data_samples):
                raise ValueError("mode='loss' needs data samples that carry gt_img")
            gt = torch.stack([s.gt_img for s in data_samples]).to(pred)
            return self.loss_module(pred, gt, inputs["ref"])
        if mode == "predict":
            if data_samples is None:
                raise ValueError("mode='predict' needs the batch's data samples")
            for sample, p in zip(data_samples, pred.detach().clamp(0, 1)):
                sample.pred_img = p
            return data_samples
        raise ValueError(f"mode must be 'tensor', 'loss' or 'predict', got {mode!r}")
