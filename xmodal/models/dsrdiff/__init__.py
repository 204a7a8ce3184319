"""DSR-Diff (arXiv 2311.09919): guided depth SR steered by a diffusion-recovered guidance.

Networks (all registered in ``MODELS``): :class:`GuidanceGenerationNet` (GGN,
stage 1 teacher), :class:`DepthSRNet` (DSRN, ``fusion='ffm'`` or ``'dda+mfa'``),
:class:`GuidanceRecoveryNet` (GRN, few-step DDPM on the guidance vector),
:class:`DSRDiff` (GRN + DSRN, the inference generator ``forward(lr, guide)``);
training wrappers :class:`DSRDiffStage1Model`, :class:`DSRDiffStage2Model`.
"""

from .blocks import FFM, FeatureFusionModule, GuidedTransformerBlock
from .dsrdiff import DSRDiff
from .dsrn import DSRN, DepthSRNet
from .ggn import GGN, GuidanceEncoder, GuidanceGenerationNet
from .grn import GRN, GuidanceDenoiser, GuidanceRecoveryNet
from .schedule import DDPMSchedule, make_betas
from .wrappers import DSRDiffStage1Model, DSRDiffStage2Model

__all__ = [
    "GuidanceGenerationNet", "GGN", "GuidanceEncoder", "DepthSRNet", "DSRN",
    "GuidanceRecoveryNet", "GRN", "GuidanceDenoiser", "DSRDiff", "DDPMSchedule", "make_betas",
    "FeatureFusionModule", "FFM", "GuidedTransformerBlock",
    "DSRDiffStage1Model", "DSRDiffStage2Model",
]
