"""Tests of the functional RMSE / MAE."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from xmodal.evaluation import crop_border, mae, rmse


def test_rmse_known_value():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    gt = np.array([[1.0, 0.0], [3.0, 0.0]])
    # errors 0, 2, 0, 4 -> sqrt((4 + 16) / 4) = sqrt(5)
    assert rmse(pred, gt) == pytest.approx(np.sqrt(5.0), abs=1e-15)
    assert mae(pred, gt) == pytest.approx(1.5, abs=1e-15)


def test_rmse_border_ignores_the_frame():
    gt = np.zeros((10, 12))
    pred = np.full((10, 12), 100.0)
    pred[2:-2, 2:-2] = 1.0
    assert rmse(pred, gt, border=2) == pytest.approx(1.0)
    assert rmse(pred, gt, border=0) > 10


def test_rmse_zeros_count_no_mask():
    gt = np.array([[0.0, 10.0]])
    pred = np.array([[5.0, 10.0]])
    assert rmse(pred, gt) == pytest.approx(np.sqrt(12.5))


def test_rmse_is_float64_on_float32_tensors():
    gt = torch.zeros(1, 64, 64)
    pred = torch.full((1, 64, 64), 1e-4)
    pred[0, 0, 0] = 3000.0  # large and small errors together
    exp = np.sqrt(((np.float64(3000.0)) ** 2 + (64 * 64 - 1) * np.float64(np.float32(1e-4)) ** 2)
                  / (64 * 64))
    assert rmse(pred, gt) == pytest.approx(exp, rel=1e-12)


@given(st.integers(0, 3), st.floats(-5, 5))
def test_rmse_of_constant_offset(border, offset):
    gt = np.random.default_rng(0).uniform(0, 10, (12, 9))
    assert rmse(gt + offset, gt, border=border) == pytest.approx(abs(offset), abs=1e-9)
    assert mae(gt + offset, gt, border=border) == pytest.approx(abs(offset), abs=1e-9)


def test_errors():
    with pytest.raises(ValueError, match="same shape"):
        rmse(np.zeros((4, 4)), np.zeros((4, 5)))
    with pytest.raises(ValueError, match="border"):
        rmse(np.zeros((4, 4)), np.zeros((4, 4)), border=2)
    with pytest.raises(ValueError, match="border"):
        crop_border(np.zeros((4, 4)), -1)
    with pytest.raises(TypeError):
        rmse([[0.0]], [[0.0]])


def test_rmse_with_a_valid_mask_counts_only_valid_pixels():
    pred, gt = np.array([[1.0, 5.0], [3.0, 0.0]]), np.array([[0.0, 5.0], [0.0, 0.0]])
    valid = gt != 0
    assert rmse(pred, gt, valid=valid) == 0.0
    assert rmse(pred, gt, valid=~valid) == pytest.approx(np.sqrt(10 / 3))
    assert np.isnan(rmse(pred, gt, valid=np.zeros((2, 2), bool)))
    with pytest.raises(ValueError, match="valid must have the shape of pred"):
        rmse(pred, gt, valid=valid[0])
