"""The CPU training recipes of the shipped D2A2 weights: 2 iterations, resume, export, load.

Each recipe fine-tunes the shipped file of its scale (``load_from``, strict) on the
RGB-D-D training list, validates the EMA weights on the validation list (plus the
logged Middlebury test set) and keeps the best checkpoint by ``val/rmse``; the
export of that checkpoint is a weights file the library loads.
"""

import json
from pathlib import Path

import pytest
import torch

from xmodal.engine import load_checkpoint
from xmodal.tools import export_weights
from xmodal.tools import train as train_tool
from xmodal.weights import build_generator, load_weights_file

ROOT = Path(__file__).resolve().parents[2]
SHORT = ["train_dataloader.dataset.pipeline.0.size=64", "val_dataloader.dataset.indices=1",
         "val_cfg.test_sets.middlebury.dataloader.dataset.indices=1",
         "default_hooks.checkpoint.interval=1", "default_hooks.logger.interval=1"]


def _recipe(scale: int) -> Path:
    return ROOT / "recipes" / "d2a2" / f"d2a2_rgbdd_x{scale}_cpu.py"


def _val_rows(work_dir: Path) -> list[dict]:
    rows = [json.loads(line) for f in sorted(work_dir.glob("*/vis_data/scalars.json"))
            for line in f.read_text().splitlines()]
    return [r for r in rows if "val/rmse" in r]


def _train(scale: int, work_dir: Path, iters: int, *extra: str) -> None:
    train_tool.main([str(_recipe(scale)), "--work-dir", str(work_dir), *extra,
                     "--cfg-options", f"train_cfg.max_iters={iters}",
                     f"train_cfg.val_interval={iters}", f"load_from={ROOT / 'xmodal' / 'weights'}"
                     f"/d2a2_rgbdd_x{scale}.pth", *SHORT])


@pytest.mark.parametrize("scale", [4, 8, 16])
def test_recipe_trains_validates_and_exports_a_loadable_file(scale, tmp_path, real_data_dir):
    real_data_dir("gdsr", "rgbdd")
    real_data_dir("gdsr", "middlebury")
    wd = tmp_path / "wd"
    _train(scale, wd, 2)
    row = _val_rows(wd)[-1]
    assert row["val/rmse"] < row["val/bicubic_rmse"]  # the shipped start, on validation frames
    assert row["middlebury/rmse"] < row["middlebury/bicubic_rmse"]  # logged beside it
    best = sorted(wd.glob("best_val_rmse_iter_*.pth"))
    assert len(best) == 1
    ckpt = load_checkpoint(best[0])
    assert "rng_state" in ckpt and "ema_state_dict" in ckpt
    out = export_weights.export(_recipe(scale), best[0], tmp_path / f"x{scale}.pth")
    assert load_weights_file(out)["arch"]["scale"] == scale
    net, _ = build_generator("d2a2", scale, out)
    ema = {k[len("generator."):]: v for k, v in ckpt["state_dict"].items()
           if k.startswith("generator.")}  # the EMA weights (EMAHook's deployment swap)
    floats = {k: v for k, v in net.state_dict().items() if v.is_floating_point()}
    assert floats
    for name, value in floats.items():
        torch.testing.assert_close(value, ema[name].half().float())


def test_resume_continues_the_iterations_and_the_generators(tmp_path, real_data_dir):
    real_data_dir("gdsr", "rgbdd")
    wd = tmp_path / "wd"
    _train(4, wd, 1)
    saved = load_checkpoint(wd / "iter_1.pth")["rng_state"]["torch"]
    _train(4, wd, 2, "--resume")
    assert (wd / "iter_2.pth").is_file()
    assert load_checkpoint(wd / "iter_2.pth")["meta"]["iter"] == 2
    assert not torch.equal(load_checkpoint(wd / "iter_2.pth")["rng_state"]["torch"], saved)


def test_load_from_a_weights_file_of_another_model_is_refused(tmp_path, real_data_dir):
    real_data_dir("gdsr", "rgbdd")
    wrong = tmp_path / "wrong.pth"
    state = load_weights_file(ROOT / "xmodal" / "weights" / "d2a2_rgbdd_x4.pth")
    state["state_dict"] = {k: v for k, v in list(state["state_dict"].items())[:-2]}
    torch.save(dict(format="xmodal-weights-v1", arch=dict(type="D2A2", scale=4),
                    state_dict=state["state_dict"], meta={}), wrong)
    with pytest.raises((RuntimeError, ValueError, SystemExit), match="Missing key|missing"):
        train_tool.main([str(_recipe(4)), "--work-dir", str(tmp_path / "wd"), "--cfg-options",
                         "train_cfg.max_iters=1", f"load_from={wrong}", *SHORT])
