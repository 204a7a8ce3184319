"""Tests of the DADA preset: valid-pixel average pooling, std normalisation, tiles, packing."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from xmodal.datasets import DADA_DEPTH_STD_MM, DADATileDataset, MakeLRDepthDADA, PackDADAInputs
from xmodal.datasets.dada_protocol import avg_pool_valid, tile_origins
from xmodal.datasets.dada_transforms import DADATileCrop
from xmodal.datasets.transforms import RandomFlipTranspose
from xmodal.registry import DATASETS, TRANSFORMS


def test_avg_pool_valid_ignores_zeros_and_nans():
    d = np.array([[1, 3, 0, 0],
                  [0, 5, 0, np.nan],
                  [2, 2, 4, 4],
                  [2, 2, 4, 8]], np.float32)
    lr = avg_pool_valid(d, 2)
    assert lr[0, 0] == pytest.approx(3.0)  # (1 + 3 + 5) / 3: the zero is left out
    assert np.isnan(lr[0, 1])  # no valid pixel in the cell
    assert lr[1, 0] == pytest.approx(2.0) and lr[1, 1] == pytest.approx(5.0)
    assert avg_pool_valid(d, 2, zero_invalid=False)[0, 0] == pytest.approx(9 / 4)


@given(st.sampled_from([1, 2, 4]), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10**6))
def test_avg_pool_valid_equals_avg_pool2d_when_all_valid(scale, h, w, seed):
    d = np.random.default_rng(seed).uniform(0.5, 9.0, (h * scale, w * scale)).astype(np.float32)
    ref = F.avg_pool2d(torch.from_numpy(d)[None, None].double(), scale)[0, 0].numpy()
    np.testing.assert_allclose(avg_pool_valid(d, scale), ref, rtol=1e-6)


def test_avg_pool_valid_rejects_bad_input():
    with pytest.raises(ValueError, match="multiple"):
        avg_pool_valid(np.ones((5, 4), np.float32), 2)
    with pytest.raises(TypeError):
        avg_pool_valid(np.ones((4, 4), np.int32), 2)
    with pytest.raises(ValueError, match="scale"):
        avg_pool_valid(np.ones((4, 4), np.float32), 0)


def test_tile_origins_row_major_remainders_dropped():
    assert tile_origins(384, 512) == [(0, 0), (0, 256)]  # an RGB-D-D frame
    assert tile_origins(600, 300, 256) == [(0, 0), (256, 0)]
    assert tile_origins(255, 1000) == []


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


def test_tile_dataset_on_folder_pairs(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "rgb").mkdir()
    (tmp_path / "depth").mkdir()
    for name, (h, w) in (("a", (300, 520)), ("b", (256, 256))):
        Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(
            tmp_path / "rgb" / f"{name}.png")
        depth = rng.integers(500, 4000, (h, w)).astype(np.uint16)
        depth[:3, :3] = 0
        Image.fromarray(depth).save(tmp_path / "depth" / f"{name}.png")
    ds = DATASETS.build(dict(
        type="DADATileDataset", depth_std=500.0,
        dataset=dict(type="FolderPairGDSRDataset", data_root=str(tmp_path), scale=8,
                     unit_scale=0.1, unit="cm")))
    assert isinstance(ds, DADATileDataset) and ds.metainfo["preset"] == "dada"
    assert ds.tiles == [(0, 0, 0), (0, 0, 256), (1, 0, 0)]
    item = ds[1]
    sample = item["data_samples"]
    assert item["inputs"]["guide"].shape == (3, 256, 256)
    assert item["inputs"]["lr"].shape == (1, 32, 32)
    assert sample.tile_top_left == (0, 256) and sample.img_name == "a"
    hr = np.asarray(Image.open(tmp_path / "depth" / "a.png"), np.float32)[:256, 256:512]
    lr_ref = avg_pool_valid(hr, 8) / 500.0
    np.testing.assert_allclose(item["inputs"]["lr"][0].numpy(), lr_ref, rtol=1e-6)
    assert not ds[0]["data_samples"].gt_valid[0, :3, :3].any()
