"""Parity figures: largest difference and protocol RMSE change, on a real frame."""

from __future__ import annotations

import pytest

from xmodal.datasets import MiddleburyDataset
from xmodal.datasets.paths import EMBEDDED_DATA
from xmodal.deploy import parity, protocol_rmse


@pytest.fixture(scope="module")
def sample():
    """The first embedded Middlebury frame at x4: its data sample (normalised gt, metainfo)."""
    return MiddleburyDataset(data_root=EMBEDDED_DATA / "gdsr" / "middlebury",
                             scale=4)[0]["data_samples"]


def test_rmse_is_the_protocol_one(sample):
    # a constant error of 0.01 normalised units is 0.01 * (max - min) 8-bit levels
    span = sample.metainfo["depth_max"] - sample.metainfo["depth_min"]
    assert protocol_rmse([sample.gt_depth + 0.01], [sample]) == pytest.approx(0.01 * span)


def test_parity_figures(sample):
    gt = sample.gt_depth
    p = parity([gt + 0.01], [(gt + 0.02).numpy()], [sample])
    assert p["max_abs"] == pytest.approx(0.01, rel=1e-4)
    assert p["rmse_exported"] == pytest.approx(2 * p["rmse_eager"], rel=1e-4)
    assert p["rmse_change_pct"] == pytest.approx(100, rel=1e-3)
    same = parity([gt + 0.01], [gt + 0.01], [sample])
    assert same["max_abs"] == 0 and same["rmse_change_pct"] == 0


def test_mismatches_are_refused(sample):
    gt = sample.gt_depth
    with pytest.raises(ValueError, match="1 eager and 2 exported"):
        parity([gt], [gt, gt], [sample])
    with pytest.raises(ValueError, match="differ"):
        parity([gt], [gt[:, :-1]], [sample])
    with pytest.raises(ValueError, match="2 predictions for 1 samples"):
        protocol_rmse([gt, gt], [sample])
