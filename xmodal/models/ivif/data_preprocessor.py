"""A data preprocessor that stacks every image of a multi-input batch (IVIF, RefSR)."""

from __future__ import annotations

from collections.abc import Sequence

from mmengine.model import BaseDataPreprocessor

from ...registry import MODELS
from ..data_preprocessor import stack_inputs

__all__ = ["MultiInputDataPreprocessor"]


@MODELS.register_module()
class MultiInputDataPreprocessor(BaseDataPreprocessor):
    """Move a collated batch to the model's device and stack each named input.

    Input: what mmengine's ``pseudo_collate`` makes of items
    ``{'inputs': {name: FloatTensor (C, H, W)}, 'data_samples': BaseDataElement}``,
    i.e. ``{'inputs': {name: [tensor, ...]}, 'data_samples': [...]}``.

    Args:
        keys: the input names to stack (e.g. ``('ir', 'vis')`` or ``('lr', 'ref')``);
            every one must be present.

    Returns (``forward``):
        ``{'inputs': {name: (B, C, H, W) float32}, 'data_samples': list}`` on the
        model's device.

    Raises:
        KeyError: a key is missing from the batch.
        ValueError: ``keys`` empty, or tensors of one key differ in shape within a
            batch (use batch_size=1 for full images of different sizes).
    """

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__()
        if isinstance(keys, str) or not keys:
            raise ValueError(f"keys must be a non-empty sequence of names, got {keys!r}")
        self.keys = tuple(keys)

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data["inputs"]
        missing = [k for k in self.keys if k not in inputs]
        if missing:
            raise KeyError(f"batch inputs lack {missing}; have {sorted(inputs)}")
        out = {k: stack_inputs(inputs[k], k).float() for k in self.keys}
        return {"inputs": out, "data_samples": data.get("data_samples")}
