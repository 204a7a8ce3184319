"""Tests of the DADA generator's initial estimate: bicubic, or another generator's output."""

import pytest
import torch
import torch.nn.functional as F

from xmodal.models import D2A2, DADA

DIFFUSION = dict(k=0.1, num_iters=20)


class _Constant(torch.nn.Module):
    """A generator whose estimate is a constant depth (B, 1, H, W): what it returns is known."""

    def __init__(self, value: float, channels: int = 1) -> None:
        super().__init__()
        self.value, self.channels = value, channels

    def forward(self, lr, guide):
        return torch.full((lr.shape[0], self.channels, *guide.shape[-2:]), self.value)


def _inputs(seed: int = 0, scale: int = 4):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(2, 1, 6, 5, generator=g), torch.rand(2, 3, 6 * scale, 5 * scale, generator=g)


def test_default_start_is_torch_bicubic_and_a_bicubic_generator_gives_the_same():
    lr, guide = _inputs()
    plain = DADA(scale=4, diffusion=DIFFUSION)
    same = DADA(scale=4, diffusion=DIFFUSION,
                init_generator=dict(type="Bicubic", scale=4, backend="torch"))
    want = F.interpolate(lr, size=guide.shape[-2:], mode="bicubic", align_corners=False)
    torch.testing.assert_close(plain.initial_estimate(lr, guide), want)
    torch.testing.assert_close(same(lr, guide), plain(lr, guide))


def test_the_generator_estimate_is_where_the_diffusion_starts():
    lr, guide = _inputs(1)
    model = DADA(scale=4, diffusion=dict(k=0.1, num_iters=1), init_generator=_Constant(0.5))
    torch.testing.assert_close(model.initial_estimate(lr, guide), torch.full((2, 1, 24, 20), 0.5))
    out = model(lr, guide)  # a constant start: diffusion leaves it, the adjustment rescales it
    torch.testing.assert_close(F.avg_pool2d(out, 4), lr, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(out, DADA(scale=4, diffusion=dict(k=0.1, num_iters=1))(lr, guide))


def test_a_network_start_keeps_its_parameters_and_the_lr_consistency():
    lr, guide = _inputs(2)
    model = DADA(scale=4, diffusion=DIFFUSION, init_generator=dict(type="D2A2", scale=4,
                                                                   channels=8, num_resblocks=1))
    assert isinstance(model.init_generator, D2A2)
    assert any(k.startswith("init_generator.") for k in model.state_dict())
    torch.testing.assert_close(F.avg_pool2d(model(lr, guide), 4), lr, atol=1e-5, rtol=1e-5)


def test_a_start_of_the_wrong_shape_is_refused():
    lr, guide = _inputs(3)
    model = DADA(scale=4, diffusion=DIFFUSION, init_generator=_Constant(0.5, channels=3))
    with pytest.raises(ValueError, match=r"init_generator must return \(B, 1, H, W\)"):
        model(lr, guide)
