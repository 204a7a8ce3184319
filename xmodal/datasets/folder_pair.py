"""Folder-pair GDSR test sets: Middlebury, Lu, RGB-D-D, and a generic folder-pair dataset.

The sets are read as distributed, with no renaming: sub-folders are found
case-insensitively (``RGB/`` or ``rgb/``) and a guide is paired with the depth
map of the same **image id**, the file name without its known ending
(:mod:`xmodal.datasets.pairing`). A missing, extra or ambiguous file raises an
error that lists the unpaired files instead of shifting every pair. Pairs are
listed in sorted id order (the order of the official loaders'
``sorted(glob(...))``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xmodal.registry import DATASETS

from .base_gdsr import BaseGDSRDataset, read_depth_png, read_rgb
from .pairing import find_subdir, list_by_id, match_ids

__all__ = ["FolderPairGDSRDataset", "MiddleburyDataset", "LuDataset", "RGBDDDataset"]

Names = str | Sequence[str]


def _names(value: Names) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@DATASETS.register_module()
class FolderPairGDSRDataset(BaseGDSRDataset):
    """Generic GDSR test set of folder pairs.

    Layout: ``<root>/<guide_dir>/<id><guide_suffix>`` +
    ``<root>/<depth_dir>/<id><depth_suffix>``; folder names and endings are
    compared case-insensitively, and several accepted names/endings may be given.

    Guides are decoded with Pillow as RGB; depths are single-channel 8/16-bit PNGs
    (file units). No crop besides the protocol's mod-crop, no mask.

    Args:
        data_root: dataset folder (required for this generic class).
        scale: 4, 8 or 16.
        split: ``'test'`` only.
        pipeline: transform configs or callables (default: protocol test pipeline).
        test_mode: mmengine flag (default True).
        guide_dir, depth_dir: sub-folder name(s) of the guides and depths (any case).
        guide_suffix, depth_suffix: accepted file-name ending(s); the image id is
            the file name without the longest matching ending, and guides and
            depths are paired by id.
        unit_scale: file unit -> reporting unit multiplier (e.g. mm -> cm 0.1).
        unit: reporting unit name (``'cm'`` or ``'8bit'``).
        border: pixels cropped before the RMSE.
        dataset_name: name in the metainfo.
        **kwargs: passed to ``mmengine.dataset.BaseDataset``.

    Raises:
        ValueError: on a wrong scale/split, or files that do not pair up by id (all
            unpaired files are listed) or share an id.
        FileNotFoundError: if a folder is missing or has no file with the ending.
    """

    def __init__(
        self,
        data_root: str | Path | None = None,
        scale: int = 4,
        split: str = "test",
        pipeline: Sequence[dict | Callable] | None = None,
        test_mode: bool | None = None,
        guide_dir: Names = "rgb",
        depth_dir: Names = "depth",
        guide_suffix: Names = ".png",
        depth_suffix: Names = ".png",
        unit_scale: float | None = None,
        unit: str | None = None,
        border: int | None = None,
        dataset_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if data_root is None and type(self) is FolderPairGDSRDataset:
            raise ValueError("FolderPairGDSRDataset needs an explicit data_root")
        self.guide_dir, self.depth_dir = _names(guide_dir), _names(depth_dir)
        self.guide_suffix, self.depth_suffix = _names(guide_suffix), _names(depth_suffix)
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

    def _layout(self) -> str:
        return self.layout or (f"<root>/{self.guide_dir[0]}/<id>{self.guide_suffix[0]} + "
                               f"<root>/{self.depth_dir[0]}/<id>{self.depth_suffix[0]}")

    def _files(self, root: Path, dirs: tuple[str, ...], suffixes: tuple[str, ...]) -> dict:
        who = type(self).__name__
        return list_by_id(find_subdir(root, dirs, who, self._layout()), suffixes, who)

    def load_data_list(self) -> list[dict]:
        """List the pairs, matched by image id (sorted); unpaired files raise."""
        root = Path(self.data_root)
        guides = self._files(root, self.guide_dir, self.guide_suffix)
        depths = self._files(root, self.depth_dir, self.depth_suffix)
        ids = match_ids({"guide": guides, "depth": depths}, type(self).__name__, root)
        return [dict(img_name=i, guide_path=str(guides[i]), depth_path=str(depths[i]))
                for i in ids]

    def load_pair(self, info: dict) -> tuple[np.ndarray, np.ndarray]:
        """Decode the guide (Pillow, RGB) and the depth PNG (file units, float32)."""
        return read_rgb(info["guide_path"]), read_depth_png(info["depth_path"])


#: Endings of the Middlebury/Lu files as distributed (DCTNet's ``RawDatasets/``), the
#: misspelt Lu guides (``RGBD_01_ouput_color.png``) included, and the short forms.
MIDDLEBURY_GUIDE_SUFFIXES = ("_output_color.png", "_ouput_color.png", "_color.png")
MIDDLEBURY_DEPTH_SUFFIXES = ("_output_depth.png", "_depth.png")


@DATASETS.register_module()
class MiddleburyDataset(FolderPairGDSRDataset):
    """The GDSR Middlebury test set (30 pairs of Middlebury 2001-2006 scenes, DKN/FDSR/DCTNet/D2A2).

    Layout, as distributed in DCTNet's ``RawDatasets/Middlebury`` and in the
    project's data folder: ``<root>/RGB/Middlebury_NN_output_color.png`` (8-bit
    RGB) + ``<root>/Depth/Middlebury_NN_output_depth.png`` (8-bit grey,
    hole-filled **disparity**); ``RGB``/``rgb`` and ``Depth``/``depth`` in any
    case. Pairs are matched by image id (``Middlebury_NN``: the name without
    ``_output_color.png`` / ``_output_depth.png``, or the short endings
    ``_color.png`` / ``_depth.png``). Each pair is loaded as a uint8 RGB guide
    (H, W, 3) and a float32 depth (H, W) in 8-bit levels (0-255). The D2A2/DCTNet
    evaluation protocol: mod-crop, PIL-bicubic LR, HR min-max normalisation,
    RMSE in the 0-255 file scale (``unit='8bit'``, ``unit_scale=1``), no border
    crop, no mask.

    Items (default pipeline, :class:`~xmodal.datasets.PackGDSRInputs`):
    ``inputs['guide']`` float32 (3, H, W) in [0, 1], ``inputs['lr']`` float32
    (1, H // s, W // s) and ``data_samples.gt_depth`` float32 (1, H, W), both
    normalised with the HR min/max (in the metainfo, 8-bit levels); H and W are
    the image size cropped to multiples of ``scale``; ``img_name`` is the id.

    Args:
        data_root: folder holding ``RGB/`` and ``Depth/`` (any case); ``None``
            resolves ``gdsr/middlebury`` over
            :func:`xmodal.datasets.paths.candidate_data_dirs` (``XMODAL_DATA``,
            else the 6-pair sample embedded in the package).
        scale: up-sampling factor, 4, 8 or 16.
        split: ``'test'`` (the only split).
        pipeline: transform configs (``xmodal.registry.TRANSFORMS``) or callables;
            ``None`` for the protocol's test pipeline
            (:func:`~xmodal.datasets.default_test_pipeline`).
        test_mode: mmengine flag; ``None`` means True.
        **kwargs: :class:`FolderPairGDSRDataset` options (``guide_dir``,
            ``depth_dir``, ``guide_suffix``, ``depth_suffix``, ``unit_scale``,
            ``unit``, ``border``, ``dataset_name``), then
            ``mmengine.dataset.BaseDataset`` ones (``indices``, ``lazy_init``...).

    Raises:
        ValueError: if ``scale`` is not 4, 8 or 16, ``split`` is not ``'test'``, or
            the files do not pair up by image id (the unpaired files are listed).
            When an item is loaded (the message names its files): an unreadable
            image, a depth PNG that is not single-channel, a guide and depth of
            different sizes, an image smaller than the scale, or a constant depth
            map (min-max normalisation).
        FileNotFoundError: if no data root is found (``data_root=None``), the given
            root does not exist, or ``RGB/`` / ``Depth/`` is missing or has no file
            with the endings. The file list is read at construction unless
            ``lazy_init=True``.
    """

    dataset_name = "middlebury"
    default_dirs = ("middlebury",)
    layout = ("<root>/RGB/<id>_output_color.png (8-bit RGB) + "
              "<root>/Depth/<id>_output_depth.png (8-bit grey); folder names in any case")
    unit_scale, unit, border = 1.0, "8bit", 0

    def __init__(self, data_root: str | Path | None = None, scale: int = 4, split: str = "test",
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("guide_suffix", MIDDLEBURY_GUIDE_SUFFIXES)
        kwargs.setdefault("depth_suffix", MIDDLEBURY_DEPTH_SUFFIXES)
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)


@DATASETS.register_module()
class LuDataset(MiddleburyDataset):
    """The Lu et al. (CVPR 2014) GDSR test set (6 pairs), same format as Middlebury.

    Layout as distributed in DCTNet's ``RawDatasets/Lu``:
    ``<root>/RGB/RGBD_NN_ouput_color.png`` (8-bit RGB; "ouput" is the
    distribution's own spelling and is accepted, as is ``_output_color.png``) +
    ``<root>/Depth/RGBD_NN_output_depth.png`` (8-bit grey), paired by image id
    ``RGBD_NN``; folder names in any case. Loaded as uint8 RGB (H, W, 3) and
    float32 depth (H, W) in 8-bit levels (0-255). The D2A2/DCTNet evaluation
    protocol as :class:`MiddleburyDataset`: RMSE in the 0-255 file scale
    (``unit='8bit'``), no border crop, no mask; same items. Default root:
    ``gdsr/lu`` under ``XMODAL_DATA`` (the Lu set is not in the embedded
    sample: set ``XMODAL_DATA`` or pass ``data_root``).

    Args:
        data_root: folder holding ``RGB/`` and ``Depth/`` (any case); ``None``
            resolves ``gdsr/lu`` over :func:`xmodal.datasets.paths.candidate_data_dirs`.
        scale: up-sampling factor, 4, 8 or 16.
        split: ``'test'`` (the only split).
        pipeline: transform configs or callables; ``None`` for the protocol's test
            pipeline.
        test_mode: mmengine flag; ``None`` means True.
        **kwargs: as :class:`MiddleburyDataset` (folder/suffix/unit overrides, then
            ``mmengine.dataset.BaseDataset`` options).

    Raises:
        ValueError: as :class:`MiddleburyDataset` (scale, split, unpaired files
            listed; when loading, naming the files: unreadable image, non-single-
            channel depth, size mismatch, image smaller than the scale, constant
            depth).
        FileNotFoundError: if no ``gdsr/lu`` folder is found, the given root does
            not exist, or a sub-folder is missing or empty.
    """

    dataset_name = "lu"
    default_dirs = ("lu",)
    layout = ("<root>/RGB/<id>_ouput_color.png (8-bit RGB) + "
              "<root>/Depth/<id>_output_depth.png (8-bit grey); folder names in any case")


#: The RGB-D-D categories with a train/test split, as read by FDSR and SGNet (the
#: 405 test / 2215 train pairs of the synthetic and real-world benchmarks).
RGBDD_CATEGORIES = ("models", "plants", "portraits")
_RGBDD_SUFFIXES = dict(guide="_RGB.jpg", depth="_HR_gt.png", lr="_LR_fill_depth.png")
_RGBDD_LAYOUT = ("<root>/RGB/<id>_RGB.jpg + <root>/Depth/<id>_HR_gt.png (16-bit mm), folder "
                 "names in any case; or the official release "
                 "<root>/<category>/<category>_<split>/<id>/<id>_RGB.jpg, _HR_gt.png, "
                 "_LR_fill_depth.png")


@DATASETS.register_module()
class RGBDDDataset(FolderPairGDSRDataset):
    """RGB-D-D (He et al., CVPR 2021 "FDSR"): the synthetic test set and the real-world branch.

    Two layouts are read, with no renaming:

    - **flat**, as distributed in DCTNet's ``RawDatasets/RGBDD`` and in the
      project's data folder: ``<root>/RGB/<id>_RGB.jpg`` +
      ``<root>/Depth/<id>_HR_gt.png`` (folder names in any case; ``depth_hr/``
      is accepted for the depth folder), the 405 test pairs; with
      ``lr_source='real'``, a third folder ``<root>/depth_lr/`` (or ``LR/``)
      holds ``<id>_LR_fill_depth.png``. Split ``'test'`` only.
    - **official release**: ``<root>/<category>/<category>_<split>/<id>/`` with
      ``<id>_RGB.jpg``, ``<id>_HR_gt.png`` and ``<id>_LR_fill_depth.png``, for
      the categories ``models``, ``plants``, ``portraits`` (train/test) and
      ``lights`` (test-only challenge set; pass ``categories=('lights',)``).
      The split lists are the ``<category>_train`` / ``<category>_test``
      folders; the default categories give FDSR's 405 test / 2215 train pairs.
      This is the layout read by the SGNet (yanzq95/SGNet,
      ``data/rgbdd_dataloader.py``) and FDSR loaders.

    Pairs are matched by image id (the capture time stamp, e.g.
    ``20200509113453``); files without a partner are listed in the error.
    Depth PNGs are 16-bit **millimetres** (zeros are invalid ToF pixels); guides
    are JPEG, decoded with Pillow (a different decoder changes model RMSE by
    about 1 %).

    ``lr_source='synthetic'`` (default): the D2A2/DCTNet protocol, LR made from
    the HR in mm by PIL bicubic, HR min-max normalisation, RMSE in cm
    (``unit_scale=0.1``), no border crop and **no valid-pixel mask** (the zeros
    stay in the min/max and the RMSE, as in the published synthetic-test numbers).
    ``lr_source='real'``: the real-world branch, the LR is the real sensor's
    ``<id>_LR_fill_depth.png`` (192x144 mm) resized by PIL bicubic to
    (H // s, W // s) and normalised with its own min/max
    (:class:`~xmodal.datasets.transforms.MakeRealLRDepth`, as SGNet's loader).

    Items (default pipeline): ``inputs['guide']`` float32 (3, H, W) in [0, 1],
    ``inputs['lr']`` float32 (1, H // s, W // s), ``data_samples.gt_depth``
    float32 (1, H, W), normalised with ``depth_min`` / ``depth_max`` (metainfo, mm).

    Args:
        data_root: the flat folder or the release root; ``None`` resolves
            ``gdsr/rgbdd`` over :func:`xmodal.datasets.paths.candidate_data_dirs`
            (``XMODAL_DATA``, else the 12-pair sample embedded in the package).
        scale: up-sampling factor, 4, 8 or 16.
        split: ``'test'`` or, for the release layout, ``'train'``.
        pipeline: transform configs or callables; ``None`` for the protocol's test
            pipeline (synthetic: :func:`~xmodal.datasets.default_test_pipeline`;
            real: ``ModCrop -> MakeRealLRDepth -> PackGDSRInputs``) or, for
            ``split='train'`` with synthetic LR, the official training pipeline.
        test_mode: mmengine flag; ``None`` means ``split == 'test'``.
        lr_source: ``'synthetic'`` or ``'real'`` (see above).
        categories: the release layout's categories to read (default
            :data:`RGBDD_CATEGORIES`); ignored for the flat layout.
        lr_dir: folder name(s) of the real LR depths in the flat layout.
        **kwargs: :class:`FolderPairGDSRDataset` options (``guide_dir``,
            ``depth_dir``, suffixes, ``unit_scale``, ``unit``, ``border``,
            ``dataset_name``), then ``mmengine.dataset.BaseDataset`` ones.

    Raises:
        ValueError: if ``scale`` is not 4, 8 or 16, ``split`` is not valid for the
            layout, ``lr_source`` is unknown, a real-LR training set has no explicit
            pipeline, two files share an id, or files do not pair up (the unpaired
            files are listed). When an item is loaded (naming its files): an
            unreadable image, a non-single-channel depth PNG, guide and depth of
            different sizes, or a constant depth map.
        FileNotFoundError: if no data root is found (``data_root=None``), the given
            root does not exist, or a folder is missing or has no file with the
            expected ending (at construction unless ``lazy_init=True``).
    """

    dataset_name = "rgbdd"
    default_dirs = ("rgbdd",)
    layout = _RGBDD_LAYOUT
    splits = ("train", "test")
    unit_scale, unit, border = 0.1, "cm", 0

    def __init__(self, data_root: str | Path | None = None, scale: int = 4, split: str = "test",
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool | None = None, lr_source: str = "synthetic",
                 categories: Sequence[str] = RGBDD_CATEGORIES,
                 lr_dir: Names = ("depth_lr", "LR"), **kwargs: Any) -> None:
        if lr_source not in ("synthetic", "real"):
            raise ValueError(f"lr_source must be 'synthetic' or 'real', got {lr_source!r}")
        if lr_source == "real" and pipeline is None:
            if split != "test":
                raise ValueError("RGBDDDataset: lr_source='real' has a default pipeline for "
                                 "split='test' only; pass pipeline=... to train on real LR")
            pipeline = [dict(type="ModCrop"), dict(type="MakeRealLRDepth"),
                        dict(type="PackGDSRInputs")]
        self.lr_source = lr_source
        self.categories = _names(categories)
        self.lr_dir = _names(lr_dir)
        kwargs.setdefault("guide_suffix", _RGBDD_SUFFIXES["guide"])
        kwargs.setdefault("depth_suffix", _RGBDD_SUFFIXES["depth"])
        kwargs.setdefault("depth_dir", ("depth", "depth_hr"))
        super().__init__(data_root=data_root, scale=scale, split=split, pipeline=pipeline,
                         test_mode=test_mode, **kwargs)

    def _is_release(self, root: Path) -> bool:
        wanted = {c.lower() for c in self.categories}
        return any(p.is_dir() and p.name.lower() in wanted for p in root.iterdir())

    def load_data_list(self) -> list[dict]:
        """List the pairs of the flat or release layout, matched by image id."""
        root = Path(self.data_root)
        if self._is_release(root):
            groups = self._release_files(root)
        else:
            if self.split != "test":
                raise ValueError(f"RGBDDDataset: the flat layout in {root} holds the test split "
                                 "only; split='train' needs the official release layout")
            groups = {"guide": self._files(root, self.guide_dir, self.guide_suffix),
                      "depth": self._files(root, self.depth_dir, self.depth_suffix)}
            if self.lr_source == "real":
                groups["lr"] = self._files(root, self.lr_dir, (_RGBDD_SUFFIXES["lr"],))
        ids = match_ids(groups, type(self).__name__, root)
        return [dict(img_name=i, **{f"{role}_path": str(g[i]) for role, g in groups.items()})
                for i in ids]

    def _release_files(self, root: Path) -> dict[str, dict[str, Path]]:
        """``{role: {id: path}}`` over ``<category>/<category>_<split>/<id>/`` folders."""
        who, layout = type(self).__name__, self.layout
        roles = {"guide": self.guide_suffix, "depth": self.depth_suffix}
        if self.lr_source == "real":
            roles["lr"] = (_RGBDD_SUFFIXES["lr"],)
        groups: dict[str, dict[str, Path]] = {role: {} for role in roles}
        for category in self.categories:
            cat_dir = find_subdir(root, category, who, layout)
            split_dir = find_subdir(cat_dir, f"{category}_{self.split}", who, layout)
            for sample in sorted(p for p in split_dir.iterdir() if p.is_dir()):
                for role, suffixes in roles.items():
                    for key, path in list_by_id(sample, suffixes, who).items():
                        if key in groups[role]:
                            raise ValueError(f"{who}: image id {key!r} twice: "
                                             f"{groups[role][key]} and {path}")
                        groups[role][key] = path
        return groups

    def load_extras(self, info: dict) -> dict:
        """The real LR depth (float32 mm, (144, 192)) when ``lr_source='real'``."""
        return {"real_lr": read_depth_png(info["lr_path"])} if "lr_path" in info else {}
