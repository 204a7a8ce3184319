"""Reference-based SR data: HR/reference pairs, self-supervised bicubic degradation.

Pairs come from a text file (one ``HR_PATH REF_PATH`` per line, relative to
``data_root``) or, without one, from two folders matched by file name. The LR
input is made from the HR crop by PIL bicubic down-sampling (self-supervision;
no real LR is needed). For the TTSR demo pair (``refsr/ttsr_demo``: a real LR
with no HR, and a 370x500 reference) the recipe uses the *reference image*
as HR and a shifted crop of it as reference (see :class:`CropRefSR`).
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
from PIL import Image

from xmodal.registry import DATASETS, TRANSFORMS
from xmodal.utils.checks import check_positive_int
from xmodal.utils.images import read_rgb_image

from .pairing import is_hidden_metadata
from .paths import resolve_data_root

__all__ = ["RefSRDataset", "CropRefSR", "MakeLRBicubicRGB", "PackRefSRInputs",
           "resolve_refsr_root"]

_EXTS = (".png", ".jpg", ".jpeg", ".bmp")


def resolve_refsr_root(name: str = "ttsr_demo") -> Path:
    """Find ``<data>/refsr/<name>`` over the candidate data folders.

    :func:`xmodal.datasets.paths.resolve_data_root` for ``'refsr'``: ``$XMODAL_DATA``
    alone when that variable is set, else the package's embedded data. Only that
    the folder exists is checked, not its content.

    Args:
        name: sub-folder of ``<data>/refsr/`` (default ``'ttsr_demo'``: the TTSR
            demo pair, ``lr/0.png`` 88x125 RGB and ``ref/0.png`` 370x500 RGB).

    Returns:
        The first existing ``<data>/refsr/<name>`` folder.

    Raises:
        FileNotFoundError: naming every path tried.
    """
    return resolve_data_root("refsr", name, "<root>/lr/NAME.png and <root>/ref/NAME.png (RGB)")


@DATASETS.register_module()
class RefSRDataset(BaseDataset):
    """HR images with references, as uint8 RGB arrays, through a pipeline.

    Args:
        data_root: dataset folder; None resolves ``refsr/ttsr_demo``.
        scale: SR factor (2 or 4), passed to the pipeline.
        ann_file: text file of ``HR REF`` lines (relative to ``data_root``); None
            pairs ``hr_dir/NAME`` with ``ref_dir/NAME``.
        hr_dir, ref_dir: folders used without ``ann_file`` (may be the same folder:
            the image is then its own reference, for self-supervision).
        num_repeats: repeat the list this many times (tiny datasets, epoch length).
        pipeline: transform configs or callables (e.g. ``CropRefSR``,
            ``MakeLRBicubicRGB``, ``PackRefSRInputs``).
        test_mode: mmengine flag.

    Raises:
        ValueError: scale not 2/4; malformed annotation line.
        FileNotFoundError: missing root, folders, listed files or no pairs.
    """

    def __init__(self, data_root: str | Path | None = None, scale: int = 4,
                 ann_file: str | None = None, hr_dir: str = "hr", ref_dir: str = "ref",
                 num_repeats: int = 1, pipeline: Sequence[dict | Callable] | None = None,
                 test_mode: bool = False, **kwargs: Any) -> None:
        if scale not in (2, 4):
            raise ValueError(f"scale must be 2 or 4, got {scale!r}")
        check_positive_int(num_repeats, "num_repeats")
        self.scale, self.num_repeats = scale, num_repeats
        self.hr_dir, self.ref_dir = hr_dir, ref_dir
        root = Path(data_root) if data_root is not None else resolve_refsr_root()
        if not root.is_dir():
            raise FileNotFoundError(f"RefSRDataset: data_root {root} does not exist")
        self._ann = ann_file
        built = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in (pipeline or [])]
        super().__init__(data_root=str(root), pipeline=built, test_mode=test_mode, **kwargs)

    def load_data_list(self) -> list[dict]:
        """``[{'img_name', 'hr_path', 'ref_path'}]`` from the annotation file or the folders."""
        root = Path(self.data_root)
        pairs = []
        if self._ann is not None:
            for n, line in enumerate((root / self._ann).read_text().splitlines()):
                if not line.strip():
                    continue
                parts = line.split()
                if len(parts) != 2:
                    raise ValueError(f"{self._ann}:{n + 1}: expected 'HR_PATH REF_PATH', "
                                     f"got {line!r}")
                pairs.append((root / parts[0], root / parts[1]))
        else:
            hr_dir, ref_dir = root / self.hr_dir, root / self.ref_dir
            for d in (hr_dir, ref_dir):
                if not d.is_dir():
                    raise FileNotFoundError(f"RefSRDataset: folder {d} does not exist")
            refs = {p.name: p for p in ref_dir.iterdir()
                    if p.suffix.lower() in _EXTS and not is_hidden_metadata(p)}
            for p in sorted(hr_dir.iterdir()):
                if p.suffix.lower() in _EXTS and not is_hidden_metadata(p):
                    if p.name not in refs:
                        raise FileNotFoundError(f"RefSRDataset: no reference {ref_dir / p.name}")
                    pairs.append((p, refs[p.name]))
        for hr, ref in pairs:
            for f in (hr, ref):
                if not f.is_file():
                    raise FileNotFoundError(f"RefSRDataset: file {f} does not exist")
        if not pairs:
            raise FileNotFoundError(f"RefSRDataset: no pairs found under {root}")
        items = [dict(img_name=hr.stem, hr_path=str(hr), ref_path=str(ref)) for hr, ref in pairs]
        return items * self.num_repeats

    def prepare_data(self, idx: int) -> Any:
        """Read ``hr`` and ``ref`` (uint8 (H, W, 3) RGB) and run the pipeline."""
        info = self.get_data_info(idx)
        results = dict(info, hr=read_rgb_image(info["hr_path"], "hr"),
                       ref=read_rgb_image(info["ref_path"], "ref"),
                       scale=self.scale)
        return self.pipeline(results)


@TRANSFORMS.register_module()
class CropRefSR:
    """Crop the HR patch and a (shifted) reference patch.

    The HR crop of ``hr_size`` starts at ``hr_origin`` (random when None); the
    reference crop of ``ref_size`` starts at the HR crop's origin plus a shift
    (``ref_shift``, or uniform in ``[-max_shift, max_shift]`` when None), clipped
    so that it lies inside the reference image. With the same image as HR and
    reference this makes a partially overlapping, misaligned reference
    (self-supervision).

    Args:
        hr_size: (h, w) or int, multiples of the scale.
        ref_size: (h, w) or int, multiples of the scale.
        hr_origin: fixed (y, x) of the HR crop, or None for random.
        ref_shift: fixed (dy, dx), or None for random within ``max_shift``.
        max_shift: bound of the random shift in pixels.

    Raises:
        ValueError: sizes not multiples of ``results['scale']`` or larger than the images.
    """

    def __init__(self, hr_size: int | Sequence[int], ref_size: int | Sequence[int],
                 hr_origin: Sequence[int] | None = None, ref_shift: Sequence[int] | None = None,
                 max_shift: int = 32) -> None:
        def pair(v):
            return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))
        self.hr_size, self.ref_size = pair(hr_size), pair(ref_size)
        self.hr_origin = None if hr_origin is None else pair(hr_origin)
        self.ref_shift = None if ref_shift is None else pair(ref_shift)
        self.max_shift = int(max_shift)

    def __call__(self, results: dict) -> dict:
        s = int(results["scale"])
        hr, ref = results["hr"], results["ref"]
        for name, (h, w), img in (("hr_size", self.hr_size, hr), ("ref_size", self.ref_size, ref)):
            if h % s or w % s:
                raise ValueError(f"CropRefSR: {name} {(h, w)} must be multiples of scale {s}")
            if h > img.shape[0] or w > img.shape[1]:
                raise ValueError(f"CropRefSR: {name} {(h, w)} larger than image {img.shape[:2]}")
        (hh, hw), (rh, rw) = self.hr_size, self.ref_size
        if self.hr_origin is None:
            y, x = random.randint(0, hr.shape[0] - hh), random.randint(0, hr.shape[1] - hw)
        else:
            y, x = self.hr_origin
        if self.ref_shift is None:
            m = self.max_shift
            dy, dx = random.randint(-m, m), random.randint(-m, m)
        else:
            dy, dx = self.ref_shift
        ry = min(max(y + dy, 0), ref.shape[0] - rh)
        rx = min(max(x + dx, 0), ref.shape[1] - rw)
        results["hr"] = hr[y : y + hh, x : x + hw]
        results["ref"] = ref[ry : ry + rh, rx : rx + rw]
        return results


@TRANSFORMS.register_module()
class MakeLRBicubicRGB:
    """``lr`` = PIL bicubic down-sampling of the uint8 ``hr`` by ``results['scale']``.

    The self-supervised bicubic degradation of the RefSR recipes (no real LR is
    needed): Pillow's ``Image.BICUBIC`` resize to (H // s, W // s), which
    low-pass filters over the down-scaled support (antialiased) and rounds to
    8-bit. Takes no constructor argument.

    Reads ``results['hr']`` (numpy uint8 RGB (H, W, 3), H and W multiples of s,
    e.g. after :class:`CropRefSR`) and ``results['scale']`` (int s, 2 or 4 in
    :class:`RefSRDataset`). Sets ``results['lr']``: numpy uint8 RGB
    (H // s, W // s, 3). ``hr`` is left as it was.

    Returns:
        The same ``results`` dict, modified in place.

    Raises:
        KeyError: if ``scale`` or ``hr`` is missing.
        ValueError: HR sides not multiples of the scale.
    """

    def __call__(self, results: dict) -> dict:
        s, hr = int(results["scale"]), results["hr"]
        h, w = hr.shape[:2]
        if h % s or w % s:
            raise ValueError(f"MakeLRBicubicRGB: hr {(h, w)} not a multiple of scale {s}")
        lr = Image.fromarray(np.ascontiguousarray(hr)).resize((w // s, h // s), Image.BICUBIC)
        results["lr"] = np.asarray(lr, dtype=np.uint8)
        return results


@TRANSFORMS.register_module()
class PackRefSRInputs:
    """Pack uint8 ``lr``, ``ref`` (and ``hr`` if present) into float tensors in [0, 1].

    Last step of the RefSR pipelines; takes no constructor argument. Reads
    ``results['lr']`` (numpy uint8 RGB (h, w, 3), e.g. from
    :class:`MakeLRBicubicRGB`), ``results['ref']`` (numpy uint8 RGB (H_r, W_r, 3),
    any size), ``results['scale']`` (int s) and, if present, ``results['hr']``
    (numpy uint8 RGB (H, W, 3) with (H, W) = (h s, w s), the target) and
    ``results['img_name']``. Images are divided by 255 whatever their dtype (uint8
    is expected, not checked). Output is per sample, without a batch axis.

    Returns:
        A new dict ``{'inputs': {'lr': float32 tensor (3, h, w), 'ref': float32
        tensor (3, H_r, W_r)}, 'data_samples': BaseDataElement(gt_img=float32
        tensor (3, H, W) when ``hr`` is present, metainfo={'img_name': str ('' when
        absent), 'scale': int})}``, images in [0, 1] (RGB / 255).

    Raises:
        KeyError: if ``lr``, ``ref`` or ``scale`` is missing.
        ValueError: if the HR size is not the LR size times the scale, or (from
            numpy's transpose) an image is not 3-D (H, W, C).
    """

    @staticmethod
    def _t(x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))).float() / 255.0

    def __call__(self, results: dict) -> dict:
        for k in ("lr", "ref", "scale"):
            if k not in results:
                raise KeyError(f"PackRefSRInputs: results lack {k!r}")
        s = int(results["scale"])
        sample = BaseDataElement(metainfo=dict(img_name=results.get("img_name", ""), scale=s))
        if "hr" in results:
            hr, lr = results["hr"], results["lr"]
            if (lr.shape[0] * s, lr.shape[1] * s) != hr.shape[:2]:
                raise ValueError(f"PackRefSRInputs: lr {lr.shape} x {s} != hr {hr.shape}")
            sample.gt_img = self._t(hr)
        return {"inputs": {"lr": self._t(results["lr"]), "ref": self._t(results["ref"])},
                "data_samples": sample}
