"""Dataset tests on the real files (shared data) and on the embedded sample."""

from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement
from PIL import Image

from xmodal.datasets import (
    FolderPairGDSRDataset,
    LuDataset,
    MiddleburyDataset,
    NYUv2Dataset,
    RGBDDDataset,
)
from xmodal.datasets.paths import EMBEDDED_DATA
from xmodal.datasets.protocol import make_lr_bicubic
from xmodal.registry import DATASETS

EMBEDDED_GDSR = EMBEDDED_DATA / "gdsr"


def _check_contract(item, scale):
    guide, lr = item["inputs"]["guide"], item["inputs"]["lr"]
    sample = item["data_samples"]
    assert isinstance(sample, BaseDataElement)
    gt = sample.gt_depth
    _, h, w = guide.shape
    assert guide.shape[0] == 3 and guide.dtype == torch.float32
    assert 0.0 <= guide.min() and guide.max() <= 1.0
    assert gt.shape == (1, h, w) and lr.shape == (1, h // scale, w // scale)
    assert h % scale == 0 and w % scale == 0
    assert gt.min() == 0.0 and gt.max() == 1.0
    assert sample.scale == scale
    return guide, lr, gt, sample


@pytest.mark.parametrize("scale", [4, 8, 16])
def test_middlebury_real(gdsr_root, scale):
    ds = MiddleburyDataset(data_root=gdsr_root / "middlebury", scale=scale)
    assert len(ds) == 30
    item = ds[0]
    guide, lr, gt, s = _check_contract(item, scale)
    assert s.img_name == "Middlebury_01"  # the image id guide and depth share
    assert (s.unit, s.unit_scale, s.border, s.dataset) == ("8bit", 1.0, 0, "middlebury")
    # 427x370 -> mod-crop keeps the top-left
    raw = np.asarray(Image.open(gdsr_root / "middlebury/depth/Middlebury_01_output_depth.png"))
    h, w = gt.shape[-2:]
    assert (h, w) == (370 // scale * scale, 427 // scale * scale)
    denorm = gt[0].numpy() * (s.depth_max - s.depth_min) + s.depth_min
    np.testing.assert_allclose(denorm, raw[:h, :w], atol=1e-4)
    rgb = np.asarray(Image.open(gdsr_root / "middlebury/rgb/Middlebury_01_output_color.png"))
    np.testing.assert_allclose(guide.permute(1, 2, 0).numpy() * 255, rgb[:h, :w], atol=1e-3)
    # LR = PIL bicubic of the mod-cropped HR, normalised with the HR min/max
    lr_ref = make_lr_bicubic(raw[:h, :w].astype(np.float32), scale)
    np.testing.assert_allclose(lr[0].numpy(), (lr_ref - s.depth_min) / (s.depth_max - s.depth_min),
                               atol=1e-6)


def test_rgbdd_real_units_and_pairing(gdsr_root):
    ds = RGBDDDataset(data_root=gdsr_root / "rgbdd", scale=8)
    assert len(ds) == 405
    names = [ds.get_data_info(i)["img_name"] for i in range(len(ds))]
    assert names == sorted(names)
    info = ds.get_data_info(17)
    assert Path(info["guide_path"]).name == names[17] + "_RGB.jpg"
    assert Path(info["depth_path"]).name == names[17] + "_HR_gt.png"
    item = ds[17]
    _, _, gt, s = _check_contract(item, 8)
    assert gt.shape == (1, 384, 512)
    assert (s.unit, s.unit_scale, s.border) == ("cm", 0.1, 0)
    raw = np.asarray(Image.open(info["depth_path"])).astype(np.float32)  # 16-bit mm
    assert s.depth_min == raw.min() and s.depth_max == raw.max()  # zeros kept in the min/max
    assert 100 < s.depth_max < 20000  # millimetres


def test_rgbdd_zeros_kept():
    # frames 5, 6, 7 of the (sorted) set have invalid zero pixels: they stay (no mask)
    ds = RGBDDDataset(data_root=EMBEDDED_GDSR / "rgbdd", scale=4)
    for i in (5, 6, 7):
        s = ds[i]["data_samples"]
        assert s.depth_min == 0.0
        raw = np.asarray(Image.open(ds.get_data_info(i)["depth_path"]))
        n_zero = int((raw == 0).sum())
        assert n_zero > 0 and int((s.gt_depth == 0).sum()) == n_zero


def test_nyuv2_samples(gdsr_root):
    ds = NYUv2Dataset(data_root=gdsr_root / "nyuv2_samples", scale=4, split="test")
    assert [ds.get_data_info(i)["img_name"] for i in range(len(ds))] == ["1000", "1001", "1002"]
    item = ds[1]
    _, _, gt, s = _check_contract(item, 4)
    assert gt.shape == (1, 480, 640)
    assert (s.unit, s.unit_scale, s.border) == ("cm", 100.0, 6)
    raw = np.load(gdsr_root / "nyuv2_samples/Depth/1001.npy")
    assert s.depth_min == pytest.approx(float(raw.min())) and 0.3 < s.depth_max < 11  # metres
    for split in ("train", "val", "trainval"):  # the sample holds 3 test frames only
        with pytest.raises(ValueError, match=f"no frame of split '{split}'"):
            NYUv2Dataset(data_root=gdsr_root / "nyuv2_samples", scale=4, split=split)
    with pytest.raises(ValueError, match="split must be one of"):
        NYUv2Dataset(data_root=gdsr_root / "nyuv2_samples", scale=4, split="validation")


def test_nyuv2_mat_layout(tmp_path):
    h5py = pytest.importorskip("h5py")
    # a 1449-frame stand-in with the HDF5 axis order of nyu_depth_v2_labeled.mat
    rng = np.random.default_rng(0)
    n, H, W = 1449, 16, 24
    with h5py.File(tmp_path / "nyu_depth_v2_labeled.mat", "w") as f:
        imgs = f.create_dataset("images", (n, 3, W, H), dtype="uint8")
        deps = f.create_dataset("depths", (n, W, H), dtype="float32")
        img = rng.integers(0, 255, (H, W, 3), dtype=np.uint8)
        dep = rng.uniform(0.5, 5, (H, W)).astype(np.float32)
        imgs[1000] = img.transpose(2, 1, 0)
        deps[1000] = dep.T
    ds = NYUv2Dataset(data_root=tmp_path, scale=4, split="test")
    assert len(ds) == 449
    guide, depth = ds.load_pair(ds.get_data_info(0))
    np.testing.assert_array_equal(guide, img)
    np.testing.assert_array_equal(depth, dep)
    sizes = {split: NYUv2Dataset(data_root=tmp_path, scale=4, split=split)
             for split in ("train", "val", "trainval")}
    assert {k: len(v) for k, v in sizes.items()} == {"train": 950, "val": 50, "trainval": 1000}
    assert [sizes["val"].get_data_info(i)["index"] for i in (0, 49)] == [950, 999]
    # validation is evaluated like the test split: test pipeline, test_mode; trainval trains
    assert sizes["val"].test_mode and not sizes["train"].test_mode
    assert not sizes["trainval"].test_mode
    assert [type(t).__name__ for t in sizes["val"].pipeline.transforms] == \
        [type(t).__name__ for t in ds.pipeline.transforms]
    assert type(sizes["trainval"].pipeline.transforms[0]).__name__ == "RandomCropPair"


def test_registry_builds_and_embedded_default(monkeypatch, tmp_path):
    monkeypatch.delenv("XMODAL_DATA", raising=False)
    ds = DATASETS.build(dict(type="MiddleburyDataset", scale=4))
    assert Path(ds.data_root) == EMBEDDED_GDSR / "middlebury" and len(ds) == 6
    assert len(NYUv2Dataset()) == 3 and len(RGBDDDataset(scale=16)) == 12


def test_indices_beyond_the_folder_are_refused():
    root = EMBEDDED_GDSR / "rgbdd"  # 12 frames, where a recipe's split counts 405
    with pytest.raises(ValueError, match=r"indices ask for frame 12 but .*rgbdd holds 12 frames"):
        RGBDDDataset(data_root=root, indices=list(range(365)))
    with pytest.raises(ValueError, match="indices ask for frame 40 "):
        RGBDDDataset(data_root=root, indices=40)  # no silent truncation to 12
    assert len(RGBDDDataset(data_root=root, indices=[0, -1])) == 2
    assert len(RGBDDDataset(data_root=root, indices=-12)) == 12


def test_missing_root_errors(monkeypatch, tmp_path):
    monkeypatch.setenv("XMODAL_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="nowhere.*Expected layout"):
        MiddleburyDataset()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        LuDataset(data_root=tmp_path / "lu")
    with pytest.raises(ValueError, match="scale"):
        MiddleburyDataset(data_root=EMBEDDED_GDSR / "middlebury", scale=3)
    with pytest.raises(ValueError, match="split"):
        MiddleburyDataset(data_root=EMBEDDED_GDSR / "middlebury", split="train")


def test_unpaired_files_raise(tmp_path):
    for sub in ("rgb", "depth"):
        (tmp_path / sub).mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "rgb" / "a_color.png")
    Image.new("RGB", (8, 8)).save(tmp_path / "rgb" / "b_color.png")
    Image.new("L", (8, 8)).save(tmp_path / "depth" / "a_depth.png")
    Image.new("L", (8, 8)).save(tmp_path / "depth" / "c_depth.png")
    with pytest.raises(ValueError, match="do not pair up"):
        LuDataset(data_root=tmp_path)


def test_folder_pair_generic(tmp_path):
    for sub in ("guides", "depths"):
        (tmp_path / sub).mkdir()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (35, 41, 3), dtype=np.uint8)).save(
        tmp_path / "guides" / "x.png")
    Image.fromarray(rng.integers(1, 4000, (35, 41)).astype(np.uint16)).save(
        tmp_path / "depths" / "x.png")
    ds = FolderPairGDSRDataset(data_root=tmp_path, scale=8, guide_dir="guides",
                               depth_dir="depths", unit_scale=0.1, unit="cm",
                               dataset_name="toy")
    _, lr, gt, s = _check_contract(ds[0], 8)
    assert gt.shape == (1, 32, 40) and lr.shape == (1, 4, 5)
    assert (s.dataset, s.unit, s.unit_scale) == ("toy", "cm", 0.1)
    with pytest.raises(ValueError, match="data_root"):
        FolderPairGDSRDataset()


def test_train_split_pipeline_crops(gdsr_root):
    np.random.seed(0)
    ds = NYUv2Dataset(data_root=gdsr_root / "nyuv2_samples", scale=8, split="test",
                      pipeline=[dict(type="RandomCropPair", size=256), dict(type="MakeLRDepth"),
                                dict(type="RandomFlipTranspose"), dict(type="PackGDSRInputs")])
    item = ds[0]
    assert item["inputs"]["guide"].shape == (3, 256, 256)
    assert item["inputs"]["lr"].shape == (1, 32, 32)
