"""Training transforms: the hard-crop choice and the degraded LR."""

import numpy as np
import pytest

from xmodal.datasets import DegradeLRDepth, MakeLRDepth, RandomHardCropPair, bicubic_miss
from xmodal.datasets.protocol import make_lr_bicubic


def _frame(h=64, w=256):
    depth = np.full((h, w), 100.0, np.float32)
    depth[:, 200:] = 200.0  # one depth edge, in the right quarter only
    depth[0, 0] = 50.0
    guide = np.zeros((h, w, 3), np.uint8)
    return dict(hr_depth=depth, guide=guide, scale=4)


def test_hard_crop_keeps_the_crop_bicubic_misses_most():
    np.random.seed(0)
    out = RandomHardCropPair(size=32, candidates=16)(_frame())
    y0, x0 = out["crop_top_left"]
    assert x0 < 200 < x0 + 32  # the chosen crop holds the edge
    assert out["hr_depth"].shape == (32, 32) and out["guide"].shape == (32, 32, 3)
    assert out["frame_depth_range"] == (50.0, 200.0)


def test_hard_crop_score_is_zero_on_flat_depth_and_positive_on_an_edge():
    flat = np.full((32, 32), 7.0, np.float32)
    edge = flat.copy()
    edge[:, 17:] = 9.0
    assert bicubic_miss(flat, 4, 1.0) == pytest.approx(0.0, abs=1e-6)
    assert bicubic_miss(edge, 4, 2.0) > 0.01


def test_hard_crop_larger_than_the_frame_is_an_error_not_a_retry():
    with pytest.raises(ValueError, match="smaller than crop size 128"):
        RandomHardCropPair(size=128, candidates=4)(_frame())
    with pytest.raises(ValueError, match="candidates"):
        RandomHardCropPair(size=32, candidates=0)


def _lr_results(seed=0):
    np.random.seed(seed)
    r = MakeLRDepth()(dict(hr_depth=np.random.rand(32, 32).astype(np.float32) * 10, scale=4))
    return r


def test_degrade_is_the_identity_at_zero_strength():
    r = _lr_results()
    lr = r["lr_depth"].copy()
    assert np.array_equal(DegradeLRDepth()(r)["lr_depth"], lr)


def test_shift_remakes_the_lr_from_the_shifted_target():
    r = _lr_results()
    gt = r["gt_depth"].copy()
    np.random.seed(3)
    out = DegradeLRDepth(max_shift=4, shift_prob=1.0)(r)["lr_depth"]
    np.random.seed(3)
    np.random.rand()
    dy, dx = np.random.randint(-4, 5, size=2)
    pad = np.pad(gt, 4, mode="edge")
    shifted = pad[4 - dy:4 - dy + 32, 4 - dx:4 - dx + 32]
    np.testing.assert_allclose(out, make_lr_bicubic(shifted, 4), atol=1e-6)
    assert np.array_equal(r["gt_depth"], gt)  # the target is never changed


def test_noise_and_blur_change_the_lr_and_bad_strengths_are_refused():
    r = _lr_results()
    lr = r["lr_depth"].copy()
    assert not np.allclose(DegradeLRDepth(max_noise=0.05)(dict(r))["lr_depth"], lr)
    assert not np.allclose(DegradeLRDepth(max_blur=3.0)(dict(r, lr_depth=lr))["lr_depth"], lr)
    for kwargs, name in ((dict(max_shift=-1), "max_shift"), (dict(shift_prob=2.0), "shift_prob"),
                         (dict(max_blur=float("nan")), "max_blur"),
                         (dict(max_noise=-0.1), "max_noise")):
        with pytest.raises(ValueError, match=name):
            DegradeLRDepth(**kwargs)
    with pytest.raises(KeyError, match="gt_depth"):
        DegradeLRDepth()(dict(scale=4))
