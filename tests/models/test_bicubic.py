"""Tests of the Bicubic baseline, including the protocol regression table on real data."""

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from xmodal.datasets import MiddleburyDataset, RGBDDDataset
from xmodal.evaluation import GDSRMetric
from xmodal.models.bicubic import Bicubic
from xmodal.registry import MODELS

REPO = Path(__file__).resolve().parents[2]


def _shared_gdsr() -> Path:
    env = os.environ.get("XMODAL_DATA")  # set by tests/conftest.py when the data exists
    root = Path(env or ".") / "gdsr"
    if not env or not root.is_dir():
        pytest.skip(f"real GDSR data not found at {root} (set XMODAL_DATA)")
    return root


def test_bicubic_matches_pil_and_has_no_parameters():
    net = MODELS.build(dict(type="Bicubic", scale=4))
    assert isinstance(net, Bicubic) and len(list(net.parameters())) == 0
    lr = torch.rand(2, 1, 6, 5)
    out = net(lr, torch.rand(2, 3, 24, 20))
    assert out.shape == (2, 1, 24, 20) and out.dtype == lr.dtype
    for i in range(2):
        ref = np.asarray(Image.fromarray(lr[i, 0].numpy()).resize((20, 24), Image.BICUBIC))
        np.testing.assert_array_equal(out[i, 0].numpy(), ref)


def test_bicubic_torch_backend_close_but_different():
    lr = torch.rand(1, 1, 8, 8)
    guide = torch.rand(1, 3, 32, 32)
    pil = Bicubic(4)(lr, guide)
    tch = Bicubic(4, backend="torch")(lr, guide)
    assert tch.shape == pil.shape
    assert not torch.allclose(pil, tch)  # different kernels (a = -0.5 vs -0.75)
    assert (pil - tch).abs().mean() < 0.05
    const = torch.full((1, 1, 4, 4), 0.3)
    for backend in ("pil", "torch"):
        torch.testing.assert_close(Bicubic(2, backend)(const, guide[..., :8, :8]),
                                   torch.full((1, 1, 8, 8), 0.3))


def test_bicubic_errors():
    with pytest.raises(ValueError, match="backend"):
        Bicubic(4, backend="cv2")
    with pytest.raises(ValueError, match="scale"):
        Bicubic(0)
    with pytest.raises(ValueError, match="guide"):
        Bicubic(4)(torch.rand(1, 1, 4, 4), torch.rand(1, 3, 15, 16))
    with pytest.raises(ValueError, match="lr"):
        Bicubic(4)(torch.rand(1, 3, 4, 4), torch.rand(1, 3, 16, 16))


def _bicubic_rmse(dataset) -> float:
    net, metric = Bicubic(dataset.scale), GDSRMetric(clamp=False)
    for i in range(len(dataset)):
        item = dataset[i]
        sample = item["data_samples"]
        sample.pred_depth = net(item["inputs"]["lr"][None], item["inputs"]["guide"][None])[0]
        metric.process(None, [sample])
    return metric.evaluate(len(dataset))["rmse"]


# Bicubic under the D2A2/DCTNet protocol (docs/evaluation.md); measured here:
# Middlebury 2.2810 / 3.9830 / 6.3744, RGB-D-D 1.9164 / 3.1977 / 5.1377.
@pytest.mark.parametrize(("cls", "sub", "scale", "expected"), [
    (MiddleburyDataset, "middlebury", 4, 2.28),
    (MiddleburyDataset, "middlebury", 8, 3.98),
    (MiddleburyDataset, "middlebury", 16, 6.37),
    # 405 frames each, ~5 s per scale on 2 quiet cores: the whole table runs in CI
    (RGBDDDataset, "rgbdd", 4, 1.92),
    (RGBDDDataset, "rgbdd", 8, 3.20),
    (RGBDDDataset, "rgbdd", 16, 5.14),
])
def test_bicubic_regression_table(cls, sub, scale, expected):
    root = _shared_gdsr() / sub
    dataset = cls(data_root=root, scale=scale)
    assert len(dataset) == {"middlebury": 30, "rgbdd": 405}[sub]
    assert _bicubic_rmse(dataset) == pytest.approx(expected, abs=0.01)
