"""The DADA evaluation protocol: a second GDSR preset, never mixed with D2A2/DCTNet's.

"Guided Depth Super-Resolution by Deep Anisotropic Diffusion" (Metzger, Caye
Daudt, Schindler, CVPR 2023, https://arxiv.org/abs/2211.11592), as run by the
authors' code (``prs-eth/Diffusion-Super-Resolution``: ``data/utils.py``,
``run_train.py``, ``run_eval.py``, ``losses.py``):

1. depth in millimetres; invalid pixels (zeros, NaNs) are masked;
2. LR depth = **average pooling** of the HR depth over ``scale x scale`` cells,
   ignoring invalid pixels (``nanmean``; a cell with no valid pixel is invalid);
3. depth divided by a fixed per-dataset **std** (no mean subtraction: DADA's
   adjustment needs positive depth), :data:`DADA_DEPTH_STD_MM`;
4. evaluation on the non-overlapping ``256 x 256`` tiles of each test image
   (top-left first, remainders dropped), **masked** MAE and MSE over the valid HR
   pixels, converted to cm and cm^2 (:class:`xmodal.evaluation.DADAMetric`).

The preset reuses the xmodal data contract (:class:`PackGDSRInputs`): normalising by
``x / std`` is the min-max de-normalisation with ``depth_min = 0`` and
``depth_max = std``, so the metainfo keeps its meaning; ``preset='dada'`` and
``depth_std`` are added, and each data sample carries the masks ``gt_valid``
(1, H, W) and ``lr_valid`` (1, h, w) (bool). Numbers of this preset are reported
only under the ``dada/`` metric keys.

Differences from the authors' code: the initial bicubic estimate is the model's
business (DADA's ``bicubic_with_mask`` scipy interpolation is not part of the
data); training crops are not rotated (DADA: up to 15 degrees) and are not
re-drawn when they hold many holes (DADA: < 90 % valid LR or < 80 % valid HR;
RGB-D-D's HR maps are >= 99.999 % valid).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from mmengine.dataset import Compose
from PIL import Image
from torch.utils.data import Dataset

from xmodal.registry import DATASETS, TRANSFORMS
from xmodal.utils.checks import check_positive_int
from xmodal.utils.depth import invalid_depth

from .protocol import minmax_normalise
from .transforms import PackGDSRInputs

__all__ = [
    "DADA_DEPTH_STD_MM",
    "DADA_TILE_SIZE",
    "avg_pool_valid",
    "tile_origins",
    "MakeLRDepthDADA",
    "DADATileCrop",
    "PackDADAInputs",
    "DADATileDataset",
]

#: Fixed depth std (millimetres) by which DADA divides depth (mean 0, so depth stays
#: positive). NYUv2, Middlebury (2005/2006/2014 depth from disparity) and DIML are
#: the authors' constants (``run_train.py``). RGB-D-D is not in DADA: its value is
#: the std of the valid (non-zero) HR depth of the 405 RGB-D-D test frames of the
#: project data, measured by xmodal (mean 1916.36 mm, 79.6 M pixels).
DADA_DEPTH_STD_MM: dict[str, float] = {
    "nyuv2": 1386.05,
    "middlebury": 1122.7,
    "diml": 1154.29,
    "rgbdd": 525.68,
}

#: Side of the square evaluation tiles (DADA ``--crop-size`` default, eval and train).
DADA_TILE_SIZE = 256


def avg_pool_valid(depth: np.ndarray, scale: int, zero_invalid: bool = True) -> np.ndarray:
    """Average-pool a depth map over ``scale x scale`` cells, ignoring invalid pixels.

    DADA's ``downsample`` (``skimage.measure.block_reduce(..., np.nanmean)``) with
    the invalid pixels (NaN, +-inf and, with ``zero_invalid``, zeros) left out of
    each cell's mean.

    Args:
        depth: HR depth (H, W), float, any unit; H and W multiples of ``scale``.
        scale: cell side s (positive int).
        zero_invalid: treat zeros as invalid (RGB-D-D / NYUv2 holes).

    Returns:
        float32 (H / s, W / s): the mean of the valid pixels of each cell, NaN where
        a cell has none.

    Raises:
        TypeError: if ``depth`` is not a float numpy array.
        ValueError: if ``depth`` is not 2-D, ``scale`` is not a positive int or the
            size is not a multiple of ``scale``.

    Example:
        >>> avg_pool_valid(np.array([[1, 3], [0, 5]], np.float32), 2)
        array([[3.]], dtype=float32)
    """
    if not isinstance(depth, np.ndarray) or not np.issubdtype(depth.dtype, np.floating):
        raise TypeError(f"depth must be a float numpy array, got {type(depth).__name__} "
                        f"{getattr(depth, 'dtype', '')}")
    if depth.ndim != 2:
        raise ValueError(f"depth must have shape (H, W), got {depth.shape}")
    scale = check_positive_int(scale, "scale")
    h, w = depth.shape
    if h % scale or w % scale:
        raise ValueError(f"depth size {depth.shape} is not a multiple of scale {scale}")
    d = np.where(invalid_depth(depth, zero_invalid), np.nan, depth).astype(np.float64)
    cells = d.reshape(h // scale, scale, w // scale, scale)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
        return np.nanmean(cells, axis=(1, 3)).astype(np.float32)


def tile_origins(height: int, width: int, tile_size: int = DADA_TILE_SIZE) -> list[tuple[int, int]]:
    """Top-left corners of the non-overlapping tiles of an image, row-major (DADA eval).

    Args:
        height, width: image size in pixels.
        tile_size: tile side (DADA: 256).

    Returns:
        ``[(y, x), ...]`` for ``y`` in ``0, t, ..., (H // t - 1) t`` and the same for
        ``x``; empty if the image is smaller than one tile (remainders are dropped).

    Raises:
        ValueError: if ``tile_size`` is not a positive int.
    """
    check_positive_int(tile_size, "tile_size")
    return [(y * tile_size, x * tile_size)
            for y in range(height // tile_size) for x in range(width // tile_size)]


@TRANSFORMS.register_module()
class MakeLRDepthDADA:
    """DADA preset: LR by valid-pixel average pooling, depth divided by a fixed std.

    Reads ``hr_depth`` (float (H, W), file units) and ``scale``; sets
    ``gt_depth = hr / depth_std`` and ``lr_depth = avg_pool_valid(hr) / depth_std``
    (float32, **NaN at invalid pixels**, so that later flips keep the masks aligned;
    :class:`PackDADAInputs` turns the NaNs into zeros + masks), and the metainfo
    ``depth_min = 0``, ``depth_max = depth_std`` (so the contract's min-max
    de-normalisation gives back file units), ``depth_std``, ``preset = 'dada'``.

    Args:
        depth_std: the std in **file units** (RGB-D-D files are mm:
            ``DADA_DEPTH_STD_MM['rgbdd']``; NYUv2 files are metres:
            ``DADA_DEPTH_STD_MM['nyuv2'] / 1000``), > 0.
        zero_invalid: zeros of the HR depth are invalid pixels (DADA convention).

    Raises:
        ValueError: if ``depth_std`` <= 0, the HR size is not a multiple of the scale,
            or the HR depth has no valid pixel.
        KeyError: if ``hr_depth`` or ``scale`` is missing.
    """

    def __init__(self, depth_std: float, zero_invalid: bool = True) -> None:
        if not float(depth_std) > 0:
            raise ValueError(f"depth_std must be > 0 (file units), got {depth_std!r}")
        self.depth_std = float(depth_std)
        self.zero_invalid = bool(zero_invalid)

    def __call__(self, results: dict) -> dict:
        missing = [k for k in ("hr_depth", "scale") if k not in results]
        if missing:
            raise KeyError(f"MakeLRDepthDADA: results lack {missing}")
        hr = np.asarray(results["hr_depth"], dtype=np.float32)
        s = int(results["scale"])
        bad = invalid_depth(hr, self.zero_invalid)
        if bad.all():
            raise ValueError(f"MakeLRDepthDADA: {results.get('img_name', 'image')} has no "
                             "valid depth pixel")
        lr = avg_pool_valid(hr, s, self.zero_invalid)
        hr = np.where(bad, np.nan, hr).astype(np.float32)
        results["depth_min"], results["depth_max"] = 0.0, self.depth_std
        results["gt_depth"] = minmax_normalise(hr, 0.0, self.depth_std)
        results["lr_depth"] = minmax_normalise(lr, 0.0, self.depth_std)
        results["depth_std"] = self.depth_std
        results["preset"] = "dada"
        return results

    def __repr__(self) -> str:
        return f"MakeLRDepthDADA(depth_std={self.depth_std}, zero_invalid={self.zero_invalid})"


@TRANSFORMS.register_module()
class DADATileCrop:
    """Crop ``guide`` and ``hr_depth`` to the tile at ``results['tile_top_left']``.

    The tile origin is set by :class:`DADATileDataset`.

    Args:
        tile_size: tile side in pixels (DADA: 256); a multiple of the scale.

    Raises:
        KeyError: if ``tile_top_left``, ``hr_depth`` or ``scale`` is missing.
        ValueError: if the tile leaves the image or is not a multiple of the scale.
    """

    def __init__(self, tile_size: int = DADA_TILE_SIZE) -> None:
        check_positive_int(tile_size, "tile_size")
        self.tile_size = tile_size

    def __call__(self, results: dict) -> dict:
        missing = [k for k in ("tile_top_left", "hr_depth", "scale") if k not in results]
        if missing:
            raise KeyError(f"DADATileCrop: results lack {missing} (use DADATileDataset)")
        t = self.tile_size
        if t % int(results["scale"]):
            raise ValueError(f"DADATileCrop: tile {t} is not a multiple of scale "
                             f"{results['scale']}")
        y, x = (int(v) for v in results["tile_top_left"])
        h, w = results["hr_depth"].shape[:2]
        if y < 0 or x < 0 or y + t > h or x + t > w:
            raise ValueError(f"DADATileCrop: tile ({y}, {x}) + {t} leaves the {h}x{w} image")
        for key in ("hr_depth", "guide"):
            if key in results:
                results[key] = results[key][y : y + t, x : x + t]
        return results

    def __repr__(self) -> str:
        return f"DADATileCrop(tile_size={self.tile_size})"


@TRANSFORMS.register_module()
class PackDADAInputs:
    """Pack a DADA-preset sample into the xmodal data contract, plus validity masks.

    Invalid (NaN) pixels of ``gt_depth`` / ``lr_depth`` become 0 (as in DADA's
    code) and are recorded in ``data_samples.gt_valid`` (bool (1, H, W)) and
    ``data_samples.lr_valid`` (bool (1, H / s, W / s)). Everything else is
    :class:`PackGDSRInputs`; the metainfo gains ``preset``, ``depth_std`` and
    ``tile_top_left`` (``(y, x)``, or ``None`` for a whole image / random crop).

    Returns:
        A new dict ``{'inputs': {'guide': float32 (3, H, W), 'lr': float32
        (1, H / s, W / s)}, 'data_samples': BaseDataElement}`` as
        :class:`PackGDSRInputs`, the data sample also holding ``gt_valid`` /
        ``lr_valid`` and the extra metainfo. ``results['gt_depth']`` and
        ``results['lr_depth']`` are replaced by their zero-filled float32 copies.

    Raises:
        KeyError: if ``preset``/``depth_std`` are missing (run :class:`MakeLRDepthDADA`).
        KeyError / TypeError / ValueError: as :class:`PackGDSRInputs`.
    """

    def __init__(self) -> None:
        self._pack = PackGDSRInputs()

    def __call__(self, results: dict) -> dict:
        if results.get("preset") != "dada" or "depth_std" not in results:
            raise KeyError("PackDADAInputs: results lack preset='dada'/depth_std; "
                           "put MakeLRDepthDADA first")
        gt = np.asarray(results["gt_depth"], dtype=np.float32)
        lr = np.asarray(results["lr_depth"], dtype=np.float32)
        gt_valid, lr_valid = np.isfinite(gt), np.isfinite(lr)
        results["gt_depth"] = np.where(gt_valid, gt, 0.0).astype(np.float32)
        results["lr_depth"] = np.where(lr_valid, lr, 0.0).astype(np.float32)
        packed = self._pack(results)
        sample = packed["data_samples"]
        sample.gt_valid = _bool_tensor(gt_valid)
        sample.lr_valid = _bool_tensor(lr_valid)
        tile = results.get("tile_top_left")
        sample.set_metainfo(dict(preset="dada", depth_std=float(results["depth_std"]),
                                 tile_top_left=None if tile is None else tuple(tile)))
        return packed

    def __repr__(self) -> str:
        return "PackDADAInputs()"


def _bool_tensor(mask: np.ndarray):
    import torch

    return torch.from_numpy(np.ascontiguousarray(mask))[None]


def default_dada_test_pipeline(depth_std: float, tile_size: int = DADA_TILE_SIZE) -> list[dict]:
    """DADA test pipeline of one tile: crop the tile, average-pool LR / std, pack."""
    return [dict(type="DADATileCrop", tile_size=tile_size),
            dict(type="MakeLRDepthDADA", depth_std=depth_std),
            dict(type="PackDADAInputs")]


@DATASETS.register_module()
class DADATileDataset(Dataset):
    """Expand a GDSR test set into DADA's evaluation tiles (one item per 256 x 256 tile).

    The wrapped dataset is built with an empty pipeline (its items are the raw
    ``guide``/``hr_depth`` dicts with the protocol metainfo); every image gives its
    :func:`tile_origins` (row-major, remainders dropped, as DADA's deterministic
    crops), and each tile goes through this wrapper's ``pipeline``. RGB-D-D's
    512 x 384 frames give 2 tiles each (rows 256..383 and nothing else dropped:
    columns 0..511 are covered).

    Args:
        dataset: config dict of the wrapped dataset (e.g.
            ``dict(type='RGBDDDataset', scale=8)``) or the dataset itself, built with
            ``pipeline=[]``.
        depth_std: DADA std in the wrapped dataset's file units (used by the
            default pipeline only).
        tile_size: tile side (DADA: 256).
        pipeline: transform configs/callables applied to each tile; default
            ``[DADATileCrop, MakeLRDepthDADA(depth_std), PackDADAInputs]``.

    Raises:
        ValueError: if neither ``pipeline`` nor ``depth_std`` is given, or no image
            holds a whole tile.
    """

    def __init__(
        self,
        dataset: dict | Any,
        depth_std: float | None = None,
        tile_size: int = DADA_TILE_SIZE,
        pipeline: Sequence[dict | Callable] | None = None,
    ) -> None:
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dict(dataset, pipeline=[]))
        self.dataset = dataset
        self.tile_size = tile_size
        if pipeline is None:
            if depth_std is None:
                raise ValueError("DADATileDataset needs depth_std (file units) or a pipeline")
            pipeline = default_dada_test_pipeline(depth_std, tile_size)
        self.pipeline = Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t
                                 for t in pipeline])
        self.tiles: list[tuple[int, int, int]] = []
        for idx in range(len(dataset)):
            h, w = self._image_size(idx)
            self.tiles.extend((idx, y, x) for y, x in tile_origins(h, w, tile_size))
        if not self.tiles:
            raise ValueError(f"DADATileDataset: no image of {type(dataset).__name__} holds a "
                             f"{tile_size}x{tile_size} tile")

    def _image_size(self, idx: int) -> tuple[int, int]:
        info = self.dataset.get_data_info(idx)
        path = info.get("depth_path")
        if path is not None and Path(path).is_file():
            with Image.open(path) as img:
                w, h = img.size
            return h, w
        return self.dataset.load_pair(info)[1].shape

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's metainfo plus ``preset='dada'`` and ``tile_size``."""
        return dict(getattr(self.dataset, "metainfo", {}), preset="dada",
                    tile_size=self.tile_size)

    def __len__(self) -> int:
        return len(self.tiles)

    def __getitem__(self, i: int) -> dict:
        idx, y, x = self.tiles[i]
        results = dict(self.dataset[idx])
        results["tile_top_left"] = (y, x)
        return self.pipeline(results)
