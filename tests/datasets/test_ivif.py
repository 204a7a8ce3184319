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


def _write_pair(root: Path, name: str, ir: np.ndarray, vis: np.ndarray) -> None:
    from PIL import Image

    (root / "ir").mkdir(parents=True, exist_ok=True)
    (root / "vi").mkdir(parents=True, exist_ok=True)
    Image.fromarray(ir).save(root / "ir" / f"{name}.png")
    Image.fromarray(vis).save(root / "vi" / f"{name}.png")


def test_16bit_ir_is_scaled_by_its_bit_depth(tmp_path):
    ir = np.full((8, 8), 40000, np.uint16)
    ir[0, 0] = 65535
    _write_pair(tmp_path, "a", ir, np.zeros((8, 8, 3), np.uint8))
    got = IVIFDataset(data_root=tmp_path)[0]["inputs"]["ir"]
    assert got.shape == (1, 8, 8)
    assert float(got[0, 1, 1]) == pytest.approx(40000 / 65535)  # not saturated at 255
    assert float(got.max()) == 1.0


def test_rgba_visible_is_refused_unless_drop_alpha(tmp_path):
    vis = np.full((8, 8, 4), 100, np.uint8)
    _write_pair(tmp_path, "a", np.zeros((8, 8), np.uint8), vis)
    with pytest.raises(ValueError, match="RGBA.*drop_alpha"):
        IVIFDataset(data_root=tmp_path)[0]
    got = IVIFDataset(data_root=tmp_path, drop_alpha=True)[0]["inputs"]["vis"]
    assert got.shape == (3, 8, 8) and float(got.max()) == pytest.approx(100 / 255)


def test_grey_visible_reads_as_three_equal_channels(tmp_path):
    _write_pair(tmp_path, "a", np.zeros((8, 8), np.uint8), np.full((8, 8), 7, np.uint8))
    vis = IVIFDataset(data_root=tmp_path)[0]["inputs"]["vis"]
    assert vis.shape == (3, 8, 8) and bool((vis == 7 / 255).all())


def test_split_lists_hold_no_test_frame():
    from xmodal.datasets.ivif_splits import (
        ROADSCENE_NAMES,
        SPLITS,
        TEST_SPLIT_FRAMES,
        VIF_BENCHMARK_TEST,
        VIF_BENCHMARK_VAL,
    )

    assert len(VIF_BENCHMARK_VAL) == 8
    assert TEST_SPLIT_FRAMES == {"17", "21", "36", "108", "FLIR_06570"}
    assert set(VIF_BENCHMARK_TEST) == TEST_SPLIT_FRAMES - {"FLIR_06570"}
    assert not set(VIF_BENCHMARK_VAL) & TEST_SPLIT_FRAMES
    assert TEST_SPLIT_FRAMES <= SPLITS["train"] and set(VIF_BENCHMARK_VAL) <= SPLITS["train"]
    assert {ROADSCENE_NAMES["049"], ROADSCENE_NAMES["175"]} <= SPLITS["train"]
    assert set(VIF_BENCHMARK_VAL) <= SPLITS["test"] and not TEST_SPLIT_FRAMES & SPLITS["test"]


@pytest.mark.parametrize("split,name", [("train", "17"), ("train", "FLIR_06570"),
                                        ("train", "049"), ("train", "FLIR_08835")])
def test_a_split_refuses_a_held_out_frame(tmp_path, split, name):
    for n in ("x", name):
        _write_pair(tmp_path, n, np.zeros((4, 4), np.uint8), np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match=name):
        IVIFDataset(data_root=tmp_path, split=split)


def test_val_split_is_the_eight_pairs(ivif_root):
    ds = IVIFDataset(data_root=ivif_root, split="val")
    names = [ds.get_data_info(i)["img_name"] for i in range(len(ds))]
    assert names == ["00537D", "00556D", "00633D", "00858N", "00881N", "01023N", "049", "175"]
    with pytest.raises(ValueError, match="split must be one of"):
        IVIFDataset(data_root=ivif_root, split="trainval")


def test_test_split_is_the_four_test_split_frames(ivif_root):
    ds = IVIFDataset(data_root=ivif_root, split="test")
    assert [ds.get_data_info(i)["img_name"] for i in range(len(ds))] == ["108", "17", "21", "36"]


def test_a_fixed_list_needs_all_its_pairs(tmp_path):
    _write_pair(tmp_path, "17", np.zeros((4, 4), np.uint8), np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(FileNotFoundError, match=r"test pairs \['108', '21', '36'\] missing"):
        IVIFDataset(data_root=tmp_path, split="test")


def test_roadscene_train_split(real_data_dir):
    from xmodal.datasets.ivif_splits import SPLITS

    root = real_data_dir("ivif", "roadscene_train")
    ds = IVIFDataset(data_root=root, split="train", pipeline=[
        dict(type="RandomCropIVIF", size=64), dict(type="PackIVIFInputs")])
    names = {ds.get_data_info(i)["img_name"] for i in range(len(ds))}
    assert len(names) == 169 and not names & SPLITS["train"]
    item = ds[0]
    assert item["inputs"]["ir"].shape == (1, 64, 64) and item["inputs"]["vis"].shape == (3, 64, 64)


def test_16bit_ir_saved_as_rgb_is_refused_not_reduced(tmp_path):
    """A 16-bit IR stored as a 48-bit RGB PNG: Pillow hands over its top 8 bits only."""
    from unfaithful_images import png_rgb16

    _write_pair(tmp_path, "a", np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.uint8))
    png_rgb16(tmp_path / "ir" / "a.png", np.full((8, 8, 3), 40000, np.uint16))
    with pytest.raises(ValueError, match=r"a\.png stores 16-bit channels.*16-bit grey"):
        IVIFDataset(data_root=tmp_path)[0]


def test_16bit_rgb_visible_is_refused_not_reduced(tmp_path):
    from unfaithful_images import png_rgb16

    _write_pair(tmp_path, "a", np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.uint8))
    png_rgb16(tmp_path / "vi" / "a.png", np.full((8, 8, 3), 40000, np.uint16))
    with pytest.raises(ValueError, match=r"vis: .*a\.png stores 16-bit channels"):
        IVIFDataset(data_root=tmp_path)[0]


def test_exif_rotated_visible_is_refused(tmp_path):
    from unfaithful_images import exif_rotated_jpeg

    _write_pair(tmp_path, "a", np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "vi" / "a.png").unlink()
    exif_rotated_jpeg(tmp_path / "vi" / "a.jpg", np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match=r"a\.jpg has EXIF orientation 6"):
        IVIFDataset(data_root=tmp_path)[0]


def test_appledouble_files_are_ignored(tmp_path):
    _write_pair(tmp_path, "a", np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "ir" / "._a.png").write_bytes(b"\x00\x05\x16\x07 resource fork")
    (tmp_path / "vi" / "._b.png").write_bytes(b"\x00\x05\x16\x07 resource fork")
    ds = IVIFDataset(data_root=tmp_path)
    assert len(ds) == 1 and ds[0]["data_samples"].img_name == "a"
