"""Full networks (architectures), losses and the mmengine training wrappers."""

from . import dsrdiff, ivif, refsr  # noqa: F401  (register the other recipes' models)
from .bicubic import Bicubic
from .d2a2 import D2A2, CrossModalFusion
from .data_preprocessor import GDSRDataPreprocessor
from .encoders import DepthEncoder, GuideEncoder, ResBlock
from .gdsr_model import GDSRModel
from .inplace_blocks import convert_inplace
from .losses import L1Loss, MSELoss

__all__ = [
    "D2A2", "CrossModalFusion", "DepthEncoder", "GuideEncoder", "ResBlock", "Bicubic",
    "GDSRDataPreprocessor", "GDSRModel", "L1Loss", "MSELoss", "convert_inplace",
]
