"""Low-level operators: the modulated deformable convolution dispatch, NNPACK 3x3
convolutions for CPU inference, the in-place policy."""

from .inplace import needs_autograd
from .modulated_deform_conv import (
    Backend,
    available_backends,
    mmcv_ops_available,
    modulated_deform_conv2d,
    resolve_backend,
)
from .native_deform_conv import native_modulated_deform_conv2d
from .nnpack_conv import NNPACKConv2d, WinogradConv2d, nnpack_available, nnpack_conv2d

__all__ = [
    "Backend",
    "NNPACKConv2d",
    "WinogradConv2d",
    "available_backends",
    "mmcv_ops_available",
    "modulated_deform_conv2d",
    "native_modulated_deform_conv2d",
    "needs_autograd",
    "nnpack_available",
    "nnpack_conv2d",
    "resolve_backend",
]
