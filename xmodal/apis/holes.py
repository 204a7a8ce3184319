"""Invalid pixels of a sensor depth map: mask, fill before the network, mask the output.

Real LR depth has holes (0), and float files may carry NaN or inf. ``xmodal.apis``

1. marks them invalid (:func:`invalid_mask`) and leaves them out of the min-max
   normalisation;
2. fills them before the network by **pull-push normalised interpolation**
   (:func:`fill_invalid`; Gortler et al., "The Lumigraph", SIGGRAPH 1996, Sec. 3.3:
   the valid pixels are averaged down a 2x pyramid with their validity as weight
   ("pull"), then every hole takes the value of the coarsest level that reached it,
   blended back up bilinearly ("push")). Valid pixels are never changed; a hole gets
   a smooth average of the nearest valid depth around it;
3. marks invalid again every HR pixel whose whole LR support was invalid
   (:func:`invalid_support_hr`): the HR pixel's LR cell and its 8 neighbours.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from xmodal.utils import invalid_depth

__all__ = ["invalid_mask", "fill_invalid", "invalid_support_hr"]


def invalid_mask(depth: Tensor) -> Tensor:
    """Invalid pixels of a depth map: zero, NaN or +-inf (the package's one rule,
    :func:`xmodal.utils.invalid_depth`).

    Args:
        depth: float tensor (..., H, W), any unit.

    Returns:
        bool tensor of the same shape, True where invalid.
    """
    return invalid_depth(depth)


def fill_invalid(depth: Tensor, invalid: Tensor) -> Tensor:
    """Fill invalid pixels by pull-push normalised interpolation (see the module docstring).

    Args:
        depth: float tensor (B, 1, H, W); values at ``invalid`` pixels are ignored.
        invalid: bool tensor (B, 1, H, W).

    Returns:
        float tensor (B, 1, H, W): ``depth`` where valid, filled elsewhere. An image with
        no valid pixel is returned as zeros (callers reject it before).

    Raises:
        ValueError: if the shapes differ or are not (B, 1, H, W).
    """
    if depth.ndim != 4 or depth.shape[1] != 1 or invalid.shape != depth.shape:
        raise ValueError(f"depth and invalid must both be (B, 1, H, W), got "
                         f"{tuple(depth.shape)} and {tuple(invalid.shape)}")
    weight = (~invalid).to(depth.dtype)
    value = torch.where(invalid, torch.zeros_like(depth), depth)
    if bool(weight.min() > 0):
        return value
    # pull: weighted averages down a pyramid until one level has no hole left (or 1x1);
    # a side already at 1 stops halving, the other goes on (stopping at the first side
    # of 1 left holes in the coarsest level, which the push then spread as zeros)
    levels = [(value, weight)]
    while max(levels[-1][0].shape[-2:]) > 1 and bool(levels[-1][1].amin() <= 0):
        v, w = levels[-1]
        kernel = tuple(2 if n > 1 else 1 for n in v.shape[-2:])
        vs = F.avg_pool2d(v * w, kernel, ceil_mode=True)
        ws = F.avg_pool2d(w, kernel, ceil_mode=True)
        levels.append((vs / ws.clamp_min(1e-12), (ws > 0).to(depth.dtype)))
    # push: fill each level's holes from the next coarser, already filled, level
    filled = levels[-1][0]
    for v, w in reversed(levels[:-1]):
        coarse = F.interpolate(filled, size=v.shape[-2:], mode="bilinear", align_corners=False)
        filled = torch.where(w > 0, v, coarse)
    return torch.where(invalid, filled, depth)


def invalid_support_hr(invalid_lr: Tensor, scale: int, hr_size: tuple[int, int]) -> Tensor:
    """HR pixels whose whole LR support is invalid (LR cell and its 8 neighbours).

    Args:
        invalid_lr: bool tensor (B, 1, h, w).
        scale: integer scale factor (HR cell of an LR pixel is ``scale x scale``).
        hr_size: (H, W) of the output; rows/columns beyond ``scale * (h, w)`` take the
            last LR row/column, extra LR cells beyond (H, W) are cropped.

    Returns:
        bool tensor (B, 1, H, W), True where the output must stay invalid.
    """
    valid = (~invalid_lr).float()
    any_valid = F.max_pool2d(valid, 3, stride=1, padding=1) > 0
    hr = (~any_valid).repeat_interleave(scale, -2).repeat_interleave(scale, -1)
    height, width = hr_size
    pad_h, pad_w = max(0, height - hr.shape[-2]), max(0, width - hr.shape[-1])
    if pad_h or pad_w:
        hr = F.pad(hr.float(), (0, pad_w, 0, pad_h), mode="replicate") > 0.5
    return hr[..., :height, :width]
