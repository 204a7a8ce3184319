"""The shared part of xmodal's mmengine training wrappers (mmagic's ``BaseEditModel`` split)."""

from __future__ import annotations

import copy

from mmengine.model import BaseModel
from torch import nn

from ..registry import MODELS, build_block

__all__ = ["GeneratorModel"]


class GeneratorModel(BaseModel):
    """An mmengine ``BaseModel`` that owns a generator and a data preprocessor.

    Subclasses (:class:`~xmodal.models.GDSRModel`, ``IVIFModel``, ``RefSRModel``)
    add their loss and implement ``forward(inputs, data_samples, mode)``; the
    architecture itself stays a plain ``nn.Module`` with no loss or data logic.

    Args:
        generator: config (or module) of the architecture, built from ``MODELS``.
        data_preprocessor: config or module; None gives a deep copy of the
            class attribute ``default_preprocessor``.
        init_cfg: mmengine initialisation config.

    Raises:
        TypeError: ``generator`` is neither a config dict nor an ``nn.Module``.
    """

    default_preprocessor: dict = dict(type="GDSRDataPreprocessor")

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
