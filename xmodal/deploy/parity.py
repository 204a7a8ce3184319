"""Parity of an exported model with the eager one, under the GDSR evaluation protocol.

The RMSE is the protocol's (:class:`xmodal.evaluation.GDSRMetric`: de-normalised
with each frame's HR min/max, in the dataset's reporting unit: cm for RGB-D-D,
8-bit levels for Middlebury; no clamping).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from mmengine.structures import BaseDataElement
from torch import Tensor

__all__ = ["protocol_rmse", "parity"]


def _tensor(x: Tensor | np.ndarray) -> Tensor:
    return (x if isinstance(x, Tensor) else torch.from_numpy(np.asarray(x))).float().cpu()


def protocol_rmse(preds: Sequence[Tensor | np.ndarray],
                  samples: Sequence[BaseDataElement]) -> float:
    """Mean per-frame RMSE of normalised predictions against the samples' ground truth.

    Args:
        preds: one prediction per frame, (1, H, W) or (1, 1, H, W), min-max
            normalised (the model's output), float.
        samples: the matching data samples of an xmodal GDSR dataset (``gt_depth``
            and the metainfo :class:`xmodal.evaluation.GDSRMetric` reads).

    Returns:
        The mean RMSE in the datasets' reporting unit.

    Raises:
        ValueError: ``preds`` and ``samples`` differ in length, or shapes mismatch.
    """
    from xmodal.evaluation import GDSRMetric

    if len(preds) != len(samples):
        raise ValueError(f"got {len(preds)} predictions for {len(samples)} samples")
    metric = GDSRMetric()
    batch = []
    for pred, sample in zip(preds, samples):
        s = sample.clone()
        s.pred_depth = _tensor(pred).reshape(s.gt_depth.shape)
        batch.append(s)
    metric.process({}, batch)
    return metric.compute_metrics(metric.results)["rmse"]


def parity(eager: Sequence[Tensor | np.ndarray], exported: Sequence[Tensor | np.ndarray],
           samples: Sequence[BaseDataElement]) -> dict[str, float]:
    """Compare exported outputs with eager ones on real frames.

    Args:
        eager: the eager model's normalised outputs, one per frame.
        exported: the exported model's outputs on the same inputs (any float dtype).
        samples: the frames' data samples (see :func:`protocol_rmse`).

    Returns:
        ``{'max_abs': largest |exported - eager| in normalised units,
        'rmse_eager': ..., 'rmse_exported': ... (reporting unit),
        'rmse_change_pct': 100 * |rmse_exported / rmse_eager - 1|}``.

    Raises:
        ValueError: lengths or shapes differ.
    """
    if len(eager) != len(exported):
        raise ValueError(f"got {len(eager)} eager and {len(exported)} exported outputs")
    max_abs = 0.0
    for a, b in zip(eager, exported):
        a, b = _tensor(a), _tensor(b)
        if a.shape != b.shape:
            raise ValueError(f"eager output {tuple(a.shape)} and exported {tuple(b.shape)} differ")
        max_abs = max(max_abs, (a.double() - b.double()).abs().max().item())
    r_eager, r_exp = protocol_rmse(eager, samples), protocol_rmse(exported, samples)
    return {"max_abs": max_abs, "rmse_eager": r_eager, "rmse_exported": r_exp,
            "rmse_change_pct": 100 * abs(r_exp / r_eager - 1)}
