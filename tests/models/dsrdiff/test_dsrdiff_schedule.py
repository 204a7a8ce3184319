"""DDPM schedule: monotone alphas_cumprod, exact noising/inversion, perfect-predictor reverse."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from xmodal.models.dsrdiff import DDPMSchedule, make_betas

betas_st = st.tuples(st.integers(1, 12), st.floats(1e-4, 0.5), st.floats(0.0, 0.49),
                     st.sampled_from(["linear", "scaled_linear"]))


@given(betas_st)
def test_alphas_cumprod_strictly_decreasing_in_unit_interval(args):
    steps, start, extra, kind = args
    s = DDPMSchedule(steps, start, start + extra, kind)
    a = s.alphas_cumprod.double()
    assert bool(((a > 0) & (a < 1)).all())
    assert bool((a[1:] < a[:-1]).all())
    assert s.posterior_coef_x0[0] == pytest.approx(1.0) and float(s.posterior_coef_xt[0]) == 0.0


@given(st.integers(1, 10), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_q_sample_predict_x0_round_trip(steps, batch, seed):
    g = torch.Generator().manual_seed(seed)
    s = DDPMSchedule(steps, 0.01, 0.5)
    x0, noise = torch.randn(batch, 6, generator=g), torch.randn(batch, 6, generator=g)
    t = torch.randint(0, steps, (batch,), generator=g)
    assert torch.allclose(s.predict_x0(s.q_sample(x0, t, noise), t, noise), x0, atol=1e-4)


def test_q_sample_has_the_scheduled_mean_and_variance():
    s = DDPMSchedule(4)  # DiffIR's 0.1 -> 0.99
    x0 = torch.randn(3, 5)
    for step in range(4):
        t = torch.full((3,), step)
        abar = float(s.alphas_cumprod[step])
        mean = s.q_sample(x0, t, torch.zeros_like(x0))
        assert torch.allclose(mean, abar**0.5 * x0, atol=1e-6)
        n = torch.randn(3, 5)
        assert torch.allclose(s.q_sample(x0, t, n) - mean, (1 - abar) ** 0.5 * n, atol=1e-6)
    # empirically: one x0, many noises
    x0 = torch.tensor([[0.7]]).expand(200_000, 1)
    t = torch.full((200_000,), 1)
    xt = s.q_sample(x0, t, torch.randn(200_000, 1, generator=torch.Generator().manual_seed(0)))
    abar = float(s.alphas_cumprod[1])
    assert float(xt.mean()) == pytest.approx(abar**0.5 * 0.7, abs=0.01)
    assert float(xt.var()) == pytest.approx(1 - abar, rel=0.02)


@given(st.integers(1, 10), st.integers(0, 2**31 - 1))
def test_reverse_loop_with_perfect_noise_predictor_returns_x0(steps, seed):
    g = torch.Generator().manual_seed(seed)
    s = DDPMSchedule(steps, 0.05, 0.6)
    x0, x = torch.randn(2, 4, generator=g), torch.randn(2, 4, generator=g)
    for step in reversed(range(steps)):
        t = torch.full((2,), step)
        eps = (x - s.sqrt_alphas_cumprod[step] * x0) / s.sqrt_one_minus_alphas_cumprod[step]
        x = s.step(eps, t, x)
    assert torch.allclose(x, x0, atol=1e-4)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="num_steps"):
        make_betas(0, 0.1, 0.2)
    with pytest.raises(ValueError, match="beta_start"):
        make_betas(4, 0.5, 0.2)
    with pytest.raises(ValueError, match="kind"):
        make_betas(4, 0.1, 0.2, "cosine")
    s = DDPMSchedule(4)
    with pytest.raises(ValueError, match="integer steps"):
        s.q_sample(torch.zeros(1, 2), torch.tensor([4]), torch.zeros(1, 2))
    with pytest.raises(ValueError, match=r"\(B,\)"):
        s.q_sample(torch.zeros(2, 2), torch.tensor([1]), torch.zeros(2, 2))


@pytest.mark.parametrize("kind", ["linear", "scaled_linear"])
def test_matches_diffusers_ddpm_scheduler(kind):
    diffusers = pytest.importorskip("diffusers", reason="optional extra xmodal[diffusion]")
    ref = diffusers.DDPMScheduler(num_train_timesteps=4, beta_start=0.1, beta_end=0.99,
                                  beta_schedule=kind)
    s = DDPMSchedule(4, 0.1, 0.99, kind)
    assert torch.allclose(s.alphas_cumprod, ref.alphas_cumprod.float(), atol=1e-6)
    x0, n, t = torch.randn(4, 8), torch.randn(4, 8), torch.arange(4)
    assert torch.allclose(s.q_sample(x0, t, n), ref.add_noise(x0, n, t), atol=1e-5)
