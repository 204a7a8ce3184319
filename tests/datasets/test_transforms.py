"""Tests of the GDSR transforms: crops, flips/transposes, LR making, packing."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from mmengine.dataset import Compose

from xmodal.datasets import (
    MakeLRDepth,
    ModCrop,
    PackGDSRInputs,
    RandomCropPair,
    RandomFlipTranspose,
)
from xmodal.datasets.protocol import make_lr_bicubic
from xmodal.registry import TRANSFORMS


def _results(h=64, w=48, scale=4, seed=0):
    rng = np.random.default_rng(seed)
    depth = rng.uniform(0.5, 5.0, (h, w)).astype(np.float32)
    # the guide encodes the depth position so that we can check alignment
    guide = np.stack([np.arange(h * w).reshape(h, w) % 256,
                      (np.arange(h * w).reshape(h, w) // 256) % 256,
                      np.zeros((h, w))], axis=-1).astype(np.uint8)
    return dict(guide=guide, hr_depth=depth, scale=scale, unit_scale=100.0, unit="cm",
                border=6, img_name="x", dataset="toy")


def test_mod_crop_transform():
    r = ModCrop()(_results(h=70, w=45, scale=8))
    assert r["hr_depth"].shape == (64, 40) and r["guide"].shape == (64, 40, 3)


@given(seed=st.integers(0, 1000), size=st.sampled_from([16, 32]))
def test_random_crop_same_place_and_size(seed, size):
    r0 = _results(h=70, w=50, scale=16)
    np.random.seed(seed)
    r = RandomCropPair(size=size)(dict(r0))
    y0, x0 = r["crop_top_left"]
    assert r["hr_depth"].shape == (size, size) and r["guide"].shape == (size, size, 3)
    np.testing.assert_array_equal(r["hr_depth"], r0["hr_depth"][y0:y0 + size, x0:x0 + size])
    np.testing.assert_array_equal(r["guide"], r0["guide"][y0:y0 + size, x0:x0 + size])


def test_random_crop_reproducible_with_numpy_seed():
    np.random.seed(3)
    a = RandomCropPair(16)(_results(h=70, w=50))["crop_top_left"]
    np.random.seed(3)
    b = RandomCropPair(16)(_results(h=70, w=50))["crop_top_left"]
    assert a == b


def test_random_crop_errors():
    with pytest.raises(ValueError, match="multiple of scale"):
        RandomCropPair(20)(_results(scale=8))
    with pytest.raises(ValueError, match="smaller"):
        RandomCropPair(128)(_results())
    with pytest.raises(ValueError, match="size"):
        RandomCropPair(0)


def test_make_lr_depth_frame_range_keeps_a_crop_in_its_frame_range():
    results = _results(h=64, w=48, scale=4)
    depth = results["hr_depth"].copy()
    depth[:16, :16] = 1000.0  # a far corner: the frame's range is much wider than a crop's
    results["hr_depth"] = depth
    np.random.seed(3)
    cropped = RandomCropPair(16)(results)
    assert cropped["frame_depth_range"] == (float(depth.min()), 1000.0)
    crop = cropped["hr_depth"].copy()
    out = MakeLRDepth(range_from="frame")(dict(cropped))
    lo, hi = float(depth.min()), 1000.0
    np.testing.assert_allclose(out["gt_depth"], (crop - lo) / (hi - lo), rtol=1e-5)
    np.testing.assert_allclose(out["lr_depth"], (make_lr_bicubic(crop, 4) - lo) / (hi - lo),
                               rtol=1e-4, atol=1e-6)
    assert (out["depth_min"], out["depth_max"]) == (lo, hi)
    own = MakeLRDepth()(dict(cropped))  # the protocol: the crop's own min/max
    assert own["gt_depth"].min() == 0.0 and own["gt_depth"].max() == 1.0
    with pytest.raises(KeyError, match="frame_depth_range"):
        MakeLRDepth(range_from="frame")(_results())
    with pytest.raises(ValueError, match="range_from"):
        MakeLRDepth(range_from="crop")
    assert repr(MakeLRDepth("frame")) == "MakeLRDepth(range_from='frame')"


def test_make_lr_depth_uses_hr_minmax():
    r = MakeLRDepth()(_results())
    hr = _results()["hr_depth"]
    dmin, dmax = hr.min(), hr.max()
    assert (r["depth_min"], r["depth_max"]) == (float(dmin), float(dmax))
    np.testing.assert_allclose(r["gt_depth"], (hr - dmin) / (dmax - dmin), rtol=1e-6)
    np.testing.assert_allclose(r["lr_depth"],
                               (make_lr_bicubic(hr, 4) - dmin) / (dmax - dmin), rtol=1e-5)
    with pytest.raises(ValueError, match="ModCrop"):
        MakeLRDepth()(_results(h=66))


@pytest.mark.parametrize("flags", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)])
def test_flip_transpose_identical_on_all_keys(flags):
    r = MakeLRDepth()(_results(h=64, w=48))
    ref = {k: r[k].copy() for k in ("guide", "gt_depth", "lr_depth", "hr_depth")}
    out = RandomFlipTranspose(*map(float, flags))(r)
    assert out["flip"] == tuple(bool(f) for f in flags)
    for key, x in ref.items():
        if flags[0]:
            x = x[:, ::-1]
        if flags[1]:
            x = x[::-1]
        if flags[2]:
            x = np.swapaxes(x, 0, 1)
        np.testing.assert_array_equal(out[key], x)
    # guide and depth still aligned: the guide code at a pixel tells its original position
    code = out["guide"][..., 0].astype(int) + 256 * out["guide"][..., 1].astype(int)
    hr = ref["hr_depth"].reshape(-1)
    np.testing.assert_array_equal(out["hr_depth"], hr[code])


@given(seed=st.integers(0, 10_000))
def test_random_flip_consistent_lr_gt(seed):
    np.random.seed(seed)
    r = RandomFlipTranspose()(MakeLRDepth()(_results(h=32, w=16)))
    # whatever the draw, LR, HR and guide keep consistent shapes (transpose swaps all)
    assert r["lr_depth"].shape == (r["gt_depth"].shape[0] // 4, r["gt_depth"].shape[1] // 4)
    assert r["guide"].shape[:2] == r["gt_depth"].shape


def test_pack_contract():
    pipeline = Compose([TRANSFORMS.build(dict(type=t)) for t in
                        ("ModCrop", "MakeLRDepth", "PackGDSRInputs")])
    out = pipeline(_results(h=67, w=50, scale=8))
    g, lr, s = out["inputs"]["guide"], out["inputs"]["lr"], out["data_samples"]
    assert g.shape == (3, 64, 48) and g.dtype == torch.float32 and float(g.max()) <= 1.0
    assert lr.shape == (1, 8, 6) and s.gt_depth.shape == (1, 64, 48)
    for key in ("depth_min", "depth_max", "scale", "unit_scale", "unit", "border", "img_name",
                "dataset"):
        assert key in s.metainfo_keys()
    assert s.scale == 8 and s.border == 6
    with pytest.raises(KeyError, match="gt_depth"):
        PackGDSRInputs()(_results())
    bad = MakeLRDepth()(_results())
    bad["guide"] = bad["guide"].astype(np.float32)
    with pytest.raises(TypeError, match="uint8"):
        PackGDSRInputs()(bad)
