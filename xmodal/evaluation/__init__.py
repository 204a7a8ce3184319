"""xmodal.evaluation: protocol-exact GDSR and fusion metrics (functional + mmengine ``Metric``)."""

from .dada_metric import DADAMetric
from .functional import crop_border, mae, rmse
from .fusion_cddfuse import stretch_to_255
from .fusion_conventions import fusion_metrics, metric_table
from .fusion_metric import FusionMetric
from .fusion_score import fusion_score
from .gdsr_eval import evaluate_generator, guide_effect
from .gdsr_metric import GDSRMetric
from .image_quality import PSNRSSIMMetric, psnr, ssim

__all__ = [
    "rmse", "mae", "crop_border", "GDSRMetric", "DADAMetric", "FusionMetric", "fusion_metrics",
    "metric_table", "fusion_score", "stretch_to_255",
    "PSNRSSIMMetric", "psnr", "ssim", "evaluate_generator", "guide_effect",
]
