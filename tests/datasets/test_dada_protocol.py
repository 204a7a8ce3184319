"""The DADA protocol functions: valid-pixel average pooling and tile origins."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from xmodal.datasets.dada_protocol import avg_pool_valid, tile_origins


def test_avg_pool_valid_ignores_zeros_and_nans():
    d = np.array([[1, 3, 0, 0],
                  [0, 5, 0, np.nan],
                  [2, 2, 4, 4],
                  [2, 2, 4, 8]], np.float32)
    lr = avg_pool_valid(d, 2)
    assert lr[0, 0] == pytest.approx(3.0)  # (1 + 3 + 5) / 3: the zero is left out
    assert np.isnan(lr[0, 1])  # no valid pixel in the cell
    assert lr[1, 0] == pytest.approx(2.0) and lr[1, 1] == pytest.approx(5.0)
    assert avg_pool_valid(d, 2, zero_invalid=False)[0, 0] == pytest.approx(9 / 4)


@given(st.sampled_from([1, 2, 4]), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10**6))
def test_avg_pool_valid_equals_avg_pool2d_when_all_valid(scale, h, w, seed):
    d = np.random.default_rng(seed).uniform(0.5, 9.0, (h * scale, w * scale)).astype(np.float32)
    ref = F.avg_pool2d(torch.from_numpy(d)[None, None].double(), scale)[0, 0].numpy()
    np.testing.assert_allclose(avg_pool_valid(d, scale), ref, rtol=1e-6)


def test_avg_pool_valid_rejects_bad_input():
    with pytest.raises(ValueError, match="multiple"):
        avg_pool_valid(np.ones((5, 4), np.float32), 2)
    with pytest.raises(TypeError):
        avg_pool_valid(np.ones((4, 4), np.int32), 2)
    with pytest.raises(ValueError, match="scale"):
        avg_pool_valid(np.ones((4, 4), np.float32), 0)


def test_tile_origins_row_major_remainders_dropped():
    assert tile_origins(384, 512) == [(0, 0), (0, 256)]  # an RGB-D-D frame
    assert tile_origins(600, 300, 256) == [(0, 0), (256, 0)]
    assert tile_origins(255, 1000) == []
