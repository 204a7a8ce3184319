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
    (8-bit grey, hole-filled **disparity**), paired by sorted file name. Each pair
    is loaded as a uint8 RGB guide (H, W, 3) and a float32 depth (H, W) in 8-bit
    levels (0-255). The D2A2/DCTNet evaluation protocol (DESIGN.md section 3):
    mod-crop, PIL-bicubic LR, HR min-max normalisation, RMSE in the 0-255 file
    scale (``unit='8bit'``, ``unit_scale=1``), no border crop, no mask.

    Items (default pipeline, :class:`~xmodal.datasets.PackGDSRInputs`):
    ``inputs['guide']`` float32 (3, H, W) in [0, 1], ``inputs['lr']`` float32
    (1, H // s, W // s) and ``data_samples.gt_depth`` float32 (1, H, W), both
    normalised with the HR min/max (in the metainfo, 8-bit levels); H and W are
    the image size cropped to multiples of ``scale``.

    Args:
        data_root: folder holding ``rgb/`` and ``depth/``; ``None`` resolves
            ``gdsr/middlebury`` over :func:`xmodal.datasets.paths.candidate_data_dirs`
            (``XMODAL_DATA``, ``../shared/data``, then the 6-pair sample embedded
            in the package).
        scale: up-sampling factor, 4, 8 or 16.
        split: ``'test'`` (the only split).
        pipeline: transform configs (``xmodal.registry.TRANSFORMS``) or callables;
            ``None`` for the protocol's test pipeline
            (:func:`~xmodal.datasets.default_test_pipeline`).
        test_mode: mmengine flag; ``None`` means True.
        **kwargs: :class:`FolderPairGDSRDataset` options (``guide_dir='rgb'``,
            ``depth_dir='depth'``, ``guide_suffix='_color.png'``,
            ``depth_suffix='_depth.png'``, ``unit_scale``, ``unit``, ``border``,
            ``dataset_name``), then ``mmengine.dataset.BaseDataset`` ones
            (``indices``, ``lazy_init``...).

    Raises:
        ValueError: if ``scale`` is not 4, 8 or 16, ``split`` is not ``'test'``, or
            the guide and depth file stems do not pair up one to one. When an item
            is loaded: a depth PNG that is not single-channel, a guide and depth of
            different sizes, or a constant depth map (min-max normalisation).
        FileNotFoundError: if no data root is found (``data_root=None``), the given
            root does not exist, or ``rgb/`` / ``depth/`` is missing or has no file
            with the suffix. The file list is read at construction unless
            ``lazy_init=True``.
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

    Layout ``<root>/rgb/*_color.png`` (8-bit RGB) + ``<root>/depth/*_depth.png``
    (8-bit grey), loaded as uint8 RGB (H, W, 3) and float32 depth (H, W) in 8-bit
    levels (0-255). The D2A2/DCTNet evaluation protocol as
    :class:`MiddleburyDataset`: RMSE in the 0-255 file scale (``unit='8bit'``),
    no border crop, no mask; same items. Default root: ``gdsr/lu`` (not part of
    the project's shared data nor of the embedded sample: pass ``data_root``).

    Args:
        data_root: folder holding ``rgb/`` and ``depth/``; ``None`` resolves
            ``gdsr/lu`` over :func:`xmodal.datasets.paths.candidate_data_dirs`.
        scale: up-sampling factor, 4, 8 or 16.
        split: ``'test'`` (the only split).
        pipeline: transform configs or callables; ``None`` for the protocol's test
            pipeline.
        test_mode: mmengine flag; ``None`` means True.
        **kwargs: as :class:`MiddleburyDataset` (folder/suffix/unit overrides, then
            ``mmengine.dataset.BaseDataset`` options).

    Raises:
        ValueError: as :class:`MiddleburyDataset` (scale, split, unpaired stems;
            when loading: non-single-channel depth, size mismatch, constant depth).
        FileNotFoundError: if no ``gdsr/lu`` folder is found, the given root does
            not exist, or a sub-folder is missing or empty.
    """

    dataset_name = "lu"
    default_dirs = ("lu",)


@DATASETS.register_module()
class RGBDDDataset(FolderPairGDSRDataset):
    """The RGB-D-D synthetic test set (He et al., CVPR 2021 "FDSR"), 405 pairs.

    Layout: ``<root>/rgb/<id>_RGB.jpg`` (8-bit RGB JPEG, decoded with Pillow) +
    ``<root>/depth/<id>_HR_gt.png`` (16-bit grey, **millimetres**; zeros are
    invalid ToF pixels), loaded as uint8 RGB (H, W, 3) and float32 depth (H, W)
    in mm. The D2A2/DCTNet evaluation protocol (DESIGN.md section 3): the LR is
    made from the HR in mm by PIL bicubic; RMSE in cm (``unit_scale=0.1``,
    ``unit='cm'``), no border crop, and **no valid-pixel mask**: the zero
    (invalid) pixels stay in the min/max and in the RMSE, as in the published
    synthetic-test numbers. A different JPEG decoder changes model RMSE by about
    1 % (DESIGN.md section 3). Default root: ``gdsr/rgbdd``.

    Items (default pipeline): ``inputs['guide']`` float32 (3, H, W) in [0, 1],
    ``inputs['lr']`` float32 (1, H // s, W // s), ``data_samples.gt_depth`` float32
    (1, H, W), normalised with the HR min/max (metainfo ``depth_min`` /
    ``depth_max`` in mm).

    Args:
        data_root: folder holding ``rgb/`` and ``depth/``; ``None`` resolves
            ``gdsr/rgbdd`` over :func:`xmodal.datasets.paths.candidate_data_dirs`
            (``XMODAL_DATA``, ``../shared/data``, then the 12-pair sample embedded
            in the package).
        scale: up-sampling factor, 4, 8 or 16.
        split: ``'test'`` (the only split).
        pipeline: transform configs or callables; ``None`` for the protocol's test
            pipeline (:func:`~xmodal.datasets.default_test_pipeline`).
        test_mode: mmengine flag; ``None`` means True.
        **kwargs: :class:`FolderPairGDSRDataset` options (``guide_suffix='_RGB.jpg'``
            and ``depth_suffix='_HR_gt.png'`` by default, folders, ``unit_scale``,
            ``unit``, ``border``, ``dataset_name``), then
            ``mmengine.dataset.BaseDataset`` ones (``indices``, ``lazy_init``...).

    Raises:
        ValueError: if ``scale`` is not 4, 8 or 16, ``split`` is not ``'test'``, or
            the guide and depth file stems do not pair up. When an item is loaded:
            a depth PNG that is not single-channel, a guide and depth of different
            sizes, or a constant depth map.
        FileNotFoundError: if no data root is found (``data_root=None``), the given
            root does not exist, or ``rgb/`` / ``depth/`` is missing or has no file
            with the suffix (at construction unless ``lazy_init=True``).
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
