"""mmengine metric of the DADA preset: masked MAE / MSE in cm on 256 x 256 tiles.

DADA's evaluation (Metzger et al., CVPR 2023; authors' ``run_eval.py`` and
``losses.py``): for each batch of tiles, the L1 and squared errors of the
std-normalised depth are averaged over the **valid** HR pixels of the batch;
the batch figures are averaged over batches and converted with the dataset std,
``MAE_cm = 0.1 * std_mm * L1`` and ``MSE_cm2 = 0.01 * std_mm^2 * MSE``.

The keys carry the ``dada/`` prefix and their unit (``dada/mae_cm``,
``dada/mse_cm2``, ``dada/rmse_cm``), so they can never be confused with the
D2A2/DCTNet preset's ``rmse``/``mae`` (:class:`xmodal.evaluation.GDSRMetric`);
samples not made by the DADA preset are rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmengine.structures import BaseDataElement

from xmodal.registry import METRICS
from xmodal.utils.checks import check_positive_int

__all__ = ["DADAMetric", "DADA_EVAL_BATCH_SIZE"]

#: Batch size of DADA's evaluation script (``--batch-size`` default of ``run_eval.py``).
DADA_EVAL_BATCH_SIZE = 28

_REQUIRED = ("pred_depth", "gt_depth", "preset", "depth_std", "unit_scale")
_REDUCTIONS = ("batch", "tile", "pixel")


def _np64(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        return x.numpy().astype(np.float64) if x.dtype != torch.bool else x.numpy()
    return np.asarray(x)


@METRICS.register_module()
class DADAMetric(BaseMetric):
    """Masked MAE (cm), MSE (cm^2) and RMSE (cm) of the DADA preset.

    Reads from every data sample (made by :class:`xmodal.datasets.PackDADAInputs`):
    ``pred_depth`` and ``gt_depth`` (FloatTensor (1, H, W), depth / std),
    ``gt_valid`` (bool (1, H, W); all pixels valid when absent) and the metainfo
    ``preset`` (must be ``'dada'``), ``depth_std`` (file units) and ``unit_scale``
    (file unit -> cm, e.g. RGB-D-D mm -> cm 0.1, NYUv2 m -> cm 100). Errors are
    computed in cm: ``(pred - gt) * depth_std * unit_scale``, float64.

    Args:
        reduction: how tiles are averaged:

            - ``'batch'`` (default, DADA's script): consecutive groups of
              ``batch_size`` tiles in dataset order, masked mean over the valid pixels
              of each group, then the mean over groups (the last group may be smaller);
            - ``'tile'``: the mean over tiles of each tile's masked mean (= ``'batch'``
              with ``batch_size=1``);
            - ``'pixel'``: one masked mean over every valid pixel of the dataset.
        batch_size: the group size of ``'batch'`` (DADA: 28).
        collect_device: mmengine ``BaseMetric`` argument.
        prefix: key prefix (default ``'dada'``: keys ``dada/mae_cm`` ...).

    Returns (from ``evaluate``):
        ``{'dada/mae_cm', 'dada/mse_cm2', 'dada/rmse_cm'}``: MAE in cm, MSE in cm^2
        (DADA's two figures) and ``rmse_cm = sqrt(mse_cm2)`` (the root of the
        averaged MSE, not a mean of per-tile RMSEs).

    Raises:
        ValueError: on an unknown ``reduction``, a non-positive ``batch_size``, a
            sample of another preset, shape mismatches or no valid pixel at all.
        KeyError: if a data sample lacks a required field.

    Source: DADA ``run_eval.py`` (de-standardisation, batch averaging) and
    ``losses.py`` (masked L1 / MSE).
    """

    default_prefix: str | None = "dada"

    def __init__(
        self,
        reduction: str = "batch",
        batch_size: int = DADA_EVAL_BATCH_SIZE,
        collect_device: str = "cpu",
        prefix: str | None = None,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        check_positive_int(batch_size, "batch_size")
        self.reduction = reduction
        self.batch_size = batch_size

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store the masked error sums (cm, cm^2) and valid-pixel count of each sample."""
        for sample in data_samples:
            d = sample.to_dict() if isinstance(sample, BaseDataElement) else dict(sample)
            missing = [k for k in _REQUIRED if k not in d]
            if missing:
                raise KeyError(f"DADAMetric: data sample lacks {missing} (use the DADA preset: "
                               "MakeLRDepthDADA + PackDADAInputs)")
            if d["preset"] != "dada":
                raise ValueError(f"DADAMetric: sample of preset {d['preset']!r}, expected 'dada'")
            pred, gt = _np64(d["pred_depth"]), _np64(d["gt_depth"])
            if pred.shape != gt.shape:
                raise ValueError(f"DADAMetric: pred {pred.shape} and gt {gt.shape} differ")
            valid = _np64(d["gt_valid"]).astype(bool) if "gt_valid" in d \
                else np.ones(gt.shape, bool)
            if valid.shape != gt.shape:
                raise ValueError(f"DADAMetric: gt_valid {valid.shape} and gt {gt.shape} differ")
            to_cm = float(d["depth_std"]) * float(d["unit_scale"])
            err = (pred - gt)[valid] * to_cm
            self.results.append(dict(abs_sum=float(np.abs(err).sum()),
                                     sq_sum=float(np.square(err).sum()),
                                     count=int(valid.sum()),
                                     img_name=str(d.get("img_name", ""))))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Reduce the stored sums (see ``reduction``) to MAE / MSE / RMSE.

        Raises:
            ValueError: if ``results`` is empty or a group has no valid pixel.
        """
        if not results:
            raise ValueError("DADAMetric: no results to average (empty dataset?)")
        size = {"batch": self.batch_size, "tile": 1, "pixel": len(results)}[self.reduction]
        maes, mses = [], []
        for i in range(0, len(results), size):
            group = results[i : i + size]
            n = sum(r["count"] for r in group)
            if n == 0:
                raise ValueError(f"DADAMetric: no valid pixel in tiles {i}..{i + len(group) - 1}")
            maes.append(sum(r["abs_sum"] for r in group) / n)
            mses.append(sum(r["sq_sum"] for r in group) / n)
        out = dict(mae_cm=float(np.mean(maes)), mse_cm2=float(np.mean(mses)))
        out["rmse_cm"] = float(np.sqrt(out["mse_cm2"]))
        MMLogger.get_current_instance().info(
            f"DADAMetric ({len(results)} tiles, reduction={self.reduction}"
            f"{f', batch_size={self.batch_size}' if self.reduction == 'batch' else ''}): "
            f"MAE {out['mae_cm']:.4f} cm, MSE {out['mse_cm2']:.4f} cm^2, "
            f"RMSE {out['rmse_cm']:.4f} cm"
        )
        return out
