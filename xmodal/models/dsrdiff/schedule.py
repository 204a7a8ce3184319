"""A small DDPM noise schedule for the few-step guidance diffusion of DSR-Diff.

Ho et al., "Denoising Diffusion Probabilistic Models", NeurIPS 2020: forward
noising ``q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I)`` (Eq. 4), the
``x_0`` estimate from a noise prediction (Eq. 15) and the posterior mean of
``q(x_{t-1} | x_t, x_0)`` (Eqs. 6-7). DSR-Diff / DiffIR run only a handful of
steps (DiffIR: 4, betas from 0.1 to 0.99) on a compact vector, and their
reverse step is the posterior mean without added noise, so the sampler is
deterministic given its starting noise.

``betas`` follow the conventions of ``diffusers``' ``DDPMScheduler``
(``'linear'``: ``linspace(beta_start, beta_end)``; ``'scaled_linear'``:
``linspace(sqrt(beta_start), sqrt(beta_end)) ** 2``); a test checks them against
diffusers when it is installed (``pip install xmodal[diffusion]``). The schedule
is written here so that inference never needs diffusers.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ...utils.checks import check_positive_int

__all__ = ["make_betas", "DDPMSchedule"]

_KINDS = ("linear", "scaled_linear")


def make_betas(
    num_steps: int, beta_start: float, beta_end: float, kind: str = "linear"
) -> Tensor:
    """The noise variances ``beta_t``, t = 0..num_steps-1, as float64.

    Args:
        num_steps: T >= 1.
        beta_start: beta_0 in (0, 1).
        beta_end: beta_{T-1} in (0, 1), >= beta_start.
        kind: ``'linear'`` or ``'scaled_linear'`` (diffusers' names).

    Returns:
        (T,) float64 tensor.

    Raises:
        ValueError: T < 1, betas outside (0, 1) or decreasing, unknown ``kind``.
    """
    check_positive_int(num_steps, "num_steps")
    if not (0.0 < beta_start <= beta_end < 1.0):
        raise ValueError(
            f"need 0 < beta_start <= beta_end < 1, got beta_start={beta_start}, "
            f"beta_end={beta_end}"
        )
    if kind == "linear":
        return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float64)
    if kind == "scaled_linear":
        return torch.linspace(beta_start**0.5, beta_end**0.5, num_steps, dtype=torch.float64) ** 2
    raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")


class DDPMSchedule(nn.Module):
    """DDPM coefficients, forward noising and the deterministic reverse step.

    The coefficients are non-persistent buffers (float32; computed in float64):
    they follow the module's device and are not written into checkpoints.

    Args:
        num_steps: T (4, DiffIR's choice).
        beta_start: beta_0 (0.1).
        beta_end: beta_{T-1} (0.99).
        kind: ``'linear'`` or ``'scaled_linear'``.

    Raises:
        ValueError: from :func:`make_betas`; bad timesteps in the methods.

    Example:
        >>> s = DDPMSchedule(4)
        >>> x0 = torch.randn(2, 8)
        >>> t = torch.tensor([3, 1])
        >>> n = torch.randn(2, 8)
        >>> torch.allclose(s.predict_x0(s.q_sample(x0, t, n), t, n), x0, atol=1e-5)
        True
    """

    def __init__(
        self, num_steps: int = 4, beta_start: float = 0.1, beta_end: float = 0.99,
        kind: str = "linear",
    ) -> None:
        super().__init__()
        betas = make_betas(num_steps, beta_start, beta_end, kind)
        alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        prev = torch.cat([alphas_cumprod.new_ones(1), alphas_cumprod[:-1]])
        self.num_steps = num_steps
        buffers = {
            "betas": betas,
            "alphas_cumprod": alphas_cumprod,
            "alphas_cumprod_prev": prev,
            "sqrt_alphas_cumprod": alphas_cumprod.sqrt(),
            "sqrt_one_minus_alphas_cumprod": (1.0 - alphas_cumprod).sqrt(),
            # posterior q(x_{t-1} | x_t, x_0) mean coefficients (DDPM Eq. 7)
            "posterior_coef_x0": betas * prev.sqrt() / (1.0 - alphas_cumprod),
            "posterior_coef_xt": (1.0 - prev) * (1.0 - betas).sqrt() / (1.0 - alphas_cumprod),
        }
        for name, value in buffers.items():
            self.register_buffer(name, value.float(), persistent=False)

    def _coef(self, name: str, t: Tensor, like: Tensor) -> Tensor:
        if not isinstance(t, Tensor) or t.dim() != 1 or t.shape[0] != like.shape[0]:
            raise ValueError(f"t must be a (B,) tensor with B = {like.shape[0]}, got {t!r}")
        if t.dtype.is_floating_point or bool((t < 0).any() or (t >= self.num_steps).any()):
            raise ValueError(f"t must hold integer steps in [0, {self.num_steps}), got {t}")
        c = getattr(self, name).to(like.device)[t.to(like.device)].to(like.dtype)
        return c.view(-1, *([1] * (like.dim() - 1)))

    def q_sample(self, x0: Tensor, t: Tensor, noise: Tensor) -> Tensor:
        """Sample ``x_t ~ q(x_t | x_0)``: ``sqrt(abar_t) x0 + sqrt(1 - abar_t) noise``.

        Shape: x0, noise (B, ...); t (B,) int64 -> (B, ...).
        """
        return (self._coef("sqrt_alphas_cumprod", t, x0) * x0
                + self._coef("sqrt_one_minus_alphas_cumprod", t, x0) * noise)

    def predict_x0(self, x_t: Tensor, t: Tensor, noise: Tensor) -> Tensor:
        """Invert :meth:`q_sample` for ``x_0`` given (predicted) ``noise`` (DDPM Eq. 15)."""
        return ((x_t - self._coef("sqrt_one_minus_alphas_cumprod", t, x_t) * noise)
                / self._coef("sqrt_alphas_cumprod", t, x_t))

    def posterior_mean(self, x0: Tensor, x_t: Tensor, t: Tensor) -> Tensor:
        """Mean of ``q(x_{t-1} | x_t, x_0)``; equals ``x0`` at t = 0."""
        return (self._coef("posterior_coef_x0", t, x_t) * x0
                + self._coef("posterior_coef_xt", t, x_t) * x_t)

    def step(self, noise_pred: Tensor, t: Tensor, x_t: Tensor) -> Tensor:
        """One deterministic reverse step (DiffIR): posterior mean at the x0 estimate."""
        return self.posterior_mean(self.predict_x0(x_t, t, noise_pred), x_t, t)

    def extra_repr(self) -> str:
        return f"num_steps={self.num_steps}"
