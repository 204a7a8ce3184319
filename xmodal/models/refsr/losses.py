"""RefSR losses: L1, and DCSR's low-frequency L1 + high-frequency contextual term.

DCSR (Wang et al., ICCV 2021, Sec. 3.4) supervises the low frequencies of the
output with the ground truth and its high frequencies with the *reference*
through a contextual loss (Mechrez et al., "The contextual loss for image
transformation with non-aligned data", ECCV 2018), since the reference is
sharper but not aligned. Here: ``low(x) = gaussian_blur(x)`` (torchvision),
``high(x) = x - low(x)``; the contextual loss compares ``patch x patch``
patches of ``high(pred)`` and ``high(ref)`` (raw pixels, not VGG features),
on a random subset of positions to bound memory.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchvision.transforms.functional import gaussian_blur

from ...registry import MODELS

__all__ = ["low_frequency", "contextual_loss", "RefSRLoss"]


def low_frequency(x: Tensor, kernel_size: int = 9, sigma: float = 3.0) -> Tensor:
    """Gaussian low-pass ``gaussian_blur(x, kernel_size, sigma)`` (reflect padding).

    Args:
        x: (B, C, H, W) float image.
        kernel_size: odd Gaussian kernel side (9). sigma: its std in pixels (3.0).

    Returns:
        (B, C, H, W) blurred image.
    """
    return gaussian_blur(x, [kernel_size, kernel_size], [sigma, sigma])


def contextual_loss(x: Tensor, y: Tensor, patch_size: int = 3, band_width: float = 0.5,
                    max_patches: int = 1024, generator: torch.Generator | None = None) -> Tensor:
    """Contextual loss ``-log CX(x, y)`` between patch sets (Mechrez et al., ECCV 2018, eq. 1-5).

    Patches of x and y are centred by the mean patch of y and L2-normalised;
    ``d_ij`` = cosine distance, ``d~_ij = d_ij / (min_k d_ik + 1e-5)``,
    ``w_ij = exp((1 - d~_ij) / h)``, ``CX_ij = w_ij / sum_k w_ik``,
    ``CX = mean_j max_i CX_ij`` (per sample), loss = mean over the batch.

    Args:
        x, y: (B, C, H, W) and (B, C, H', W') images or features (sizes may differ).
        patch_size: side of the compared patches (3).
        band_width: h (0.5).
        max_patches: at most this many random patch positions per image (memory).
        generator: RNG of the subsampling.

    Returns:
        Scalar loss >= 0; 0 iff every y patch is the unique nearest neighbour of an x patch.
    """
    if x.dim() != 4 or y.dim() != 4 or x.shape[:2] != y.shape[:2]:
        raise ValueError(f"x {tuple(x.shape)} and y {tuple(y.shape)} must be (B, C, H, W) "
                         "with equal B and C")

    def patches(z: Tensor) -> Tensor:
        p = F.unfold(z, patch_size).transpose(1, 2)   # (B, N, C*k*k)
        if p.shape[1] > max_patches:
            sel = torch.randperm(p.shape[1], generator=generator)[:max_patches].to(z.device)
            p = p[:, sel]
        return p

    px, py = patches(x), patches(y)
    mu = py.mean(dim=1, keepdim=True)
    px, py = F.normalize(px - mu, dim=2), F.normalize(py - mu, dim=2)
    d = 1.0 - torch.bmm(px, py.transpose(1, 2))                     # (B, Nx, Ny)
    d_rel = d / (d.min(dim=2, keepdim=True).values + 1e-5)
    w = torch.exp((1.0 - d_rel) / band_width)
    cx = w / w.sum(dim=2, keepdim=True)
    return -torch.log(cx.max(dim=1).values.mean(dim=1) + 1e-5).mean()


@MODELS.register_module()
class RefSRLoss(nn.Module):
    """RefSR training loss, ``mode='l1'`` or ``mode='dcsr'``.

    - ``'l1'``: ``l1_weight * mean |pred - gt|``.
    - ``'dcsr'``: ``lf_weight * mean |low(pred) - low(gt)| + hf_weight *
      contextual_loss(high(pred), high(ref))``.

    Args:
        mode: ``'l1'`` or ``'dcsr'``.
        l1_weight, lf_weight, hf_weight: term weights (1.0, 1.0, 0.1).
        blur_kernel, blur_sigma: the Gaussian low-pass (9, 3.0).
        max_patches: patch subsample of the contextual term (1024).

    Shape:
        pred, gt: (B, 3, H, W); ref: (B, 3, H_r, W_r) -> dict of scalar losses
        (``loss_l1``, or ``loss_lf`` and ``loss_hf``).

    Raises:
        ValueError: unknown mode, negative weights, pred/gt shapes differ.
    """

    MODES = ("l1", "dcsr")

    def __init__(self, mode: str = "l1", l1_weight: float = 1.0, lf_weight: float = 1.0,
                 hf_weight: float = 0.1, blur_kernel: int = 9, blur_sigma: float = 3.0,
                 max_patches: int = 1024) -> None:
        super().__init__()
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}, got {mode!r}")
        if min(l1_weight, lf_weight, hf_weight) < 0:
            raise ValueError("loss weights must be >= 0")
        self.mode, self.l1_weight, self.lf_weight, self.hf_weight = (
            mode, l1_weight, lf_weight, hf_weight)
        self.blur_kernel, self.blur_sigma, self.max_patches = blur_kernel, blur_sigma, max_patches

    def forward(self, pred: Tensor, gt: Tensor, ref: Tensor | None = None) -> dict[str, Tensor]:
        if pred.shape != gt.shape:
            raise ValueError(f"pred {tuple(pred.shape)} and gt {tuple(gt.shape)} differ")
        if self.mode == "l1":
            return {"loss_l1": self.l1_weight * F.l1_loss(pred, gt)}
        if ref is None:
            raise ValueError("mode='dcsr' needs the reference image")

        def low(z: Tensor) -> Tensor:
            return low_frequency(z, self.blur_kernel, self.blur_sigma)

        return {
            "loss_lf": self.lf_weight * F.l1_loss(low(pred), low(gt)),
            "loss_hf": self.hf_weight * contextual_loss(pred - low(pred), ref - low(ref),
                                                        max_patches=self.max_patches),
        }
