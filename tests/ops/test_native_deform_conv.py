"""The pure-PyTorch DCNv2 equals torchvision's ``deform_conv2d`` in outputs and gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torchvision.ops import deform_conv2d

from xmodal.ops import native_modulated_deform_conv2d


@st.composite
def dcn_cases(draw):
    """Small random DCNv2 problems; offsets up to +-6 px push many samples off the border."""
    g = draw(st.integers(1, 3))
    c_in = g * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h = draw(st.integers(dilation[0] * (kh - 1) + 1 - 2 * padding[0], 7).filter(lambda v: v > 0))
    w = draw(st.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 7))
    return dict(
        b=draw(st.integers(1, 2)), c_in=c_in, c_out=draw(st.integers(1, 4)), g=g, h=h, w=w,
        kernel=(kh, kw), stride=stride, padding=padding, dilation=dilation,
        offset_scale=draw(st.sampled_from([0.5, 2.0, 6.0])), bias=draw(st.booleans()),
        seed=draw(st.integers(0, 2**16)),
    )


def _make(case: dict, dtype: torch.dtype) -> tuple[list[torch.Tensor | None], dict]:
    gen = torch.Generator().manual_seed(case["seed"])
    (kh, kw), (sh, sw) = case["kernel"], case["stride"]
    (ph, pw), (dh, dw) = case["padding"], case["dilation"]
    h_out = (case["h"] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (case["w"] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    b, g, kk = case["b"], case["g"], kh * kw

    def rnd(*shape, scale=1.0):
        return (torch.randn(*shape, generator=gen, dtype=dtype) * scale).requires_grad_()

    x = rnd(b, case["c_in"], case["h"], case["w"])
    offset = rnd(b, 2 * g * kk, h_out, w_out, scale=case["offset_scale"])
    mask = torch.rand(b, g * kk, h_out, w_out, generator=gen, dtype=dtype).requires_grad_()
    weight = rnd(case["c_out"], case["c_in"], kh, kw)
    bias = rnd(case["c_out"]) if case["bias"] else None
    conv = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"])
    return [x, offset, mask, weight, bias], conv


def _outputs_and_grads(fn, tensors, seed: int) -> list[torch.Tensor]:
    out = fn(*tensors)
    grad_out = torch.randn(out.shape, generator=torch.Generator().manual_seed(seed),
                           dtype=out.dtype)
    leaves = [t for t in tensors if t is not None]
    return [out.detach(), *torch.autograd.grad(out, leaves, grad_out)]


def _compare(
    case: dict, dtype: torch.dtype, rtol: float, atol: float, max_columns=None,
    channels_last: bool = False,
) -> None:
    tensors, conv = _make(case, dtype)
    g = case["g"]

    def tv(x, o, m, w, b):
        return deform_conv2d(x, o, w, b, mask=m, **conv)

    def native(x, o, m, w, b):
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return native_modulated_deform_conv2d(
            x, o, m, w, b, deform_groups=g, max_columns=max_columns, **conv
        )

    names = ["output", "grad input", "grad offset", "grad mask", "grad weight", "grad bias"]
    names = names[: len(names) - (tensors[-1] is None)]
    ref = _outputs_and_grads(tv, tensors, case["seed"])
    got = _outputs_and_grads(native, tensors, case["seed"])
    for name, r, n in zip(names, ref, got, strict=True):
        torch.testing.assert_close(
            n, r, rtol=rtol, atol=atol, msg=lambda m, name=name: f"{name}: {m}"
        )


@given(dcn_cases())
def test_matches_torchvision_float64(case):
    _compare(case, torch.float64, rtol=1e-9, atol=1e-9)


@given(dcn_cases())
def test_matches_torchvision_float32(case):
    _compare(case, torch.float32, rtol=1e-5, atol=1e-5)


@given(dcn_cases(), st.integers(1, 40))
def test_row_chunking_changes_nothing(case, max_columns):
    """Chunks of one or a few output rows give the same outputs and gradients."""
    _compare(case, torch.float64, rtol=1e-9, atol=1e-9, max_columns=max_columns)


@given(dcn_cases(), st.sampled_from([None, 5]))
def test_channels_last_input_changes_nothing(case, max_columns):
    """An NHWC input (the fast CPU layout) gives the same outputs and gradients."""
    _compare(case, torch.float64, rtol=1e-9, atol=1e-9, max_columns=max_columns,
             channels_last=True)


@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize("max_columns", [None, 40])
def test_inference_mode_writes_chunks_in_place(channels_last, max_columns):
    """Without autograd the chunks go straight into the output; same values, same layout."""
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(2, 4, 9, 10, generator=gen, dtype=torch.float64)
    offset = torch.randn(2, 2 * 2 * 9, 9, 10, generator=gen, dtype=torch.float64) * 3
    mask = torch.rand(2, 2 * 9, 9, 10, generator=gen, dtype=torch.float64)
    weight = torch.randn(5, 4, 3, 3, generator=gen, dtype=torch.float64)
    bias = torch.randn(5, generator=gen, dtype=torch.float64)
    ref = deform_conv2d(x, offset, weight, bias, padding=1, mask=mask)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        out = native_modulated_deform_conv2d(
            x, offset, mask, weight, bias, padding=1, deform_groups=2, max_columns=max_columns
        )
    torch.testing.assert_close(out, ref, rtol=1e-9, atol=1e-9)
    assert out.is_contiguous(memory_format=torch.channels_last) == channels_last


def test_far_outside_reads_zero_and_border_is_partial():
    """Samples at y <= -1 read zero; a sample at y = -0.5 gets half of row 0 (torchvision)."""
    x = torch.arange(1.0, 1.0 + 4 * 5).reshape(1, 1, 4, 5)
    weight = torch.ones(1, 1, 1, 1)
    mask = torch.ones(1, 1, 4, 5)
    for dy, expected_row0 in ((-1.0, 0.0), (-7.3, 0.0), (-0.5, 0.5)):
        offset = torch.zeros(1, 2, 4, 5)
        offset[:, 0] = dy
        got = native_modulated_deform_conv2d(x, offset, mask, weight)
        ref = deform_conv2d(x, offset, weight, mask=mask)
        torch.testing.assert_close(got, ref)
        torch.testing.assert_close(got[0, 0, 0], expected_row0 * x[0, 0, 0])


def test_zero_offsets_unit_mask_is_conv2d():
    gen = torch.Generator().manual_seed(0)
    x, w = torch.randn(2, 6, 9, 8, generator=gen), torch.randn(5, 6, 3, 3, generator=gen)
    b = torch.randn(5, generator=gen)
    offset, mask = torch.zeros(2, 2 * 3 * 9, 5, 4), torch.ones(2, 3 * 9, 5, 4)
    got = native_modulated_deform_conv2d(
        x, offset, mask, w, b, stride=2, padding=1, deform_groups=3
    )
    torch.testing.assert_close(got, F.conv2d(x, w, b, stride=2, padding=1), rtol=1e-5, atol=1e-5)


def test_bad_max_columns():
    x, w = torch.randn(1, 2, 4, 4), torch.randn(2, 2, 3, 3)
    offset, mask = torch.zeros(1, 18, 4, 4), torch.ones(1, 9, 4, 4)
    with pytest.raises(ValueError, match="max_columns"):
        native_modulated_deform_conv2d(x, offset, mask, w, padding=1, max_columns=0)
