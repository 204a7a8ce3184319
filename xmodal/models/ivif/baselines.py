"""Classical pixel-level fusion baselines: average and max-abs selection.

The two rules every fusion survey starts from (e.g. Li, Kang, Fang, Hu, Benediktsson,
"Pixel-level image fusion: a survey of the state of the art", Inf. Fusion 33, 2017,
Sec. 2): the mean of the sources, and per pixel the source of larger magnitude.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["fuse_average", "fuse_max_abs"]


def _check(a: object, b: object) -> None:
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if a.shape != b.shape:
        raise ValueError(f"a {tuple(a.shape)} and b {tuple(b.shape)} must have the same shape")


def fuse_average(a: Tensor, b: Tensor) -> Tensor:
    """``(a + b) / 2``.

    Args:
        a, b: images of one shape, e.g. (B, 1, H, W) IR and visible luma in [0, 1].

    Returns:
        The average, same shape.

    Raises:
        TypeError / ValueError: non-tensors or different shapes.
    """
    _check(a, b)
    return 0.5 * (a + b)


def fuse_max_abs(a: Tensor, b: Tensor) -> Tensor:
    """``a`` where ``|a| >= |b|`` else ``b`` (the pixel maximum for non-negative images).

    Args / Returns / Raises: as :func:`fuse_average`.
    """
    _check(a, b)
    return torch.where(a.abs() >= b.abs(), a, b)
