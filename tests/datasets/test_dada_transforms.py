"""DADA preset transforms: LR by valid-pixel pooling, masks through flips, packing."""

import numpy as np
import pytest
import torch

from xmodal.datasets import DADA_DEPTH_STD_MM, MakeLRDepthDADA, PackDADAInputs
from xmodal.datasets.dada_transforms import DADATileCrop
from xmodal.datasets.transforms import RandomFlipTranspose
from xmodal.registry import TRANSFORMS


def _results(hr, scale=2):
    guide = np.zeros((*hr.shape, 3), np.uint8)
    return dict(guide=guide, hr_depth=hr, scale=scale, unit_scale=0.1, unit="cm", border=0,
                img_name="toy", dataset="toy")


def test_make_lr_and_pack_contract_masks_and_std():
    std = DADA_DEPTH_STD_MM["rgbdd"]
    hr = np.full((4, 4), 1000.0, np.float32)
    hr[0, 0] = 0.0  # invalid pixel
    hr[2:, 2:] = 0.0  # a whole invalid LR cell
    hr[2:, :2] = 2000.0
    out = PackDADAInputs()(MakeLRDepthDADA(depth_std=std)(_results(hr)))
    sample = out["data_samples"]
    lr, gt = out["inputs"]["lr"], sample.gt_depth
    assert lr.shape == (1, 2, 2) and gt.shape == (1, 4, 4) and out["inputs"]["guide"].shape == (
        3, 4, 4)
    expected_lr = np.array([[1000.0, 1000.0], [2000.0, 0.0]]) / std
    np.testing.assert_allclose(lr[0].numpy(), expected_lr, rtol=1e-6)
    assert sample.lr_valid.dtype == torch.bool
    assert sample.lr_valid[0].tolist() == [[True, True], [True, False]]
    assert not sample.gt_valid[0, 0, 0] and not sample.gt_valid[0, 3, 3]
    assert sample.gt_valid[0, 1, 1]
    assert gt[0, 0, 0] == 0.0 and gt[0, 2, 0] == pytest.approx(2000.0 / std)
    # contract: the min-max de-normalisation gives back file units
    assert (sample.depth_min, sample.depth_max) == (0.0, std)
    assert sample.preset == "dada" and sample.depth_std == std and sample.tile_top_left is None
    back = gt * (sample.depth_max - sample.depth_min) + sample.depth_min
    np.testing.assert_allclose(back[0][sample.gt_valid[0]].numpy(), hr[hr > 0], rtol=1e-6)


def test_masks_follow_flips_after_make_lr():
    hr = np.arange(1, 17, dtype=np.float32).reshape(4, 4)
    hr[0, 1] = 0.0
    results = MakeLRDepthDADA(depth_std=1.0)(_results(hr))
    results = RandomFlipTranspose(1.0, 1.0, 1.0)(results)  # flip both ways + transpose
    sample = PackDADAInputs()(results)["data_samples"]
    invalid = (~sample.gt_valid[0]).nonzero().tolist()
    assert invalid == [[2, 3]]  # (0, 1) -> hflip (0, 2) -> vflip (3, 2) -> transpose (2, 3)


def test_transforms_registered_and_errors():
    assert isinstance(TRANSFORMS.build(dict(type="MakeLRDepthDADA", depth_std=2.0)),
                      MakeLRDepthDADA)
    assert isinstance(TRANSFORMS.build(dict(type="PackDADAInputs")), PackDADAInputs)
    with pytest.raises(ValueError, match="depth_std"):
        MakeLRDepthDADA(depth_std=0.0)
    with pytest.raises(ValueError, match="no valid"):
        MakeLRDepthDADA(depth_std=1.0)(_results(np.zeros((4, 4), np.float32)))
    with pytest.raises(KeyError, match="MakeLRDepthDADA"):
        PackDADAInputs()(dict(_results(np.ones((4, 4), np.float32))))
    with pytest.raises(KeyError, match="tile_top_left"):
        DADATileCrop(4)(_results(np.ones((8, 8), np.float32)))
    with pytest.raises(ValueError, match="leaves"):
        DADATileCrop(4)(dict(_results(np.ones((8, 8), np.float32)), tile_top_left=(6, 0)))
