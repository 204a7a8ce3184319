"""The GDSR test sets read as distributed (DCTNet's RawDatasets/, the RGB-D-D release).

Every layout is built in tmp_path from symlinks to the real files of the shared
data (nothing renamed on disk, only linked under the distributed names).
"""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from xmodal.datasets import LuDataset, MiddleburyDataset, NYUv2Dataset, RGBDDDataset
from xmodal.datasets.protocol import make_lr_bicubic, minmax_normalise, resize_bicubic_pil


def _link(dst: Path, src: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.symlink_to(src)


def raw_middlebury(gdsr: Path, root: Path) -> Path:
    """DCTNet's RawDatasets/Middlebury: RGB/ + Depth/, capitalised."""
    for src in sorted((gdsr / "middlebury" / "rgb").iterdir()):
        _link(root / "RGB" / src.name, src)
    for src in sorted((gdsr / "middlebury" / "depth").iterdir()):
        _link(root / "Depth" / src.name, src)
    return root


def raw_lu(gdsr: Path, root: Path, n: int = 6) -> Path:
    """A Lu-like folder as distributed (misspelt 'ouput' guides), from Middlebury files."""
    for k in range(1, n + 1):
        _link(root / "RGB" / f"RGBD_{k:02d}_ouput_color.png",
              gdsr / "middlebury" / "rgb" / f"Middlebury_{k:02d}_output_color.png")
        _link(root / "Depth" / f"RGBD_{k:02d}_output_depth.png",
              gdsr / "middlebury" / "depth" / f"Middlebury_{k:02d}_output_depth.png")
    return root


def raw_nyu(gdsr: Path, root: Path) -> Path:
    """DCTNet's RawDatasets/NYUDepthv2_Test: RGB/{i}.jpg + Depth/{i}.npy."""
    for sub in ("RGB", "Depth"):
        for src in sorted((gdsr / "nyuv2_samples" / sub).iterdir()):
            _link(root / sub / src.name, src)
    return root


def raw_rgbdd(gdsr: Path, root: Path, n: int | None = None) -> Path:
    """DCTNet's RawDatasets/RGBDD: RGB/<id>_RGB.jpg + Depth/<id>_HR_gt.png."""
    for src in sorted((gdsr / "rgbdd" / "rgb").iterdir())[:n]:
        _link(root / "RGB" / src.name, src)
    for src in sorted((gdsr / "rgbdd" / "depth").iterdir())[:n]:
        _link(root / "Depth" / src.name, src)
    return root


def release_rgbdd(gdsr: Path, root: Path) -> tuple[Path, list[str]]:
    """The official release layout, <cat>/<cat>_<split>/<id>/<id>_{RGB,HR_gt,LR_fill_depth}.

    The three real-scene frames (which have a real LR) go to the test split of
    the three categories; four synthetic-test frames (no LR) make a train split.
    """
    real = gdsr / "rgbdd_realscene"
    ids = sorted(p.name[: -len("_RGB.jpg")] for p in (real / "rgb").iterdir())
    for cat, i in zip(("models", "plants", "portraits"), ids):
        d = root / cat / f"{cat}_test" / i
        _link(d / f"{i}_RGB.jpg", real / "rgb" / f"{i}_RGB.jpg")
        _link(d / f"{i}_HR_gt.png", real / "depth_hr" / f"{i}_HR_gt.png")
        _link(d / f"{i}_LR_fill_depth.png", real / "depth_lr" / f"{i}_LR_fill_depth.png")
    train = [p.name[: -len("_RGB.jpg")] for p in sorted((gdsr / "rgbdd" / "rgb").iterdir())[:4]]
    for cat, i in zip(("models", "plants", "portraits", "portraits"), train):
        d = root / cat / f"{cat}_train" / i
        _link(d / f"{i}_RGB.jpg", gdsr / "rgbdd" / "rgb" / f"{i}_RGB.jpg")
        _link(d / f"{i}_HR_gt.png", gdsr / "rgbdd" / "depth" / f"{i}_HR_gt.png")
    return root, ids


def _same_items(a, b) -> None:
    assert len(a) == len(b)
    for i in range(len(a)):
        x, y = a[i], b[i]
        assert x["data_samples"].img_name == y["data_samples"].img_name
        for key in ("guide", "lr"):
            assert np.array_equal(x["inputs"][key].numpy(), y["inputs"][key].numpy())
        assert np.array_equal(x["data_samples"].gt_depth.numpy(),
                              y["data_samples"].gt_depth.numpy())


def test_middlebury_as_distributed_equals_project_layout(gdsr_root, tmp_path):
    raw = MiddleburyDataset(data_root=raw_middlebury(gdsr_root, tmp_path / "Middlebury"), scale=8)
    ours = MiddleburyDataset(data_root=gdsr_root / "middlebury", scale=8)
    assert len(raw) == 30
    assert [raw.get_data_info(i)["img_name"] for i in (0, 29)] == ["Middlebury_01",
                                                                    "Middlebury_30"]
    _same_items(raw, ours)


def test_lu_as_distributed_with_misspelling(gdsr_root, tmp_path):
    ds = LuDataset(data_root=raw_lu(gdsr_root, tmp_path / "Lu"), scale=4)
    assert [ds.get_data_info(i)["img_name"] for i in range(len(ds))] == [
        f"RGBD_{k:02d}" for k in range(1, 7)]
    info = ds.get_data_info(2)
    assert Path(info["guide_path"]).name == "RGBD_03_ouput_color.png"
    assert Path(info["depth_path"]).name == "RGBD_03_output_depth.png"
    item = ds[2]["data_samples"]
    raw = np.asarray(Image.open(info["depth_path"])).astype(np.float32)
    h, w = raw.shape[0] // 4 * 4, raw.shape[1] // 4 * 4  # the protocol's mod-crop
    assert (item.depth_min, item.depth_max) == (raw[:h, :w].min(), raw[:h, :w].max())


def test_lu_unpaired_files_are_listed(gdsr_root, tmp_path):
    root = raw_lu(gdsr_root, tmp_path / "Lu", n=3)
    (root / "Depth" / "RGBD_02_output_depth.png").unlink()
    _link(root / "Depth" / "RGBD_09_output_depth.png",
          gdsr_root / "middlebury" / "depth" / "Middlebury_09_output_depth.png")
    with pytest.raises(ValueError, match="do not pair up") as err:
        LuDataset(data_root=root)
    assert "RGBD_02_ouput_color.png" in str(err.value)
    assert "RGBD_09_output_depth.png" in str(err.value)


def test_nyu_as_distributed(gdsr_root, tmp_path):
    root = raw_nyu(gdsr_root, tmp_path / "NYUDepthv2_Test")
    ds = NYUv2Dataset(data_root=root, scale=8, split="test")
    _same_items(ds, NYUv2Dataset(data_root=gdsr_root / "nyuv2_samples", scale=8))
    (root / "RGB").rename(root / "rgb")  # lower case works as well
    assert len(NYUv2Dataset(data_root=root, scale=8)) == 3
    (root / "Depth" / "1001.npy").unlink()
    with pytest.raises(FileNotFoundError, match=r"no partner.*1001\.jpg"):
        NYUv2Dataset(data_root=root, scale=8)


def test_rgbdd_flat_as_distributed(gdsr_root, tmp_path):
    raw = RGBDDDataset(data_root=raw_rgbdd(gdsr_root, tmp_path / "RGBDD"), scale=4)
    ours = RGBDDDataset(data_root=gdsr_root / "rgbdd", scale=4)
    assert len(raw) == len(ours) == 405
    assert raw.get_data_info(17)["img_name"] == Path(ours.get_data_info(17)["guide_path"]).name[:14]
    _same_items(RGBDDDataset(data_root=tmp_path / "RGBDD", scale=4, indices=[0, 200]),
                RGBDDDataset(data_root=gdsr_root / "rgbdd", scale=4, indices=[0, 200]))
    with pytest.raises(ValueError, match="test split only"):
        RGBDDDataset(data_root=tmp_path / "RGBDD", split="train")


def test_rgbdd_release_layout_synthetic_splits(gdsr_root, tmp_path):
    root, ids = release_rgbdd(gdsr_root, tmp_path / "RGB-D-D")
    test = RGBDDDataset(data_root=root, scale=4, split="test")
    assert [test.get_data_info(i)["img_name"] for i in range(len(test))] == ids
    item = test[0]["data_samples"]
    hr = np.asarray(Image.open(test.get_data_info(0)["depth_path"])).astype(np.float32)
    assert (item.depth_min, item.depth_max) == (hr.min(), hr.max())  # synthetic: HR min/max
    lr = make_lr_bicubic(hr, 4)
    np.testing.assert_allclose(test[0]["inputs"]["lr"][0].numpy(),
                               minmax_normalise(lr, hr.min(), hr.max()), atol=1e-6)
    train = RGBDDDataset(data_root=root, scale=4, split="train", pipeline=[])
    assert len(train) == 4
    assert len(RGBDDDataset(data_root=root, split="test", categories=("plants",))) == 1
    with pytest.raises(FileNotFoundError, match="lights"):
        RGBDDDataset(data_root=root, categories=("models", "lights"))


def test_rgbdd_real_lr_release_equals_flat_realscene(gdsr_root, tmp_path):
    root, ids = release_rgbdd(gdsr_root, tmp_path / "RGB-D-D")
    rel = RGBDDDataset(data_root=root, scale=4, lr_source="real")
    flat = RGBDDDataset(data_root=gdsr_root / "rgbdd_realscene", scale=4, lr_source="real")
    _same_items(rel, flat)
    info = rel.get_data_info(1)
    assert Path(info["lr_path"]).name == f"{ids[1]}_LR_fill_depth.png"
    real = np.asarray(Image.open(info["lr_path"])).astype(np.float32)
    hr = np.asarray(Image.open(info["depth_path"])).astype(np.float32)
    assert real.shape == (144, 192) and hr.shape == (384, 512)
    item = rel[1]
    lr = resize_bicubic_pil(real, (96, 128))  # SGNet: PIL bicubic to (W // s, H // s)
    s = item["data_samples"]
    assert (s.depth_min, s.depth_max) == (lr.min(), lr.max())  # normalised with the LR's own
    np.testing.assert_allclose(item["inputs"]["lr"][0].numpy(),
                               minmax_normalise(lr, lr.min(), lr.max()), atol=1e-6)
    back = s.gt_depth[0].numpy() * (s.depth_max - s.depth_min) + s.depth_min
    np.testing.assert_allclose(back, hr, atol=1e-2)  # de-normalisation gives back the mm HR
    with pytest.raises(ValueError, match="split='test' only"):
        RGBDDDataset(data_root=root, split="train", lr_source="real")


def test_rgbdd_release_missing_lr_is_listed(gdsr_root, tmp_path):
    root, ids = release_rgbdd(gdsr_root, tmp_path / "RGB-D-D")
    (root / "plants" / "plants_test" / ids[1] / f"{ids[1]}_LR_fill_depth.png").unlink()
    assert len(RGBDDDataset(data_root=root)) == 3  # synthetic LR does not need the file
    with pytest.raises(FileNotFoundError, match=f"{ids[1]}"):
        RGBDDDataset(data_root=root, lr_source="real")


def test_bad_files_are_named(gdsr_root, tmp_path):
    root = raw_lu(gdsr_root, tmp_path / "Lu", n=3)
    (root / "RGB" / "RGBD_01_ouput_color.png").unlink()
    (root / "RGB" / "RGBD_01_ouput_color.png").write_bytes(b"not a png")
    for name in ("RGBD_02_ouput_color.png", "RGBD_03_ouput_color.png"):
        (root / "RGB" / name).unlink()
    for name in ("RGBD_02_output_depth.png", "RGBD_03_output_depth.png"):
        (root / "Depth" / name).unlink()
    Image.new("RGB", (40, 32)).save(root / "RGB" / "RGBD_02_ouput_color.png")
    Image.new("L", (40, 32), 7).save(root / "Depth" / "RGBD_02_output_depth.png")  # constant
    Image.new("RGB", (12, 9)).save(root / "RGB" / "RGBD_03_ouput_color.png")
    small = Image.new("L", (12, 9), 3)  # smaller than the scale
    small.putpixel((0, 0), 9)
    small.save(root / "Depth" / "RGBD_03_output_depth.png")
    ds = LuDataset(data_root=root, scale=16)
    with pytest.raises(ValueError, match=r"not a readable image: .*RGBD_01_ouput_color\.png"):
        ds[0]
    with pytest.raises(ValueError, match=r"RGBD_02_output_depth\.png.*constant depth"):
        ds[1]
    with pytest.raises(ValueError, match=r"RGBD_03_output_depth\.png.*smaller than scale 16"):
        ds[2]


#: dataset type, folder builder, expected bicubic RMSE at x4 (8-bit levels or cm).
TOOL_CASES = {
    "middlebury": ("MiddleburyDataset", raw_middlebury, 2.2810),  # the regression table's x4
    "lu": ("LuDataset", raw_lu, None),
    "nyu": ("NYUv2Dataset", raw_nyu, None),
    "rgbdd_flat": ("RGBDDDataset", lambda g, r: raw_rgbdd(g, r, n=12), None),
    "rgbdd_release_real": ("RGBDDDataset", lambda g, r: release_rgbdd(g, r)[0], None),
}


@pytest.mark.parametrize("kind", list(TOOL_CASES))
def test_test_tool_runs_on_distributed_folders(gdsr_root, tmp_path, kind):
    from xmodal.tools import test as test_tool

    dataset_type, build, expected = TOOL_CASES[kind]
    root = build(gdsr_root, tmp_path / kind)
    options = [f"test_dataloader.dataset.type={dataset_type}",
               f"test_dataloader.dataset.data_root={root}",
               "test_dataloader.num_workers=0", "test_dataloader.persistent_workers=False"]
    if kind == "rgbdd_release_real":
        options.append("test_dataloader.dataset.lr_source=real")
    recipe = Path(__file__).resolve().parents[2] / "recipes/bicubic/bicubic_middlebury_x4.py"
    metrics = test_tool.main([str(recipe), "--work-dir", str(tmp_path / "wd"), "--cfg-options",
                              *options])
    assert metrics["rmse"] == pytest.approx(metrics["bicubic_rmse"])
    assert 0.5 < metrics["rmse"] < 15.0  # 8-bit levels or cm
    if expected is not None:
        assert round(metrics["rmse"], 4) == expected


def test_nyu_unreadable_and_constant_depth_are_named(gdsr_root, tmp_path):
    root = raw_nyu(gdsr_root, tmp_path / "NYUDepthv2_Test")
    (root / "Depth" / "1000.npy").unlink()
    (root / "Depth" / "1000.npy").write_bytes(b"\x93NUMPY broken")
    (root / "Depth" / "1001.npy").unlink()
    np.save(root / "Depth" / "1001.npy", np.full((480, 640), 2.5, np.float32))
    ds = NYUv2Dataset(data_root=root, scale=4)
    with pytest.raises(ValueError, match=r"cannot read depth .*1000\.npy"):
        ds[0]
    with pytest.raises(ValueError, match=r"1001\.npy.*constant depth"):
        ds[1]
