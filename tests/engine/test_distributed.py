"""Two CPU processes (torchrun, gloo) train and test a tiny D2A2 like one process does.

Real 32x32 RGB-D-D crops, global batch 2 (2 processes x 1 or 1 process x 2):
after 2 updates the weights agree to float tolerance; the 2-process run is
killed right after its iteration-2 checkpoint, resumed on 1 process, and its
losses at iterations 3 and 4 and final weights equal the uninterrupted
single-process run's; ``xmodal.tools.test`` on 2 processes gives the metrics
of 1 process (5 Middlebury crops: one padded sample dropped).
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from _tiny import REPO, write_config, write_crops

from xmodal.tools import test as test_tool
from xmodal.tools import train as train_tool

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason="torch.distributed with gloo is not available")
KILL = """custom_imports = dict(imports=['xmodal.engine', 'xmodal.models', 'xmodal.datasets',
                                     'xmodal.evaluation', '_kill_hook'])
custom_hooks = [dict(type='KillAfterIterHook', iteration=2)]"""


def torchrun(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(REPO), str(Path(__file__).parent)]))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node",
           "2", "-m", *args, "--launcher", "pytorch"]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def weights(path: Path) -> dict:
    return torch.load(path, map_location="cpu", weights_only=True)["state_dict"]


def assert_same_weights(a: Path, b: Path) -> None:
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for k in wa:
        torch.testing.assert_close(wa[k], wb[k], rtol=0, atol=1e-6, msg=k)


def losses(work_dir: Path) -> dict[int, float]:
    rows = [json.loads(line) for f in sorted(work_dir.glob("*/vis_data/scalars.json"))
            for line in f.read_text().splitlines()]
    return {r["iter"]: r["loss"] for r in rows if "loss" in r}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _forked_rank(rank: int, port: int, argv: list[str]) -> None:
    torch.set_num_threads(1)
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE="2",
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    train_tool.main(argv + ["--launcher", "pytorch"])


def test_two_forked_processes_train_like_one(tmp_path):
    """The non-slow version: the same ranks without torchrun (forked, nothing re-imported)."""
    cfg = write_config(write_crops(tmp_path), name="d2a2_tiny.py")
    one, two = tmp_path / "one", tmp_path / "two"
    opts = ["--cfg-options", "train_cfg.max_iters=2", "default_hooks.checkpoint.interval=2",
            "val_cfg=None", "val_dataloader=None", "val_evaluator=None"]
    train_tool.main([str(cfg), "--work-dir", str(one), *opts])
    mp.start_processes(_forked_rank, nprocs=2, start_method="fork", args=(
        _free_port(), [str(cfg), "--work-dir", str(two), *opts, "train_dataloader.batch_size=1"]))
    assert_same_weights(one / "iter_2.pth", two / "iter_2.pth")
    assert "global batch: 2 samples per update (batch_size x 2" in next(
        two.glob("*/*.log")).read_text()


@pytest.mark.slow
def test_two_processes_train_test_and_resume_on_one(tmp_path):
    root = write_crops(tmp_path)
    cfg, kill_cfg = write_config(root), write_config(root, KILL, name="d2a2_tiny_kill.py")
    one, two = tmp_path / "one", tmp_path / "two"
    train_tool.main([str(cfg), "--work-dir", str(one)])  # 1 process x batch 2, 4 iterations

    proc = torchrun(["xmodal.tools.train", str(kill_cfg), "--work-dir", str(two),
                     "--cfg-options", "train_dataloader.batch_size=1"], tmp_path)
    assert proc.returncode != 0, "the 2-process run should have been killed"
    assert "global batch: 2 samples per update" in proc.stdout + proc.stderr
    assert (two / "iter_2.pth").is_file() and not (two / "iter_3.pth").exists()
    assert_same_weights(one / "iter_1.pth", two / "iter_1.pth")
    assert_same_weights(one / "iter_2.pth", two / "iter_2.pth")

    train_tool.main([str(cfg), "--work-dir", str(two), "--resume"])  # 1 process x batch 2
    ref, resumed = losses(one), losses(two)
    for it in (3, 4):
        assert resumed[it] == pytest.approx(ref[it], rel=1e-5), it
    assert_same_weights(one / "iter_4.pth", two / "iter_4.pth")

    single = test_tool.main([str(cfg), str(one / "iter_4.pth"), "--work-dir",
                             str(tmp_path / "test1")])
    proc = torchrun(["xmodal.tools.test", str(cfg), str(one / "iter_4.pth"), "--work-dir",
                     str(tmp_path / "test2")], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (log,) = (tmp_path / "test2").glob("*/*.json")
    double = json.loads(log.read_text().splitlines()[-1])
    assert "5 images" in proc.stdout + proc.stderr
    for key in ("rmse", "mae", "bicubic_rmse"):
        assert double[key] == pytest.approx(single[key], rel=1e-12), key
