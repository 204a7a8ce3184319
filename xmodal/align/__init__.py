"""Cross-modal alignment blocks: LDA (domain), DGA (geometry), DDA (both), global registration.

>>> from xmodal.align import LDA, DGA, DDA
"""

from .dda import DDA, DynamicDualAlign
from .dga import DGA, DeformableGeometricAlign
from .lda import LDA, LearnableDomainAlignment, domain_align, instance_mean_std
from .norm_align import BatchNormAlign, IdentityAlign, InstanceNormAlign
from .registration import GuideRegistration, estimate_translation, gradient_magnitude, translate

__all__ = [
    "LearnableDomainAlignment", "LDA", "DeformableGeometricAlign", "DGA",
    "DynamicDualAlign", "DDA", "InstanceNormAlign", "BatchNormAlign", "IdentityAlign",
    "domain_align", "instance_mean_std", "GuideRegistration", "estimate_translation",
    "gradient_magnitude", "translate",
]
