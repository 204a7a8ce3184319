import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from xmodal.align import DGA, DeformableGeometricAlign
from xmodal.registry import MODELS


@given(b=st.integers(1, 2), groups=st.sampled_from([1, 2, 4]), h=st.integers(3, 8),
       w=st.integers(3, 8))
def test_identity_at_init_is_half_conv(b, groups, h, w):
    dga = DGA(channels=8, deform_groups=groups, backend="torchvision")
    target, guide = torch.randn(b, 8, h, w), torch.randn(b, 8, h, w)
    expected = F.conv2d(guide, 0.5 * dga.weight, dga.bias, padding=1)
    torch.testing.assert_close(dga(target, guide), expected, atol=1e-5, rtol=1e-5)
    offset, mask = dga.predict_offsets(target, guide)
    assert offset.shape == (b, 2 * groups * 9, h, w) and mask.shape == (b, groups * 9, h, w)
    assert torch.all(offset == 0) and torch.all(mask == 0.5)


def test_samples_raw_guide_not_aligned_guide():
    dga = DGA(channels=8, deform_groups=2)
    target, guide = torch.randn(1, 8, 5, 5), torch.randn(1, 8, 5, 5)
    a = dga(target, guide, guide_aligned=torch.randn(1, 8, 5, 5))
    torch.testing.assert_close(a, F.conv2d(guide, 0.5 * dga.weight, dga.bias, padding=1))


def test_integer_offset_shifts_sampling():
    """A (dy, dx) = (0, 1) offset on every kernel point reads one pixel to the right."""
    torch.manual_seed(0)
    dga = DGA(channels=4, deform_groups=1)
    with torch.no_grad():
        dga.offset_mask.bias.zero_()
        dga.offset_mask.bias[1:18:2] = 1.0  # dx of the 9 (dy, dx) pairs
        dga.offset_mask.bias[18:] = 50.0  # mask -> sigmoid(50) = 1
    guide = torch.randn(1, 4, 6, 6)
    out = dga(torch.randn(1, 4, 6, 6), guide)
    shifted = F.pad(guide[..., 1:], (0, 1))
    ref = F.conv2d(shifted, dga.weight, dga.bias, padding=1)
    # column 0 differs by design: its left tap reads guide[..., 0] instead of zero padding
    torch.testing.assert_close(out[..., 1:], ref[..., 1:], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(out[..., 0], ref[..., 0])


def test_gradients_reach_offset_head_after_first_step():
    dga = DGA(channels=8, deform_groups=2)
    target, guide = torch.randn(1, 8, 6, 6), torch.randn(1, 8, 6, 6, requires_grad=True)
    dga(target, guide).square().sum().backward()
    assert dga.offset_mask.weight.grad.abs().sum() > 0  # mask path is live at init
    assert torch.isfinite(guide.grad).all()


def test_param_count_matches_official():
    # offset feature (conv 128->64, conv 64->64) + official "Sep" DCN (161,560)
    assert sum(p.numel() for p in DGA(64).parameters()) == 73792 + 36928 + 161560


def test_errors():
    assert DGA is DeformableGeometricAlign
    with pytest.raises(ValueError, match="divisible by deform_groups"):
        DGA(channels=10, deform_groups=4)
    with pytest.raises(ValueError, match="backend must be one of"):
        DGA(channels=8, deform_groups=2, backend="cuda")
    with pytest.raises(ValueError, match="same \\(H, W\\)"):
        DGA(8, deform_groups=2)(torch.randn(1, 8, 4, 4), torch.randn(1, 8, 5, 4))
    assert isinstance(MODELS.build(dict(type="DGA", channels=8, deform_groups=2)), DGA)


def test_bias_init_official_and_zero():
    torch.manual_seed(0)
    bound = 1.0 / (64 * 9) ** 0.5  # official D2A2: uniform(-1/sqrt(fan_in), +), fan_in = C*k*k
    official = DGA(64)
    assert official.init == "official"
    top = float(official.bias.detach().abs().max())
    assert 0.5 * bound < top <= bound
    assert float(official.bias.std()) == pytest.approx(bound / 3**0.5, rel=0.3)
    zero = DGA(64, init="zero")
    assert torch.all(zero.bias == 0)
    target, guide = torch.randn(1, 64, 5, 5), torch.randn(1, 64, 5, 5)
    torch.testing.assert_close(zero(target, guide),
                               0.5 * F.conv2d(guide, zero.weight, padding=1), atol=1e-5, rtol=1e-5)
    assert official.state_dict().keys() == zero.state_dict().keys()
    zero.load_state_dict(official.state_dict())
    with pytest.raises(ValueError, match="init"):
        DGA(8, deform_groups=2, init="kaiming")
