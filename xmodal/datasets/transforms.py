"""Data transforms of the GDSR pipelines (registered in ``xmodal.registry.TRANSFORMS``).

A pipeline is a list of callables ``results: dict -> dict`` (mmengine
``Compose``). Keys used:

- ``guide``: uint8 RGB guide, numpy (H, W, 3);
- ``hr_depth``: HR depth, float32 numpy (H, W), file units (metres, mm, 8-bit);
- ``scale``: int; ``depth_min`` / ``depth_max``: HR min/max (file units);
- ``gt_depth`` / ``lr_depth``: normalised float32 numpy (H, W) / (H // s, W // s);
- metainfo keys copied by :class:`PackGDSRInputs` (``unit_scale``, ``unit``,
  ``border``, ``img_name``, ``dataset``).

Test pipeline: ``ModCrop -> MakeLRDepth -> PackGDSRInputs``.
Train pipeline (official D2A2 loaders): ``RandomCropPair(256) -> MakeLRDepth ->
RandomFlipTranspose -> PackGDSRInputs``: the LR is made from the crop and both
are normalised with the **crop's** HR min/max, as the official D2A2 NYUv2
loader does. Random numbers come from numpy's global generator
(``np.random``), which mmengine seeds (``randomness=dict(seed=...)``) and
re-seeds per dataloader worker, so runs are reproducible.
"""

from __future__ import annotations

import numpy as np
import torch
from mmengine.structures import BaseDataElement

from xmodal.registry import TRANSFORMS
from xmodal.utils.checks import check_positive_int

from .protocol import make_lr_bicubic, minmax_normalise, mod_crop, resize_bicubic_pil

__all__ = ["ModCrop", "RandomCropPair", "MakeLRDepth", "MakeRealLRDepth", "RandomFlipTranspose",
           "PackGDSRInputs"]

_META_KEYS = ("depth_min", "depth_max", "scale", "unit_scale", "unit", "border", "img_name",
              "dataset")


def _require(results: dict, keys: tuple[str, ...], who: str) -> None:
    missing = [k for k in keys if k not in results]
    if missing:
        raise KeyError(f"{who}: results lack {missing} (have {sorted(results)})")


def _hr_and_scale(results: dict, who: str, fix: str) -> tuple[np.ndarray, int]:
    """The float32 HR depth and the scale; ValueError if the HR is not a multiple of it."""
    hr = np.ascontiguousarray(results["hr_depth"], dtype=np.float32)
    s = int(results["scale"])
    if hr.shape[0] % s or hr.shape[1] % s:
        raise ValueError(f"{who}: HR size {hr.shape} is not a multiple of scale {s}; "
                         f"put {fix} first")
    return hr, s


def _set_normalised(results: dict, hr: np.ndarray, lr: np.ndarray,
                    ref: np.ndarray | tuple[float, float]) -> dict:
    """Min-max normalise HR and LR with ``ref``'s min/max (or a (min, max) pair), in place."""
    dmin, dmax = (float(v) for v in ref) if isinstance(ref, tuple) else (
        float(ref.min()), float(ref.max()))
    results["depth_min"], results["depth_max"] = dmin, dmax
    results["gt_depth"] = minmax_normalise(hr, dmin, dmax)
    results["lr_depth"] = minmax_normalise(lr, dmin, dmax)
    return results


@TRANSFORMS.register_module()
class ModCrop:
    """Crop ``guide`` and ``hr_depth`` to multiples of ``results['scale']`` (top-left kept).

    Step 1 of the D2A2/DCTNet test protocol (the DKN/FDSR/DCTNet/D2A2 test loaders'
    ``modcrop``; :func:`xmodal.datasets.protocol.mod_crop`, docs/evaluation.md).
    Takes no constructor argument; called as ``results = ModCrop()(results)``.

    Reads ``results['hr_depth']`` (numpy (H, W), float32 in file units: metres,
    mm or 8-bit levels), ``results['scale']`` (int s) and, if present,
    ``results['guide']`` (numpy uint8 RGB (H, W, 3)). Replaces ``hr_depth`` (and
    ``guide``) by the top-left (H - H % s, W - W % s) part: a view, same dtype and
    units. Adds no key.

    Returns:
        The same ``results`` dict, modified in place.

    Raises:
        KeyError: if ``hr_depth`` or ``scale`` is missing.
        ValueError: if guide and depth sizes differ, or (from ``mod_crop``) an array
            is not 2-D/3-D, the scale is not a positive integer or the image is
            smaller than the scale.
        TypeError: (from ``mod_crop``) if ``hr_depth`` or ``guide`` is not a numpy
            array.
    """

    def __call__(self, results: dict) -> dict:
        _require(results, ("hr_depth", "scale"), "ModCrop")
        s = int(results["scale"])
        if "guide" in results and results["guide"].shape[:2] != results["hr_depth"].shape:
            raise ValueError(
                f"ModCrop: guide {results['guide'].shape[:2]} and hr_depth "
                f"{results['hr_depth'].shape} differ in size"
            )
        results["hr_depth"] = mod_crop(results["hr_depth"], s)
        if "guide" in results:
            results["guide"] = mod_crop(results["guide"], s)
        return results

    def __repr__(self) -> str:
        return "ModCrop()"


@TRANSFORMS.register_module()
class RandomCropPair:
    """Random ``size`` x ``size`` crop, at the same place, of ``guide`` and ``hr_depth``.

    Besides cropping, sets ``results['frame_depth_range']``: the (min, max) of
    the uncropped ``hr_depth`` (file units), for ``MakeLRDepth(range_from='frame')``.

    Args:
        size: crop side in pixels (official D2A2: 256); must be a multiple of the scale.

    Raises:
        ValueError: if ``size`` is not a positive integer, is not a multiple of
            ``results['scale']``, or the image is smaller than ``size``.
    """

    def __init__(self, size: int = 256) -> None:
        check_positive_int(size, "size")
        self.size = size

    def __call__(self, results: dict) -> dict:
        _require(results, ("hr_depth", "scale"), "RandomCropPair")
        if self.size % int(results["scale"]):
            raise ValueError(
                f"RandomCropPair: size {self.size} is not a multiple of scale {results['scale']}"
            )
        h, w = results["hr_depth"].shape
        if h < self.size or w < self.size:
            raise ValueError(f"RandomCropPair: image {h}x{w} smaller than crop size {self.size}")
        depth = results["hr_depth"]
        results["frame_depth_range"] = (float(np.min(depth)), float(np.max(depth)))
        y0 = int(np.random.randint(0, h - self.size + 1))
        x0 = int(np.random.randint(0, w - self.size + 1))
        for key in ("hr_depth", "guide"):
            if key in results:
                results[key] = results[key][y0 : y0 + self.size, x0 : x0 + self.size]
        results["crop_top_left"] = (y0, x0)
        return results

    def __repr__(self) -> str:
        return f"RandomCropPair(size={self.size})"


@TRANSFORMS.register_module()
class MakeLRDepth:
    """Make the LR depth by PIL bicubic and min-max normalise HR and LR with the HR min/max.

    Steps 2-3 of the D2A2/DCTNet protocol (DKN/FDSR/DCTNet/D2A2 loaders:
    ``Image.fromarray(d).resize((w // s, h // s), Image.BICUBIC)`` of the float
    depth in file units, then ``(d - min) / (max - min)`` with the **HR** min/max;
    docs/evaluation.md).

    Args:
        range_from: where min/max come from. ``'hr'`` (default, the protocol):
            the current ``hr_depth`` (the whole mod-cropped image at test time, the
            crop in training, as the official loaders do). ``'frame'``: the
            uncropped frame's, ``results['frame_depth_range']`` set by
            :class:`RandomCropPair`; a training option for small crops, which then
            keep the range they have in their frame instead of each being
            stretched to [0, 1] (and their sensor noise with it), as a whole test
            image is normalised.

    Reads ``results['hr_depth']`` (numpy (H, W), converted to float32, in file
    units: metres, mm or 8-bit levels; H and W multiples of s) and
    ``results['scale']`` (int s). Sets:

    - ``depth_min`` / ``depth_max``: Python floats, the min/max used, file units;
    - ``gt_depth``: float32 (H, W), the normalised HR, in [0, 1];
    - ``lr_depth``: float32 (H // s, W // s), the normalised LR (Pillow's bicubic
      may over/undershoot [0, 1] slightly).

    ``hr_depth`` is left as it was. Zeros (invalid pixels) are kept in the
    min/max and in both maps (no mask).

    Returns:
        The same ``results`` dict, modified in place.

    Raises:
        KeyError: if ``hr_depth`` or ``scale`` is missing, or ``frame_depth_range``
            with ``range_from='frame'``.
        ValueError: unknown ``range_from``; the HR size is not a multiple of the
            scale (use ``ModCrop`` or ``RandomCropPair`` first), the HR depth has
            more than two axes, or the min/max are not finite with min < max (a
            constant or NaN depth map).
    """

    def __init__(self, range_from: str = "hr") -> None:
        if range_from not in ("hr", "frame"):
            raise ValueError(f"range_from must be 'hr' or 'frame', got {range_from!r}")
        self.range_from = range_from

    def __call__(self, results: dict) -> dict:
        keys = ("hr_depth", "scale") + (("frame_depth_range",) if self.range_from == "frame"
                                         else ())
        _require(results, keys, "MakeLRDepth")
        hr, s = _hr_and_scale(results, "MakeLRDepth", "ModCrop or RandomCropPair")
        ref = tuple(results["frame_depth_range"]) if self.range_from == "frame" else hr
        return _set_normalised(results, hr, make_lr_bicubic(hr, s), ref)

    def __repr__(self) -> str:
        return f"MakeLRDepth(range_from={self.range_from!r})"


@TRANSFORMS.register_module()
class MakeRealLRDepth:
    """Use a real LR depth (RGB-D-D's real-world branch) instead of a bicubic one.

    The real LR comes from a separate low-resolution ToF sensor (192x144 in
    RGB-D-D, holes filled). As the SGNet RGB-D-D loader does, it is resized with
    PIL bicubic to the protocol's LR size (H // s, W // s)
    (:func:`~xmodal.datasets.protocol.resize_bicubic_pil`) and, with
    ``norm='lr'``, min-max normalised with the **resized LR's** min/max (no HR
    statistic reaches the input); the HR is normalised with the same numbers, so
    the metric's de-normalisation gives back the HR exactly (the normalised HR
    may leave [0, 1]). ``norm='hr'`` uses the HR min/max as the synthetic protocol.

    Reads ``results['real_lr']`` (numpy (h0, w0), file units, the same as the
    HR's), ``results['hr_depth']`` (numpy (H, W), H and W multiples of s) and
    ``results['scale']``. Sets ``depth_min`` / ``depth_max`` (floats, file
    units), ``gt_depth`` float32 (H, W) and ``lr_depth`` float32 (H // s, W // s).

    Args:
        norm: ``'lr'`` (default, SGNet's real-world loader) or ``'hr'``.

    Returns (a call):
        The same ``results`` dict, modified in place.

    Raises:
        ValueError: unknown ``norm``; HR size not a multiple of the scale; a
            constant map (min == max) for the chosen normalisation.
        KeyError: ``real_lr``, ``hr_depth`` or ``scale`` missing.
    """

    def __init__(self, norm: str = "lr") -> None:
        if norm not in ("lr", "hr"):
            raise ValueError(f"norm must be 'lr' or 'hr', got {norm!r}")
        self.norm = norm

    def __call__(self, results: dict) -> dict:
        _require(results, ("real_lr", "hr_depth", "scale"), "MakeRealLRDepth")
        hr, s = _hr_and_scale(results, "MakeRealLRDepth", "ModCrop")
        real = np.ascontiguousarray(results["real_lr"], dtype=np.float32)
        lr = resize_bicubic_pil(real, (hr.shape[0] // s, hr.shape[1] // s))
        return _set_normalised(results, hr, lr, lr if self.norm == "lr" else hr)

    def __repr__(self) -> str:
        return f"MakeRealLRDepth(norm={self.norm!r})"


@TRANSFORMS.register_module()
class RandomFlipTranspose:
    """Random horizontal flip, vertical flip and transpose, identical for every image key.

    Applied, each with its own probability and in this order, to whichever of
    ``guide``, ``hr_depth``, ``gt_depth``, ``lr_depth`` are present (the official
    D2A2 ``augment_info``: flip W, flip H, swap H and W).

    Args:
        hflip_prob: probability of flipping left-right.
        vflip_prob: probability of flipping up-down.
        transpose_prob: probability of swapping the H and W axes.

    Raises:
        ValueError: if a probability is outside [0, 1].
    """

    keys = ("guide", "hr_depth", "gt_depth", "lr_depth")

    def __init__(
        self, hflip_prob: float = 0.5, vflip_prob: float = 0.5, transpose_prob: float = 0.5
    ) -> None:
        for name, p in (("hflip_prob", hflip_prob), ("vflip_prob", vflip_prob),
                        ("transpose_prob", transpose_prob)):
            if not 0.0 <= float(p) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {p!r}")
        self.hflip_prob = float(hflip_prob)
        self.vflip_prob = float(vflip_prob)
        self.transpose_prob = float(transpose_prob)

    def __call__(self, results: dict) -> dict:
        hflip = bool(np.random.rand() < self.hflip_prob)
        vflip = bool(np.random.rand() < self.vflip_prob)
        transpose = bool(np.random.rand() < self.transpose_prob)
        for key in self.keys:
            if key not in results:
                continue
            x = results[key]
            if hflip:
                x = x[:, ::-1]
            if vflip:
                x = x[::-1]
            if transpose:
                x = np.swapaxes(x, 0, 1)
            results[key] = np.ascontiguousarray(x)
        results["flip"] = (hflip, vflip, transpose)
        return results

    def __repr__(self) -> str:
        return (f"RandomFlipTranspose(hflip_prob={self.hflip_prob}, "
                f"vflip_prob={self.vflip_prob}, transpose_prob={self.transpose_prob})")


@TRANSFORMS.register_module()
class PackGDSRInputs:
    """Pack the results into the xmodal GDSR data contract.

    Last step of the GDSR pipelines; takes no constructor argument. Reads
    ``results['guide']`` (numpy uint8 RGB (H, W, 3)), ``results['gt_depth']``
    (numpy float (H, W), normalised), ``results['lr_depth']`` (numpy float
    (H // s, W // s), normalised; both from :class:`MakeLRDepth`) and the metainfo
    keys ``depth_min``, ``depth_max`` (floats, file units: metres, mm or 8-bit
    levels), ``scale`` (int s), ``unit_scale`` (file unit -> reporting unit
    factor), ``unit`` (``'cm'`` or ``'8bit'``), ``border`` (pixels cropped before
    the RMSE), ``img_name`` and ``dataset`` (set by the GDSR datasets). The output
    is per sample, without a batch axis (the dataloader's collate and the model's
    data preprocessor make (B, C, H, W) batches).

    Returns:
        A new dict ``{'inputs': {'guide': float32 tensor (3, H, W) in [0, 1], RGB
        (uint8 / 255), 'lr': float32 tensor (1, H // s, W // s) normalised},
        'data_samples': BaseDataElement(gt_depth=float32 tensor (1, H, W)
        normalised, metainfo=depth_min, depth_max (file units), scale, unit_scale,
        unit, border, img_name, dataset)}``.

    Raises:
        KeyError: if a required key is missing (run ``MakeLRDepth`` first).
        TypeError: if the guide is not uint8.
        ValueError: if the guide is not (H, W, 3) of the HR size, or LR x scale != HR.
    """

    def __call__(self, results: dict) -> dict:
        _require(results, ("guide", "gt_depth", "lr_depth") + _META_KEYS, "PackGDSRInputs")
        guide, gt, lr = results["guide"], results["gt_depth"], results["lr_depth"]
        s = int(results["scale"])
        if guide.ndim != 3 or guide.shape[2] != 3 or guide.shape[:2] != gt.shape:
            raise ValueError(f"PackGDSRInputs: guide {guide.shape} must be (H, W, 3) with "
                             f"(H, W) = gt {gt.shape}")
        if (lr.shape[0] * s, lr.shape[1] * s) != gt.shape:
            raise ValueError(f"PackGDSRInputs: lr {lr.shape} x scale {s} != gt {gt.shape}")
        if guide.dtype != np.uint8:
            raise TypeError(f"PackGDSRInputs: guide must be uint8 RGB, got {guide.dtype}")
        guide_t = torch.from_numpy(np.ascontiguousarray(guide.transpose(2, 0, 1))).float() / 255.0
        metainfo = {k: results[k] for k in _META_KEYS}
        metainfo["scale"] = s
        sample = BaseDataElement(
            gt_depth=torch.from_numpy(np.ascontiguousarray(gt, dtype=np.float32))[None],
            metainfo=metainfo,
        )
        lr_t = torch.from_numpy(np.ascontiguousarray(lr, dtype=np.float32))[None]
        return {"inputs": {"guide": guide_t, "lr": lr_t}, "data_samples": sample}

    def __repr__(self) -> str:
        return "PackGDSRInputs()"
