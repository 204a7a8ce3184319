"""PSNR/SSIM helpers and the mmengine metric on hand-made images."""

import math

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement

from xmodal.evaluation.image_quality import PSNRSSIMMetric, psnr, rgb_to_y_studio, ssim

RNG = np.random.default_rng(0)
IMG = RNG.integers(0, 256, (16, 16, 3)).astype(np.float64)


def test_psnr_known_value():
    noisy = IMG.copy()
    noisy[..., 0] = np.where(noisy[..., 0] < 255, noisy[..., 0] + 1, noisy[..., 0] - 1)
    # MSE over RGB = 1/3 -> PSNR = 10 log10(255^2 * 3)
    assert psnr(noisy, IMG) == pytest.approx(10 * math.log10(255**2 * 3))
    assert psnr(IMG, IMG) == float("inf")


def test_y_channel_and_crop():
    white = np.full((4, 4, 3), 255.0)
    assert np.allclose(rgb_to_y_studio(white), 235.0)
    assert np.allclose(rgb_to_y_studio(np.zeros((4, 4, 3))), 16.0)
    bad = IMG.copy()
    bad[:2] = 0                                  # damage only the border rows
    assert psnr(bad, IMG, crop_border=2) == float("inf")
    assert ssim(bad, IMG, crop_border=2, y_channel=True) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="crop_border"):
        psnr(IMG, IMG, crop_border=8)


def test_metric_with_bicubic():
    gt = torch.from_numpy(IMG / 255).permute(2, 0, 1).float()
    lr = torch.nn.functional.avg_pool2d(gt[None], 2)[0]
    sample = BaseDataElement(pred_img=gt.clone(), gt_img=gt, metainfo=dict(scale=2))
    metric = PSNRSSIMMetric(with_bicubic=True)
    metric.process({"inputs": {"lr": [lr]}}, [sample])
    out = metric.compute_metrics(metric.results)
    assert out["ssim_rgb"] == pytest.approx(1.0) and out["ssim_y"] == pytest.approx(1.0)
    assert out["bicubic_psnr_y"] < 40
