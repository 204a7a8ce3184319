"""Guidance recovery network (GRN) of DSR-Diff: few-step diffusion on the guidance vector.

Shi et al., DSR-Diff, arXiv 2311.09919: a latent diffusion model recovers the
compact guidance from the LR inputs alone. Where the paper is silent we follow
DiffIR (Xia et al., ICCV 2023), whose stage-2 design DSR-Diff shares:

- a condition vector ``c`` is encoded from the HR RGB and the bicubic
  up-sampled LR depth by a GGN-like encoder (:class:`GuidanceEncoder`) that
  never sees the HR depth;
- the denoiser is an MLP with residual blocks on ``cat(x_t, c, t/T)``; as in
  DiffIR's DDPM (``parameterization="x0"``, its default) it predicts the clean
  guidance ``x_0`` directly. ``parameterization='eps'`` (predict the noise, as
  Ho et al.) is kept as an option; with DiffIR's schedule the last step has
  ``sqrt(abar) ~ 0.04``, so an eps-predictor's error is amplified ~25x in its
  ``x_0`` estimate, which made stage 2 learn far more slowly in a short CPU run
  (docs/benchmarks.md);
- a DDPM schedule of few steps (4; betas 0.1 -> 0.99), deterministic reverse
  steps (posterior mean at the x0 estimate, no added noise);
- in training the chain starts from the teacher guidance noised to the last
  step ``q(x_{T-1} | z_GGN)`` and all T reverse steps run (so the L1 between
  the result and the teacher's guidance trains the whole chain); at inference
  it starts from Gaussian noise drawn from a generator seeded with
  ``sample_seed``, so outputs are reproducible for a fixed seed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import MODELS
from ...utils.checks import check_lr_guide
from .ggn import GuidanceEncoder
from .schedule import DDPMSchedule

__all__ = ["GuidanceDenoiser", "GuidanceRecoveryNet", "GRN"]


class _ResMLP(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(dim, dim), nn.LeakyReLU(0.1, inplace=True))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


class GuidanceDenoiser(nn.Module):
    """Denoiser ``f(x_t, c, t)`` on guidance vectors (DiffIR-style MLP).

    Predicts ``x_0`` or the noise, as the owning GRN's ``parameterization`` says.

    Args:
        guidance_dim: D.
        hidden_dim: width of the residual MLP (2 * D by default when None).
        num_blocks: residual MLP blocks (5).
        num_steps: T (the timestep enters as ``t / T``).

    Shape:
        x_t (B, D), cond (B, D), t (B,) int64 -> (B, D).
    """

    def __init__(self, guidance_dim: int, hidden_dim: int | None = None, num_blocks: int = 5,
                 num_steps: int = 4) -> None:
        super().__init__()
        hidden = hidden_dim or 2 * guidance_dim
        self.num_steps = num_steps
        self.net = nn.Sequential(
            nn.Linear(2 * guidance_dim + 1, hidden), nn.LeakyReLU(0.1, inplace=True),
            *[_ResMLP(hidden) for _ in range(num_blocks)],
            nn.Linear(hidden, guidance_dim),
        )

    def forward(self, x_t: Tensor, cond: Tensor, t: Tensor) -> Tensor:
        t_in = (t.to(x_t) / self.num_steps).view(-1, 1)
        return self.net(torch.cat((x_t, cond, t_in), dim=1))


@MODELS.register_module(name=["GuidanceRecoveryNet", "GRN"])
class GuidanceRecoveryNet(nn.Module):
    """Recover the guidance vector from LR depth + HR RGB by few-step diffusion.

    Args:
        scale: super-resolution factor (checks the input sizes).
        guidance_dim: D (256, must equal the GGN's).
        channels: conv width of the condition encoder (64).
        num_resblocks: residual blocks of the condition encoder (4).
        denoiser_blocks: residual MLP blocks of the denoiser (5).
        num_steps: diffusion steps T (4).
        beta_start, beta_end, beta_schedule: the DDPM betas (:class:`DDPMSchedule`).
        sample_seed: seed of the starting noise at inference (0); None draws it
            from the global RNG (not reproducible unless the caller seeds it).
        guide_channels: channels of the guide image (3).
        parameterization: what the denoiser predicts: ``'x0'`` (the clean
            guidance, DiffIR's default) or ``'eps'`` (the noise).

    Shape:
        - lr: (B, 1, h, w), guide: (B, 3, h*scale, w*scale) (data contract).
        - teacher: optional (B, D) stage-1 guidance; given in training, the
          chain starts from it noised to step T-1.
        - output: (B, D) recovered guidance.

    Raises:
        TypeError / ValueError: inputs of the wrong type, rank, channels or
            size; ``teacher`` not (B, D); unknown ``parameterization``.

    Example:
        >>> grn = GuidanceRecoveryNet(scale=4, guidance_dim=16, channels=8).eval()
        >>> lr, guide = torch.rand(1, 1, 8, 8), torch.rand(1, 3, 32, 32)
        >>> torch.equal(grn(lr, guide), grn(lr, guide))
        True
    """

    def __init__(
        self,
        scale: int = 4,
        guidance_dim: int = 256,
        channels: int = 64,
        num_resblocks: int = 4,
        denoiser_blocks: int = 5,
        num_steps: int = 4,
        beta_start: float = 0.1,
        beta_end: float = 0.99,
        beta_schedule: str = "linear",
        sample_seed: int | None = 0,
        guide_channels: int = 3,
        parameterization: str = "x0",
    ) -> None:
        super().__init__()
        if parameterization not in ("x0", "eps"):
            raise ValueError(f"parameterization must be 'x0' or 'eps', got {parameterization!r}")
        self.parameterization = parameterization
        self.scale = scale
        self.guidance_dim = guidance_dim
        self.guide_channels = guide_channels
        self.sample_seed = sample_seed
        self.condition_encoder = GuidanceEncoder(guide_channels + 1, channels, guidance_dim,
                                                 num_resblocks)
        self.denoiser = GuidanceDenoiser(guidance_dim, num_blocks=denoiser_blocks,
                                         num_steps=num_steps)
        self.schedule = DDPMSchedule(num_steps, beta_start, beta_end, beta_schedule)

    @property
    def num_steps(self) -> int:
        """Number of diffusion steps T."""
        return self.schedule.num_steps

    def condition(self, lr: Tensor, guide: Tensor) -> Tensor:
        """The condition vector ``c`` (B, D) from HR RGB + bicubic-up-sampled LR depth."""
        check_lr_guide(lr, guide, self.scale, self.guide_channels)
        lr_up = F.interpolate(lr, size=guide.shape[-2:], mode="bicubic", align_corners=False)
        return self.condition_encoder(torch.cat((guide, lr_up), dim=1))

    def _start_noise(self, shape: tuple[int, int], like: Tensor) -> Tensor:
        if self.sample_seed is None:
            return torch.randn(shape, device=like.device, dtype=like.dtype)
        gen = torch.Generator(device="cpu").manual_seed(self.sample_seed)
        return torch.randn(shape, generator=gen).to(like)

    def sample(self, cond: Tensor, x_start: Tensor) -> Tensor:
        """Run the T deterministic reverse steps from ``x_start`` (B, D) given ``cond``."""
        x = x_start
        for step in reversed(range(self.num_steps)):
            t = torch.full((x.shape[0],), step, dtype=torch.long, device=x.device)
            out = self.denoiser(x, cond, t)
            x0 = out if self.parameterization == "x0" else self.schedule.predict_x0(x, t, out)
            x = self.schedule.posterior_mean(x0, x, t)
        return x

    def forward(self, lr: Tensor, guide: Tensor, teacher: Tensor | None = None) -> Tensor:
        cond = self.condition(lr, guide)
        shape = (lr.shape[0], self.guidance_dim)
        if teacher is not None:
            if not isinstance(teacher, Tensor) or teacher.shape != shape:
                raise ValueError(f"teacher must be {shape}, got "
                                 f"{getattr(teacher, 'shape', type(teacher).__name__)}")
            t_last = torch.full((shape[0],), self.num_steps - 1, dtype=torch.long,
                                device=cond.device)
            x_start = self.schedule.q_sample(teacher.to(cond), t_last, torch.randn_like(cond))
        else:
            x_start = self._start_noise(shape, cond)
        return self.sample(cond, x_start)


GRN = GuidanceRecoveryNet
