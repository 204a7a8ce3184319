"""`mim test xmodal ...` runs xmodal's test tool (openmim finds xmodal/tools/test.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


MIM = shutil.which("mim") or str(Path(sys.executable).parent / "mim")


@pytest.mark.skipif(not Path(MIM).exists(), reason="openmim is not installed (pip install openmim)")
def test_mim_test_bicubic_baseline(tmp_path):
    mim = MIM
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # editable installs: see README
    proc = subprocess.run(
        [mim, "test", "xmodal", "recipes/bicubic/bicubic_middlebury_x8.py", "--checkpoint", "none",
         "--work-dir", str(tmp_path), "--cfg-options", "test_dataloader.dataset.indices=2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "bicubic_rmse" in proc.stdout + proc.stderr


@pytest.mark.slow  # two processes start and train 2 iterations: ~30 s on 2 busy cores
@pytest.mark.skipif(not Path(MIM).exists(), reason="openmim is not installed (pip install openmim)")
def test_mim_train_launcher_pytorch_two_processes_on_cpu(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "engine"))
    from _tiny import write_config, write_crops

    cfg = write_config(write_crops(tmp_path))
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [MIM, "train", "xmodal", str(cfg), "--launcher", "pytorch", "--gpus", "2",
         "--work-dir", str(tmp_path / "wd"), "--cfg-options", "train_dataloader.batch_size=1",
         "train_cfg.max_iters=2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "global batch: 2 samples per update (batch_size x 2 process(es)" in proc.stdout
    assert (tmp_path / "wd" / "iter_2.pth").is_file()
