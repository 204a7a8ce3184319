"""Invalid-pixel handling: mask, pull-push fill, HR invalid support."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from xmodal.apis.holes import fill_invalid, invalid_mask, invalid_support_hr


def test_invalid_mask_zero_nan_inf():
    d = torch.tensor([[0.0, float("nan"), float("inf"), -float("inf"), 1.5]])
    assert invalid_mask(d).tolist() == [[True, True, True, True, False]]


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 2**31 - 1), st.floats(0.05, 0.9))
def test_fill_keeps_valid_and_stays_in_valid_range(seed, hole_frac):
    g = torch.Generator().manual_seed(seed)
    depth = torch.rand(1, 1, 13, 17, generator=g) * 3 + 1
    invalid = torch.rand(1, 1, 13, 17, generator=g) < hole_frac
    invalid[0, 0, 0, 0] = False  # at least one valid pixel
    filled = fill_invalid(torch.where(invalid, torch.nan, depth), invalid)
    assert torch.isfinite(filled).all()
    assert torch.equal(filled[~invalid], depth[~invalid])
    # an average of valid values: never outside their range
    lo, hi = depth[~invalid].min(), depth[~invalid].max()
    assert bool((filled >= lo - 1e-6).all() and (filled <= hi + 1e-6).all())


def test_fill_constant_surround_is_exact():
    depth = torch.full((1, 1, 8, 8), 2.5)
    invalid = torch.zeros(1, 1, 8, 8, dtype=torch.bool)
    invalid[..., 2:6, 3:7] = True
    filled = fill_invalid(torch.where(invalid, 0.0, depth), invalid)
    torch.testing.assert_close(filled, depth)


def test_invalid_support_needs_whole_neighbourhood_invalid():
    inv = torch.zeros(1, 1, 6, 6, dtype=torch.bool)
    inv[..., 0:4, 0:4] = True  # a 4x4 hole: only its 2x2 interior has no valid neighbour
    hr = invalid_support_hr(inv, 2, (12, 12))
    expected = torch.zeros(1, 1, 12, 12, dtype=torch.bool)
    expected[..., 0:6, 0:6] = True  # LR cells (0..2, 0..2) incl. the image-border ones
    assert torch.equal(hr, expected)


def test_invalid_support_pads_and_crops_to_hr_size():
    inv = torch.ones(1, 1, 3, 3, dtype=torch.bool)
    assert invalid_support_hr(inv, 4, (14, 10)).shape == (1, 1, 14, 10)
    assert invalid_support_hr(inv, 4, (14, 10)).all()


def test_fill_with_holes_left_when_one_side_reaches_one():
    """Regression (hypothesis seed 50495, 87.5 % holes): a 13x17 map whose pyramid side
    reached 1 with a hole left was filled with zeros there."""
    g = torch.Generator().manual_seed(50495)
    depth = torch.rand(1, 1, 13, 17, generator=g) * 3 + 1
    invalid = torch.rand(1, 1, 13, 17, generator=g) < 0.875
    invalid[0, 0, 0, 0] = False
    filled = fill_invalid(torch.where(invalid, torch.nan, depth), invalid)
    lo, hi = depth[~invalid].min(), depth[~invalid].max()
    assert bool((filled >= lo - 1e-6).all() and (filled <= hi + 1e-6).all())
    one_valid = torch.ones(1, 1, 3, 40, dtype=torch.bool)
    one_valid[0, 0, 0, 0] = False  # a single valid pixel in a wide, flat map
    filled = fill_invalid(torch.full((1, 1, 3, 40), 7.0), one_valid)
    assert torch.allclose(filled, torch.full_like(filled, 7.0))
