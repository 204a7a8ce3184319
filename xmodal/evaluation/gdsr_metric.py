"""mmengine metric for guided depth super-resolution under the D2A2/DCTNet protocol.

Per image: de-normalise the prediction and the ground truth with the image's HR
min/max (``depth_min``/``depth_max`` in the metainfo, file units), convert to
the reporting unit (``x unit_scale``), crop ``border`` pixels, then RMSE and
MAE in float64 (:mod:`xmodal.evaluation.functional`); the reported figures
are the means over images (docs/evaluation.md). No valid-pixel mask.
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

from ..datasets.protocol import upsample_bicubic_pil
from .functional import mae, rmse

__all__ = ["GDSRMetric"]

_REQUIRED = ("pred_depth", "gt_depth", "depth_min", "depth_max", "unit_scale", "unit", "border")


@METRICS.register_module()
class GDSRMetric(BaseMetric):
    """Mean per-image RMSE and MAE of GDSR predictions, in the dataset's reporting unit.

    Reads, for every data sample (a ``BaseDataElement`` or the dict mmengine's
    ``Evaluator`` makes of it): ``pred_depth`` and ``gt_depth`` (FloatTensor
    (1, H, W), min-max normalised) and the metainfo ``depth_min``, ``depth_max``
    (HR min/max in file units), ``unit_scale`` (file unit -> reporting unit:
    NYUv2 100.0 m->cm, RGB-D-D 0.1 mm->cm, Middlebury/Lu 1.0), ``unit``
    (``'cm'`` or ``'8bit'``) and ``border`` (NYUv2 6, others 0).

    Args:
        clamp: ``False`` (default) follows D2A2's code: the prediction is
            de-normalised as it is. ``True`` follows DCTNet's code: the normalised
            prediction is clamped to [0, 1] and, for 8-bit units (Middlebury, Lu),
            the de-normalised prediction is clipped to [0, 255]. The two differ by
            at most ~0.003 on the published tables; state which one a table uses.
        collect_device: mmengine ``BaseMetric`` argument (``'cpu'`` or ``'gpu'``).
        prefix: optional prefix of the metric keys (``'<prefix>/rmse'``).
        with_bicubic: also score the PIL-bicubic up-sampling of each batch's LR
            input (``data_batch['inputs']['lr']``, the protocol's bicubic baseline,
            :func:`xmodal.datasets.upsample_bicubic_pil`) and report it as
            ``bicubic_rmse`` beside the model's RMSE.

    Returns (from ``evaluate``):
        ``{'rmse': float, 'mae': float}`` (+ ``'bicubic_rmse'`` with
        ``with_bicubic``): means over images, in the reporting unit
        (cm or 8-bit levels, logged alongside). ``self.per_image`` keeps the last
        per-image list of ``(img_name, rmse, mae)``.

    Raises:
        KeyError: if a data sample lacks one of the fields above.
        ValueError: if shapes of prediction and ground truth differ, or the images of
            one evaluation use different units.

    Source: docs/evaluation.md; RMSE as in DKN/FDSR/DCTNet/D2A2 test scripts.
    """

    # "" (not None): keys stay ``rmse``/``mae`` without mmengine's missing-prefix warning.
    default_prefix: str | None = ""

    def __init__(
        self,
        clamp: bool = False,
        collect_device: str = "cpu",
        prefix: str | None = None,
        with_bicubic: bool = False,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.with_bicubic = bool(with_bicubic)
        if not isinstance(clamp, bool):
            raise TypeError(f"clamp must be a bool, got {type(clamp).__name__}")
        self.clamp = clamp
        self.per_image: list[tuple[str, float, float]] = []

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Compute and store the per-image errors of one batch.

        Args:
            data_batch: the batch from the dataloader (its LR inputs are read only
                with ``with_bicubic``).
            data_samples: the model's outputs, each with ``pred_depth`` and metainfo.
        """
        lrs = self._batch_lrs(data_batch, len(data_samples)) if self.with_bicubic else None
        for i, sample in enumerate(data_samples):
            d = sample.to_dict() if isinstance(sample, BaseDataElement) else dict(sample)
            missing = [k for k in _REQUIRED if k not in d]
            if missing:
                raise KeyError(f"GDSRMetric: data sample lacks {missing}")
            pred = self._denormalise(d["pred_depth"], d, clip=self.clamp)
            gt = self._denormalise(d["gt_depth"], d, clip=False)
            border = int(d["border"])
            result = dict(
                img_name=str(d.get("img_name", "")),
                dataset=str(d.get("dataset", "")),
                unit=str(d["unit"]),
                rmse=rmse(pred, gt, border=border),
                mae=mae(pred, gt, border=border),
            )
            if lrs is not None:
                lr = lrs[i].detach().cpu().float().numpy().reshape(lrs[i].shape[-2:])
                scale = gt.shape[-1] // lr.shape[-1]
                bic = self._denormalise(upsample_bicubic_pil(lr, scale)[None], d, clip=False)
                result["bicubic_rmse"] = rmse(bic, gt, border=border)
            self.results.append(result)

    @staticmethod
    def _batch_lrs(data_batch: Any, n: int) -> Sequence[torch.Tensor]:
        try:
            lrs = data_batch["inputs"]["lr"]
        except (KeyError, TypeError) as err:
            raise KeyError("GDSRMetric(with_bicubic=True) needs data_batch['inputs']['lr']") \
                from err
        if len(lrs) != n:
            raise ValueError(f"GDSRMetric: {len(lrs)} LR inputs for {n} data samples")
        return lrs

    def _denormalise(self, x: Any, d: dict, clip: bool) -> np.ndarray:
        if isinstance(x, torch.Tensor):
            x = x.detach().cpu().to(torch.float64).numpy()
        x = np.asarray(x, dtype=np.float64)
        if clip:
            x = np.clip(x, 0.0, 1.0)
        dmin, dmax = float(d["depth_min"]), float(d["depth_max"])
        x = x * (dmax - dmin) + dmin
        if clip and d["unit"] == "8bit":
            x = np.clip(x, 0.0, 255.0)
        return x * float(d["unit_scale"])

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Average the per-image errors.

        Args:
            results: the per-image dicts collected by :meth:`process`.

        Returns:
            ``{'rmse': mean RMSE, 'mae': mean MAE}`` in the reporting unit.

        Raises:
            ValueError: if ``results`` is empty or mixes units.
        """
        if not results:
            raise ValueError("GDSRMetric: no results to average (empty dataset?)")
        units = sorted({r["unit"] for r in results})
        if len(units) != 1:
            raise ValueError(f"GDSRMetric: images with different units {units} in one evaluation")
        self.per_image = [(r["img_name"], r["rmse"], r["mae"]) for r in results]
        out = dict(
            rmse=float(np.mean([r["rmse"] for r in results])),
            mae=float(np.mean([r["mae"] for r in results])),
        )
        extra = ""
        if all("bicubic_rmse" in r for r in results):
            out["bicubic_rmse"] = float(np.mean([r["bicubic_rmse"] for r in results]))
            extra = f" (PIL bicubic: RMSE {out['bicubic_rmse']:.4f} {units[0]})"
        datasets = ",".join(sorted({r["dataset"] for r in results}))
        MMLogger.get_current_instance().info(
            f"GDSRMetric on {datasets or 'GDSR'} ({len(results)} images, clamp={self.clamp}): "
            f"RMSE {out['rmse']:.4f} {units[0]}, MAE {out['mae']:.4f} {units[0]}{extra}"
        )
        return out
