"""The RGB-D-D and NYUv2 splits: fixed, disjoint, reproducible, and free of test frames."""

import hashlib
from pathlib import Path

import pytest
from mmengine.config import Config

from xmodal.datasets import NYUv2Dataset, RGBDDSplitDataset
from xmodal.datasets.nyuv2 import NYUV2_SPLITS
from xmodal.datasets.splits import SUBSETS, draw_rgbdd_split, rgbdd_split, rgbdd_subset_ids

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "xmodal" / "data" / "gdsr" / "rgbdd"
REAL_WORLD_IDS = {"20200509112638", "20200509113453", "20200509114515"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_subsets_are_disjoint_and_sized():
    split = rgbdd_split()
    assert {k: len(v) for k, v in split.items()} == {"train": 357, "val": 45,
                                                   "test_realworld": 3}
    for a in SUBSETS:
        for b in SUBSETS:
            if a < b:
                assert not set(split[a]) & set(split[b]), (a, b)
    assert set(split["test_realworld"]) == REAL_WORLD_IDS
    assert not REAL_WORLD_IDS & set(split["train"] + split["val"])


def test_the_file_is_what_the_seeded_draw_gives():
    split = rgbdd_split()
    every = split["train"] + split["val"] + split["test_realworld"]
    redrawn = draw_rgbdd_split(every, split["test_realworld"], num_val=45, seed=0)
    assert {k: tuple(v) for k, v in redrawn.items()} == split
    assert draw_rgbdd_split(every, split["test_realworld"], 45, seed=1)["val"] != \
        list(split["val"])


def test_unknown_subset_and_bad_size_are_refused():
    with pytest.raises(ValueError, match="subset must be one of"):
        rgbdd_subset_ids("test")
    with pytest.raises(ValueError, match="num_val"):
        draw_rgbdd_split(["a", "b"], [], num_val=2)


def test_no_test_frame_is_a_training_frame_by_content(real_data_dir):
    """Byte-identical depth files: the real-world HR, Middlebury and NYUv2 frames."""
    rgbdd = real_data_dir("gdsr", "rgbdd")
    train = {_sha(rgbdd / "depth" / f"{i}_HR_gt.png") for i in rgbdd_subset_ids("train")}
    val = {_sha(rgbdd / "depth" / f"{i}_HR_gt.png") for i in rgbdd_subset_ids("val")}
    assert len(train) == 357 and not train & val
    tests = [real_data_dir("gdsr", "rgbdd_realscene", "depth_hr"),
             real_data_dir("gdsr", "middlebury", "depth"),
             real_data_dir("gdsr", "nyuv2_samples", "Depth")]
    test_hashes = {_sha(p) for folder in tests for p in folder.iterdir() if p.is_file()}
    assert len(test_hashes) >= 3 + 30 + 3
    assert not test_hashes & (train | val)
    # the real-world HR files are frames of the folder: the split keeps them out of both
    real = {_sha(p) for p in tests[0].iterdir()}
    every = {_sha(p) for p in (rgbdd / "depth").iterdir()}
    assert real <= every


def test_split_dataset_reads_the_listed_frames(real_data_dir):
    root = real_data_dir("gdsr", "rgbdd")
    val = RGBDDSplitDataset(subset="val", data_root=root, scale=8)
    assert [val.get_data_info(i)["img_name"] for i in range(len(val))] == \
        list(rgbdd_subset_ids("val"))
    assert len(RGBDDSplitDataset(subset="train", data_root=root, scale=8)) == 357


def test_split_dataset_refuses_a_folder_without_the_frames():
    # the package's 12-frame sample holds 9 training frames, not the 357
    with pytest.raises(ValueError, match="lacks .* of the 357 frames of subset 'train'"):
        RGBDDSplitDataset(subset="train", scale=4, data_root=SAMPLE)


def test_allow_missing_reads_the_listed_frames_a_partial_folder_has():
    ds = RGBDDSplitDataset(subset="train", scale=4, data_root=SAMPLE, allow_missing=True)
    names = [ds.get_data_info(i)["img_name"] for i in range(len(ds))]
    on_disk = {p.name.split("_")[0] for p in (SAMPLE / "rgb").iterdir()}
    assert names == [i for i in rgbdd_subset_ids("train") if i in on_disk]
    assert not REAL_WORLD_IDS & set(names) and 0 < len(names) < len(on_disk)


def test_nyuv2_val_train_test_are_disjoint_and_cover_the_paper_split():
    train, val, test = (set(NYUV2_SPLITS[k]) for k in ("train", "val", "test"))
    assert (len(train), len(val), len(test)) == (950, 50, 449)
    assert not train & val and not train & test and not val & test
    assert val == set(range(950, 1000))  # the last 50 of the paper's training frames
    assert set(NYUV2_SPLITS["trainval"]) == train | val == set(range(1000))  # the paper's
    assert train | val | test == set(range(1449)) and test == set(range(1000, 1449))
    assert NYUv2Dataset.splits == ("train", "val", "trainval", "test")


NYU_RECIPES = sorted(p for p in (ROOT / "recipes").rglob("*nyu*.py") if "_base_" not in p.parts)


@pytest.mark.parametrize("recipe", NYU_RECIPES, ids=lambda p: p.stem)
def test_nyu_recipes_train_validate_and_test_on_their_own_splits(recipe):
    cfg = Config.fromfile(str(recipe))
    assert cfg.train_dataloader.dataset.split == "train"
    assert cfg.val_dataloader.dataset.split == "val"  # not the test split
    assert cfg.test_dataloader.dataset.split == "test"
    assert cfg.default_hooks.checkpoint.save_best == "val/rmse"
    assert cfg.val_evaluator.prefix == "val"
