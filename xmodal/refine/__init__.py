"""xmodal.refine: plug-in refinement blocks: LR-consistency adjustment, guided diffusion (DADA).

Public names: :func:`lr_consistency_adjust`, :class:`LRConsistencyAdjust`,
:func:`guided_anisotropic_diffusion`, :class:`GuidedAnisotropicDiffusion`,
:func:`perona_malik_conductance`, :func:`diffusion_step`,
:func:`guide_depth_features`, :class:`GuideDepthFeatures`,
:class:`DiffusionFeatureUNet`, :class:`MaskedL1Loss`. Importing the package registers
the modules in :data:`xmodal.registry.MODELS`.

The full generators built from these blocks live with the other networks:
:class:`xmodal.models.DADA` and :class:`xmodal.models.LRConsistentGenerator`
(``from xmodal.refine import DADA`` keeps working: it is resolved on access, so
importing this package does not import :mod:`xmodal.models`).
"""

from xmodal.refine.adjust import LRConsistencyAdjust, infer_scale, lr_consistency_adjust
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
    "MaskedL1Loss",
]

_MOVED_TO_MODELS = ("DADA", "LRConsistentGenerator")


def __getattr__(name: str) -> object:
    """Resolve the generators that moved to :mod:`xmodal.models` (old import path)."""
    if name in _MOVED_TO_MODELS:
        import xmodal.models

        return getattr(xmodal.models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
