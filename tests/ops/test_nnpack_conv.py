"""NNPACK 3x3 convolutions: equal to F.conv2d within Winograd rounding, used only when safe."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from xmodal.ops import NNPACKConv2d, WinogradConv2d, nnpack_available, nnpack_conv2d

needs_nnpack = pytest.mark.skipif(
    not nnpack_available(), reason="this torch build has no usable NNPACK (needs AVX2 or NEON)"
)


def _close_to_direct(out: torch.Tensor, ref: torch.Tensor) -> None:
    """Winograd rounding: within 1e-4 of the largest output magnitude (float32)."""
    assert out.shape == ref.shape and out.dtype == ref.dtype and out.is_contiguous()
    tol = 1e-4 * ref.abs().max().item() + 1e-6
    err = (out - ref).abs().max().item()
    assert err <= tol, f"max |NNPACK - F.conv2d| = {err:.3g} > {tol:.3g}"


@needs_nnpack
@settings(deadline=None, max_examples=40)
@given(
    b=st.integers(1, 2), c_in=st.integers(1, 9), c_out=st.integers(1, 9),
    h=st.integers(3, 21), w=st.integers(3, 21), pad=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    bias=st.booleans(), seed=st.integers(0, 2**16),
)
def test_functional_equals_conv2d(b, c_in, c_out, h, w, pad, bias, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(b, c_in, h, w, generator=gen)
    weight = torch.randn(c_out, c_in, 3, 3, generator=gen)
    bvec = torch.randn(c_out, generator=gen) if bias else None
    with torch.no_grad():
        out = nnpack_conv2d(x, weight, bvec, pad)
        _close_to_direct(out, F.conv2d(x, weight, bvec, padding=pad))


@needs_nnpack
def test_functional_at_feature_map_size():
    """A D2A2-sized layer (64 -> 64 channels) on a 120x160 map: the Winograd tiles' regime."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 64, 120, 160, generator=gen)
    weight = torch.randn(64, 64, 3, 3, generator=gen) * 0.05
    bias = torch.randn(64, generator=gen)
    with torch.inference_mode():
        _close_to_direct(nnpack_conv2d(x, weight, bias), F.conv2d(x, weight, bias, padding=1))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(input=[1.0]), TypeError, "input must be a torch.Tensor"),
        (dict(input=torch.randn(1, 2, 5, 5, dtype=torch.float64)), ValueError, "float32"),
        (dict(input=torch.randn(2, 5, 5)), ValueError, r"\(B, C_in, H, W\)"),
        (dict(input=torch.randn(1, 3, 5, 5)), ValueError, "same C_in"),
        (dict(bias=torch.randn(4)), ValueError, r"bias must be \(3,\)"),
        (dict(input=torch.randn(1, 2, 5, 5).contiguous(memory_format=torch.channels_last)),
         ValueError, "contiguous NCHW"),
        (dict(padding=(1, -1)), ValueError, "padding"),
        (dict(weight=torch.randn(3, 2, 3, 3, requires_grad=True)), ValueError, "no backward"),
        # an empty output made NNPACK divide by zero (SIGFPE, the whole process died)
        (dict(input=torch.randn(1, 2, 2, 2), padding=0), ValueError, "empty output"),
        (dict(input=torch.randn(0, 2, 5, 5)), ValueError, "empty output"),
    ],
)
def test_functional_rejects_bad_input(kwargs, error, match):
    args = dict(input=torch.randn(1, 2, 5, 5), weight=torch.randn(3, 2, 3, 3), bias=None,
                padding=1)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        nnpack_conv2d(**args)


@pytest.mark.parametrize(
    "kwargs",
    [dict(kernel_size=5, padding=2), dict(kernel_size=3, stride=2), dict(kernel_size=3, groups=2),
     dict(kernel_size=3, dilation=2), dict(kernel_size=3, padding_mode="reflect", padding=1)],
)
def test_module_rejects_non_winograd_layers(kwargs):
    with pytest.raises(ValueError, match="NNPACKConv2d"):
        NNPACKConv2d(4, 4, **kwargs)


@pytest.fixture
def spy(monkeypatch):
    """Count the calls that reach NNPACK."""
    calls = []
    real = torch._nnpack_spatial_convolution

    def counted(*args):
        calls.append(args[0].shape)
        return real(*args)

    monkeypatch.setattr(torch, "_nnpack_spatial_convolution", counted)
    return calls


@needs_nnpack
@pytest.mark.parametrize("padding", [1, (0, 1), "same", "valid"])
def test_module_uses_nnpack_in_inference(spy, padding):
    torch.manual_seed(0)
    conv = NNPACKConv2d(6, 5, 3, padding=padding)
    x = torch.randn(2, 6, 11, 13)
    with torch.inference_mode():
        out = conv(x)
        ref = F.conv2d(x, conv.weight, conv.bias, padding=padding)
    assert len(spy) == 1
    _close_to_direct(out, ref)


@needs_nnpack
def test_module_falls_back_where_nnpack_cannot_run(spy):
    torch.manual_seed(0)
    conv, ref_conv = NNPACKConv2d(4, 4, 3, padding=1), nn.Conv2d(4, 4, 3, padding=1)
    ref_conv.load_state_dict(conv.state_dict())
    x = torch.randn(1, 4, 8, 9, requires_grad=True)
    out, ref = conv(x), ref_conv(x)  # autograd: oneDNN path, gradients as nn.Conv2d's
    torch.testing.assert_close(out, ref, rtol=0, atol=0)
    (g_out,) = torch.autograd.grad(out.sum(), x)
    (g_ref,) = torch.autograd.grad(ref.sum(), x)
    torch.testing.assert_close(g_out, g_ref, rtol=0, atol=0)
    with torch.inference_mode():
        conv(x.detach().contiguous(memory_format=torch.channels_last))
        conv64 = NNPACKConv2d(4, 4, 3, padding=1).double()
        conv64(x.detach().double())
        with torch.autocast("cpu", dtype=torch.bfloat16):
            conv(x.detach())
    assert spy == []


@needs_nnpack
def test_module_leaves_empty_problems_to_conv2d(spy):
    conv = NNPACKConv2d(2, 3, 3, padding=0)
    with torch.inference_mode():
        assert conv(torch.randn(0, 2, 5, 5)).shape == (0, 3, 3, 3)
        with pytest.raises(RuntimeError, match="Kernel size"):  # F.conv2d's own error
            conv(torch.randn(1, 2, 2, 2))
    assert spy == []


def test_convert_swaps_only_eligible_convolutions():
    class Custom(nn.Conv2d):
        pass

    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.ReLU(),
        nn.Sequential(nn.Conv2d(8, 8, 1), nn.Conv2d(8, 8, 3, stride=2), nn.Conv2d(8, 8, 3)),
        Custom(8, 8, 3, padding=1),
    ).eval()
    before = {k: v for k, v in net.state_dict().items()}
    params = [id(p) for p in net.parameters()]
    assert NNPACKConv2d.convert(net, min_channels=1) is net
    assert [type(m) for m in (net[0], net[2][0], net[2][1], net[2][2], net[3])] == [
        NNPACKConv2d, nn.Conv2d, nn.Conv2d, NNPACKConv2d, Custom
    ]
    assert [id(p) for p in net.parameters()] == params  # shared, not copied
    assert net.state_dict().keys() == before.keys()
    assert not net[0].training
    single = nn.Conv2d(2, 2, 3, bias=False)
    converted = WinogradConv2d.convert(single, min_channels=2)
    assert type(converted) is NNPACKConv2d and converted.bias is None
    assert converted.weight is single.weight
    with pytest.raises(TypeError, match="nn.Module"):
        NNPACKConv2d.convert("conv")
    with pytest.raises(ValueError, match="min_channels"):
        NNPACKConv2d.convert(single, min_channels=0)


def test_convert_leaves_narrow_layers_to_onednn():
    net = nn.Sequential(nn.Conv2d(3, 64, 3), nn.Conv2d(64, 64, 3), nn.Conv2d(64, 32, 3))
    NNPACKConv2d.convert(net)
    assert [type(m) for m in net] == [nn.Conv2d, NNPACKConv2d, nn.Conv2d]
    NNPACKConv2d.convert(net, min_channels=1)
    assert all(type(m) is NNPACKConv2d for m in net)
