"""Held-out discipline of every recipe: no checkpoint is chosen on a test set.

A recipe whose ``CheckpointHook`` keeps a best checkpoint (``save_best``, ``'auto'``
included: mmengine then takes the first validation metric) must validate on a
validation split: never Middlebury or Lu, an NYUv2 / RGB-D-D ``split='test'`` dataset or
a ``RGBDDSplitDataset`` test subset (``test_realworld``), an ``IVIFDataset`` test split
or the whole VIF-Benchmark folder (it holds test-split frames). Its ``save_best`` key must
be one the validation evaluator writes, not one of the test sets a ``ValWithTestSetsLoop``
logs beside it, and its ``test_dataloader`` must read other frames than its validation
(a test set that is the validation set reports the data the checkpoint was chosen on).
The checks read the configs only (no data).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from mmengine.config import Config

from xmodal.registry import DATASETS, METRICS

RECIPES_DIR = Path(__file__).resolve().parents[2] / "recipes"
#: datasets that are test sets whatever their arguments
TEST_ONLY = {"MiddleburyDataset": "Middlebury", "LuDataset": "Lu"}
#: subsets of the package's RGB-D-D split that may validate (the rest are test frames)
RGBDD_NON_TEST = ("train", "val")
#: dataset arguments that change how frames are read, not which frames are read
NOT_FRAME_CHOICE = ("pipeline", "test_mode")
#: recipes with no held-out data at all (one image), whose test set may be their validation
#: crop: recipe -> the file whose header says that their figures are no benchmark
NO_HELD_OUT_DATA = {RECIPES_DIR / "refsr_dcsr_x4.py":
                    RECIPES_DIR / "_base_" / "datasets" / "refsr_ttsr_demo.py"}


def _recipes(root: Path = RECIPES_DIR) -> list[Path]:
    return [p for p in sorted(root.rglob("*.py")) if "_base_" not in p.relative_to(root).parts]


def _default_arg(type_name: str, name: str):
    """The default of ``name`` in the registered dataset's constructor (None if it has none)."""
    cls = DATASETS.get(type_name)
    param = inspect.signature(cls.__init__).parameters.get(name) if cls is not None else None
    if param is None or param.default is inspect.Parameter.empty:
        return None
    return param.default


def reads_test_frames(ds: dict | None) -> str | None:
    """Why a dataset config reads test frames (wrappers are looked into), or None."""
    if not ds:
        return None
    inner = [ds["dataset"]] if isinstance(ds.get("dataset"), dict) else list(
        ds.get("datasets") or [])
    for sub in inner:
        if reason := reads_test_frames(sub):
            return reason
    name = ds.get("type")
    if name in TEST_ONLY:
        return f"{name}: {TEST_ONLY[name]} is a test set"
    if name == "RGBDDSplitDataset":
        subset = ds.get("subset")
        return None if subset in RGBDD_NON_TEST else f"RGBDDSplitDataset subset={subset!r}"
    split = ds.get("split", _default_arg(name, "split") if name else None)
    if name == "IVIFDataset" and split is None and ds.get("data_root") is None \
            and ds.get("subset", _default_arg(name, "subset")) == "vif_benchmark":
        return "IVIFDataset split=None: all 12 VIF-Benchmark pairs, test-split frames included"
    return f"{name} split='test'" if split == "test" else None


def frames_read(ds):
    """A dataset config reduced to the arguments that choose its frames (wrappers kept)."""
    if isinstance(ds, dict):
        return {k: frames_read(v) for k, v in ds.items() if k not in NOT_FRAME_CHOICE}
    if isinstance(ds, (list, tuple)):
        return [frames_read(v) for v in ds]
    return ds


def _key_prefix(evaluator) -> set[str]:
    """The key prefixes ('' for none) the validation evaluator writes."""
    metrics = evaluator if isinstance(evaluator, (list, tuple)) else [evaluator]
    out = set()
    for m in metrics:
        prefix = m.get("prefix")
        if prefix is None:
            prefix = getattr(METRICS.get(m["type"]), "default_prefix", None) or ""
        out.add(prefix)
    return out


def held_out_problems(path: Path) -> list[str]:
    """The held-out rule's violations in one recipe (empty: none)."""
    cfg = Config.fromfile(str(path))
    val = cfg.get("val_dataloader")
    save_best = (cfg.get("default_hooks") or {}).get("checkpoint", {}).get("save_best")
    if not val or not save_best:
        return []  # no validation, or no checkpoint chosen on it
    problems = []
    if reason := reads_test_frames(val.get("dataset")):
        problems.append(f"save_best={save_best!r} on a test split ({reason})")
    test = cfg.get("test_dataloader")
    same = test and frames_read(test.get("dataset")) == frames_read(val.get("dataset"))
    if same and path not in NO_HELD_OUT_DATA:
        problems.append("test_dataloader reads the validation frames the checkpoint is "
                        "chosen on: a test set must be held out of selection")
    keys = [save_best] if isinstance(save_best, str) else list(save_best)
    test_sets = set(((cfg.get("val_cfg") or {}).get("test_sets") or {}).keys())
    prefixes = _key_prefix(cfg.get("val_evaluator"))
    for key in (k for k in keys if k != "auto"):
        head = key.rpartition("/")[0]
        if head in test_sets:
            problems.append(f"save_best={key!r} is a logged test set's metric")
        elif head not in prefixes:
            problems.append(f"save_best={key!r} is not a key of the validation evaluator "
                            f"(prefixes {sorted(prefixes)})")
    return problems


RECIPES = _recipes()


def test_every_recipe_is_checked():
    assert len(RECIPES) >= 40
    assert RECIPES_DIR / "d2a2_rgbdd_x4.py" in RECIPES and RECIPES_DIR / "d2a2_nyu_x4.py" in RECIPES


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: str(p.relative_to(RECIPES_DIR)))
def test_no_checkpoint_is_chosen_on_a_test_set(recipe):
    assert held_out_problems(recipe) == [], recipe


def test_the_check_sees_test_splits():
    assert reads_test_frames(dict(type="MiddleburyDataset", scale=4))  # default split
    assert reads_test_frames(dict(type="NYUv2Dataset", scale=4))  # default split='test'
    assert reads_test_frames(dict(type="NYUv2Dataset", split="test"))
    assert reads_test_frames(dict(type="RGBDDDataset", lr_source="real"))
    assert reads_test_frames(dict(type="RGBDDSplitDataset", subset="test_realworld"))
    assert reads_test_frames(dict(type="DADATileDataset", dataset=dict(type="LuDataset")))
    assert reads_test_frames(dict(type="ConcatDataset", datasets=[
        dict(type="RGBDDSplitDataset", subset="val"), dict(type="MiddleburyDataset")]))
    assert reads_test_frames(dict(type="IVIFDataset", subset="vif_benchmark", split="test"))
    assert reads_test_frames(dict(type="IVIFDataset"))  # the whole folder: 4 test frames in it
    for ok in (dict(type="NYUv2Dataset", split="val"),
               dict(type="RGBDDSplitDataset", subset="val"),
               dict(type="IVIFDataset", subset="vif_benchmark", split="val"),
               dict(type="IVIFDataset", subset="roadscene_train", split="train"),
               dict(type="DADATileDataset", dataset=dict(type="RGBDDSplitDataset",
                                                          subset="val"))):
        assert reads_test_frames(ok) is None, ok


def test_the_generic_recipes_validate_on_validation_lists():
    rgbdd = Config.fromfile(str(RECIPES_DIR / "d2a2_rgbdd_x8.py"))
    assert rgbdd.val_dataloader.dataset.type == "RGBDDSplitDataset"
    assert rgbdd.val_dataloader.dataset.subset == "val"
    assert rgbdd.default_hooks.checkpoint.save_best == "val/rmse"
    assert rgbdd.test_dataloader.dataset.type == "MiddleburyDataset"  # reported only
    assert rgbdd.val_dataloader.dataset.scale == rgbdd.test_dataloader.dataset.scale == 8


def test_the_sample_demo_chooses_no_checkpoint():
    """The quick-start sample has no RGB-D-D validation frame: it shows Middlebury, keeps none."""
    cfg = Config.fromfile(str(RECIPES_DIR / "d2a2_sample_x4.py"))
    assert reads_test_frames(cfg.val_dataloader.dataset)  # test frames, shown only
    assert cfg.default_hooks.checkpoint.save_best is None
    assert "NO checkpoint is chosen" in (RECIPES_DIR / "d2a2_sample_x4.py").read_text()


def test_a_logged_test_set_as_save_best_is_caught(tmp_path):
    child = tmp_path / "child.py"
    base = RECIPES_DIR / "d2a2" / "d2a2_rgbdd_x8_cpu.py"
    child.write_text(f"_base_ = [{str(base)!r}]\n"
                     "default_hooks = dict(checkpoint=dict(save_best='middlebury/rmse'))\n")
    assert held_out_problems(child) == ["save_best='middlebury/rmse' is a logged test set's metric"]
    child.write_text(f"_base_ = [{str(base)!r}]\n"
                     "default_hooks = dict(checkpoint=dict(save_best='rmse'))\n")
    assert "not a key of the validation evaluator" in held_out_problems(child)[0]


def test_recipes_without_held_out_data_say_so():
    for recipe, header in NO_HELD_OUT_DATA.items():
        words = " ".join(header.read_text().replace("#", " ").split())
        assert "they are not a benchmark" in words, header
        cfg = Config.fromfile(str(recipe))
        assert frames_read(cfg.test_dataloader.dataset) == frames_read(cfg.val_dataloader.dataset)


def test_a_test_set_that_is_the_validation_set_is_caught(tmp_path):
    base = RECIPES_DIR / "d2a2_rgbdd_x8.py"
    val = Config.fromfile(str(base)).val_dataloader.dataset.to_dict()
    child = tmp_path / "child.py"
    child.write_text(f"_base_ = [{str(base)!r}]\n"
                     f"test_dataloader = dict(dataset=dict(_delete_=True, **{val!r}))\n")
    assert held_out_problems(child) == [
        "test_dataloader reads the validation frames the checkpoint is chosen on: a test set "
        "must be held out of selection"]
    # another pipeline or test_mode does not make the same frames another set
    assert frames_read(dict(val, pipeline=[], test_mode=False)) == frames_read(val)
