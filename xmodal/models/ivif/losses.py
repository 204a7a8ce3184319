"""Unsupervised content loss of the SeAFusion family for infrared-visible fusion.

Tang et al., "Image fusion in the loop of high-level vision tasks: a
semantic-aware real-time infrared and visible image fusion network"
(SeAFusion), Inf. Fusion 82, 2022, eq. 5-7: an intensity term pulling the
fused luma towards the pixel-wise maximum of the sources and a texture term
pulling its Sobel gradient magnitude towards the larger source gradient. An
optional structural term ``1 - (SSIM(F, IR) + SSIM(F, Y_vis)) / 2`` follows the
U2Fusion/CDDFuse practice.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import MODELS

__all__ = ["sobel_magnitude", "ssim_map", "FusionLoss"]

_SOBEL = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def _check_grey(x: object, name: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() != 4 or x.shape[1] != 1:
        raise ValueError(f"{name} must be (B, 1, H, W), got shape {tuple(x.shape)}")


def sobel_magnitude(x: Tensor) -> Tensor:
    """L1 Sobel gradient magnitude ``|S_x * x| + |S_y * x|`` (SeAFusion's texture operator).

    Args:
        x: (B, 1, H, W) float image.

    Returns:
        (B, 1, H, W), replicate padding at the border.

    Raises:
        TypeError / ValueError: not a (B, 1, H, W) tensor.
    """
    _check_grey(x, "x")
    k = torch.stack((_SOBEL, _SOBEL.t())).unsqueeze(1).to(x)
    g = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), k)
    return g.abs().sum(dim=1, keepdim=True)


def ssim_map(x: Tensor, y: Tensor, data_range: float = 1.0, window_size: int = 11,
             sigma: float = 1.5) -> Tensor:
    """Differentiable SSIM map (Wang et al., IEEE TIP 2004, eq. 13), 'valid' Gaussian window.

    Population statistics, K1 = 0.01, K2 = 0.03: the settings of
    ``skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False)``, whose mean this map's mean equals (tested).

    Args:
        x, y: (B, 1, H, W) float images, H, W >= ``window_size``.
        data_range: dynamic range L of the images (1.0 for [0, 1]).
        window_size, sigma: Gaussian window (11, 1.5).

    Returns:
        (B, 1, H - window_size + 1, W - window_size + 1) SSIM values.
    """
    _check_grey(x, "x")
    _check_grey(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x {tuple(x.shape)} and y {tuple(y.shape)} must have the same shape")
    t = torch.arange(window_size, dtype=x.dtype, device=x.device) - (window_size - 1) / 2
    w = torch.exp(-(t**2) / (2 * sigma**2))
    w = w / w.sum()
    win = (w[:, None] * w[None, :])[None, None]

    def blur(z: Tensor) -> Tensor:
        return F.conv2d(z, win)

    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))


@MODELS.register_module()
class FusionLoss(nn.Module):
    """``w_int L_int + w_grad L_grad + w_ssim L_ssim`` on the fused luma.

    - ``L_int = mean |F - max(IR, Y)|``
    - ``L_grad = mean | |grad F| - max(|grad IR|, |grad Y|) |``, ``|grad|`` the L1
      Sobel magnitude (:func:`sobel_magnitude`)
    - ``L_ssim = 1 - (SSIM(F, IR) + SSIM(F, Y)) / 2`` (skipped when its weight is 0)

    Args:
        int_weight: weight of the intensity term (1.0, SeAFusion).
        grad_weight: weight of the gradient term (10.0, SeAFusion's alpha).
        ssim_weight: weight of the SSIM term (0.0 = off).

    Shape:
        fused, ir, vis_y: (B, 1, H, W) in [0, 1] -> dict of scalar losses
        ``loss_int``, ``loss_grad`` (+ ``loss_ssim``), which mmengine sums.

    Raises:
        ValueError: negative weights; inputs of different shapes.
    """

    def __init__(self, int_weight: float = 1.0, grad_weight: float = 10.0,
                 ssim_weight: float = 0.0) -> None:
        super().__init__()
        if min(int_weight, grad_weight, ssim_weight) < 0:
            raise ValueError("loss weights must be >= 0, got "
                             f"{(int_weight, grad_weight, ssim_weight)}")
        self.int_weight, self.grad_weight, self.ssim_weight = int_weight, grad_weight, ssim_weight

    def forward(self, fused: Tensor, ir: Tensor, vis_y: Tensor) -> dict[str, Tensor]:
        for name, t in (("fused", fused), ("ir", ir), ("vis_y", vis_y)):
            _check_grey(t, name)
        if not fused.shape == ir.shape == vis_y.shape:
            raise ValueError(f"fused {tuple(fused.shape)}, ir {tuple(ir.shape)} and vis_y "
                             f"{tuple(vis_y.shape)} must have the same shape")
        out = {
            "loss_int": self.int_weight * F.l1_loss(fused, torch.maximum(ir, vis_y)),
            "loss_grad": self.grad_weight * F.l1_loss(
                sobel_magnitude(fused),
                torch.maximum(sobel_magnitude(ir), sobel_magnitude(vis_y))),
        }
        if self.ssim_weight > 0:
            s = (ssim_map(fused, ir).mean() + ssim_map(fused, vis_y).mean()) / 2
            out["loss_ssim"] = self.ssim_weight * (1 - s)
        return out
