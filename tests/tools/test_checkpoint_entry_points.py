"""Every training-side entry point that takes a checkpoint refuses a crafted pickle unexecuted.

The crafted file creates ``marker`` when unpickled (it does so with
``weights_only=False``, checked first). Each entry point must stop with one
``error:`` line naming the file, and the marker must not exist. The same
entry points name a truncated checkpoint and a missing ``--resume`` file or
data root in one line; ``--resume`` without a checkpoint refuses to start
from scratch unless ``--resume auto``.
"""

import runpy
import sys
from pathlib import Path

import pytest
import torch

from xmodal.models.refsr import demo
from xmodal.tools import test as test_tool
from xmodal.tools import train as train_tool

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "recipes" / "d2a2_sample_x4.py"
TINY = [
    "model.generator.channels=8", "model.generator.num_resblocks=1",
    "model.generator.align.geometric_align.deform_groups=2",
    "train_dataloader.batch_size=1", "train_dataloader.dataset.pipeline.0.size=32",
    "val_dataloader.dataset.indices=1", "test_dataloader.dataset.indices=1",
    "train_cfg.max_iters=1", "train_cfg.val_interval=1",
]


class _Crafted:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


@pytest.fixture
def crafted(tmp_path):
    marker, path = tmp_path / "pwned", tmp_path / "crafted.pth"
    torch.save({"state_dict": {}, "meta": {}, "x": _Crafted(marker)}, path)
    torch.load(path, weights_only=False)
    assert marker.exists(), "the crafted file should run code when trusted"
    marker.unlink()
    return path, marker


def _bench_ivif(ckpt):
    argv = sys.argv
    sys.argv = ["bench_ivif.py", "--checkpoint", str(ckpt), "--limit", "1"]
    try:
        runpy.run_path(str(ROOT / "benchmarks" / "bench_ivif.py"), run_name="__main__")
    finally:
        sys.argv = argv


ENTRY_POINTS = {
    "train --resume": lambda ck, wd: train_tool.main(
        [str(RECIPE), "--work-dir", str(wd), "--resume", str(ck), "--cfg-options", *TINY]),
    "train load_from": lambda ck, wd: train_tool.main(
        [str(RECIPE), "--work-dir", str(wd), "--cfg-options", f"load_from={ck}", *TINY]),
    "test --checkpoint": lambda ck, wd: test_tool.main(
        [str(RECIPE), "--checkpoint", str(ck), "--work-dir", str(wd), "--cfg-options", *TINY]),
    "refsr demo": lambda ck, wd: demo.main(
        [str(ROOT / "recipes" / "refsr_dcsr_x4.py"), str(ck), "--out-dir", str(wd)]),
    "bench_ivif --checkpoint": lambda ck, wd: _bench_ivif(ck),
}


def _one_line_error(run, ckpt, work_dir) -> str:
    with pytest.raises(SystemExit) as exc:
        run(ckpt, work_dir)
    msg = str(exc.value.code)
    assert msg.startswith("error:") and "\n" not in msg and str(ckpt) in msg, msg
    return msg


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_crafted_pickle_is_refused(entry, crafted, tmp_path):
    path, marker = crafted
    msg = _one_line_error(ENTRY_POINTS[entry], path, tmp_path / "wd")
    assert "exec" in msg and "refused" in msg
    assert not marker.exists()


@pytest.mark.parametrize("entry", ["train --resume", "test --checkpoint"])
def test_truncated_checkpoint_is_named(entry, tmp_path):
    path = tmp_path / "cut.pth"
    torch.save({"state_dict": {"w": torch.zeros(4096)}, "meta": {}}, path)
    path.write_bytes(path.read_bytes()[:1000])
    _one_line_error(ENTRY_POINTS[entry], path, tmp_path / "wd")


def test_resume_without_checkpoint_refuses_to_start_fresh(tmp_path):
    wd = tmp_path / "empty"
    with pytest.raises(SystemExit, match="no checkpoint to resume in .*empty.*--resume auto"):
        train_tool.main([str(RECIPE), "--work-dir", str(wd), "--resume", "--cfg-options", *TINY])
    assert not (wd / "iter_1.pth").exists()
    with pytest.raises(SystemExit, match="checkpoint not found: .*nope.pth"):
        train_tool.main([str(RECIPE), "--resume", str(tmp_path / "nope.pth")])


def test_resume_auto_starts_fresh_when_there_is_none(tmp_path):
    wd = tmp_path / "auto"
    train_tool.main([str(RECIPE), "--work-dir", str(wd), "--resume", "auto", "--cfg-options",
                     *TINY])
    assert (wd / "iter_1.pth").is_file()


def test_missing_data_root_is_one_line(tmp_path):
    with pytest.raises(SystemExit) as exc:
        train_tool.main([str(RECIPE), "--work-dir", str(tmp_path), "--cfg-options", *TINY,
                         "train_dataloader.dataset.data_root=/no/such/folder"])
    msg = str(exc.value.code)
    assert msg.startswith("error:") and "/no/such/folder" in msg and "\n" not in msg.strip()


def _tiny_generator_state() -> dict:
    """The state dict of the generator the tiny recipe builds (seeded random weights)."""
    from mmengine.config import Config

    from xmodal.registry import MODELS

    cfg = Config.fromfile(str(RECIPE))
    cfg.merge_from_dict({k: eval(v) for k, v in (o.split("=", 1) for o in TINY)
                         if k.startswith("model.")})
    torch.manual_seed(0)
    return MODELS.build(cfg.model.generator).state_dict()


def test_test_tool_maps_a_weights_file_and_matches_the_checkpoint_layout(tmp_path):
    state = _tiny_generator_state()
    weights, ckpt = tmp_path / "w.pth", tmp_path / "ckpt.pth"
    torch.save({"format": "xmodal-weights-v1", "arch": {"type": "D2A2", "scale": 4},
                "state_dict": state, "meta": {}}, weights)
    torch.save({"state_dict": {f"generator.{k}": v for k, v in state.items()}, "meta": {}}, ckpt)
    run = ENTRY_POINTS["test --checkpoint"]
    assert run(weights, tmp_path / "a") == run(ckpt, tmp_path / "b")


@pytest.mark.parametrize("entry", ["test --checkpoint", "train load_from", "train --resume"])
def test_another_models_checkpoint_is_refused(entry, tmp_path):
    other = {f"generator.{k}": v for k, v in torch.load(
        ROOT / "xmodal" / "weights" / "d2a2_rgbdd_x4.pth", weights_only=True)[
        "state_dict"].items()}  # channels 64: the tiny recipe has 8
    torch.save({"state_dict": other, "meta": {}}, tmp_path / "other.pth")
    msg = _one_line_error(ENTRY_POINTS[entry], tmp_path / "other.pth", tmp_path / "wd")
    assert "does not fit GDSRModel" in msg and "of another shape" in msg


def test_test_tool_refuses_a_checkpoint_missing_keys(tmp_path):
    state = {f"generator.{k}": v for k, v in _tiny_generator_state().items()}
    state.pop(next(iter(state)))
    torch.save({"state_dict": state, "meta": {}}, tmp_path / "part.pth")
    msg = _one_line_error(ENTRY_POINTS["test --checkpoint"], tmp_path / "part.pth", tmp_path)
    assert "1 missing key(s)" in msg


def test_checkpoints_are_written_through_a_temporary(tmp_path, monkeypatch):
    import mmengine.runner.runner as mm_runner

    wd = tmp_path / "wd"
    train_tool.main([str(RECIPE), "--work-dir", str(wd), "--cfg-options", *TINY])
    good = (wd / "iter_1.pth").read_bytes()
    assert not list(wd.glob(".*.tmp"))
    real = mm_runner.save_checkpoint

    def killed(checkpoint, filename, **kwargs):
        real(checkpoint, filename, **kwargs)
        with open(filename, "r+b") as fh:
            fh.truncate(100)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mm_runner, "save_checkpoint", killed)
    with pytest.raises((OSError, SystemExit)):
        train_tool.main([str(RECIPE), "--work-dir", str(wd), "--cfg-options", *TINY])
    assert (wd / "iter_1.pth").read_bytes() == good and not list(wd.glob(".*.tmp"))


@pytest.mark.parametrize(("option", "match"), [
    ("train_cfg.max_iters=abc", "train_cfg.max_iters must be a positive integer, got 'abc'"),
    ("train_dataloader.batch_size=0", "train_dataloader.batch_size must be a positive"),
    ("train_dataloader.num_workers=-1", "num_workers must be an integer >= 0"),
])
def test_bad_loop_numbers_are_one_line_before_building(tmp_path, option, match):
    with pytest.raises(SystemExit) as exc:
        train_tool.main([str(RECIPE), "--work-dir", str(tmp_path), "--cfg-options", option])
    msg = str(exc.value.code)
    assert msg.startswith("error:") and match in msg and "\n" not in msg
