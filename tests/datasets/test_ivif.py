"""IVIFDataset on the real VIF-Benchmark pairs; IVIF transforms."""

from pathlib import Path

import numpy as np
import pytest

from xmodal.datasets.ivif import IVIFDataset, PackIVIFInputs, RandomCropIVIF, RandomFlipIVIF

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ivif_root(real_data_dir) -> Path:
    return real_data_dir("ivif", "vif_benchmark")


def test_real_pairs_load(ivif_root):
    ds = IVIFDataset(data_root=ivif_root)
    assert len(ds) == 12
    item = ds[0]
    ir, vis = item["inputs"]["ir"], item["inputs"]["vis"]
    assert ir.shape[0] == 1 and vis.shape[0] == 3 and ir.shape[1:] == vis.shape[1:]
    assert 0 <= float(ir.min()) and float(vis.max()) <= 1 and float(vis.max()) > 0.5
    assert item["data_samples"].img_name == "00537D"


def test_train_pipeline(ivif_root):
    ds = IVIFDataset(data_root=ivif_root, pipeline=[
        dict(type="RandomCropIVIF", size=32), dict(type="RandomFlipIVIF"),
        dict(type="PackIVIFInputs")])
    item = ds[3]
    assert item["inputs"]["ir"].shape == (1, 32, 32)
    assert item["inputs"]["vis"].shape == (3, 32, 32)


def test_transform_errors(tmp_path):
    res = dict(ir=np.zeros((8, 8), np.uint8), vis=np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match="larger"):
        RandomCropIVIF(16)(dict(res))
    with pytest.raises(TypeError):
        PackIVIFInputs()(dict(ir=np.zeros((8, 8)), vis=res["vis"]))
    with pytest.raises(ValueError):
        RandomFlipIVIF(prob=2)
    with pytest.raises(FileNotFoundError, match="ir/"):
        IVIFDataset(data_root=tmp_path)
