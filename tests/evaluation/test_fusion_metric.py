"""FusionMetric: the mmengine Metric of fusion, with baselines and the checkpoint score."""

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement

from xmodal.evaluation.fusion_metric import FusionMetric

RNG = np.random.default_rng(0)
TEX = RNG.integers(0, 256, (48, 48)).astype(np.float64)
TEX2 = RNG.integers(0, 256, (48, 48)).astype(np.float64)


def test_fusion_metric_with_baselines():
    metric = FusionMetric(names=["EN", "SSIM"], with_baselines=True)
    ir = torch.from_numpy(TEX / 255).float()[None]
    vis = torch.from_numpy(TEX / 255).float()[None].repeat(3, 1, 1)
    sample = BaseDataElement(pred_fused=vis.clone(), metainfo=dict(img_name="x"))
    metric.process({"inputs": {"ir": [ir], "vis": [vis]}}, [sample])
    out = metric.compute_metrics(metric.results)
    assert out["SSIM"] == pytest.approx(2.0, abs=1e-6)
    assert out["avg/SSIM"] == pytest.approx(2.0, abs=1e-6)
    assert out["maxabs/EN"] == pytest.approx(out["EN"])


def test_fusion_metric_score_needs_baselines_and_the_eight_metrics():
    with pytest.raises(ValueError, match="score needs with_baselines"):
        FusionMetric(score=True)
    with pytest.raises(ValueError, match="missing"):
        FusionMetric(names=["EN"], with_baselines=True, score=True)
    metric = FusionMetric(with_baselines=True, score=True)
    ir = torch.from_numpy(TEX / 255).float()[None]
    vis = torch.from_numpy(TEX2 / 255).float()[None].repeat(3, 1, 1)
    sample = BaseDataElement(pred_fused=(ir.repeat(3, 1, 1) + vis) / 2, metainfo=dict(img_name="x"))
    metric.process({"inputs": {"ir": [ir], "vis": [vis]}}, [sample])
    out = metric.compute_metrics(metric.results)
    assert out["score"] == pytest.approx(1.0, abs=0.02)  # the model is average fusion
