"""Tests of xmodal.refine.adjust (DADA adjustment step)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from xmodal.refine import LRConsistencyAdjust, lr_consistency_adjust
from xmodal.registry import MODELS


def _case(seed: int, scale: int, h: int, w: int, zero_cells: bool):
    g = torch.Generator().manual_seed(seed)
    lr = torch.rand(2, 1, h, w, generator=g) * 5 + 0.01
    hr = torch.rand(2, 1, h * scale, w * scale, generator=g) * 5
    if zero_cells:
        # an all-zero estimate in one cell and a partly negative one in another
        hr[0, 0, :scale, :scale] = 0
        hr[1, 0, :scale, :scale] = hr[1, 0, :scale, :scale] - 2.5
    invalid = torch.rand(2, 1, h, w, generator=g) < 0.3
    return hr, lr, invalid


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([2, 4, 8]),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    zero_cells=st.booleans(),
)
def test_pooled_output_equals_lr_on_valid_cells(seed, scale, h, w, zero_cells):
    hr, lr, invalid = _case(seed, scale, h, w, zero_cells)
    lr_in = lr.clone()
    lr_in[invalid & (torch.rand_like(lr) < 0.5)] = float("nan")
    lr_in[0, 0, -1, -1] = 0.0  # zero = invalid
    valid_mask = torch.ones_like(lr, dtype=torch.bool)
    valid_mask[1, 0, 0, 0] = False
    out = lr_consistency_adjust(hr, lr_in, scale, valid=valid_mask)
    pooled = F.avg_pool2d(out, scale)
    ok = torch.isfinite(lr_in) & (lr_in != 0) & valid_mask
    torch.testing.assert_close(pooled[ok], lr_in[ok], atol=1e-5, rtol=1e-6)
    # invalid LR pixels leave their cells unchanged
    unchanged = (~ok).repeat_interleave(scale, -2).repeat_interleave(scale, -1)
    assert torch.equal(out[unchanged], hr[unchanged])
    assert torch.isfinite(out).all()


def test_multiplicative_on_positive_cells():
    hr = torch.rand(1, 1, 8, 8) + 0.5
    lr = torch.rand(1, 1, 2, 2) + 0.5
    out = lr_consistency_adjust(hr, lr)
    ratio = (lr / F.avg_pool2d(hr, 4)).repeat_interleave(4, -2).repeat_interleave(4, -1)
    torch.testing.assert_close(out, hr * ratio)


def test_additive_fallback_on_all_zero_cell():
    hr = torch.zeros(1, 1, 4, 4)
    lr = torch.full((1, 1, 2, 2), 3.0)
    out = lr_consistency_adjust(hr, lr, 2)
    torch.testing.assert_close(out, torch.full_like(hr, 3.0))


def test_zero_valid_when_zero_invalid_false():
    hr = torch.rand(1, 1, 4, 4) + 0.1
    lr = torch.zeros(1, 1, 2, 2)
    out = lr_consistency_adjust(hr, lr, 2, zero_invalid=False)
    torch.testing.assert_close(F.avg_pool2d(out, 2), lr, atol=1e-6, rtol=0)
    assert torch.equal(lr_consistency_adjust(hr, lr, 2), hr)


def test_gradients_finite_with_nan_and_zero_cells():
    hr = torch.rand(1, 1, 4, 4)
    hr[..., :2, :2] = 0
    hr.requires_grad_(True)
    lr = torch.tensor([[[[1.0, float("nan")], [0.0, 2.0]]]], requires_grad=True)
    lr_consistency_adjust(hr, lr, 2).sum().backward()
    assert torch.isfinite(hr.grad).all() and torch.isfinite(lr.grad).all()
    assert hr.grad.abs().sum() > 0


def test_module_registry_and_scale_inference():
    adjust = MODELS.build(dict(type="LRConsistencyAdjust", scale=4))
    assert isinstance(adjust, LRConsistencyAdjust)
    hr, lr = torch.rand(1, 1, 16, 12) + 0.1, torch.rand(1, 1, 4, 3) + 0.1
    torch.testing.assert_close(adjust(hr, lr), lr_consistency_adjust(hr, lr))


@pytest.mark.parametrize(
    ("hr_shape", "lr_shape", "scale", "match"),
    [
        ((1, 1, 16, 16), (1, 1, 4, 4), 2, "scale=2"),
        ((1, 1, 15, 16), (1, 1, 4, 4), None, "multiple"),
        ((1, 1, 16, 16), (2, 1, 4, 4), None, r"\(B, C\)"),
        ((1, 16, 16), (1, 1, 4, 4), None, "hr must have shape"),
    ],
)
def test_bad_shapes_raise(hr_shape, lr_shape, scale, match):
    with pytest.raises(ValueError, match=match):
        lr_consistency_adjust(torch.rand(hr_shape), torch.rand(lr_shape), scale)


def test_bad_types_raise():
    with pytest.raises(TypeError, match="hr must be a floating-point"):
        lr_consistency_adjust(torch.ones(1, 1, 4, 4, dtype=torch.long), torch.rand(1, 1, 2, 2))
    with pytest.raises(TypeError, match="valid"):
        lr_consistency_adjust(torch.rand(1, 1, 4, 4), torch.rand(1, 1, 2, 2),
                              valid=torch.ones(1, 1, 2, 2))
