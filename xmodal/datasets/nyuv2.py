"""NYU Depth v2 (labeled, 1449 frames) for guided depth super-resolution."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xmodal.registry import DATASETS

from .base_gdsr import BaseGDSRDataset, read_rgb
from .pairing import find_subdir

__all__ = ["NYUv2Dataset"]

NUM_FRAMES = 1449
NUM_TRAIN = 1000
MAT_NAME = "nyu_depth_v2_labeled.mat"


@DATASETS.register_module()
class NYUv2Dataset(BaseGDSRDataset):
    """NYUv2 labeled set, the GDSR split: frames 0..999 train, 1000..1448 test.

    Two layouts are read (the first found wins):

    - ``<root>/nyu_depth_v2_labeled.mat`` (MATLAB v7.3 / HDF5, read lazily with
      h5py): ``images`` is stored (1449, 3, 640, 480) and ``depths`` (1449, 640,
      480) in HDF5 order, so frame ``i`` is ``images[i].transpose(2, 1, 0)`` ->
      (480, 640, 3) uint8 RGB and ``depths[i].T`` -> (480, 640) metres.
    - ``<root>/RGB/{i}.jpg`` + ``<root>/Depth/{i}.npy`` (float32 metres), the
      community layout read by the official D2A2/DCTNet loaders and distributed
      as DCTNet's ``RawDatasets/NYUDepthv2_Test`` (folder names in any case:
      ``rgb/`` and ``depth/`` are found as well). With only some
      files present (e.g. the 3 test frames 1000..1002 of ``gdsr/nyuv2_samples``)
      the dataset holds the frames of the split that exist, in index order; a
      frame with only one of its two files raises.

    The guide is decoded with Pillow in RGB order (the official D2A2 loader reads
    BGR with cv2: weights trained that way need the channels swapped). Depth in
    metres, RMSE in cm (``unit_scale=100``) after a 6-pixel border crop. Default
    root: ``gdsr/nyuv2`` then ``gdsr/nyuv2_samples``.

    Args:
        data_root: the folder holding the .mat file or ``RGB/`` + ``Depth/``.
        scale: 4, 8 or 16.
        split: ``'train'`` (0..999) or ``'test'`` (1000..1448).
        pipeline: transform configs/callables; default test pipeline for ``'test'``,
            official D2A2 training pipeline (256 crops, flips, transposes) for ``'train'``.
        test_mode: mmengine flag (default ``split == 'test'``).
        **kwargs: passed to ``mmengine.dataset.BaseDataset``.

    Raises:
        ValueError: on a wrong scale/split, or when no frame of the split exists; when
            an item is loaded, an unreadable file or a constant depth (naming the file).
        FileNotFoundError: if the root or its ``RGB``/``Depth`` folder is missing, or
            frames lack their guide or depth (all such files are listed).
    """

    dataset_name = "nyuv2"
    default_dirs = ("nyuv2", "nyuv2_samples")
    layout = (f"<root>/{MAT_NAME} or <root>/RGB/{{i}}.jpg + <root>/Depth/{{i}}.npy "
              "(float32 metres), i in 0..1448")
    splits = ("train", "test")
    unit_scale, unit, border = 100.0, "cm", 6

    def __init__(self, data_root: str | Path | None = None, scale: int = 4, split: str = "test",
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool | None = None, **kwargs: Any) -> None:
        self._h5 = None
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)

    def _split_indices(self) -> range:
        return range(0, NUM_TRAIN) if self.split == "train" else range(NUM_TRAIN, NUM_FRAMES)

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
