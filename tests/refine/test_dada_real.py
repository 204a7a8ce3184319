"""Regression on real Middlebury files: learning-free DADA beats PIL bicubic at x8."""

import os
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from xmodal.refine import guide_depth_features, guided_anisotropic_diffusion


def _middlebury() -> Path:
    env = os.environ.get("XMODAL_DATA")  # set by tests/conftest.py when the data exists
    root = Path(env or ".") / "gdsr" / "middlebury"
    if not env or not (root / "depth").is_dir():
        pytest.skip(f"real Middlebury data not found at {root} (set XMODAL_DATA)")
    return root


def _pil(arr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.array(Image.fromarray(arr).resize(size, Image.BICUBIC), dtype=np.float32)


@pytest.mark.parametrize("index", [0, 10])
def test_learning_free_beats_bicubic_x8(index):
    root, s = _middlebury(), 8
    depth_path = sorted((root / "depth").glob("*.png"))[index]
    rgb_path = sorted((root / "rgb").glob("*.png"))[index]
    gt = np.asarray(Image.open(depth_path), dtype=np.float32)
    h, w = gt.shape[0] // s * s, gt.shape[1] // s * s
    gt = np.ascontiguousarray(gt[:h, :w])
    guide = np.asarray(Image.open(rgb_path).convert("RGB"))[:h, :w]
    lr = _pil(gt, (w // s, h // s))
    bic = _pil(lr, (w, h))
    g = torch.from_numpy(guide.astype(np.float32) / 255).permute(2, 0, 1)[None]
    init = torch.from_numpy(bic)[None, None] / 255 + 1
    lr_t = torch.from_numpy(lr)[None, None] / 255 + 1
    with torch.no_grad():
        out = guided_anisotropic_diffusion(init, lr_t, guide_depth_features(g, init - 1), 0.03,
                                           num_iters=100)
    torch.testing.assert_close(F.avg_pool2d(out, s), lr_t, atol=1e-5, rtol=1e-6)
    pred = ((out - 1) * 255)[0, 0].double().numpy()
    rmse_dada = np.sqrt(np.mean((pred - gt) ** 2))
    rmse_bic = np.sqrt(np.mean((bic.astype(np.float64) - gt) ** 2))
    assert rmse_dada < 0.9 * rmse_bic, (rmse_dada, rmse_bic)
