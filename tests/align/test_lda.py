import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from xmodal.align import LDA, LearnableDomainAlignment, domain_align, instance_mean_std
from xmodal.registry import MODELS


@given(
    b=st.integers(1, 3), c=st.integers(1, 8), h=st.integers(2, 9), w=st.integers(2, 9),
    per_channel=st.booleans(),
)
def test_shapes_and_dtype(b, c, h, w, per_channel):
    lda = LDA(channels=c, hidden_channels=8, per_channel=per_channel)
    out = lda(torch.randn(b, c, h, w), torch.randn(b, c, h + 1, w))
    assert out.shape == (b, c, h + 1, w) and out.dtype == torch.float32
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("per_channel", [False, True])
def test_aligned_statistics_equal_predicted(per_channel):
    torch.manual_seed(0)
    lda = LDA(channels=6, per_channel=per_channel, eps=0.0)
    target, guide = torch.randn(2, 6, 7, 5) * 3 + 1, torch.rand(2, 6, 9, 4) * 5
    mean, std = lda.predict_statistics(target)
    aligned = domain_align(guide, mean, std, eps=0.0)
    got_mean, got_std = instance_mean_std(aligned, eps=0.0)
    torch.testing.assert_close(got_mean, mean.expand_as(got_mean), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_std, std.abs().expand_as(got_std), atol=1e-5, rtol=1e-4)


def test_official_statistics_are_one_scalar_per_sample():
    lda = LDA(channels=64)
    mean, std = lda.predict_statistics(torch.randn(3, 64, 4, 4))
    assert mean.shape == std.shape == (3, 1, 1, 1)
    per_channel = LDA(channels=64, per_channel=True)
    assert per_channel.predict_statistics(torch.randn(3, 64, 4, 4))[0].shape == (3, 64, 1, 1)


def test_instance_stats_use_unbiased_variance():
    x = torch.tensor([1.0, 2.0, 3.0, 6.0]).view(1, 1, 2, 2)
    mean, std = instance_mean_std(x, eps=0.0)
    assert mean.item() == pytest.approx(3.0)
    assert std.item() == pytest.approx(torch.tensor([1.0, 2.0, 3.0, 6.0]).std().item())


@given(
    b=st.integers(1, 2), c=st.integers(1, 5), h=st.integers(2, 8), w=st.integers(2, 8),
    offset=st.sampled_from([0.0, 10.0, 1000.0]), channels_last=st.booleans(),
    grad=st.booleans(), seed=st.integers(0, 2**16),
)
def test_fast_statistics_and_affine_equal_the_formulas(b, c, h, w, offset, channels_last,
                                                       grad, seed):
    """Two-pass stats and the one-pass ``guide * a + b`` equal torch.var_mean and Sec. 3.2."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(b, c, h, w, generator=gen, dtype=torch.float64) * 3 + offset
    mean_t = torch.randn(b, c, 1, 1, generator=gen, dtype=torch.float64)
    std_t = torch.rand(b, c, 1, 1, generator=gen, dtype=torch.float64) + 0.1
    var_ref, mean_ref = torch.var_mean(x, dim=(2, 3), keepdim=True, correction=1)
    std_ref = (var_ref + 1e-5).sqrt()
    ref = (x - mean_ref) / std_ref * std_t + mean_t
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    x.requires_grad_(grad)
    mean, std = instance_mean_std(x)
    torch.testing.assert_close(mean, mean_ref, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(std, std_ref, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(domain_align(x, mean_t, std_t), ref, rtol=1e-9, atol=1e-9)
    if grad:  # backward through the statistics works
        std.sum().backward()
        assert torch.isfinite(x.grad).all()


def test_gradients_finite_and_reach_mlps():
    lda = LDA(channels=4)
    t = torch.randn(2, 4, 5, 5, requires_grad=True)
    lda(t, torch.randn(2, 4, 5, 5)).square().mean().backward()
    assert torch.isfinite(t.grad).all() and t.grad.abs().sum() > 0
    assert lda.std_mlp[0].weight.grad.abs().sum() > 0


def test_alias_registry_and_errors():
    assert LDA is LearnableDomainAlignment
    assert isinstance(MODELS.build(dict(type="LearnableDomainAlignment", channels=4)), LDA)
    lda = LDA(channels=4)
    with pytest.raises(ValueError, match="guide must have 4 channels"):
        lda(torch.randn(1, 4, 3, 3), torch.randn(1, 5, 3, 3))
    with pytest.raises(TypeError, match="target must be a torch.Tensor"):
        lda(None, torch.randn(1, 4, 3, 3))


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_channels_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="channels must be a positive integer"):
        LDA(channels=bad)
    with pytest.raises(ValueError, match="hidden_channels must be a positive integer"):
        LDA(channels=4, hidden_channels=bad)


@pytest.mark.parametrize(("target_hw", "guide_hw", "name"), [
    ((1, 1), (4, 4), "target"), ((4, 4), (1, 1), "guide"), ((0, 5), (4, 4), "target"),
    ((4, 4), (3, 0), "guide"),
])
def test_one_pixel_or_empty_maps_are_a_clear_error(target_hw, guide_hw, name):
    lda = LDA(channels=4, hidden_channels=4)
    with pytest.raises(ValueError, match=rf"{name} must have H \* W > 1 pixels"):
        lda(torch.randn(1, 4, *target_hw), torch.randn(1, 4, *guide_hw))
    with pytest.raises(ValueError, match=r"x must have H \* W > 1"):
        instance_mean_std(torch.randn(2, 3, 1, 1))
