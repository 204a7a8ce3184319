"""Score a GDSR generator on a test dataset, optionally with mismatched guides.

:func:`evaluate_generator` runs a generator over the items of a GDSR dataset
(the protocol's test pipeline: mod-crop, Pillow-bicubic LR, HR min-max) and
scores it with :class:`~xmodal.evaluation.GDSRMetric` (mean per-image RMSE in
the dataset's reporting unit, beside Pillow bicubic of the same LR).

``guide='mismatched'`` answers "does the model use its guide?": each frame is
super-resolved with the RGB of the *next* frame of the dataset (cyclically),
resized with Pillow's bicubic to this frame's size. A model that ignores its
guide scores the same both ways; a guided model gets clearly worse.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..ops import NNPACKConv2d
from .gdsr_metric import GDSRMetric

__all__ = ["evaluate_generator", "guide_effect", "GUIDE_MODES"]

#: What :func:`evaluate_generator` feeds as the guide.
GUIDE_MODES = ("true", "mismatched")


def guide_effect(rmse_true: float, rmse_mismatched: float) -> float:
    """How far the RMSE with the true guide lies below the RMSE with a mismatched one.

    ``1 - rmse_true / rmse_mismatched``: 0 for a model that ignores its guide,
    e.g. 0.10 when the true RGB gives a 10 % lower error than another frame's
    RGB (:func:`evaluate_generator` with ``guide='mismatched'``); negative when
    the wrong guide scores better.

    Args:
        rmse_true: mean RMSE with each frame's own guide (any unit, >= 0).
        rmse_mismatched: mean RMSE of the same model and frames with mismatched
            guides, same unit (> 0).

    Returns:
        The guide effect as a fraction (multiply by 100 for per cent).

    Raises:
        ValueError: if ``rmse_true`` is negative or ``rmse_mismatched`` is not
            positive (or either is not finite).
    """
    if not math.isfinite(rmse_true) or rmse_true < 0:
        raise ValueError(f"rmse_true must be a finite value >= 0, got {rmse_true!r}")
    if not math.isfinite(rmse_mismatched) or rmse_mismatched <= 0:
        raise ValueError(f"rmse_mismatched must be a finite value > 0, got {rmse_mismatched!r}")
    return 1.0 - rmse_true / rmse_mismatched


def _mismatched(dataset: Sequence[dict], i: int, size: tuple[int, int]) -> torch.Tensor:
    other = dataset[(i + 1) % len(dataset)]["inputs"]["guide"][None]
    return F.interpolate(other, size=size, mode="bicubic", align_corners=False,
                         antialias=True).clamp_(0.0, 1.0)


@torch.inference_mode()
def evaluate_generator(
    generator: nn.Module,
    dataset: Sequence[dict],
    guide: str = "true",
    indices: Sequence[int] | None = None,
    fast: bool = True,
) -> dict[str, Any]:
    """Mean RMSE of ``generator`` on ``dataset`` (standard protocol, ``clamp=False``).

    Args:
        generator: a GDSR network ``(lr (1, 1, h, w), guide (1, 3, H, W)) -> (1, 1, H, W)``
            at the dataset's scale (normalised depth in and out). Not modified: it runs
            on a copy in eval mode.
        dataset: a GDSR dataset whose items are the packed test inputs
            (``{'inputs': {'lr', 'guide'}, 'data_samples'}``, e.g.
            :class:`xmodal.datasets.MiddleburyDataset`), at least 2 items for
            ``guide='mismatched'``.
        guide: ``'true'`` (each frame's own RGB) or ``'mismatched'`` (the next
            frame's RGB, resized to this frame's size; module docstring).
        indices: frames to score (default: all).
        fast: run the copy on NNPACK's 3x3 convolutions
            (:class:`xmodal.ops.NNPACKConv2d`; same figures to float rounding, about
            2x faster on CPU).

    Returns:
        ``{'rmse', 'mae', 'bicubic_rmse'}`` (means over the frames, reporting unit of
        the dataset: 8-bit levels for Middlebury, cm for RGB-D-D / NYUv2) and
        ``'per_image'``: list of ``(img_name, rmse, mae)``.

    Raises:
        ValueError: unknown ``guide``, or a mismatched guide with fewer than 2 frames.
    """
    if guide not in GUIDE_MODES:
        raise ValueError(f"guide must be one of {GUIDE_MODES}, got {guide!r}")
    if guide == "mismatched" and len(dataset) < 2:
        raise ValueError("guide='mismatched' needs a dataset of at least 2 frames")
    net = copy.deepcopy(generator).eval()
    if fast:
        net = NNPACKConv2d.convert(net)
    metric = GDSRMetric(clamp=False, with_bicubic=True)
    for i in range(len(dataset)) if indices is None else indices:
        item = dataset[i]
        lr, rgb = item["inputs"]["lr"], item["inputs"]["guide"][None]
        if guide == "mismatched":
            rgb = _mismatched(dataset, i, tuple(rgb.shape[-2:]))
        sample = item["data_samples"]
        sample.pred_depth = net(lr[None], rgb)[0]
        metric.process({"inputs": {"lr": [lr]}}, [sample])
    out = metric.compute_metrics(metric.results)
    out["per_image"] = metric.per_image
    return out
