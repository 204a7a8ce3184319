"""Tests of the mmengine GDSRMetric on hand-made cases."""

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement

from xmodal.evaluation import GDSRMetric
from xmodal.registry import METRICS


def _sample(pred, gt, dmin, dmax, unit_scale=1.0, unit="8bit", border=0, name="a"):
    s = BaseDataElement(
        metainfo=dict(depth_min=dmin, depth_max=dmax, scale=4, unit_scale=unit_scale, unit=unit,
                      border=border, img_name=name, dataset="toy"))
    s.pred_depth = torch.as_tensor(pred, dtype=torch.float32)[None]
    s.gt_depth = torch.as_tensor(gt, dtype=torch.float32)[None]
    return s


def test_metric_registered_and_mean_over_images():
    metric = METRICS.build(dict(type="GDSRMetric"))
    assert isinstance(metric, GDSRMetric)
    gt = np.zeros((4, 4), np.float32)
    # image 1: error 0.1 of a 0..10 span -> 1.0 everywhere; image 2: errors 3 -> RMSE 3
    metric.process(None, [_sample(gt + 0.1, gt, 0.0, 10.0, name="a"),
                          _sample(gt + 0.3, gt, 5.0, 15.0, name="b")])
    out = metric.evaluate(2)
    assert out["rmse"] == pytest.approx(2.0, abs=1e-5)  # mean of per-image 1 and 3
    assert out["mae"] == pytest.approx(2.0, abs=1e-5)
    assert set(out) == {"rmse", "mae"}


def test_metric_unit_scale_and_border():
    metric = GDSRMetric()
    gt = np.zeros((20, 20), np.float32)
    pred = np.full((20, 20), 0.5, np.float32)
    pred[6:-6, 6:-6] = 0.01  # 0.01 of 1 m span = 1 cm inside the border
    metric.process(None, [_sample(pred, gt, 1.0, 2.0, unit_scale=100.0, unit="cm", border=6)])
    assert metric.evaluate(1)["rmse"] == pytest.approx(1.0, rel=1e-5)


def test_metric_accepts_dicts_from_evaluator():
    metric = GDSRMetric()
    gt = np.zeros((4, 4), np.float32)
    metric.process(None, [_sample(gt + 0.5, gt, 0.0, 2.0).to_dict()])
    assert metric.evaluate(1)["rmse"] == pytest.approx(1.0)


def test_clamp_option_dctnet_convention():
    gt = np.full((4, 4), 1.0, np.float32)
    pred = np.full((4, 4), 1.2, np.float32)  # overshoot by 0.2 of a 0..250 span = 50 levels
    plain, clamped = GDSRMetric(clamp=False), GDSRMetric(clamp=True)
    for m in (plain, clamped):
        m.process(None, [_sample(pred, gt, 0.0, 250.0)])
    assert plain.evaluate(1)["rmse"] == pytest.approx(50.0, rel=1e-5)
    assert clamped.evaluate(1)["rmse"] == pytest.approx(0.0, abs=1e-6)


def test_clamp_clips_8bit_to_255():
    gt = np.ones((4, 4), np.float32)
    pred = np.ones((4, 4), np.float32)
    gt[0, 0] = 0.0
    # span 0..300 file units (beyond 8 bit): clamp=True clips the prediction to 255
    m = GDSRMetric(clamp=True)
    m.process(None, [_sample(pred, gt, 0.0, 300.0)])
    exp = np.sqrt(((255 - 0.0) ** 2 + 15 * 45.0**2) / 16)
    assert m.evaluate(1)["rmse"] == pytest.approx(exp, rel=1e-5)


def test_errors():
    m = GDSRMetric()
    s = _sample(np.zeros((4, 4)), np.zeros((4, 4)), 0.0, 1.0)
    del s.pred_depth
    with pytest.raises(KeyError, match="pred_depth"):
        m.process(None, [s])
    with pytest.raises(TypeError, match="clamp"):
        GDSRMetric(clamp=1)
    mixed = GDSRMetric()
    mixed.process(None, [_sample(np.zeros((4, 4)), np.zeros((4, 4)), 0.0, 1.0, unit="cm"),
                         _sample(np.zeros((4, 4)), np.zeros((4, 4)), 0.0, 1.0, unit="8bit")])
    with pytest.raises(ValueError, match="units"):
        mixed.evaluate(2)
