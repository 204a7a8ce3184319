"""Fusion metrics on hand-made images with known values."""

import math

import numpy as np
import pytest

from xmodal.evaluation.fusion_metrics import (
    average_gradient,
    entropy,
    mutual_information,
    qabf,
    scd,
    spatial_frequency,
    ssim_fusion,
    standard_deviation,
    vif,
)

RNG = np.random.default_rng(0)
TEX = RNG.integers(0, 256, (48, 48)).astype(np.float64)
TEX2 = RNG.integers(0, 256, (48, 48)).astype(np.float64)
CONST = np.full((48, 48), 100.0)


def test_entropy_constant_and_two_levels():
    assert entropy(CONST) == 0.0
    two = np.zeros((4, 4))
    two[:2] = 255
    assert entropy(two) == pytest.approx(1.0)
    four = np.repeat(np.array([0, 60, 120, 250])[None], 4, axis=0)
    assert entropy(four) == pytest.approx(2.0)


def test_sd():
    assert standard_deviation(CONST) == 0.0
    half = np.zeros((2, 2))
    half[0] = 2.0
    assert standard_deviation(half) == pytest.approx(1.0)


def test_sf_stripes_and_constant():
    assert spatial_frequency(CONST) == 0.0
    stripes = np.tile(np.array([0.0, 1.0]), (5, 3))  # columns alternate: CF = 1, RF = 0
    assert spatial_frequency(stripes) == pytest.approx(1.0)


def test_ag_ramp():
    m, n, a = 6, 7, 3.0
    ramp = a * np.tile(np.arange(n, dtype=float), (m, 1))
    expected = m * n * a / math.sqrt(2) / ((m - 1) * (n - 1))
    assert average_gradient(ramp) == pytest.approx(expected)
    assert average_gradient(CONST) == 0.0


def test_mi_self_is_twice_entropy():
    assert mutual_information(TEX, TEX, TEX) == pytest.approx(2 * entropy(TEX))
    assert mutual_information(CONST, CONST, TEX) == pytest.approx(0.0, abs=1e-12)


def test_scd_sum_is_two():
    assert scd(TEX, TEX2, TEX + TEX2) == pytest.approx(2.0)


def test_vif_identity_constant_contrast():
    assert vif(TEX, CONST, TEX) == pytest.approx(1.0, abs=1e-6)   # VIFp(A, A) = 1, B flat
    assert vif(TEX, TEX2, CONST) == 0.0
    assert vif(TEX, CONST, 2 * TEX) > 1.0                         # contrast enhancement


def test_vif_matches_sewar_when_installed():
    sewar = pytest.importorskip("sewar.full_ref")
    from xmodal.evaluation.fusion_metrics import _vifp
    f = (TEX + TEX2) / 2
    assert _vifp(TEX, f) == pytest.approx(sewar.vifp(TEX, f), rel=1e-9)


def test_qabf_perfect_transfer_and_flat_fused():
    perfect = 0.9994 / (1 + math.exp(-15 * 0.5)) * 0.9879 / (1 + math.exp(-22 * 0.2))
    zero = np.zeros_like(TEX)  # zero padding: only an all-zero image has no Sobel edges
    assert qabf(TEX, zero, TEX) == pytest.approx(perfect)
    assert qabf(TEX, TEX2, zero) < 1e-3
    assert qabf(zero, zero, TEX) == 0.0


def test_ssim_sum():
    assert ssim_fusion(TEX, TEX, TEX) == pytest.approx(2.0)
    assert ssim_fusion(TEX, TEX2, TEX) < 2.0


def test_errors():
    with pytest.raises(ValueError, match="2-D"):
        entropy(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="same shape"):
        scd(TEX, TEX2, TEX[:10])
    with pytest.raises(TypeError):
        entropy([[1, 2]])
