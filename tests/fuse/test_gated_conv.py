import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from xmodal.fuse import GatedConv, GatedConv2d
from xmodal.registry import MODELS


@given(b=st.integers(1, 3), cin=st.integers(1, 6), cout=st.integers(1, 6),
       h=st.integers(1, 7), w=st.integers(1, 7))
def test_shapes_gate_range_and_formula(b, cin, cout, h, w):
    gc = GatedConv(cin, cout, norm_layer=None).eval()
    x = torch.randn(b, cin, h, w)
    gate = gc.gate_map(x)
    assert gate.shape == (b, cout, h, w) and gate.min() >= 0 and gate.max() <= 1
    expected = torch.nn.functional.leaky_relu(gc.conv(x), 0.2) * gate
    torch.testing.assert_close(gc(x), expected)


def test_batchnorm_and_param_count_match_official():
    gc = GatedConv(64)
    assert isinstance(gc.norm, torch.nn.BatchNorm2d)
    assert sum(p.numel() for p in gc.parameters()) == 73984


def test_gradients_and_errors():
    gc = GatedConv(4)
    x = torch.randn(2, 4, 5, 5, requires_grad=True)
    gc(x).sum().backward()
    assert torch.isfinite(x.grad).all()
    with pytest.raises(ValueError, match="4 channels"):
        gc(torch.randn(1, 3, 5, 5))
    assert GatedConv2d is GatedConv
    assert isinstance(MODELS.build(dict(type="GatedConv", in_channels=4)), GatedConv)
