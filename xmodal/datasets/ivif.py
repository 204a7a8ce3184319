"""Infrared-visible fusion data: registered IR/visible pairs, crops, flips and packing.

Layout (the VIF-Benchmark's, also MSRS/TNO/RoadScene exports)::

    <root>/ir/NAME.png   grey infrared, 8-bit or 16-bit
    <root>/vi/NAME.png   8-bit RGB (or grey) visible, same size as its IR

Default root: ``<data>/ivif/<subset>`` (``subset='vif_benchmark'``, or
``'roadscene_train'``) over :func:`xmodal.datasets.paths.resolve_data_root`
(``XMODAL_DATA``, else the embedded data). Fusion has no ground truth; items
carry only the two sources. ``split='train'`` / ``'val'`` / ``'test'`` apply the
fixed lists of :mod:`xmodal.datasets.ivif_splits` (train and val hold no frame of the
standard test splits; test is the four VIF-Benchmark frames that are).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.structures import BaseDataElement

from xmodal.registry import DATASETS, TRANSFORMS
from xmodal.utils.checks import check_positive_int
from xmodal.utils.images import ir_to_unit, read_ir_image, read_visible_image

from .ivif_splits import FIXED_LISTS, split_conflicts
from .pairing import is_hidden_metadata
from .paths import resolve_data_root

__all__ = ["IVIFDataset", "RandomCropIVIF", "RandomFlipIVIF", "PackIVIFInputs",
           "resolve_ivif_root"]

_LAYOUT = ("<root>/ir/NAME.png (8- or 16-bit grey) and <root>/vi/NAME.png (RGB), same names "
           "and sizes")
_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")


def resolve_ivif_root(name: str = "vif_benchmark") -> Path:
    """Find ``<data>/ivif/<name>`` over the candidate data folders.

    :func:`xmodal.datasets.paths.resolve_data_root` for ``'ivif'``: ``$XMODAL_DATA``
    alone when that variable is set, else the package's embedded data. Only that
    the folder exists is checked, not its ``ir/`` / ``vi/`` content.

    Args:
        name: sub-folder of ``<data>/ivif/`` (default ``'vif_benchmark'``: 12
            registered MSRS/TNO/RoadScene pairs from the VIF-Benchmark).

    Returns:
        The first existing ``<data>/ivif/<name>`` folder.

    Raises:
        FileNotFoundError: naming every path tried and the expected layout.
    """
    return resolve_data_root("ivif", name, _LAYOUT)


def _images(folder: Path) -> dict[str, Path]:
    """``{stem: file}`` of a folder's images; macOS AppleDouble ``._*`` files are ignored."""
    return {p.stem: p for p in folder.iterdir()
            if p.suffix.lower() in _EXTS and not is_hidden_metadata(p)}


@DATASETS.register_module()
class IVIFDataset(BaseDataset):
    """Registered infrared/visible pairs matched by file name (sorted).

    Args:
        data_root: folder with ``ir/`` and ``vi/``; None resolves
            ``ivif/<subset>`` (:func:`resolve_ivif_root`).
        subset: sub-folder of ``<data>/ivif/`` used when ``data_root`` is None.
        split: None (every pair of the folder: metric fixtures), ``'val'`` (the
            pairs of :data:`~xmodal.datasets.ivif_splits.VIF_BENCHMARK_VAL`, all
            required: the only pairs a checkpoint is chosen on), ``'test'`` (the
            pairs of :data:`~xmodal.datasets.ivif_splits.VIF_BENCHMARK_TEST`, all
            required: frames of the standard test splits, reported only) or
            ``'train'`` (every pair, refused if one is a test-split or validation
            frame, :data:`~xmodal.datasets.ivif_splits.SPLITS`).
        drop_alpha: accept RGBA visible images by dropping alpha (default: refused).
        pipeline: transform configs or callables; default ``[PackIVIFInputs]``
            (full images, for testing).
        test_mode: mmengine flag.
        **kwargs: passed to ``mmengine.dataset.BaseDataset``.

    Images are read by :func:`xmodal.utils.images.read_ir_image` (8-bit IR as
    uint8, 16-bit IR as uint16, scaled by its bit depth in :class:`PackIVIFInputs`)
    and :func:`~xmodal.utils.images.read_visible_image` (grey visible images as
    three equal channels). Items (after :class:`PackIVIFInputs`): ``{'inputs':
    {'ir': (1, H, W), 'vis': (3, H, W)} float32 in [0, 1], 'data_samples':
    BaseDataElement(metainfo img_name)}``.

    Raises:
        FileNotFoundError: missing root or folders, an IR without its visible image
            (or the reverse), no pairs, or a pair of the val / test list missing.
        ValueError: unknown split, or a split holding a frame it must not hold;
            (on loading) IR and visible sizes differ, a colour IR, an RGBA visible
            image without ``drop_alpha``.
    """

    def __init__(self, data_root: str | Path | None = None, subset: str = "vif_benchmark",
                 split: str | None = None, drop_alpha: bool = False,
                 pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool = False, **kwargs: Any) -> None:
        root = Path(data_root) if data_root is not None else resolve_ivif_root(subset)
        if not (root / "ir").is_dir() or not (root / "vi").is_dir():
            raise FileNotFoundError(f"IVIFDataset: {root} lacks ir/ or vi/. Expected: {_LAYOUT}")
        if split is not None:
            split_conflicts((), split)  # validates the name
        self.split, self.drop_alpha = split, bool(drop_alpha)
        if pipeline is None:
            pipeline = [dict(type="PackIVIFInputs")]
        built = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]
        super().__init__(data_root=str(root), pipeline=built, test_mode=test_mode, **kwargs)

    def load_data_list(self) -> list[dict]:
        """List the pairs ``{'img_name', 'ir_path', 'vis_path'}`` of the split, sorted by name."""
        root = Path(self.data_root)
        ir, vi = _images(root / "ir"), _images(root / "vi")
        if set(ir) != set(vi):
            only_ir, only_vi = sorted(set(ir) - set(vi)), sorted(set(vi) - set(ir))
            raise FileNotFoundError(f"IVIFDataset: unpaired files in {root}: ir only "
                                    f"{only_ir}, vi only {only_vi}")
        if not ir:
            raise FileNotFoundError(f"IVIFDataset: no images in {root}. Expected: {_LAYOUT}")
        return [dict(img_name=k, ir_path=str(ir[k]), vis_path=str(vi[k]))
                for k in self._split_names(sorted(ir), root)]

    def _split_names(self, names: list[str], root: Path) -> list[str]:
        """The stems of the split (see the class docstring), checked against its lists."""
        fixed = FIXED_LISTS.get(self.split or "")
        if fixed is not None:
            missing = sorted(set(fixed) - set(names))
            if missing:
                raise FileNotFoundError(f"IVIFDataset: {self.split} pairs {missing} missing "
                                        f"from {root}")
            names = sorted(fixed)
        bad = split_conflicts(names, self.split) if self.split else []
        if bad:
            raise ValueError(f"IVIFDataset: the {self.split} split of {root} holds frames of "
                             f"the standard test splits or of validation: {bad}")
        return names

    def prepare_data(self, idx: int) -> Any:
        """Read pair ``idx`` (IR uint8/uint16 (H, W), RGB uint8 (H, W, 3)), run the pipeline."""
        info = self.get_data_info(idx)
        ir = read_ir_image(info["ir_path"], "ir")
        vis = read_visible_image(info["vis_path"], "vis", drop_alpha=self.drop_alpha)
        if ir.shape != vis.shape[:2]:
            raise ValueError(f"IVIFDataset: {info['img_name']}: ir {ir.shape} and vis "
                             f"{vis.shape[:2]} differ in size (pairs must be registered)")
        return self.pipeline(dict(info, ir=ir, vis=vis))


@TRANSFORMS.register_module()
class RandomCropIVIF:
    """Crop the same random ``size x size`` window from ``ir`` and ``vis``.

    Args:
        size: crop side in pixels (> 0).

    Raises:
        ValueError: ``size`` <= 0 or larger than the image (never resizes).
    """

    def __init__(self, size: int) -> None:
        self.size = check_positive_int(size, "size")

    def __call__(self, results: dict) -> dict:
        h, w = results["ir"].shape[:2]
        s = self.size
        if s > h or s > w:
            raise ValueError(f"RandomCropIVIF: crop {s} larger than image {(h, w)}")
        y, x = random.randint(0, h - s), random.randint(0, w - s)
        results["ir"] = results["ir"][y : y + s, x : x + s]
        results["vis"] = results["vis"][y : y + s, x : x + s]
        return results

    def __repr__(self) -> str:
        return f"RandomCropIVIF(size={self.size})"


@TRANSFORMS.register_module()
class RandomFlipIVIF:
    """Random horizontal and vertical flips (each with probability ``prob``) of both images.

    Reads ``results['ir']`` (numpy uint8 or uint16 (H, W)) and ``results['vis']`` (numpy
    uint8 RGB (H, W, 3)). Draws an up-down flip (axis 0), then a left-right flip
    (axis 1), each independently with probability ``prob`` from Python's
    ``random`` module (seeded by mmengine's ``randomness`` setting), and applies
    the same flips to both images, so the pair stays registered. The flipped
    arrays are views (negative strides; :class:`PackIVIFInputs` copies them);
    shapes and dtypes are unchanged and the flips are not recorded.

    Args:
        prob: probability of each flip, in [0, 1] (0: never, 1: always).

    Raises:
        ValueError: if ``prob`` is outside [0, 1].
        KeyError: (on call) if ``ir`` or ``vis`` is missing and a flip is drawn.
    """

    def __init__(self, prob: float = 0.5) -> None:
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"prob must be in [0, 1], got {prob!r}")
        self.prob = prob

    def __call__(self, results: dict) -> dict:
        for axis in (0, 1):
            if random.random() < self.prob:
                results["ir"] = np.flip(results["ir"], axis)
                results["vis"] = np.flip(results["vis"], axis)
        return results

    def __repr__(self) -> str:
        return f"RandomFlipIVIF(prob={self.prob})"


@TRANSFORMS.register_module()
class PackIVIFInputs:
    """Pack ``ir`` (H, W) and ``vis`` (H, W, 3) into float tensors in [0, 1].

    Last step of the IVIF pipelines; takes no constructor argument. Reads
    ``results['ir']`` (numpy uint8 or uint16 grey infrared (H, W), divided by
    255 or 65535: scaled by its bit depth), ``results['vis']``
    (numpy uint8 RGB visible (H, W, 3), same H, W) and, if present,
    ``results['img_name']``. Fusion has no ground truth, so the data sample
    carries only metadata. Output is per sample, without a batch axis.

    Returns:
        A new dict ``{'inputs': {'ir': float32 tensor (1, H, W), 'vis': float32
        tensor (3, H, W)} (both in [0, 1]), 'data_samples':
        BaseDataElement(metainfo={'img_name': str, '' when absent})}``.

    Raises:
        KeyError: if ``ir`` or ``vis`` is missing.
        TypeError: if ``ir`` is not uint8 / uint16 or ``vis`` is not uint8.
        ValueError: if ``ir`` is not (H, W) or ``vis`` is not (H, W, 3) of the same
            size.
    """

    def __call__(self, results: dict) -> dict:
        for k in ("ir", "vis"):
            if k not in results:
                raise KeyError(f"PackIVIFInputs: results lack {k!r}")
        ir, vis = results["ir"], results["vis"]
        if ir.dtype not in (np.uint8, np.uint16) or vis.dtype != np.uint8:
            raise TypeError(f"PackIVIFInputs: ir must be uint8 or uint16 and vis uint8, got "
                            f"{ir.dtype}, {vis.dtype}")
        if ir.ndim != 2 or vis.ndim != 3 or vis.shape[2] != 3 or vis.shape[:2] != ir.shape:
            raise ValueError(f"PackIVIFInputs: ir must be (H, W) and vis (H, W, 3), got "
                             f"{ir.shape} and {vis.shape}")
        ir_t = torch.from_numpy(ir_to_unit(np.ascontiguousarray(ir)))[None]
        vis_t = torch.from_numpy(np.ascontiguousarray(vis.transpose(2, 0, 1))).float() / 255.0
        sample = BaseDataElement(metainfo=dict(img_name=results.get("img_name", "")))
        return {"inputs": {"ir": ir_t, "vis": vis_t}, "data_samples": sample}

    def __repr__(self) -> str:
        return "PackIVIFInputs()"
