"""Common base of the GDSR datasets: file listing in subclasses, loading + pipeline here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset
from PIL import Image

from xmodal.registry import TRANSFORMS
from xmodal.utils.images import read_rgb_image

from .paths import resolve_gdsr_root
from .protocol import check_scale

__all__ = ["BaseGDSRDataset", "default_test_pipeline", "default_train_pipeline",
           "read_rgb", "read_depth_png"]


#: Splits that are evaluated, not trained on: the test pipeline and ``test_mode`` by default.
EVAL_SPLITS = ("test", "val")


def default_test_pipeline() -> list[dict]:
    """The protocol's test pipeline: mod-crop, PIL-bicubic LR, HR min-max, pack."""
    return [dict(type="ModCrop"), dict(type="MakeLRDepth"), dict(type="PackGDSRInputs")]


def default_train_pipeline(crop_size: int = 256) -> list[dict]:
    """The official D2A2 training pipeline: random crop, LR from the crop, flips/transpose.

    ``RandomCropPair(crop_size) -> MakeLRDepth -> RandomFlipTranspose -> PackGDSRInputs``:
    the LR is made (PIL bicubic) from the HR crop and both are min-max normalised
    with the **crop's** HR min/max, as the official D2A2 NYUv2 loader does
    (docs/evaluation.md; :mod:`xmodal.datasets.transforms`).

    Args:
        crop_size: side in pixels of the square HR crop (official D2A2: 256). It is
            not checked here: building the pipeline raises if it is not a positive
            int, and every call raises if it is not a multiple of the dataset's
            scale or exceeds the image.

    Returns:
        A new list of four transform config dicts (``type`` keys registered in
        ``xmodal.registry.TRANSFORMS``), ready for ``pipeline=``.
    """
    return [dict(type="RandomCropPair", size=crop_size), dict(type="MakeLRDepth"),
            dict(type="RandomFlipTranspose"), dict(type="PackGDSRInputs")]


def read_rgb(path: str | Path) -> np.ndarray:
    """Decode an RGB guide with Pillow (JPEG/PNG) -> uint8 (H, W, 3), RGB order.

    :func:`xmodal.utils.read_rgb_image`, the reader inference uses too.

    Args:
        path: the image file.

    Returns:
        uint8 array (H, W, 3), RGB order (palette images are expanded).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file cannot be decoded, or is not 8-bit RGB (grey, RGBA):
            the message names the file.
    """
    return read_rgb_image(path, "guide")


def read_depth_png(path: str | Path) -> np.ndarray:
    """Decode an 8- or 16-bit single-channel depth PNG with Pillow -> float32 (H, W), file units.

    Args:
        path: the depth PNG.

    Returns:
        float32 array (H, W) in the file's units (8-bit levels, mm...).

    Raises:
        ValueError: the file cannot be read or decoded, or is not single-channel
            (modes L, I;16, I); the message names the file.
    """
    try:
        with Image.open(path) as img:
            mode = img.mode
            if mode in ("L", "I;16", "I;16B", "I"):
                return np.asarray(img).astype(np.float32)
    except (OSError, SyntaxError, ValueError) as err:
        raise ValueError(f"cannot read depth image {path}: {err}") from err
    raise ValueError(f"depth PNG {path} has mode {mode}; expected L, I;16 or I")


class BaseGDSRDataset(BaseDataset):
    """Base of the xmodal GDSR datasets (mmengine ``BaseDataset``).

    Subclasses set the class attributes and implement ``load_data_list`` (one dict
    per pair with at least ``img_name``) and ``load_pair`` (-> uint8 RGB guide
    (H, W, 3), float32 depth (H, W) in file units). Items go through ``pipeline``
    (default: the protocol's test pipeline for the evaluation splits ``'test'`` and
    ``'val'``, the official D2A2 training pipeline for the others, ``'train'``...)
    and end as the xmodal data contract
    (:class:`~xmodal.datasets.transforms.PackGDSRInputs`).

    Args:
        data_root: dataset folder; ``None`` resolves ``gdsr/<default_dirs[i]>``
            through :mod:`xmodal.datasets.paths`.
        scale: up-sampling factor, 4, 8 or 16.
        split: one of the class's ``splits`` (``'train'`` / ``'test'``; test-only
            datasets accept ``'test'``; :class:`~xmodal.datasets.NYUv2Dataset` also
            ``'val'`` and ``'trainval'``).
        pipeline: transform configs (built from ``xmodal.registry.TRANSFORMS``) or
            callables; ``None`` for the default of the split.
        test_mode: mmengine flag (no re-fetch on ``None``); defaults to True for
            ``'test'`` and ``'val'``.
        **kwargs: passed to ``mmengine.dataset.BaseDataset`` (``indices``, ``lazy_init``...).

    Raises:
        ValueError: on a wrong ``scale`` or ``split``, or ``indices`` that ask for
            frames the folder does not hold (e.g. a recipe's split of the full set run
            on the small embedded sample).
        FileNotFoundError: if the root or its files are missing.
    """

    dataset_name: str = ""
    default_dirs: tuple[str, ...] = ()
    layout: str = ""
    splits: tuple[str, ...] = ("test",)
    unit_scale: float = 1.0
    unit: str = "8bit"
    border: int = 0

    def __init__(
        self,
        data_root: str | Path | None = None,
        scale: int = 4,
        split: str = "test",
        pipeline: Sequence[dict | Callable] | None = None,
        test_mode: bool | None = None,
        **kwargs: Any,
    ) -> None:
        self.scale = check_scale(scale)
        if split not in self.splits:
            raise ValueError(f"{type(self).__name__}: split must be one of {self.splits}, "
                             f"got {split!r}")
        self.split = split
        if data_root is None:
            data_root = resolve_gdsr_root(list(self.default_dirs), self.layout)
        data_root = Path(data_root)
        if not data_root.is_dir():
            raise FileNotFoundError(
                f"{type(self).__name__}: data_root {data_root} does not exist. "
                f"Expected layout: {self.layout}"
            )
        evaluates = split in EVAL_SPLITS
        if pipeline is None:
            pipeline = default_test_pipeline() if evaluates else default_train_pipeline()
        built = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]
        if test_mode is None:
            test_mode = evaluates
        super().__init__(data_root=str(data_root), pipeline=built, test_mode=test_mode,
                         metainfo=dict(unit_scale=self.unit_scale, border=self.border),
                         **kwargs)

    def _get_unserialized_subset(self, indices: Sequence[int] | int) -> list:
        """mmengine's subset, refusing out-of-range ``indices`` instead of failing or truncating."""
        n = len(self.data_list)
        if isinstance(indices, int):  # the first (or last) |indices| frames
            beyond = [indices] if abs(indices) > n else []
        else:
            beyond = [i for i in indices if not -n <= i < n]
        if beyond:
            raise ValueError(f"{type(self).__name__}: indices ask for frame {beyond[0]} but "
                             f"{self.data_root} holds {n} frames: point data_root (or "
                             "XMODAL_DATA) at the full dataset")
        return super()._get_unserialized_subset(indices)

    def load_pair(self, info: dict) -> tuple[np.ndarray, np.ndarray]:
        """Read one pair -> (uint8 RGB guide (H, W, 3), float32 depth (H, W), file units)."""
        raise NotImplementedError

    def load_extras(self, info: dict) -> dict:
        """Further arrays of one item (e.g. a real LR depth); none by default."""
        return {}

    def prepare_data(self, idx: int) -> Any:
        """Load pair ``idx``, add the protocol metainfo and run the pipeline.

        Raises:
            ValueError: guide and depth differ in size, or a transform refuses the
                item (constant depth, image smaller than the scale or the crop...);
                the message names the item's files.
        """
        info = self.get_data_info(idx)
        guide, depth = self.load_pair(info)
        files = ", ".join(str(v) for k, v in info.items() if k.endswith("_path"))
        if guide.shape[:2] != depth.shape:
            raise ValueError(f"{type(self).__name__}: guide {guide.shape} and depth "
                             f"{depth.shape} differ in size ({files})")
        results = dict(info, guide=guide, hr_depth=depth, scale=self.scale,
                       unit_scale=self.unit_scale, unit=self.unit, border=self.border,
                       dataset=self.dataset_name, **self.load_extras(info))
        try:
            return self.pipeline(results)
        except ValueError as err:
            raise ValueError(f"{type(self).__name__}: item {info['img_name']!r} ({files}): "
                             f"{err}") from err
