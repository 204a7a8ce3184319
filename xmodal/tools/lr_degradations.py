"""Degraded LR crops for the training campaign: noise, blur and misregistration.

Each function takes a batch of normalised crops and draws its strength per crop,
so one batch mixes clean and degraded LR (:mod:`xmodal.tools.campaign`'s
``--lr-noise``, ``--lr-blur`` and ``--lr-shift``).
"""

from __future__ import annotations

import math

import torch
import torchvision.transforms.functional as TF

from xmodal.align import translate
from xmodal.datasets.protocol import make_lr_bicubic

__all__ = ["add_lr_noise", "shift_hr", "degrade_lr"]


def add_lr_noise(lr: torch.Tensor, max_sigma: float) -> torch.Tensor:
    """LR crops plus Gaussian noise, each crop's standard deviation uniform in [0, max_sigma].

    Args:
        lr: (B, 1, h, w) float LR depth, min-max normalised.
        max_sigma: largest standard deviation, in the normalised units; 0 returns ``lr``.

    Returns:
        A new (B, 1, h, w) tensor (no clipping: the noise may leave [0, 1]).
    """
    if max_sigma == 0:
        return lr
    sigma = torch.rand(lr.shape[0], 1, 1, 1) * max_sigma
    return lr + sigma * torch.randn_like(lr)


def shift_hr(gt: torch.Tensor, max_shift: int, prob: float = 1.0) -> torch.Tensor:
    """HR crops moved by a random whole number of pixels each (a misregistered sensor).

    Each crop is shifted with probability ``prob`` (else left in place); its
    vertical and horizontal shifts are drawn uniformly from
    ``{-max_shift, ..., max_shift}`` HR pixels and applied with
    :func:`xmodal.align.translate` (the border row or column is repeated).

    Args:
        gt: (B, 1, H, W) float HR crops.
        max_shift: largest shift in HR pixels, >= 0; 0 returns ``gt``.
        prob: share of the crops that are shifted, in [0, 1].

    Returns:
        A new (B, 1, H, W) tensor (or ``gt`` itself).

    Raises:
        ValueError: ``prob`` outside [0, 1].
    """
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f"prob must be in [0, 1], got {prob}")
    if max_shift == 0 or prob == 0:
        return gt
    shift = torch.randint(-max_shift, max_shift + 1, (gt.shape[0], 2))
    shift = shift * (torch.rand(gt.shape[0], 1) < prob)
    return translate(gt, shift)


def degrade_lr(gt: torch.Tensor, lr: torch.Tensor, scale: int, max_sigma: float = 0.0,
               max_shift: int = 0, shift_prob: float = 1.0) -> torch.Tensor:
    """LR crops re-made from blurred and/or shifted HR crops (a worse sensor than bicubic alone).

    Each crop's blur standard deviation is drawn uniformly in [0, max_sigma] HR
    pixels (kernel side ``2 * ceil(3 sigma) + 1``, reflected borders,
    :func:`torchvision.transforms.functional.gaussian_blur`) and its shift by
    :func:`shift_hr`; the result is then down-sampled with the protocol's Pillow
    bicubic (:func:`xmodal.datasets.protocol.make_lr_bicubic`). Blurred LR edges
    are softer than bicubic down-sampling makes them, shifted ones sit up to
    ``max_shift`` HR pixels away from the HR and guide edges: either way only
    the guide can place them.

    Args:
        gt: (B, 1, H, W) float HR crops, min-max normalised; H, W multiples of ``scale``.
        lr: (B, 1, H / scale, W / scale) their bicubic LR, returned when both
            ``max_sigma`` and ``max_shift`` are 0.
        scale: the down-sampling factor.
        max_sigma: largest blur standard deviation, in HR pixels.
        max_shift: largest shift, in HR pixels.
        shift_prob: share of the crops that are shifted (:func:`shift_hr`).

    Returns:
        A new (B, 1, H / scale, W / scale) float32 tensor (or ``lr`` itself).
    """
    if max_sigma == 0 and max_shift == 0:
        return lr
    out = []
    for hr, sigma in zip(shift_hr(gt, max_shift, shift_prob), torch.rand(gt.shape[0]) * max_sigma):
        if sigma > 0:
            side = 2 * math.ceil(3 * float(sigma)) + 1
            hr = TF.gaussian_blur(hr, [side, side], [float(sigma)] * 2)
        out.append(torch.from_numpy(make_lr_bicubic(hr[0].numpy(), scale))[None])
    return torch.stack(out)
