"""benchmarks/bench_ivif.py: one ``error:`` line, exit 1 and no file for every refused input.

Issue 37, D18: another model's checkpoint, an ``--out-dir`` that is a file, a missing
data root and ``--limit 0`` (a table of nan, exit 0, before) must stop before any
compute and write nothing; the shipped weights file runs (README command).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from script_module import load_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_ivif.py"
SHIPPED = ROOT / "xmodal" / "weights" / "ivifnet_roadscene.pth"


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT)


def _error(bench, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        bench.main(argv)
    msg = exc.value.code
    assert isinstance(msg, str) and msg.startswith("error: ") and "\n" not in msg, msg
    return msg


def _d2a2_checkpoint(tmp_path: Path) -> Path:
    state = torch.load(ROOT / "xmodal" / "weights" / "d2a2_rgbdd_x4.pth",
                       weights_only=True)["state_dict"]
    path = tmp_path / "d2a2.pth"
    torch.save({"state_dict": {f"generator.{k}": v for k, v in state.items()}, "meta": {}},
               path)
    return path


def test_another_models_checkpoint_is_one_line_and_exit_1(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run([sys.executable, str(SCRIPT), "--checkpoint",
                          str(_d2a2_checkpoint(tmp_path)), "--out-dir", str(out)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 1, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "d2a2.pth" in lines[0] and "does not fit IVIFNet" in lines[0]
    assert "Traceback" not in res.stderr and not out.exists()


def test_a_state_dict_missing_a_key_is_refused(bench, tmp_path):
    state = torch.load(SHIPPED, weights_only=True)["state_dict"]
    state.pop(next(iter(state)))
    torch.save({"state_dict": {f"generator.{k}": v for k, v in state.items()}}, tmp_path / "p.pth")
    msg = _error(bench, ["--checkpoint", str(tmp_path / "p.pth"), "--out-dir",
                         str(tmp_path / "out")])
    assert "1 missing key(s)" in msg and not (tmp_path / "out").exists()


def test_nan_and_integer_weights_are_refused_not_cast(bench, tmp_path):
    w = torch.load(SHIPPED, weights_only=True)
    state = dict(w["state_dict"])
    key = next(iter(state))
    w["state_dict"][key] = torch.full_like(state[key], float("nan"))
    torch.save(w, tmp_path / "nan.pth")
    assert "NaN" in _error(bench, ["--checkpoint", str(tmp_path / "nan.pth")])
    torch.save(dict(w, state_dict={k: v.to(torch.int8) for k, v in state.items()}),
               tmp_path / "int8.pth")
    assert "is int8, the model holds float32" in _error(
        bench, ["--checkpoint", str(tmp_path / "int8.pth")])


def test_out_dir_that_is_a_file_is_refused(bench, tmp_path):
    (tmp_path / "out").write_text("a file")
    msg = _error(bench, ["--out-dir", str(tmp_path / "out")])
    assert "is a file, not a folder" in msg
    assert (tmp_path / "out").read_text() == "a file"


def test_missing_data_root_is_refused(bench, tmp_path):
    msg = _error(bench, ["--data-root", str(tmp_path / "none"), "--out-dir",
                         str(tmp_path / "out")])
    assert str(tmp_path / "none") in msg and "ir/" in msg
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_limit_below_one_is_refused(bench, tmp_path, limit, capsys):
    msg = _error(bench, ["--limit", limit, "--out-dir", str(tmp_path / "out")])
    assert f"--limit must be a positive integer, got {limit}" in msg
    assert "nan" not in capsys.readouterr().out and not (tmp_path / "out").exists()


def test_an_unreadable_pair_writes_no_png(bench, tmp_path, real_data_dir):
    import shutil

    src = real_data_dir("ivif", "vif_benchmark")
    for sub in ("ir", "vi"):
        (tmp_path / "data" / sub).mkdir(parents=True)
        for name in sorted(p.name for p in (src / sub).iterdir())[:1]:
            shutil.copy(src / sub / name, tmp_path / "data" / sub / name)
    (tmp_path / "data" / "ir" / "zz.png").write_bytes(b"not a png")
    (tmp_path / "data" / "vi" / "zz.png").write_bytes(b"not a png")
    msg = _error(bench, ["--data-root", str(tmp_path / "data"), "--out-dir",
                         str(tmp_path / "out")])
    assert "zz.png" in msg and "not a readable image" in msg
    assert not (tmp_path / "out").exists()  # the first pair was fused, then zz failed


def test_the_shipped_weights_file_runs(bench, tmp_path, capsys, real_data_dir):
    root = real_data_dir("ivif", "vif_benchmark")
    bench.main(["--checkpoint", str(SHIPPED), "--data-root", str(root), "--limit", "1",
                "--out-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert "1 pairs" in out and "nan" not in out
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["00537D.png"]
