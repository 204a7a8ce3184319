"""Full networks (architectures), losses and the mmengine training wrappers."""

from . import dsrdiff, ivif, refsr  # noqa: F401  (register the other recipes' models)
from .batch_augments import GuideMix
from .bicubic import Bicubic
from .d2a2 import D2A2, CrossModalFusion
from .dada import DADA
from .data_preprocessor import GDSRDataPreprocessor, MultiInputDataPreprocessor
from .encoders import DepthEncoder, GuideEncoder, ResBlock
from .gdsr_model import GDSRModel
from .inplace_blocks import convert_inplace
from .losses import CompositeLoss, GradientL1Loss, L1Loss, MSELoss, RMSELoss, gradient_l1_loss
from .lr_consistent import LRConsistentGenerator

__all__ = [
    "D2A2", "CrossModalFusion", "DADA", "LRConsistentGenerator", "DepthEncoder", "GuideEncoder",
    "ResBlock", "Bicubic", "GDSRDataPreprocessor", "MultiInputDataPreprocessor", "GDSRModel",
    "GradientL1Loss", "L1Loss", "MSELoss", "RMSELoss", "CompositeLoss", "convert_inplace",
    "gradient_l1_loss", "GuideMix",
]
