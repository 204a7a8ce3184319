import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from xmodal.fuse import (
    ChannelAttentionFusion,
    ConcatFusion,
    PixelAttentionFusion,
    SpatialAttentionFusion,
)


@given(b=st.integers(1, 3), c=st.integers(1, 6), h=st.integers(1, 7), w=st.integers(1, 7))
def test_pixel_attention_is_target_times_map(b, c, h, w):
    pa = PixelAttentionFusion(c)
    t, g = torch.randn(b, c, h, w), torch.randn(b, c, h, w)
    amap = pa.attention_map(t, g)
    assert amap.shape == (b, c, h, w) and amap.min() >= 0 and amap.max() <= 1
    torch.testing.assert_close(pa(t, g), t * amap)


@pytest.mark.parametrize("cls", [ChannelAttentionFusion, SpatialAttentionFusion, ConcatFusion])
def test_ablation_fusions(cls):
    # seeded: with 8 channels the channel-attention MLP has 4 hidden ReLUs, and for about
    # one random init in a few hundred all of them are dead on both pooled samples, so no
    # gradient reaches the guide (an unseeded run failed that way once)
    torch.manual_seed(0)
    block = cls(8)
    t, g = torch.randn(2, 8, 6, 5), torch.randn(2, 8, 6, 5, requires_grad=True)
    out = block(t, g)
    assert out.shape == t.shape
    out.sum().backward()
    assert torch.isfinite(g.grad).all() and g.grad.abs().sum() > 0


def test_zero_target_gives_zero_output():
    pa = PixelAttentionFusion(4)
    assert torch.equal(pa(torch.zeros(1, 4, 3, 3), torch.randn(1, 4, 3, 3)),
                       torch.zeros(1, 4, 3, 3))
    with pytest.raises(ValueError, match="same batch size"):
        pa(torch.zeros(1, 4, 3, 3), torch.zeros(2, 4, 3, 3))
