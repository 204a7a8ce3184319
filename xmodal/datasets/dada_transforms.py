"""Transforms of the DADA preset: LR by valid-pixel average pooling, tile crops, packing.

The protocol itself (constants, average pooling, tile origins) is in
:mod:`xmodal.datasets.dada_protocol`.
"""

from __future__ import annotations

import numpy as np

from xmodal.registry import TRANSFORMS
from xmodal.utils.checks import check_positive_int
from xmodal.utils.depth import invalid_depth

from .dada_protocol import DADA_TILE_SIZE, avg_pool_valid
from .protocol import minmax_normalise
from .transforms import PackGDSRInputs

__all__ = ["MakeLRDepthDADA", "DADATileCrop", "PackDADAInputs"]


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
