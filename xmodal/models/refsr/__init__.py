"""Reference-based (dual-camera) super-resolution: RefSRNet, matching, losses, wrapper.

>>> from xmodal.models.refsr import RefSRNet, RefSRModel, RefSRLoss, patch_match
"""

from ..data_preprocessor import MultiInputDataPreprocessor
from .losses import RefSRLoss, contextual_loss, low_frequency
from .matching import gather_blocks, patch_match
from .refsr_model import RefSRModel
from .refsr_net import RefSRNet

__all__ = [
    "RefSRNet", "RefSRModel", "RefSRLoss", "contextual_loss", "low_frequency", "patch_match",
    "gather_blocks", "MultiInputDataPreprocessor",
]
