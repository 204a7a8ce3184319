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
