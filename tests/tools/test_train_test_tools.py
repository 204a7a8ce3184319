"""The train/test tools end to end on real files: a tiny D2A2, two iterations, resume."""

import json
from pathlib import Path

import pytest

from xmodal.tools import test as test_tool
from xmodal.tools import train as train_tool

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "recipes" / "d2a2_sample_x4.py"
TINY = [
    "model.generator.channels=8", "model.generator.num_resblocks=1",
    "model.generator.align.geometric_align.deform_groups=2",
    "train_dataloader.batch_size=2",
    "train_dataloader.dataset.pipeline.0.size=32",
    "val_dataloader.dataset.indices=1", "test_dataloader.dataset.indices=1",
    "default_hooks.checkpoint.interval=1", "default_hooks.logger.interval=1",
]


def _scalars(work_dir: Path) -> list[dict]:
    files = sorted(work_dir.glob("*/vis_data/scalars.json"))
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


def test_train_checkpoint_resume_and_test(tmp_path):
    wd = tmp_path / "wd"
    train_tool.main([str(RECIPE), "--work-dir", str(wd), "--cfg-options",
                     "train_cfg.max_iters=2", "train_cfg.val_interval=2", *TINY])
    assert (wd / "iter_1.pth").is_file() and (wd / "iter_2.pth").is_file()
    val = [r for r in _scalars(wd) if "rmse" in r]
    assert val and val[-1]["rmse"] > 0 and val[-1]["bicubic_rmse"] > 0

    train_tool.main([str(RECIPE), "--work-dir", str(wd), "--resume", "--cfg-options",
                     "train_cfg.max_iters=3", "train_cfg.val_interval=3", *TINY])
    assert (wd / "iter_3.pth").is_file()
    iters = [r["iter"] for r in _scalars(wd) if "loss" in r]
    assert 3 in iters and iters.count(1) == 1  # resumed at 2, did not restart

    metrics = test_tool.main([str(RECIPE), str(wd / "iter_3.pth"), "--work-dir",
                              str(tmp_path / "test"), "--cfg-options", *TINY])
    assert metrics["rmse"] > 0


def test_missing_files_are_clear_errors(tmp_path):
    with pytest.raises(SystemExit, match="config file not found"):
        train_tool.main([str(tmp_path / "nope.py")])
    with pytest.raises(SystemExit, match="checkpoint not found"):
        test_tool.main([str(RECIPE), str(tmp_path / "nope.pth")])
