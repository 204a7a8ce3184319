"""Infrared-visible fusion: IVIFNet, its ablation IVIFPlainNet, loss, wrapper, colour, baselines.

>>> from xmodal.models.ivif import IVIFNet, IVIFModel, FusionLoss
"""

from ..data_preprocessor import MultiInputDataPreprocessor  # shared with RefSR
from .baselines import fuse_average, fuse_max_abs
from .color import rgb_to_luma, rgb_to_ycbcr, ycbcr_to_rgb
from .ivif_model import IVIFModel
from .ivif_net import IVIFNet, IVIFPlainNet
from .losses import FusionLoss, sobel_magnitude, ssim_map

__all__ = [
    "IVIFNet", "IVIFPlainNet", "IVIFModel", "FusionLoss", "MultiInputDataPreprocessor",
    "sobel_magnitude", "ssim_map", "rgb_to_ycbcr", "ycbcr_to_rgb", "rgb_to_luma", "fuse_average",
    "fuse_max_abs",
]
