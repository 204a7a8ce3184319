"""The mmengine training wrapper of guided depth super-resolution networks.

mmagic's ``BaseEditModel`` split: the *generator* (architecture, e.g.
:class:`xmodal.models.D2A2`) knows nothing of losses or data; this wrapper owns
the pixel loss and the data preprocessor and implements mmengine's three
modes, so the Runner's loops, hooks and checkpoints train and test it.
"""

from __future__ import annotations

from torch import Tensor, nn

from ..registry import MODELS, build_block
from .base_model import GeneratorModel

__all__ = ["GDSRModel"]


@MODELS.register_module()
class GDSRModel(GeneratorModel):
    """Generator + pixel loss + data preprocessor for GDSR.

    Args:
        generator: config (or module) of a network with ``forward(lr, guide)``
            returning the HR depth, e.g. ``dict(type='D2A2', scale=8)``.
        pixel_loss: config of the loss between prediction and ``gt_depth``
            (``dict(type='L1Loss')``, the D2A2 loss); None for a test-only model.
        data_preprocessor: config of the preprocessor
            (``dict(type='GDSRDataPreprocessor')``).
        init_cfg: mmengine initialisation config.

    Shape:
        - inputs['lr']: (B, 1, h, w) LR depth, HR min-max normalised, float32.
        - inputs['guide']: (B, 3, H, W) guide in [0, 1] (RGB unless reordered).
        - data_samples: B elements, each with ``gt_depth`` (1, H, W) for training.

    Modes of ``forward(inputs, data_samples, mode)``:
        - ``'tensor'``: the (B, 1, H, W) prediction (normalised depth).
        - ``'loss'``: ``{'loss': L(pred, gt_depth)}``.
        - ``'predict'``: the data samples, each with ``pred_depth`` (1, H, W)
          set (normalised; :class:`xmodal.evaluation.GDSRMetric` de-normalises).

    Raises:
        ValueError: unknown ``mode``; ``'loss'`` without a pixel loss or
            without ground truth in the data samples.
    """

    pred_key = "pred_depth"
    loss_attr = "pixel_loss"

    def __init__(
        self,
        generator: dict | nn.Module,
        pixel_loss: dict | nn.Module | None = None,
        data_preprocessor: dict | nn.Module | None = None,
        init_cfg: dict | None = None,
    ) -> None:
        super().__init__(generator, data_preprocessor, init_cfg)
        self.pixel_loss = build_block(pixel_loss)

    def _gt(self, data_samples: list | None) -> Tensor:
        return self.stack_field(data_samples, "gt_depth")

    def forward_tensor(self, inputs: dict, data_samples: list | None = None) -> Tensor:
        return self.generator(inputs["lr"], inputs["guide"])

    def loss(self, inputs: dict, data_samples: list | None) -> dict:
        pixel_loss = self.loss_module_or_raise()
        pred = self.forward_tensor(inputs)
        return {"loss": pixel_loss(pred, self._gt(data_samples).to(pred))}
