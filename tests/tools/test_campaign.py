"""The CPU training campaign: mixed-scale batches, scale switching, EMA and resume."""

from pathlib import Path

import pytest
import torch

from xmodal.datasets import RGBDDDataset
from xmodal.models import D2A2
from xmodal.tools import campaign

SAMPLE = Path(campaign.__file__).resolve().parent.parent / "data" / "gdsr" / "rgbdd"


def test_run_at_scale_equals_the_model_built_at_that_scale():
    torch.manual_seed(0)
    shared = D2A2(scale=4).eval()
    for scale in (8, 16):
        ref = D2A2(scale=scale).eval()
        ref.load_state_dict(shared.state_dict())
        lr, guide = torch.rand(1, 1, 64 // scale, 64 // scale), torch.rand(1, 3, 64, 64)
        with torch.no_grad():
            assert torch.equal(campaign.run_at_scale(shared, scale, lr, guide), ref(lr, guide))


def test_crop_sampler_batches_follow_the_protocol():
    sampler = campaign.CropSampler(RGBDDDataset(data_root=SAMPLE, pipeline=[]), crop=48)
    lr, guide, gt = sampler.batch(3, scale=16)
    assert lr.shape == (3, 1, 3, 3) and guide.shape == (3, 3, 48, 48) and gt.shape == (3, 1, 48, 48)
    # HR min-max per crop: every ground-truth crop spans exactly [0, 1]
    assert torch.allclose(gt.amin(dim=(1, 2, 3)), torch.zeros(3))
    assert torch.allclose(gt.amax(dim=(1, 2, 3)), torch.ones(3))
    assert 0.0 <= float(guide.min()) and float(guide.max()) <= 1.0


def test_ema_warm_up_then_fixed_decay():
    avg = campaign.ema_fn(0.99)
    a, c = torch.zeros(1), torch.ones(1)
    assert float(avg(a, c, torch.tensor(0))) == pytest.approx(0.9)  # decay 1/10 at first
    assert float(avg(a, c, torch.tensor(10_000))) == pytest.approx(0.01)  # then 0.99


def test_save_and_resume_restore_every_counter(tmp_path):
    args = campaign.parse_args(["--work-dir", str(tmp_path), "--resume", "--batch", "2",
                                "--crop", "32", "--scales", "4", "8"])
    sampler = campaign.CropSampler(RGBDDDataset(data_root=SAMPLE, pipeline=[]), crop=32)
    first = campaign.Campaign(args)
    assert "from scratch" in first.restore()
    for _ in range(2):
        first.step(sampler)
    first.best = {4: 1.5}
    first.save()
    second = campaign.Campaign(args)
    assert "resumed" in second.restore()
    assert second.iter == 2 and second.best == {4: 1.5}
    for key, value in first.ema.state_dict().items():
        assert torch.equal(value, second.ema.state_dict()[key]), key
    assert second.opt.state_dict()["state"].keys() == first.opt.state_dict()["state"].keys()
