"""Guided anisotropic diffusion alternated with the LR-consistency adjustment (DADA).

"Guided Depth Super-Resolution by Deep Anisotropic Diffusion" (Metzger, Caye
Daudt, Schindler, CVPR 2023, https://arxiv.org/abs/2211.11592), Sections 3.1-3.3:
an explicit 4-neighbour Perona-Malik diffusion of the depth estimate whose
conductances come from guide features ``f``,

    g = 1 / (1 + |grad f|^2 / K^2),  |grad f| = mean over channels of |f_p - f_q|,

(Eq. 2; the channel reduction is the one of the authors' code), with the update

    u_p <- u_p + lambda * sum_{q in N4(p)} g_pq (u_q - u_p),  lambda = 0.24   (Eq. 1)

applied to all pixels simultaneously, alternated with the adjustment of
:func:`xmodal.refine.adjust.lr_consistency_adjust` (Eq. 3). Only the last
``num_grad_iters`` iterations are recorded by autograd; the others run under
:func:`torch.no_grad`, so training memory does not depend on ``num_iters``.

Differences from the paper's code: the adjustment can be applied every
``adjust_every`` iterations (1 = paper) but always after the last one, so the
output is LR-consistent; the diffusion step is out-of-place (autograd-safe);
``K`` is a positive parameter stored as its logarithm (as in the paper's code).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.refine.adjust import infer_scale, lr_consistency_adjust
from xmodal.registry import MODELS

__all__ = [
    "perona_malik_conductance",
    "diffusion_step",
    "guided_anisotropic_diffusion",
    "GuidedAnisotropicDiffusion",
]


def perona_malik_conductance(features: Tensor, k: Tensor | float) -> tuple[Tensor, Tensor]:
    """Perona-Malik conductances between 4-neighbours from guide features (DADA Eq. 2).

    Args:
        features: guide features (B, F, H, W), float.
        k: edge threshold ``K`` > 0 (float or 0-d tensor), in the unit of ``features``.

    Returns:
        ``(cv, ch)``: vertical conductances (B, 1, H - 1, W) between rows ``i`` and
        ``i + 1`` and horizontal ones (B, 1, H, W - 1), values in (0, 1].

    Raises:
        ValueError: if ``features`` is not 4-D or ``k`` is not positive.
    """
    if features.ndim != 4:
        raise ValueError(f"features must have shape (B, F, H, W), got {tuple(features.shape)}")
    if isinstance(k, Tensor):
        if k.numel() != 1:
            raise ValueError(f"k must be a scalar, got shape {tuple(k.shape)}")
        if bool(k.detach() <= 0):
            raise ValueError(f"k must be positive, got {k.item()}")
    elif not k > 0:
        raise ValueError(f"k must be positive, got {k}")
    grad_v = (features[:, :, 1:] - features[:, :, :-1]).abs().mean(1, keepdim=True)
    grad_h = (features[..., 1:] - features[..., :-1]).abs().mean(1, keepdim=True)
    cv = 1.0 / (1.0 + grad_v.square() / k**2)
    ch = 1.0 / (1.0 + grad_h.square() / k**2)
    return cv, ch


def diffusion_step(depth: Tensor, cv: Tensor, ch: Tensor, lam: float = 0.24) -> Tensor:
    """One explicit 4-neighbour anisotropic diffusion step (DADA Eq. 1), out of place.

    The fluxes between neighbours are antisymmetric, so the sum of ``depth`` over the
    image is conserved (up to rounding); with conductances in [0, 1] and
    ``lam <= 0.25`` the step is a convex combination (maximum principle, stable).

    Args:
        depth: estimate (B, C, H, W).
        cv: vertical conductances (B, 1 | C, H - 1, W).
        ch: horizontal conductances (B, 1 | C, H, W - 1).
        lam: step size lambda (0.24 in the paper).

    Returns:
        Tensor (B, C, H, W).
    """
    flux_v = lam * cv * (depth[:, :, 1:] - depth[:, :, :-1])
    flux_h = lam * ch * (depth[..., 1:] - depth[..., :-1])
    return (
        depth
        + F.pad(flux_v, (0, 0, 0, 1))
        - F.pad(flux_v, (0, 0, 1, 0))
        + F.pad(flux_h, (0, 1, 0, 0))
        - F.pad(flux_h, (1, 0, 0, 0))
    )


def _check_iters(num_iters: int, num_grad_iters: int, adjust_every: int, lam: float) -> None:
    for name, v, low in (
        ("num_iters", num_iters, 1),
        ("num_grad_iters", num_grad_iters, 0),
        ("adjust_every", adjust_every, 0),
    ):
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise ValueError(f"{name} must be an int >= {low}, got {v!r}")
    if num_grad_iters > num_iters:
        raise ValueError(
            f"num_grad_iters ({num_grad_iters}) must not exceed num_iters ({num_iters})"
        )
    if not 0 < lam <= 0.25:
        raise ValueError(f"lam must be in (0, 0.25] for a stable explicit scheme, got {lam}")


def guided_anisotropic_diffusion(
    init: Tensor,
    lr: Tensor,
    features: Tensor,
    k: Tensor | float,
    num_iters: int = 8000,
    num_grad_iters: int = 0,
    adjust_every: int = 1,
    lam: float = 0.24,
    scale: int | None = None,
    valid: Tensor | None = None,
    eps: float = 1e-6,
    zero_invalid: bool = True,
) -> Tensor:
    """Diffuse an HR depth estimate guided by ``features``, alternated with the adjustment.

    Iteration ``t = 0 .. num_iters - 1``: one :func:`diffusion_step`, then
    :func:`lr_consistency_adjust` if ``(t + 1) % adjust_every == 0`` or ``t`` is the
    last iteration (``adjust_every = 0``: only after the last one). The first
    ``num_iters - num_grad_iters`` iterations run under :func:`torch.no_grad` on a
    detached estimate; gradients reach ``features``, ``k`` and ``lr`` through the last
    ``num_grad_iters`` iterations only, and memory is constant in ``num_iters``.

    Args:
        init: initial HR estimate (B, 1, H, W), e.g. bicubic-upsampled LR depth; depth
            should be positive for the multiplicative adjustment (any unit).
        lr: LR depth (B, 1, H / s, W / s), same unit as ``init``.
        features: guide features (B, F, H, W) giving the conductances.
        k: Perona-Malik edge threshold K > 0 (float or 0-d tensor), unit of ``features``.
        num_iters: total number of iterations N (the paper uses 8000 at test time).
        num_grad_iters: the last M iterations that carry gradients (0 <= M <= N).
        adjust_every: apply the adjustment every this many iterations (1 = paper).
        lam: diffusion step lambda, in (0, 0.25] (0.24 in the paper).
        scale: integer scale factor s; None infers it from the shapes.
        valid: optional bool mask of valid LR pixels (B, 1, H / s, W / s).
        eps, zero_invalid: see :func:`lr_consistency_adjust`.

    Returns:
        Tensor (B, 1, H, W), with ``avg_pool2d(out, s) == lr`` on valid LR pixels.

    Raises:
        TypeError: on non-floating inputs.
        ValueError: on inconsistent shapes or invalid iteration settings.
    """
    s = infer_scale(init, lr, scale)
    _check_iters(num_iters, num_grad_iters, adjust_every, lam)
    if features.ndim != 4 or features.shape[0] != init.shape[0] \
            or features.shape[-2:] != init.shape[-2:]:
        raise ValueError(
            f"features must have shape (B, F, H, W) = ({init.shape[0]}, F, "
            f"{init.shape[-2]}, {init.shape[-1]}), got {tuple(features.shape)}"
        )
    cv, ch = perona_malik_conductance(features, k)

    def iterate(u: Tensor, t: int, cv: Tensor, ch: Tensor, lr: Tensor) -> Tensor:
        u = diffusion_step(u, cv, ch, lam)
        last = t == num_iters - 1
        if last or (adjust_every > 0 and (t + 1) % adjust_every == 0):
            u = lr_consistency_adjust(u, lr, s, valid, eps, zero_invalid)
        return u

    n_free = num_iters - num_grad_iters
    u = init
    if n_free > 0:
        with torch.no_grad():
            u = init.detach()
            cv_d, ch_d, lr_d = cv.detach(), ch.detach(), lr.detach()
            for t in range(n_free):
                u = iterate(u, t, cv_d, ch_d, lr_d)
    for t in range(n_free, num_iters):
        u = iterate(u, t, cv, ch, lr)
    return u


@MODELS.register_module()
class GuidedAnisotropicDiffusion(nn.Module):
    """DADA refinement: guided anisotropic diffusion + LR-consistency adjustment.

    Module form of :func:`guided_anisotropic_diffusion` with a learnable, positive
    edge threshold ``K`` (stored as ``log_k``). The features are supplied by the
    caller (a feature extractor from :mod:`xmodal.refine.features`, or the raw
    guide for the learning-free variant).

    Args:
        k: initial K (> 0), unit of the features (paper: 0.03).
        learn_k: make ``log K`` a trainable parameter (else a buffer).
        num_iters: total iterations N at inference (paper: 8000).
        num_grad_iters: last M iterations with gradients (paper training: 1024;
            N is then drawn at random by the paper, here it is set by the caller).
        adjust_every: adjustment every this many iterations (1 = paper).
        lam: diffusion step lambda (0.24).
        scale: scale factor, or None to infer it.
        eps, zero_invalid: see :func:`xmodal.refine.adjust.lr_consistency_adjust`.

    Shape:
        - init: (B, 1, H, W); lr: (B, 1, H / s, W / s); features: (B, F, H, W)
        - output: (B, 1, H, W)

    Example:
        >>> gad = GuidedAnisotropicDiffusion(k=0.03, num_iters=20, num_grad_iters=5)
        >>> lr = torch.rand(1, 1, 4, 4) + 0.5
        >>> init = lr.repeat_interleave(4, -2).repeat_interleave(4, -1)
        >>> gad(init, lr, torch.rand(1, 3, 16, 16)).shape
        torch.Size([1, 1, 16, 16])
    """

    #: why :func:`xmodal.deploy.export` refuses a model holding this module
    export_unsupported = (
        "runs its N diffusion iterations (8000 at inference) as a Python loop with a "
        "data-dependent check of K: a traced graph would unroll every iteration. "
        "Export the network that gives its initial estimate instead (e.g. --model d2a2)"
    )

    def __init__(
        self,
        k: float = 0.03,
        learn_k: bool = True,
        num_iters: int = 8000,
        num_grad_iters: int = 0,
        adjust_every: int = 1,
        lam: float = 0.24,
        scale: int | None = None,
        eps: float = 1e-6,
        zero_invalid: bool = True,
    ) -> None:
        super().__init__()
        if not k > 0:
            raise ValueError(f"k must be positive, got {k}")
        _check_iters(num_iters, num_grad_iters, adjust_every, lam)
        log_k = torch.tensor(math.log(k))
        if learn_k:
            self.log_k = nn.Parameter(log_k)
        else:
            self.register_buffer("log_k", log_k)
        self.num_iters = num_iters
        self.num_grad_iters = num_grad_iters
        self.adjust_every = adjust_every
        self.lam = lam
        self.scale = scale
        self.eps = eps
        self.zero_invalid = zero_invalid

    @property
    def k(self) -> Tensor:
        """The edge threshold K = exp(log_k) (0-d tensor, > 0)."""
        return self.log_k.exp()

    def forward(
        self,
        init: Tensor,
        lr: Tensor,
        features: Tensor,
        valid: Tensor | None = None,
        num_iters: int | None = None,
    ) -> Tensor:
        """Refine ``init`` (see :func:`guided_anisotropic_diffusion`).

        ``num_iters`` overrides the constructor's N for this call (it must stay
        >= ``num_grad_iters``).
        """
        return guided_anisotropic_diffusion(
            init,
            lr,
            features,
            self.k,
            num_iters=self.num_iters if num_iters is None else num_iters,
            num_grad_iters=self.num_grad_iters,
            adjust_every=self.adjust_every,
            lam=self.lam,
            scale=self.scale,
            valid=valid,
            eps=self.eps,
            zero_invalid=self.zero_invalid,
        )

    def extra_repr(self) -> str:
        return (
            f"num_iters={self.num_iters}, num_grad_iters={self.num_grad_iters}, "
            f"adjust_every={self.adjust_every}, lam={self.lam}, scale={self.scale}"
        )
