"""mmengine ``Metric`` of infrared-visible fusion: mean metrics over a dataset, with baselines.

Reads the sources and the fused output of each sample, scores them in a
convention (:mod:`xmodal.evaluation.fusion_conventions`), optionally beside the
average and max-abs baselines and with the checkpoint score
(:mod:`xmodal.evaluation.fusion_score`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from xmodal.registry import METRICS

from .fusion_conventions import _check_names, fusion_metrics, metric_table
from .fusion_score import SCORE_METRICS, fusion_score

__all__ = ["FusionMetric"]


def _luma255(x: torch.Tensor, name: str, rounded: bool = True) -> np.ndarray:
    """(C, H, W) image, C = 1 or 3 -> (H, W) float64 BT.601 luma x 255 (clipped + rounded)."""
    x = x.detach().cpu().to(torch.float64)
    if x.dim() != 3 or x.shape[0] not in (1, 3):
        raise ValueError(f"{name} must be (1 or 3, H, W), got {tuple(x.shape)}")
    if x.shape[0] == 3:
        x = 0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]
    else:
        x = x[0]
    y = x.numpy() * 255.0
    return np.rint(np.clip(y, 0.0, 255.0)) if rounded else y


@METRICS.register_module()
class FusionMetric(BaseMetric):
    """Mean per-image fusion metrics (EN, SD, SF, AG, MI, SCD, VIF, Qabf, SSIM).

    Reads the sources from the batch (``data_batch['inputs']['ir']`` (1, H, W)
    and ``['vis']`` (3, H, W), floats in [0, 1]) and the fused image from each
    data sample's ``pred_fused`` ((3 or 1, H, W), [0, 1] scale). Sources are
    scored as 8-bit grey: BT.601 luma x 255, rounded (what OpenCV's grey
    conversion of the PNGs gives).

    ``convention='cddfuse'`` (default; the published tables): the fused luma
    x 255 is min-max stretched to 0-255 and rounded (CDDFuse's ``test_IVF.py``),
    then scored with CDDFuse's evaluator formulas
    (:mod:`xmodal.evaluation.fusion_cddfuse`: MI in nats, SSIM with a 7x7
    uniform window and data range 2, AG over H * W, Qabf with ``convolve2d``
    and its tie rule). ``convention='standard'``: the fused luma is clipped to
    0-255 and rounded (a saved PNG), and scored with the papers' definitions
    (:mod:`xmodal.evaluation.fusion_metrics`: MI in bits, Gaussian 11x11 SSIM
    with data range 255...). The baselines go through the same steps as the
    model's output.

    Args:
        names: metrics to compute (default: all nine of
            :data:`~xmodal.evaluation.fusion_metrics.FUSION_METRICS`).
        with_baselines: also score the classical pixel-level baselines, average
            ``(A + B) / 2`` and max-abs selection (``A`` where ``|A| >= |B|``), reported
            as ``avg/<name>`` and ``maxabs/<name>``.
        convention: ``'cddfuse'`` or ``'standard'`` (see above).
        score: also report ``score``, :func:`~xmodal.evaluation.fusion_score` of the
            model's means against average fusion (needs ``with_baselines`` and every
            metric of :data:`~xmodal.evaluation.fusion_score.SCORE_METRICS` in ``names``):
            the checkpoint criterion of the fusion recipes.
        collect_device, prefix: mmengine ``BaseMetric`` arguments.

    Returns (``evaluate``):
        ``{name: mean over images}`` (+ the baselines' keys, + ``score``).

    Raises:
        KeyError: missing ``pred_fused`` or batch sources.
        ValueError: shapes differ; unknown metric name or convention; no results; a
            constant fused image under 'cddfuse' (it cannot be stretched); ``score``
            without baselines or without a metric it combines.
    """

    default_prefix: str | None = ""

    def __init__(self, names: Sequence[str] | None = None, with_baselines: bool = False,
                 convention: str = "cddfuse", score: bool = False, collect_device: str = "cpu",
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.names = _check_names(names)
        metric_table(convention)  # validates the name early
        self.convention = convention
        self.with_baselines = bool(with_baselines)
        missing = [n for n in SCORE_METRICS if n not in self.names]
        if score and (not self.with_baselines or missing):
            raise ValueError(f"score needs with_baselines=True and the metrics "
                             f"{list(SCORE_METRICS)} (missing {missing})")
        self.score = bool(score)

    def _score(self, ir: np.ndarray, vis: np.ndarray, fused: np.ndarray) -> dict[str, float]:
        """Score a fused luma x 255 (unrounded) in the metric's convention."""
        if self.convention == "standard":
            fused = np.rint(np.clip(fused, 0.0, 255.0))
        return fusion_metrics(ir, vis, fused, self.names, self.convention)

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Score every fused image of the batch (and the baselines)."""
        try:
            irs, viss = data_batch["inputs"]["ir"], data_batch["inputs"]["vis"]
        except (KeyError, TypeError) as err:
            raise KeyError("FusionMetric needs data_batch['inputs']['ir'] and ['vis']") from err
        for ir_t, vis_t, sample in zip(irs, viss, data_samples):
            d = sample if isinstance(sample, dict) else sample.to_dict()
            if "pred_fused" not in d:
                raise KeyError("FusionMetric: data sample lacks pred_fused")
            ir, vis = _luma255(ir_t, "ir"), _luma255(vis_t, "vis")
            fused = _luma255(d["pred_fused"], "pred_fused", rounded=False)
            res = {"img_name": str(d.get("img_name", ""))}
            res.update(self._score(ir, vis, fused))
            if self.with_baselines:
                base = {"avg": (ir + vis) / 2.0,
                        "maxabs": np.where(np.abs(ir) >= np.abs(vis), ir, vis)}
                for tag, img in base.items():
                    for k, v in self._score(ir, vis, img).items():
                        res[f"{tag}/{k}"] = v
            self.results.append(res)

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Average over images and log a table (model and baselines)."""
        if not results:
            raise ValueError("FusionMetric: no results to average (empty dataset?)")
        keys = [k for k in results[0] if k != "img_name"]
        out = {k: float(np.mean([r[k] for r in results])) for k in keys}
        if self.score:
            out["score"] = fusion_score(out, {n: out[f"avg/{n}"] for n in SCORE_METRICS})
        rows = [("model", "")] + ([("avg", "avg/"), ("maxabs", "maxabs/")]
                                  if self.with_baselines else [])
        lines = ["method  " + " ".join(f"{n:>7}" for n in self.names)]
        for tag, pre in rows:
            lines.append(f"{tag:<7} " + " ".join(f"{out[pre + n]:7.3f}" for n in self.names))
        MMLogger.get_current_instance().info(
            f"FusionMetric ({len(results)} images, 8-bit luma, {self.convention} convention):\n"
            + "\n".join(lines)
            + (f"\nscore (geometric mean of the 8 ratios to average fusion): {out['score']:.4f}"
               if self.score else ""))
        return out
