"""Tests of DADAMetric (masked MAE/MSE in cm, DADA preset only) on hand-made cases."""

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement

from xmodal.evaluation import DADAMetric
from xmodal.registry import METRICS


def _sample(err, valid=None, std=500.0, unit_scale=0.1, preset="dada", shape=(4, 4)):
    gt = torch.ones(1, *shape)
    s = BaseDataElement(metainfo=dict(preset=preset, depth_std=std, unit_scale=unit_scale,
                                      img_name="t"))
    s.gt_depth = gt
    s.pred_depth = gt + torch.as_tensor(err, dtype=torch.float32)
    if valid is not None:
        s.gt_valid = torch.as_tensor(valid)[None]
    return s


def test_keys_units_and_mask():
    metric = METRICS.build(dict(type="DADAMetric", reduction="tile"))
    err = np.full((4, 4), 0.02, np.float32)  # 0.02 * 500 mm = 10 mm = 1 cm
    valid = np.ones((4, 4), bool)
    err[0, 0], valid[0, 0] = 100.0, False  # a huge error on an invalid pixel is ignored
    metric.process(None, [_sample(err, valid)])
    out = metric.evaluate(1)
    assert set(out) == {"dada/mae_cm", "dada/mse_cm2", "dada/rmse_cm"}
    assert out["dada/mae_cm"] == pytest.approx(1.0, rel=1e-5)
    assert out["dada/mse_cm2"] == pytest.approx(1.0, rel=1e-5)
    assert out["dada/rmse_cm"] == pytest.approx(1.0, rel=1e-5)


def test_reductions_tile_pixel_batch():
    # tile A: 16 valid pixels, error 1 cm; tile B: 4 valid pixels, error 3 cm (std 100, mm)
    a = _sample(np.full((4, 4), 0.1, np.float32), std=100.0)
    valid_b = np.zeros((4, 4), bool)
    valid_b[:2, :2] = True
    b = _sample(np.full((4, 4), 0.3, np.float32), valid_b, std=100.0)
    c = _sample(np.full((4, 4), 0.2, np.float32), std=100.0)  # 2 cm
    figures = {}
    for reduction, bs in (("tile", 1), ("pixel", 1), ("batch", 2)):
        m = DADAMetric(reduction=reduction, batch_size=bs)
        m.process(None, [a, b, c])
        figures[reduction] = m.evaluate(3)["dada/mae_cm"]
    assert figures["tile"] == pytest.approx((1 + 3 + 2) / 3)
    assert figures["pixel"] == pytest.approx((16 * 1 + 4 * 3 + 16 * 2) / 36)
    assert figures["batch"] == pytest.approx(((16 + 12) / 20 + 2) / 2)  # groups [a, b], [c]


def test_rmse_is_root_of_mean_mse():
    m = DADAMetric(reduction="tile")
    m.process(None, [_sample(np.full((4, 4), 0.02, np.float32)),
                     _sample(np.full((4, 4), 0.06, np.float32))])  # 1 cm and 3 cm
    out = m.evaluate(2)
    assert out["dada/mse_cm2"] == pytest.approx(5.0, rel=1e-5)
    assert out["dada/rmse_cm"] == pytest.approx(np.sqrt(5.0), rel=1e-5)


def test_rejects_other_presets_and_bad_settings():
    m = DADAMetric()
    with pytest.raises(ValueError, match="preset"):
        m.process(None, [_sample(np.zeros((4, 4)), preset="d2a2")])
    bare = BaseDataElement(metainfo=dict(depth_min=0.0, depth_max=1.0))
    bare.pred_depth = bare.gt_depth = torch.zeros(1, 2, 2)
    with pytest.raises(KeyError, match="preset"):
        m.process(None, [bare])
    with pytest.raises(ValueError, match="reduction"):
        DADAMetric(reduction="mean")
    with pytest.raises(ValueError, match="batch_size"):
        DADAMetric(batch_size=0)
    empty = DADAMetric(reduction="tile")
    empty.process(None, [_sample(np.zeros((4, 4)), np.zeros((4, 4), bool))])
    with pytest.raises(ValueError, match="no valid pixel"):
        empty.evaluate(1)
