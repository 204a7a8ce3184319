"""xmodal.refine: LR-consistency adjustment and guided anisotropic diffusion (DADA).

Public names: :func:`lr_consistency_adjust`, :class:`LRConsistencyAdjust`,
:func:`guided_anisotropic_diffusion`, :class:`GuidedAnisotropicDiffusion`,
:func:`perona_malik_conductance`, :func:`diffusion_step`,
:func:`guide_depth_features`, :class:`GuideDepthFeatures`,
:class:`DiffusionFeatureUNet`, :class:`DADA`, :class:`LRConsistentGenerator`,
:class:`MaskedL1Loss`. Importing the package registers
the modules in :data:`xmodal.registry.MODELS`.
"""

from xmodal.refine.adjust import LRConsistencyAdjust, infer_scale, lr_consistency_adjust
from xmodal.refine.dada import DADA
from xmodal.refine.diffusion import (
    GuidedAnisotropicDiffusion,
    diffusion_step,
    guided_anisotropic_diffusion,
    perona_malik_conductance,
)
from xmodal.refine.features import (
    DiffusionFeatureUNet,
    GuideDepthFeatures,
    guide_depth_features,
)
from xmodal.refine.losses import MaskedL1Loss
from xmodal.refine.lr_consistent import LRConsistentGenerator

__all__ = [
    "lr_consistency_adjust",
    "infer_scale",
    "LRConsistencyAdjust",
    "perona_malik_conductance",
    "diffusion_step",
    "guided_anisotropic_diffusion",
    "GuidedAnisotropicDiffusion",
    "guide_depth_features",
    "GuideDepthFeatures",
    "DiffusionFeatureUNet",
    "DADA",
    "LRConsistentGenerator",
    "MaskedL1Loss",
]
