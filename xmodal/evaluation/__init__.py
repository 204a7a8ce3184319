"""xmodal.evaluation: protocol-exact GDSR metrics (functional + mmengine ``Metric``)."""

from .dada_metric import DADAMetric
from .functional import crop_border, mae, rmse
from .fusion_metrics import FusionMetric, fusion_metrics
from .gdsr_eval import evaluate_generator
from .gdsr_metric import GDSRMetric
from .image_quality import PSNRSSIMMetric, psnr, ssim

__all__ = [
    "rmse", "mae", "crop_border", "GDSRMetric", "DADAMetric", "FusionMetric", "fusion_metrics",
    "PSNRSSIMMetric", "psnr", "ssim", "evaluate_generator",
]
