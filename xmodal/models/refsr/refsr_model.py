"""The mmengine training wrapper of reference-based SR networks (mmagic split)."""

from __future__ import annotations

import torch
from mmengine.model import BaseModel
from torch import Tensor, nn

from ...registry import MODELS

__all__ = ["RefSRModel"]


def _build(cfg: dict | nn.Module) -> nn.Module:
    return cfg if isinstance(cfg, nn.Module) else MODELS.build(cfg)


@MODELS.register_module()
class RefSRModel(BaseModel):
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

    def __init__(self, generator: dict | nn.Module, loss: dict | nn.Module | None = None,
                 data_preprocessor: dict | nn.Module | None = None,
                 init_cfg: dict | None = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type="MultiInputDataPreprocessor", keys=("lr", "ref"))
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.generator = _build(generator)
        self.loss_module = _build(loss) if loss is not None else None

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
