"""NYU Depth v2 (labeled, 1449 frames) for guided depth super-resolution."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xmodal.registry import DATASETS

from .base_gdsr import BaseGDSRDataset, read_rgb
from .pairing import find_subdir

__all__ = ["NYUv2Dataset", "NYUV2_SPLITS"]

NUM_FRAMES = 1449
NUM_TRAIN = 1000  # the paper's training set: frames 0..999 ('trainval')
NUM_VAL = 50  # its last 50 frames, 950..999, held out of 'train' to choose checkpoints on
MAT_NAME = "nyu_depth_v2_labeled.mat"

#: Frame indices of each split (fixed; tests check they are disjoint and what they cover).
#: ``train`` + ``val`` = ``trainval``, the paper's 1000 training frames; ``test`` is the
#: paper's 449 test frames.
NYUV2_SPLITS: dict[str, range] = {
    "train": range(0, NUM_TRAIN - NUM_VAL),
    "val": range(NUM_TRAIN - NUM_VAL, NUM_TRAIN),
    "trainval": range(0, NUM_TRAIN),
    "test": range(NUM_TRAIN, NUM_FRAMES),
}


@DATASETS.register_module()
class NYUv2Dataset(BaseGDSRDataset):
    """NYUv2 labeled set, the GDSR split (paper: frames 0..999 train, 1000..1448 test).

    Splits (``xmodal.datasets.nyuv2.NYUV2_SPLITS``, by frame index):

    - ``'train'``: 0..949 (950 frames), what the recipes train on;
    - ``'val'``: 950..999 (the last 50 of the paper's training frames), held out of
      ``'train'``: the only frames checkpoints and settings are chosen on;
    - ``'trainval'``: 0..999, the paper's training set, for a final run with a
      fixed schedule and no checkpoint selection (it holds the validation frames);
    - ``'test'``: 1000..1448 (449 frames), the paper's test set: reported, never
      used to choose anything.

    Two layouts are read (the first found wins):

    - ``<root>/nyu_depth_v2_labeled.mat`` (MATLAB v7.3 / HDF5, read lazily with
      h5py): ``images`` is stored (1449, 3, 640, 480) and ``depths`` (1449, 640,
      480) in HDF5 order, so frame ``i`` is ``images[i].transpose(2, 1, 0)`` ->
      (480, 640, 3) uint8 RGB and ``depths[i].T`` -> (480, 640) metres.
    - ``<root>/RGB/{i}.jpg`` + ``<root>/Depth/{i}.npy`` (float32 metres), the
      community layout read by the official D2A2/DCTNet loaders and distributed
      as DCTNet's ``RawDatasets/NYUDepthv2_Test`` (folder names in any case:
      ``rgb/`` and ``depth/`` are found as well). With only some
      files present (e.g. the 3 test frames 1000..1002 of ``gdsr/nyuv2_samples``,
      which hold no ``'train'``, ``'val'`` or ``'trainval'`` frame) the dataset
      holds the frames of the split that exist, in index order; a frame with
      only one of its two files raises.

    The guide is decoded with Pillow in RGB order (the official D2A2 loader reads
    BGR with cv2: weights trained that way need the channels swapped). Depth in
    metres, RMSE in cm (``unit_scale=100``) after a 6-pixel border crop. Default
    root: ``gdsr/nyuv2`` then ``gdsr/nyuv2_samples``.

    Args:
        data_root: the folder holding the .mat file or ``RGB/`` + ``Depth/``.
        scale: 4, 8 or 16.
        split: ``'train'`` (0..949), ``'val'`` (950..999), ``'trainval'`` (0..999)
            or ``'test'`` (1000..1448).
        pipeline: transform configs/callables; default test pipeline for ``'val'``
            and ``'test'``, official D2A2 training pipeline (256 crops, flips,
            transposes) for ``'train'`` and ``'trainval'``.
        test_mode: mmengine flag (default: True for ``'val'`` and ``'test'``).
        **kwargs: passed to ``mmengine.dataset.BaseDataset``.

    Raises:
        ValueError: on a wrong scale/split (any name but the four above), or when no
            frame of the split exists (e.g. ``'val'`` on the 3-frame sample); when
            an item is loaded, an unreadable file or a constant depth (naming the file).
        FileNotFoundError: if the root or its ``RGB``/``Depth`` folder is missing, or
            frames lack their guide or depth (all such files are listed).
    """

    dataset_name = "nyuv2"
    default_dirs = ("nyuv2", "nyuv2_samples")
    layout = (f"<root>/{MAT_NAME} or <root>/RGB/{{i}}.jpg + <root>/Depth/{{i}}.npy "
              "(float32 metres), i in 0..1448")
    splits = tuple(NYUV2_SPLITS)
    unit_scale, unit, border = 100.0, "cm", 6

    def __init__(self, data_root: str | Path | None = None, scale: int = 4, split: str = "test",
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool | None = None, **kwargs: Any) -> None:
        self._h5 = None
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)

    def _split_indices(self) -> range:
        return NYUV2_SPLITS[self.split]

    def load_data_list(self) -> list[dict]:
        """List the frames of the split (all from the .mat, or those present as files)."""
        root = Path(self.data_root)
        mat = root / MAT_NAME
        if mat.is_file():
            return [dict(img_name=str(i), index=i, mat_path=str(mat))
                    for i in self._split_indices()]
        who = type(self).__name__
        rgb_dir = find_subdir(root, "RGB", who, self.layout)
        depth_dir = find_subdir(root, "Depth", who, self.layout)
        data_list, unpaired = [], []
        for i in self._split_indices():
            rgb, depth = rgb_dir / f"{i}.jpg", depth_dir / f"{i}.npy"
            has_rgb, has_depth = rgb.is_file(), depth.is_file()
            if has_rgb != has_depth:
                unpaired.append(str(rgb if has_rgb else depth))
            elif has_rgb:
                data_list.append(dict(img_name=str(i), index=i, guide_path=str(rgb),
                                      depth_path=str(depth)))
        if unpaired:
            raise FileNotFoundError(f"{who}: these frames have no partner file in {root}: "
                                    f"{', '.join(unpaired)}")
        if not data_list:
            raise ValueError(f"NYUv2Dataset: no frame of split {self.split!r} in {root}. "
                             f"Expected layout: {self.layout}")
        return data_list

    def load_pair(self, info: dict) -> tuple[np.ndarray, np.ndarray]:
        """Read frame ``info['index']`` -> (uint8 RGB (480, 640, 3), float32 metres (480, 640))."""
        if "mat_path" in info:
            if self._h5 is None:  # opened lazily, once per worker process
                import h5py

                self._h5 = h5py.File(info["mat_path"], "r")
            i = info["index"]
            guide = np.ascontiguousarray(self._h5["images"][i].transpose(2, 1, 0), dtype=np.uint8)
            depth = np.ascontiguousarray(self._h5["depths"][i].T, dtype=np.float32)
            return guide, depth
        try:
            depth = np.load(info["depth_path"]).astype(np.float32, copy=False)
        except (OSError, ValueError) as err:
            raise ValueError(f"NYUv2Dataset: cannot read depth {info['depth_path']}: "
                             f"{err}") from err
        if depth.ndim != 2:
            raise ValueError(f"NYUv2Dataset: {info['depth_path']} has shape {depth.shape}, "
                             "expected (H, W)")
        return read_rgb(info["guide_path"]), depth

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_h5"] = None  # h5py handles do not pickle into dataloader workers
        return state
