"""Tests of the synthetic GDSR protocol functions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from xmodal.datasets.protocol import (
    check_scale,
    make_lr_bicubic,
    minmax_denormalise,
    minmax_normalise,
    mod_crop,
    upsample_bicubic_pil,
)


@given(h=st.integers(16, 70), w=st.integers(16, 70), scale=st.sampled_from([1, 2, 4, 8, 16]),
       channels=st.sampled_from([None, 3]))
def test_mod_crop_keeps_top_left(h, w, scale, channels):
    shape = (h, w) if channels is None else (h, w, channels)
    img = np.arange(np.prod(shape)).reshape(shape)
    out = mod_crop(img, scale)
    assert out.shape[:2] == (h // scale * scale, w // scale * scale)
    assert out.shape[2:] == img.shape[2:]
    np.testing.assert_array_equal(out, img[: out.shape[0], : out.shape[1]])


def test_mod_crop_errors():
    with pytest.raises(ValueError, match="scale"):
        mod_crop(np.zeros((8, 8)), 0)
    with pytest.raises(ValueError, match="smaller"):
        mod_crop(np.zeros((3, 8)), 4)
    with pytest.raises(TypeError):
        mod_crop([[1, 2]], 1)


@given(h=st.integers(1, 6), w=st.integers(1, 6), scale=st.sampled_from([2, 4, 8]))
def test_make_lr_bicubic_shape_and_matches_pil(h, w, scale):
    rng = np.random.default_rng(h * 100 + w)
    hr = rng.uniform(0.5, 10.0, size=(h * scale, w * scale)).astype(np.float32)
    lr = make_lr_bicubic(hr, scale)
    assert lr.shape == (h, w) and lr.dtype == np.float32
    ref = np.asarray(Image.fromarray(hr).resize((w, h), Image.BICUBIC))
    np.testing.assert_array_equal(lr, ref)


def test_make_lr_bicubic_is_linear_in_units():
    # The LR can be made in mm or metres: PIL's float bicubic is linear.
    rng = np.random.default_rng(0)
    hr_mm = rng.uniform(500, 5000, size=(32, 48)).astype(np.float32)
    lr_mm = make_lr_bicubic(hr_mm, 4)
    lr_m = make_lr_bicubic(hr_mm / np.float32(1000), 4)
    np.testing.assert_allclose(lr_m * 1000, lr_mm, rtol=1e-5)


def test_make_lr_bicubic_rejects_non_float32():
    with pytest.raises(TypeError, match="float32"):
        make_lr_bicubic(np.zeros((8, 8), np.float64), 4)
    with pytest.raises(ValueError, match="2-D"):
        make_lr_bicubic(np.zeros((8, 8, 1), np.float32), 4)


def test_upsample_bicubic_pil_shape_and_constant():
    lr = np.full((5, 7), 3.25, np.float32)
    up = upsample_bicubic_pil(lr, 4)
    assert up.shape == (20, 28) and up.dtype == np.float32
    np.testing.assert_allclose(up, 3.25, rtol=1e-6)


@given(dmin=st.floats(-100, 100), span=st.floats(0.01, 1000),
       shape=st.sampled_from([(4, 4), (3, 5), (1, 8, 8)]))
def test_minmax_round_trip(dmin, span, shape):
    dmax = dmin + span
    rng = np.random.default_rng(1)
    x = rng.uniform(dmin, dmax, size=shape).astype(np.float32)
    n = minmax_normalise(x, dmin, dmax)
    assert n.dtype == np.float32
    assert n.min() >= -1e-5 and n.max() <= 1 + 1e-5
    back = minmax_denormalise(n, dmin, dmax)
    np.testing.assert_allclose(back, x, atol=1e-5 * (abs(dmin) + span) + 1e-6)


def test_minmax_hr_bounds_map_to_0_1():
    x = np.array([[2.0, 3.0], [4.0, 6.0]], np.float32)
    n = minmax_normalise(x, x.min(), x.max())
    np.testing.assert_array_equal(n, [[0.0, 0.25], [0.5, 1.0]])


def test_minmax_constant_raises():
    with pytest.raises(ValueError, match="dmin < dmax"):
        minmax_normalise(np.ones((3, 3), np.float32), 1.0, 1.0)
    with pytest.raises(ValueError):
        minmax_denormalise(np.ones((3, 3), np.float32), 2.0, 1.0)


@pytest.mark.parametrize("scale", [3, 0, 4.0, True, "8"])
def test_check_scale_rejects(scale):
    with pytest.raises(ValueError, match="scale"):
        check_scale(scale)


def test_check_scale_accepts():
    assert [check_scale(s) for s in (4, 8, 16)] == [4, 8, 16]
