"""RefSRDataset on the real TTSR demo pair; RefSR transforms."""

from pathlib import Path

import numpy as np
import pytest

from xmodal.datasets.refsr import CropRefSR, MakeLRBicubicRGB, PackRefSRInputs, RefSRDataset

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_root(real_data_dir) -> Path:
    return real_data_dir("refsr", "ttsr_demo")


def test_demo_self_supervised_item(demo_root):
    ds = RefSRDataset(data_root=demo_root, scale=4, hr_dir="ref", ref_dir="ref", pipeline=[
        dict(type="CropRefSR", hr_size=32, ref_size=48, max_shift=8),
        dict(type="MakeLRBicubicRGB"), dict(type="PackRefSRInputs")], num_repeats=3)
    assert len(ds) == 3
    item = ds[0]
    assert item["inputs"]["lr"].shape == (3, 8, 8)
    assert item["inputs"]["ref"].shape == (3, 48, 48)
    assert item["data_samples"].gt_img.shape == (3, 32, 32)


def test_ann_file_and_real_lr(demo_root, tmp_path):
    (tmp_path / "pairs.txt").write_text(f"{demo_root}/ref/0.png {demo_root}/ref/0.png\n")
    ds = RefSRDataset(data_root=tmp_path, ann_file="pairs.txt", pipeline=[])
    assert ds[0]["hr"].shape == (500, 370, 3)
    real = PackRefSRInputs()(dict(lr=ds[0]["hr"][:125, :88], ref=ds[0]["ref"], scale=4))
    assert "gt_img" not in real["data_samples"] and real["inputs"]["lr"].shape == (3, 125, 88)
    (tmp_path / "bad.txt").write_text("only_one_path\n")
    with pytest.raises(ValueError, match="HR_PATH REF_PATH"):
        RefSRDataset(data_root=tmp_path, ann_file="bad.txt")


def test_crop_fixed_and_errors():
    img = np.arange(40 * 40 * 3, dtype=np.uint8).reshape(40, 40, 3)
    res = CropRefSR(8, 16, hr_origin=(4, 4), ref_shift=(30, 0))(dict(hr=img, ref=img, scale=4))
    assert np.array_equal(res["hr"], img[4:12, 4:12])
    assert np.array_equal(res["ref"], img[24:40, 4:20])   # shift clipped inside the image
    with pytest.raises(ValueError, match="multiples"):
        CropRefSR(6, 16)(dict(hr=img, ref=img, scale=4))
    with pytest.raises(ValueError, match="multiple"):
        MakeLRBicubicRGB()(dict(hr=img[:10], scale=4))
