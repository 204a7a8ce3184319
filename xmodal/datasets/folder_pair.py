"""Folder-pair GDSR test sets: Middlebury, Lu, RGB-D-D, and a generic folder-pair dataset.

Pairs are matched by sorted file name (as DKN/FDSR/DCTNet/D2A2 do with
``sorted(glob(...))``) and the stems before the suffixes must agree: a missing
or extra file raises instead of silently shifting every pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xmodal.registry import DATASETS

from .base_gdsr import BaseGDSRDataset, read_depth_png, read_rgb

__all__ = ["FolderPairGDSRDataset", "MiddleburyDataset", "LuDataset", "RGBDDDataset"]


@DATASETS.register_module()
class FolderPairGDSRDataset(BaseGDSRDataset):
    """Generic GDSR test set of folder pairs.

    Layout: ``<root>/<guide_dir>/*<guide_suffix>`` + ``<root>/<depth_dir>/*<depth_suffix>``.

    Guides are decoded with Pillow as RGB; depths are single-channel 8/16-bit PNGs
    (file units). No crop besides the protocol's mod-crop, no mask.

    Args:
        data_root: dataset folder (required for this generic class).
        scale: 4, 8 or 16.
        split: ``'test'`` only.
        pipeline: transform configs or callables (default: protocol test pipeline).
        test_mode: mmengine flag (default True).
        guide_dir, depth_dir: sub-folders of the guides and depths.
        guide_suffix, depth_suffix: file-name endings that identify the pairs; the
            stems (file name minus suffix) must match one to one.
        unit_scale: file unit -> reporting unit multiplier (e.g. mm -> cm 0.1).
        unit: reporting unit name (``'cm'`` or ``'8bit'``).
        border: pixels cropped before the RMSE.
        dataset_name: name in the metainfo.
        **kwargs: passed to ``mmengine.dataset.BaseDataset``.

    Raises:
        ValueError: on a wrong scale/split or unmatched pairs.
        FileNotFoundError: if a folder is missing or empty.
    """

    def __init__(
        self,
        data_root: str | Path | None = None,
        scale: int = 4,
        split: str = "test",
        pipeline: Sequence[dict | Callable] | None = None,
        test_mode: bool | None = None,
        guide_dir: str = "rgb",
        depth_dir: str = "depth",
        guide_suffix: str = ".png",
        depth_suffix: str = ".png",
        unit_scale: float | None = None,
        unit: str | None = None,
        border: int | None = None,
        dataset_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if data_root is None and type(self) is FolderPairGDSRDataset:
            raise ValueError("FolderPairGDSRDataset needs an explicit data_root")
        self.guide_dir, self.depth_dir = guide_dir, depth_dir
        self.guide_suffix, self.depth_suffix = guide_suffix, depth_suffix
        # Instance overrides of the class-level protocol constants.
        if unit_scale is not None:
            self.unit_scale = float(unit_scale)
        if unit is not None:
            self.unit = unit
        if border is not None:
            self.border = int(border)
        if dataset_name is not None:
            self.dataset_name = dataset_name
        elif not self.dataset_name:
            self.dataset_name = Path(str(data_root)).name
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)

    def _list(self, sub: str, suffix: str) -> list[Path]:
        folder = Path(self.data_root) / sub
        if not folder.is_dir():
            raise FileNotFoundError(f"{type(self).__name__}: missing folder {folder}. "
                                    f"Expected layout: {self.layout or self._layout()}")
        files = sorted(p for p in folder.iterdir() if p.name.endswith(suffix))
        if not files:
            raise FileNotFoundError(f"{type(self).__name__}: no *{suffix} file in {folder}")
        return files

    def _layout(self) -> str:
        return (f"<root>/{self.guide_dir}/*{self.guide_suffix} + "
                f"<root>/{self.depth_dir}/*{self.depth_suffix}")

    def load_data_list(self) -> list[dict]:
        """List the pairs, matched by sorted file name; stems must agree."""
        guides = self._list(self.guide_dir, self.guide_suffix)
        depths = self._list(self.depth_dir, self.depth_suffix)
        g_stems = [p.name[: -len(self.guide_suffix)] for p in guides]
        d_stems = [p.name[: -len(self.depth_suffix)] for p in depths]
        if g_stems != d_stems:
            only_g = sorted(set(g_stems) - set(d_stems))[:5]
            only_d = sorted(set(d_stems) - set(g_stems))[:5]
            raise ValueError(
                f"{type(self).__name__}: guides and depths in {self.data_root} do not pair up "
                f"({len(guides)} vs {len(depths)}; guide-only {only_g}, depth-only {only_d})"
            )
        return [dict(img_name=stem, guide_path=str(g), depth_path=str(d))
                for stem, g, d in zip(g_stems, guides, depths, strict=True)]

    def load_pair(self, info: dict) -> tuple[np.ndarray, np.ndarray]:
        """Decode the guide (Pillow, RGB) and the depth PNG (file units, float32)."""
        return read_rgb(info["guide_path"]), read_depth_png(info["depth_path"])


@DATASETS.register_module()
class MiddleburyDataset(FolderPairGDSRDataset):
    """The GDSR Middlebury test set (30 pairs of Middlebury 2001-2006 scenes, DKN/FDSR/DCTNet/D2A2).

    Layout: ``<root>/rgb/*_color.png`` (8-bit RGB) + ``<root>/depth/*_depth.png``
    (8-bit, hole-filled disparity). RMSE in the 0-255 file scale (``unit='8bit'``,
    ``unit_scale=1``), no border crop. Default root: ``gdsr/middlebury``.
    Arguments as :class:`FolderPairGDSRDataset` (``split='test'`` only).
    """

    dataset_name = "middlebury"
    default_dirs = ("middlebury",)
    layout = "<root>/rgb/*_color.png (8-bit RGB) + <root>/depth/*_depth.png (8-bit gray)"
    unit_scale, unit, border = 1.0, "8bit", 0

    def __init__(self, data_root: str | Path | None = None, scale: int = 4, split: str = "test",
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("guide_suffix", "_color.png")
        kwargs.setdefault("depth_suffix", "_depth.png")
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)


@DATASETS.register_module()
class LuDataset(MiddleburyDataset):
    """The Lu et al. (CVPR 2014) GDSR test set (6 pairs), same format as Middlebury.

    Layout ``<root>/rgb/*_color.png`` + ``<root>/depth/*_depth.png``, 8-bit units,
    no crop. Default root: ``gdsr/lu`` (not part of the project's shared data).
    """

    dataset_name = "lu"
    default_dirs = ("lu",)


@DATASETS.register_module()
class RGBDDDataset(FolderPairGDSRDataset):
    """The RGB-D-D synthetic test set (He et al., CVPR 2021 "FDSR"), 405 pairs.

    Layout: ``<root>/rgb/<id>_RGB.jpg`` (decoded with Pillow) + ``<root>/depth/<id>_HR_gt.png``
    (16-bit, millimetres). The LR is made from the HR in mm; RMSE in cm
    (``unit_scale=0.1``), no border crop, and **no valid-pixel mask**: the zero
    (invalid) pixels stay in the min/max and in the RMSE, as in the published
    synthetic-test numbers. Default root: ``gdsr/rgbdd``.
    """

    dataset_name = "rgbdd"
    default_dirs = ("rgbdd",)
    layout = "<root>/rgb/<id>_RGB.jpg + <root>/depth/<id>_HR_gt.png (16-bit mm)"
    unit_scale, unit, border = 0.1, "cm", 0

    def __init__(self, data_root: str | Path | None = None, scale: int = 4, split: str = "test",
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("guide_suffix", "_RGB.jpg")
        kwargs.setdefault("depth_suffix", "_HR_gt.png")
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)
