"""Low-level operators: the modulated deformable convolution dispatch."""

from .modulated_deform_conv import (
    Backend,
    available_backends,
    mmcv_ops_available,
    modulated_deform_conv2d,
    resolve_backend,
)

__all__ = [
    "Backend",
    "available_backends",
    "mmcv_ops_available",
    "modulated_deform_conv2d",
    "resolve_backend",
]
