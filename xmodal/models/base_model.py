"""The shared part of xmodal's mmengine training wrappers (mmagic's ``BaseEditModel`` split)."""

from __future__ import annotations

import copy

import torch
from mmengine.model import BaseModel
from torch import Tensor, nn

from ..registry import MODELS, build_block

__all__ = ["GeneratorModel", "GeneratorLossModel"]


class GeneratorModel(BaseModel):
    """An mmengine ``BaseModel`` that owns a generator and a data preprocessor.

    ``forward(inputs, data_samples, mode)`` is written once here (mmagic's
    ``BaseEditModel``): ``'tensor'`` returns :meth:`forward_tensor`, ``'loss'``
    returns :meth:`loss`, ``'predict'`` returns the data samples with the
    prediction set as the field named by :attr:`pred_key` (:meth:`predict`).
    Subclasses (:class:`~xmodal.models.GDSRModel`, ``IVIFModel``, ``RefSRModel``,
    the DSR-Diff stages) override ``forward_tensor`` and ``loss`` (and
    ``predict`` when a prediction needs more than one field); the architecture
    itself stays a plain ``nn.Module`` with no loss or data logic.

    Args:
        generator: config (or module) of the architecture, built from ``MODELS``.
        data_preprocessor: config or module; None gives a deep copy of the
            class attribute ``default_preprocessor``.
        init_cfg: mmengine initialisation config.

    Raises:
        TypeError: ``generator`` is neither a config dict nor an ``nn.Module``.
        ValueError (from ``forward``): unknown ``mode``; ``'predict'`` without data
            samples; ``'loss'`` without a loss module or without ground truth.
    """

    default_preprocessor: dict = dict(type="GDSRDataPreprocessor")
    #: Data-sample field that ``mode='predict'`` sets.
    pred_key: str = "pred"
    #: Attribute holding the training loss module (None for a test-only model).
    loss_attr: str = "loss_module"

    def __init__(
        self,
        generator: dict | nn.Module,
        data_preprocessor: dict | nn.Module | None = None,
        init_cfg: dict | None = None,
    ) -> None:
        if data_preprocessor is None:
            data_preprocessor = copy.deepcopy(self.default_preprocessor)
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if generator is None:
            raise TypeError("generator must be a config dict or an nn.Module, got None")
        self.generator = build_block(generator)

    def forward(self, inputs: dict, data_samples: list | None = None,
                mode: str = "tensor") -> Tensor | dict | list:
        """mmengine's three modes: ``'tensor'``, ``'loss'`` and ``'predict'`` (class doc)."""
        if mode == "tensor":
            return self.forward_tensor(inputs, data_samples)
        if mode == "loss":
            return self.loss(inputs, data_samples)
        if mode == "predict":
            if data_samples is None:
                raise ValueError("mode='predict' needs the batch's data samples")
            return self.predict(inputs, data_samples)
        raise ValueError(f"mode must be 'tensor', 'loss' or 'predict', got {mode!r}")

    def forward_tensor(self, inputs: dict, data_samples: list | None = None) -> Tensor:
        """The raw (B, C, H, W) prediction of the generator."""
        raise NotImplementedError

    def loss(self, inputs: dict, data_samples: list | None) -> dict:
        """The loss dict of one batch."""
        raise NotImplementedError

    def predict(self, inputs: dict, data_samples: list) -> list:
        """Set each sample's :attr:`pred_key` to its (detached) prediction."""
        pred = self.forward_tensor(inputs, data_samples).detach()
        for sample, p in zip(data_samples, pred):
            setattr(sample, self.pred_key, p)
        return data_samples

    def loss_module_or_raise(self) -> nn.Module:
        """The loss module named by :attr:`loss_attr`; ValueError if the model has none."""
        module = getattr(self, self.loss_attr, None)
        if module is None:
            raise ValueError(f"mode='loss' needs a {self.loss_attr}; this model was built "
                             "without")
        return module

    @staticmethod
    def stack_field(data_samples: list | None, key: str) -> Tensor:
        """Stack one ground-truth field of the data samples into a (B, ...) tensor."""
        if not data_samples or any(key not in s for s in data_samples):
            raise ValueError(f"mode='loss' needs data samples that carry {key}")
        return torch.stack([getattr(s, key) for s in data_samples])


class GeneratorLossModel(GeneratorModel):
    """A :class:`GeneratorModel` with one loss module built from ``loss`` (``loss_module``).

    The shared constructor of the IVIF and RefSR wrappers.

    Args:
        generator: config (or module) of the architecture.
        loss: config (or module) of the loss; None for a test-only model.
        data_preprocessor: config or module; None: the class's ``default_preprocessor``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, generator: dict | nn.Module, loss: dict | nn.Module | None = None,
                 data_preprocessor: dict | nn.Module | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(generator, data_preprocessor, init_cfg)
        self.loss_module = build_block(loss)
