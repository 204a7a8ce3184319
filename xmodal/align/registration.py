"""Global registration of a depth map to its guide: one whole-pixel translation per image.

A real depth sensor and an RGB camera are calibrated, not co-located: after the
factory registration, the LR depth can still sit a few guide pixels away from the
RGB image (the real-world branch of RGB-D-D: 4-7 pixels at 512x384, which more
than doubles bicubic's RMSE on one frame). D2A2's alignment blocks (DGA) learn
local, sub-feature-pixel offsets; a translation of several guide pixels is a
global error that is cheaper to estimate directly, learning-free, and undo
before the network.

:func:`estimate_translation` scores every whole-pixel shift in
``[-max_shift, max_shift]^2`` by the normalised cross-correlation of the two
images' gradient magnitudes (Sobel, channel mean), the classic edge-based
multi-modal registration criterion: depth and RGB share edges at object
boundaries, not intensities. :func:`translate` applies a (sub-pixel) shift, and
:class:`GuideRegistration` does both for an LR depth and its HR guide.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..registry import MODELS
from ..utils.checks import check_feature, check_non_negative_int

__all__ = ["gradient_magnitude", "estimate_translation", "translate", "GuideRegistration"]

_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def gradient_magnitude(x: Tensor) -> Tensor:
    """Sobel gradient magnitude of the channel mean, replicate borders.

    Args:
        x: (B, C, H, W) float tensor, H and W >= 2.

    Returns:
        (B, 1, H, W) tensor, dtype of ``x``.

    Raises:
        TypeError: ``x`` is not a tensor.
        ValueError: ``x`` is not 4-D.
    """
    check_feature(x, "x")
    kx = _SOBEL_X.to(x)[None, None]
    padded = F.pad(x.mean(dim=1, keepdim=True), (1, 1, 1, 1), mode="replicate")
    gx, gy = F.conv2d(padded, kx), F.conv2d(padded, kx.transpose(-1, -2))
    return torch.sqrt(gx.square() + gy.square())


def _shift_scores(moving: Tensor, fixed: Tensor, r: int) -> Tensor:
    """(B, (2r + 1)^2) normalised cross-correlations, shifts in row-major (dy, dx) order."""
    h, w = fixed.shape[-2:]
    target = fixed[..., r:h - r, r:w - r]
    target = target - target.mean(dim=(-2, -1), keepdim=True)
    scores = []
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            window = moving[..., r - dy:h - r - dy, r - dx:w - r - dx]
            window = window - window.mean(dim=(-2, -1), keepdim=True)
            num = (window * target).sum(dim=(1, 2, 3))
            den = torch.sqrt(window.square().sum(dim=(1, 2, 3)) * target.square().sum(
                dim=(1, 2, 3)))
            scores.append(torch.where(den > 0, num / den.clamp_min(1e-12), 0.0))
    return torch.stack(scores, dim=1)


def estimate_translation(moving: Tensor, fixed: Tensor, max_shift: int = 10) -> Tensor:
    """The whole-pixel shift that best registers ``moving`` to ``fixed`` (edge correlation).

    Each shift ``(dy, dx)`` moves ``moving`` by ``dy`` rows down and ``dx``
    columns right (``moved[y, x] = moving[y - dy, x - dx]``) and is scored by the
    normalised cross-correlation of the two gradient magnitudes
    (:func:`gradient_magnitude`) over the central region, ``max_shift`` pixels in
    from every border (the same pixels for every shift). Without a strictly
    better shift (e.g. a flat image) the result is (0, 0).

    Args:
        moving: (B, C, H, W) float tensor, e.g. an up-sampled LR depth.
        fixed: (B, C', H, W) float tensor, e.g. the RGB guide.
        max_shift: largest shift tried per axis, pixels (>= 0).

    Returns:
        (B, 2) int64 tensor of ``(dy, dx)``; :func:`translate` by it registers ``moving``.

    Raises:
        TypeError: a non-tensor input.
        ValueError: not 4-D, different batch sizes or (H, W), ``max_shift`` not an
            integer >= 0, or H or W not larger than ``2 * max_shift``.
    """
    r = check_non_negative_int(max_shift, "max_shift")
    check_feature(moving, "moving")
    check_feature(fixed, "fixed")
    if moving.shape[0] != fixed.shape[0] or moving.shape[-2:] != fixed.shape[-2:]:
        raise ValueError(f"moving and fixed must have the same batch size and (H, W), got "
                         f"{tuple(moving.shape)} and {tuple(fixed.shape)}")
    if min(fixed.shape[-2:]) <= 2 * r:
        raise ValueError(f"H and W must be larger than 2 * max_shift = {2 * r}, got "
                         f"{tuple(fixed.shape[-2:])}")
    with torch.no_grad():
        scores = _shift_scores(gradient_magnitude(moving.float()),
                               gradient_magnitude(fixed.float()), r)
    zero = (2 * r + 1) * r + r  # index of (0, 0)
    best = torch.where(scores.max(dim=1).values > scores[:, zero], scores.argmax(dim=1), zero)
    return torch.stack([best // (2 * r + 1) - r, best % (2 * r + 1) - r], dim=1)


def translate(x: Tensor, shift: Tensor) -> Tensor:
    """Move each image by ``(dy, dx)`` pixels, sub-pixel allowed (bilinear, border values repeated).

    ``out[y, x] = x[y - dy, x - dx]``; whole-pixel shifts copy pixels (up to float32
    rounding of the sampling grid, about 1e-6).

    Args:
        x: (B, C, H, W) float tensor.
        shift: (B, 2) tensor of ``(dy, dx)`` in pixels of ``x`` (any real numbers).

    Returns:
        (B, C, H, W) tensor, dtype of ``x``.

    Raises:
        TypeError: a non-tensor input.
        ValueError: ``x`` not 4-D or ``shift`` not (B, 2).
    """
    check_feature(x, "x")
    if not isinstance(shift, Tensor):
        raise TypeError(f"shift must be a torch.Tensor, got {type(shift).__name__}")
    if tuple(shift.shape) != (x.shape[0], 2):
        raise ValueError(f"shift must be (B, 2) = ({x.shape[0]}, 2), got {tuple(shift.shape)}")
    h, w = x.shape[-2:]
    s = shift.to(device=x.device, dtype=torch.float32)
    theta = torch.zeros(x.shape[0], 2, 3, device=x.device)
    theta[:, 0, 0] = theta[:, 1, 1] = 1.0
    theta[:, 0, 2], theta[:, 1, 2] = -2.0 * s[:, 1] / w, -2.0 * s[:, 0] / h
    grid = F.affine_grid(theta, [x.shape[0], 1, h, w], align_corners=False)
    out = F.grid_sample(x.float(), grid, mode="bilinear", padding_mode="border",
                        align_corners=False)
    return out.to(x.dtype)


@MODELS.register_module()
class GuideRegistration(nn.Module):
    """Register an LR depth to its HR guide with one global translation (learning-free).

    The LR depth is bicubic-upsampled to the guide's size,
    :func:`estimate_translation` finds the whole-guide-pixel shift that best
    aligns its edges with the guide's, and the LR is moved by that shift in LR
    pixels (``shift * h / H``, sub-pixel, :func:`translate`).

    Args:
        max_shift: largest shift tried per axis, in guide pixels (>= 0).

    Shape:
        - lr: (B, 1, h, w) float depth (any unit; no holes: fill them first).
        - guide: (B, 3, H, W) float RGB, any size (real sensors need not give an
          integer ratio to the LR).
        - output: ``(registered lr (B, 1, h, w), shift (B, 2) int64 (dy, dx) in guide pixels)``.

    Raises:
        TypeError: at call, a non-tensor input.
        ValueError: ``max_shift`` not an integer >= 0; at call, an LR that is not
            (B, 1, h, w), a guide that is not (B, 3, H, W), different batch sizes, or
            the checks of :func:`estimate_translation`.

    Example:
        >>> reg = GuideRegistration(max_shift=4)
        >>> lr, shift = reg(torch.rand(1, 1, 16, 16), torch.rand(1, 3, 64, 64))
        >>> lr.shape, shift.shape
        (torch.Size([1, 1, 16, 16]), torch.Size([1, 2]))
    """

    def __init__(self, max_shift: int = 10) -> None:
        super().__init__()
        self.max_shift = check_non_negative_int(max_shift, "max_shift")

    def forward(self, lr: Tensor, guide: Tensor) -> tuple[Tensor, Tensor]:
        check_feature(lr, "lr", 1)
        check_feature(guide, "guide", 3)
        if lr.shape[0] != guide.shape[0]:
            raise ValueError(f"lr and guide must have the same batch size, got "
                             f"{tuple(lr.shape)} and {tuple(guide.shape)}")
        up = F.interpolate(lr.float(), size=guide.shape[-2:], mode="bicubic",
                           align_corners=False)
        shift = estimate_translation(up, guide, self.max_shift)
        return translate(lr, self.lr_pixels(shift, lr, guide)), shift

    @staticmethod
    def lr_pixels(shift: Tensor, lr: Tensor, guide: Tensor) -> Tensor:
        """A (B, 2) shift in guide pixels -> float (B, 2) in pixels of ``lr``'s grid."""
        ratio = torch.tensor([lr.shape[-2] / guide.shape[-2], lr.shape[-1] / guide.shape[-1]])
        return shift.float() * ratio.to(shift.device)

    def extra_repr(self) -> str:
        return f"max_shift={self.max_shift}"
