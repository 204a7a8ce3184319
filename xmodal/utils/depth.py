"""The one "invalid depth" rule of the package (datasets, refinement, inference, metrics).

A depth pixel is invalid when it is NaN or +-inf, and, for depth in file units
(millimetres, metres, 8-bit disparity), when it is 0: sensors and hole-filling
tools write 0 where they measured nothing (RGB-D-D's ToF holes, DADA's
convention). Data whose valid range includes 0 (min-max normalised depth) passes
``zero_invalid=False``.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import torch
from torch import Tensor

__all__ = ["invalid_depth"]

ArrayOrTensor = TypeVar("ArrayOrTensor", np.ndarray, Tensor)


def invalid_depth(depth: ArrayOrTensor, zero_invalid: bool = True) -> ArrayOrTensor:
    """Boolean mask of the invalid pixels of a depth map.

    Args:
        depth: depth (..., H, W), numpy array or tensor, any unit.
        zero_invalid: also mark exact zeros invalid (True for file units).

    Returns:
        bool array / tensor of the same shape (and device), True where invalid.

    Raises:
        TypeError: ``depth`` is neither a numpy array nor a tensor.

    Example:
        >>> invalid_depth(np.array([0.0, 1.5, np.nan])).tolist()
        [True, False, True]
    """
    if isinstance(depth, Tensor):
        bad = ~torch.isfinite(depth)
    elif isinstance(depth, np.ndarray):
        bad = ~np.isfinite(depth)
    else:
        raise TypeError(f"depth must be a numpy array or a torch.Tensor, got "
                        f"{type(depth).__name__}")
    return bad | (depth == 0) if zero_invalid else bad
