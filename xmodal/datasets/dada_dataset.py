"""The DADA preset's evaluation dataset: a GDSR test set expanded into 256 x 256 tiles.

The protocol is in :mod:`xmodal.datasets.dada_protocol`, the transforms in
:mod:`xmodal.datasets.dada_transforms`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mmengine.dataset import Compose
from PIL import Image
from torch.utils.data import Dataset

from xmodal.registry import DATASETS, TRANSFORMS

from .dada_protocol import DADA_TILE_SIZE, tile_origins

__all__ = ["DADATileDataset", "default_dada_test_pipeline"]


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
