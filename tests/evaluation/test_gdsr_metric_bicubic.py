import numpy as np
import pytest
import torch

from xmodal.datasets import upsample_bicubic_pil
from xmodal.evaluation import GDSRMetric, rmse


def _sample(gt, pred):
    return dict(gt_depth=torch.from_numpy(gt)[None], pred_depth=torch.from_numpy(pred)[None],
                depth_min=10.0, depth_max=20.0, unit_scale=0.1, unit="cm", border=0,
                img_name="a", dataset="toy")


def test_bicubic_reported_beside_model():
    rng = np.random.default_rng(0)
    gt = rng.random((16, 16), dtype=np.float32)
    lr = rng.random((4, 4), dtype=np.float32)
    metric = GDSRMetric(with_bicubic=True)
    metric.process({"inputs": {"lr": [torch.from_numpy(lr)[None]]}}, [_sample(gt, gt)])
    out = metric.compute_metrics(metric.results)
    expected = rmse((upsample_bicubic_pil(lr, 4) * 10.0 + 10.0) * 0.1, (gt * 10.0 + 10.0) * 0.1)
    assert out["rmse"] == 0.0
    assert out["bicubic_rmse"] == pytest.approx(expected, rel=1e-6) and expected > 0


def test_bicubic_needs_lr_inputs():
    metric = GDSRMetric(with_bicubic=True)
    gt = np.zeros((8, 8), np.float32)
    with pytest.raises(KeyError, match="needs data_batch"):
        metric.process({}, [_sample(gt, gt)])
    with pytest.raises(ValueError, match="2 LR inputs for 1"):
        metric.process({"inputs": {"lr": [torch.zeros(1, 2, 2)] * 2}}, [_sample(gt, gt)])
