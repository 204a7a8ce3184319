"""Training-only GDSR transforms: hard-crop sampling and degraded LR depth.

Both take what the CPU training recipes proved useful in their pipelines
(``recipes/d2a2/``): :class:`RandomHardCropPair` replaces
:class:`~xmodal.datasets.transforms.RandomCropPair` (it sets the same keys), and
:class:`DegradeLRDepth` follows :class:`~xmodal.datasets.transforms.MakeLRDepth`
(it re-makes ``lr_depth`` from a blurred and/or shifted ``gt_depth`` and adds
noise). Random numbers come from numpy's global generator, as in
:mod:`xmodal.datasets.transforms`.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torchvision.transforms.functional as TF

from xmodal.registry import TRANSFORMS
from xmodal.utils.checks import check_non_negative_int, check_positive_int

from .protocol import make_lr_bicubic, upsample_bicubic_pil
from .transforms import RandomCropPair, _require

__all__ = ["RandomHardCropPair", "DegradeLRDepth", "bicubic_miss"]


def bicubic_miss(hr: np.ndarray, scale: int, depth_range: float) -> float:
    """Mean absolute error of the protocol's bicubic down- then up-sampling of ``hr``.

    Args:
        hr: float32 (H, W) depth, file units; H, W multiples of ``scale``.
        scale: the scale factor.
        depth_range: the normaliser (file units, > 0), e.g. the frame's max - min.

    Returns:
        ``mean |up(down(hr)) - hr| / depth_range`` (Pillow bicubic both ways).
    """
    up = upsample_bicubic_pil(make_lr_bicubic(hr, scale), scale)
    return float(np.abs(up - hr).mean()) / depth_range


@TRANSFORMS.register_module()
class RandomHardCropPair(RandomCropPair):
    """Draw ``candidates`` random crops of a frame; keep the one bicubic up-sampling misses most.

    Crops of flat walls teach a GDSR network little; this keeps, of
    ``candidates`` uniformly drawn ``size`` x ``size`` positions of the same frame,
    the crop whose Pillow-bicubic down- and up-sampling by ``results['scale']``
    errs most (:func:`bicubic_miss`): depth edges. ``candidates=1`` is
    :class:`RandomCropPair`. Sets the same keys (``frame_depth_range``,
    ``crop_top_left``, cropped ``hr_depth`` and ``guide``).

    Args:
        size: crop side in HR pixels, a multiple of the scale.
        candidates: crops drawn per frame (>= 1).

    Raises:
        ValueError: ``size`` / ``candidates`` not positive integers; ``size`` not a
            multiple of the scale or larger than the frame (named, never retried).
    """

    def __init__(self, size: int = 256, candidates: int = 4) -> None:
        super().__init__(size)
        self.candidates = check_positive_int(candidates, "candidates")

    def __call__(self, results: dict) -> dict:
        if self.candidates == 1:
            return super().__call__(results)
        _require(results, ("hr_depth", "scale"), "RandomHardCropPair")
        frame = dict(results)
        best, best_miss = None, -1.0
        for _ in range(self.candidates):
            crop = super().__call__(dict(frame))
            lo, hi = crop["frame_depth_range"]
            miss = bicubic_miss(np.asarray(crop["hr_depth"], np.float32), int(crop["scale"]),
                                max(hi - lo, 1e-12))
            if miss > best_miss:
                best, best_miss = crop, miss
        results.update(best)
        return results

    def __repr__(self) -> str:
        return f"RandomHardCropPair(size={self.size}, candidates={self.candidates})"


def _shift(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``x`` moved by (dy, dx) pixels, the border row/column repeated (same size)."""
    h, w = x.shape
    pad = np.pad(x, ((abs(dy), abs(dy)), (abs(dx), abs(dx))), mode="edge")
    y0, x0 = abs(dy) - dy, abs(dx) - dx
    return pad[y0:y0 + h, x0:x0 + w]


@TRANSFORMS.register_module()
class DegradeLRDepth:
    """A worse LR than bicubic alone: blurred, misregistered and/or noisy.

    Per sample: with probability ``shift_prob`` the normalised HR is moved by a
    whole number of HR pixels drawn uniformly in ``[-max_shift, max_shift]`` per
    axis (a misregistered sensor: only the guide knows where the edges are), then
    blurred by a Gaussian of standard deviation uniform in ``[0, max_blur]`` HR
    pixels (kernel ``2 ceil(3 sigma) + 1``, reflected borders), then down-sampled by
    the protocol's Pillow bicubic into ``lr_depth``; finally Gaussian noise of
    standard deviation uniform in ``[0, max_noise]`` (normalised units) is added.
    ``gt_depth`` (the target) is never changed. With all strengths 0 it is the
    identity.

    Reads ``gt_depth`` (float32 (H, W), normalised), ``lr_depth`` and ``scale``;
    sets ``lr_depth`` (float32 (H // s, W // s); noise may leave [0, 1]: no clipping).

    Args:
        max_shift: largest shift in HR pixels (>= 0).
        shift_prob: share of the samples shifted, in [0, 1].
        max_blur: largest blur standard deviation, HR pixels (>= 0).
        max_noise: largest noise standard deviation, normalised units (>= 0).

    Raises:
        ValueError: a strength negative or ``shift_prob`` outside [0, 1].
        KeyError: ``gt_depth``, ``lr_depth`` or ``scale`` missing (put
            :class:`~xmodal.datasets.transforms.MakeLRDepth` first).
    """

    def __init__(self, max_shift: int = 0, shift_prob: float = 1.0, max_blur: float = 0.0,
                 max_noise: float = 0.0) -> None:
        self.max_shift = check_non_negative_int(max_shift, "max_shift")
        if not 0.0 <= shift_prob <= 1.0:
            raise ValueError(f"shift_prob must be in [0, 1], got {shift_prob}")
        for name, value in (("max_blur", max_blur), ("max_noise", max_noise)):
            if not (isinstance(value, (int, float)) and value >= 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        self.shift_prob, self.max_blur, self.max_noise = shift_prob, max_blur, max_noise

    def _remake(self, hr: np.ndarray, scale: int) -> np.ndarray | None:
        moved = False
        if self.max_shift and np.random.rand() < self.shift_prob:
            dy, dx = np.random.randint(-self.max_shift, self.max_shift + 1, size=2)
            hr, moved = _shift(hr, int(dy), int(dx)), True
        sigma = float(np.random.uniform(0, self.max_blur)) if self.max_blur else 0.0
        if sigma > 0:
            side = 2 * math.ceil(3 * sigma) + 1
            hr = TF.gaussian_blur(torch.from_numpy(np.ascontiguousarray(hr))[None],
                                  [side, side], [sigma, sigma])[0].numpy()
        return make_lr_bicubic(np.ascontiguousarray(hr, np.float32), scale) \
            if moved or sigma > 0 else None

    def __call__(self, results: dict) -> dict:
        _require(results, ("gt_depth", "lr_depth", "scale"), "DegradeLRDepth")
        lr = self._remake(np.asarray(results["gt_depth"], np.float32), int(results["scale"]))
        lr = np.asarray(results["lr_depth"], np.float32) if lr is None else lr
        if self.max_noise:
            sigma = np.random.uniform(0, self.max_noise)
            lr = (lr + sigma * np.random.randn(*lr.shape)).astype(np.float32)
        results["lr_depth"] = lr
        return results

    def __repr__(self) -> str:
        return (f"DegradeLRDepth(max_shift={self.max_shift}, shift_prob={self.shift_prob}, "
                f"max_blur={self.max_blur}, max_noise={self.max_noise})")
