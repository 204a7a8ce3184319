"""Data preprocessors: GDSR, and one that stacks every image of a multi-input batch (IVIF, RefSR).

mmagic-style: data kept apart from the net.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from mmengine.model import BaseDataPreprocessor
from torch import Tensor

from ..registry import MODELS, build_block

__all__ = ["GDSRDataPreprocessor", "MultiInputDataPreprocessor", "stack_inputs"]


def stack_inputs(items: Tensor | Sequence[Tensor], name: str) -> Tensor:
    """Stack a collated list of (C, H, W) tensors into (B, C, H, W), without padding.

    Args:
        items: a list of (C, H, W) tensors, or an already batched tensor
            ((B, C, H, W) is returned as is, (C, H, W) gains a batch axis).
        name: the input's name, for the error message.

    Returns:
        (B, C, H, W) tensor.

    Raises:
        ValueError: the tensors differ in shape (nothing is resized or padded:
            use batch_size=1 for full images of different sizes).
    """
    if isinstance(items, Tensor):
        return items if items.dim() == 4 else items.unsqueeze(0)
    sizes = {tuple(t.shape) for t in items}
    if len(sizes) != 1:
        raise ValueError(
            f"all {name} tensors of a batch must have one shape, got {sorted(sizes)}; "
            "use batch_size=1 to evaluate full images of different sizes"
        )
    return torch.stack(list(items))


@MODELS.register_module()
class GDSRDataPreprocessor(BaseDataPreprocessor):
    """Move a collated GDSR batch to the model's device and stack it.

    Input is what mmengine's ``pseudo_collate`` makes of the datasets' items
    (see :class:`xmodal.datasets.PackGDSRInputs`): ``{'inputs': {'guide': [..],
    'lr': [..]}, 'data_samples': [BaseDataElement, ..]}``.

    Args:
        guide_channel_order: ``'rgb'`` (xmodal datasets, default) or ``'bgr'``
            (reverse the channels, e.g. for weights trained with the official
            D2A2 loader, which reads BGR with OpenCV).
        guide_mean: optional per-channel mean subtracted from the guide after the
            channel reordering (e.g. ImageNet mean for DKN/DCTNet-style models);
            the guide stays ``/ 255`` (in [0, 1]) when None, as D2A2 expects.
        guide_std: optional per-channel std the guide is divided by.
        batch_augments: configs of guide augmentations applied to training batches
            only, in order (e.g. ``[dict(type='GuideMix', prob=0.25)]``,
            :class:`~xmodal.models.GuideMix`), before the mean/std normalisation.

    Shape:
        - guide: list of (3, H, W) float tensors in [0, 1] -> (B, 3, H, W) float32.
        - lr: list of (1, h, w) normalised LR depths -> (B, 1, h, w) float32.

    Returns (``forward``):
        ``{'inputs': {'lr': (B, 1, h, w), 'guide': (B, 3, H, W)}, 'data_samples': list}``
        with float32 tensors on the model's device; each sample's ``gt_depth``
        (1, H, W) is moved to the device too.

    Raises:
        ValueError: ``guide_channel_order`` unknown, or guide/lr sizes differ
            within a batch (use batch size 1 for full-image evaluation).
    """

    def __init__(
        self,
        guide_channel_order: str = "rgb",
        guide_mean: Sequence[float] | None = None,
        guide_std: Sequence[float] | None = None,
        batch_augments: Sequence[dict] | None = None,
    ) -> None:
        super().__init__()
        self.batch_augments = torch.nn.ModuleList(
            build_block(cfg) for cfg in (batch_augments or ()))
        if guide_channel_order not in ("rgb", "bgr"):
            raise ValueError(
                f"guide_channel_order must be 'rgb' or 'bgr', got {guide_channel_order!r}"
            )
        self.guide_channel_order = guide_channel_order
        mean = torch.tensor(guide_mean if guide_mean is not None else [0.0, 0.0, 0.0])
        std = torch.tensor(guide_std if guide_std is not None else [1.0, 1.0, 1.0])
        self.register_buffer("guide_mean", mean.view(1, -1, 1, 1).float(), persistent=False)
        self.register_buffer("guide_std", std.view(1, -1, 1, 1).float(), persistent=False)

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data["inputs"]
        guide = stack_inputs(inputs["guide"], "guide").float()
        lr = stack_inputs(inputs["lr"], "lr").float()
        if self.guide_channel_order == "bgr":
            guide = guide.flip(1)
        if training:
            for augment in self.batch_augments:
                guide = augment(guide)
        guide = (guide - self.guide_mean) / self.guide_std
        return {"inputs": {"lr": lr, "guide": guide}, "data_samples": data.get("data_samples")}


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

    Shape:
        each ``inputs[name]`` item (C, H, W) -> ``inputs[name]`` (B, C, H, W), float32.

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
