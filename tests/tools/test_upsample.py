"""The ``xmodal upsample`` command: outputs per format, folders, --gt, and one error line per bad
input (in-process ``main`` for most, one real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from crafted_pickles import crafted_pickles
from gadget_weights import arch_gadgets
from PIL import Image

from xmodal.tools.cli import main as xmodal_main
from xmodal.tools.upsample import main

REPO = Path(__file__).resolve().parents[2]


def _write_pair(folder: Path, name: str = "a", lr=(12, 16), scale=4, fmt="png16", seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    h, w = lr
    y, x = np.mgrid[0:h * scale, 0:w * scale].astype(np.float32)
    hr = 1000 + 8 * y + 5 * x
    depth = hr[scale // 2::scale, scale // 2::scale].copy()
    Image.fromarray(rng.integers(0, 256, (h * scale, w * scale, 3), dtype=np.uint8)).save(
        folder / f"{name}_RGB.png")
    if fmt == "png16":
        Image.fromarray(depth.astype(np.uint16)).save(folder / f"{name}_LR.png")
        Image.fromarray(hr.astype(np.uint16)).save(folder / f"{name}_HR.png")
        return folder / f"{name}_RGB.png", folder / f"{name}_LR.png", folder / f"{name}_HR.png"
    np.save(folder / f"{name}_LR.npy", depth / 1000.0)
    return folder / f"{name}_RGB.png", folder / f"{name}_LR.npy", None


def _run_error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("xmodal upsample: error: "), err
    return err[0]


def test_png16_mm_in_png16_mm_out_with_gt(tmp_path, capsys):
    rgb, depth, gt = _write_pair(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["--rgb", str(rgb), "--depth", str(depth), "--gt", str(gt), "--out", str(out),
                 "--model", "bicubic", "--quiet"]) == 0
    sr = Image.open(out / "a_LR_sr.png")
    assert sr.mode.startswith("I;16") and sr.size == Image.open(rgb).size
    arr = np.asarray(sr).astype(np.float32)
    assert 900 < arr.min() and arr.max() < 1700
    for name in ("a_LR_sr_color.png", "a_LR_lr_color.png", "a_LR_error.png"):
        assert Image.open(out / name).mode == "RGB"
    line = capsys.readouterr().out
    assert "RMSE" in line and "cm (bicubic" in line
    summary = json.loads((out / "rmse.json").read_text())
    # a linear ramp: bicubic is near exact inside, in cm
    assert summary["files"][0]["unit"] == "cm" and summary["mean_rmse"] < 1.0


def test_npy_metres_in_npy_out_and_consistent(tmp_path):
    rgb, depth, _ = _write_pair(tmp_path / "in", fmt="npy")
    assert main(["--rgb", str(rgb), "--depth", str(depth), "--out", str(tmp_path / "o"),
                 "--model", "bicubic", "--consistent", "--no-color", "--quiet"]) == 0
    sr = np.load(tmp_path / "o" / "a_LR_sr.npy")
    lr = np.load(depth)
    assert sr.shape == (48, 64) and sr.dtype == np.float32
    pooled = sr.reshape(12, 4, 16, 4).mean(axis=(1, 3))
    np.testing.assert_allclose(pooled, lr, atol=1e-5)
    assert not list((tmp_path / "o").glob("*_color.png"))


def test_folder_of_inputs_and_top_level_command(tmp_path, capsys):
    for i, name in enumerate(("a", "b")):
        _write_pair(tmp_path / "rgb", name, seed=i)
    rgb_dir, depth_dir = tmp_path / "r", tmp_path / "d"
    rgb_dir.mkdir(), depth_dir.mkdir()
    for p in (tmp_path / "rgb").glob("*_RGB.png"):
        p.rename(rgb_dir / p.name)
    for p in (tmp_path / "rgb").glob("*_LR.png"):
        p.rename(depth_dir / p.name)
    assert xmodal_main(["upsample", "--rgb", str(rgb_dir), "--depth", str(depth_dir), "--out",
                        str(tmp_path / "o"), "--model", "bicubic", "--tile", "32",
                        "--overlap", "8", "--no-color"]) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["a_LR_sr.png", "b_LR_sr.png"]


@pytest.mark.parametrize("case", ["missing", "non_image", "mismatch", "all_zero", "rgba",
                                  "all_nan", "count", "no_weights_x8"])
def test_bad_inputs_one_error_line(tmp_path, capsys, case):
    rgb, depth, _ = _write_pair(tmp_path / "in")
    args = ["--out", str(tmp_path / "o"), "--model", "bicubic", "--quiet"]
    expect = {
        "missing": "file not found", "non_image": "not a readable image",
        "mismatch": "resize-guide", "all_zero": "no valid pixel", "rgba": "4 channels",
        "all_nan": "no valid pixel", "count": "do not pair up by image id",
        "no_weights_x8": "--weights PATH",
    }[case]
    if case == "missing":
        depth = tmp_path / "nope.png"
    elif case == "non_image":
        depth = tmp_path / "fake.png"
        depth.write_text("hello")
    elif case == "mismatch":
        Image.open(rgb).crop((0, 0, 50, 48)).save(rgb)
    elif case == "all_zero":
        Image.fromarray(np.zeros((12, 16), np.uint16)).save(depth)
    elif case == "rgba":
        Image.open(rgb).convert("RGBA").save(rgb)
    elif case == "all_nan":
        depth = tmp_path / "nan.npy"
        np.save(depth, np.full((12, 16), np.nan, np.float32))
    elif case == "count":
        _write_pair(tmp_path / "in", "b")
        (tmp_path / "d").mkdir()
        depth = depth.rename(tmp_path / "d" / depth.name).parent
        rgb = tmp_path / "in"  # 5 images (RGB, LR, HR png) whose stems match no depth
    elif case == "no_weights_x8":
        args = ["--out", str(tmp_path / "o"), "--model", "dsrdiff", "--scale", "8", "--quiet"]
        small = np.asarray(Image.open(depth))[:6, :8]
        Image.fromarray(small).save(depth)
    msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), *args])
    assert expect in msg
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").glob("*_sr*"))


def test_subprocess_error_has_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "xmodal.tools.upsample", "--rgb", str(tmp_path / "x.jpg"),
         "--depth", str(tmp_path / "y.png"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"xmodal upsample: error: rgb: file not found: {tmp_path / 'x.jpg'}"]


def _no_compute(monkeypatch):
    """Fail the test if the network is reached (arguments must be checked before)."""
    import xmodal.apis.files as files

    def boom(*args, **kwargs):
        raise AssertionError("compute started before the arguments were checked")

    monkeypatch.setattr(files, "upsample", boom)


@pytest.mark.parametrize("case", ["colormap", "out_is_file", "tile", "overlap", "weights",
                                  "no_overwrite", "device", "register"])
def test_arguments_checked_before_any_compute(tmp_path, capsys, monkeypatch, case):
    rgb, depth, _ = _write_pair(tmp_path / "in")
    out = tmp_path / "o"
    extra, expect = {
        "colormap": (["--colormap", "nope"], "unknown matplotlib colormap 'nope'"),
        "out_is_file": ([], "is a file, not a folder"),
        "tile": (["--tile", "0"], "tile must be a positive integer"),
        "overlap": (["--tile", "32", "--overlap", "32"], "overlap (32) must be smaller"),
        "weights": (["--weights", str(tmp_path / "none.pth")], "weights: file not found"),
        "no_overwrite": (["--no-overwrite"], "--no-overwrite: 1 output(s) exist"),
        "device": (["--device", "cuda"], "CUDA is not available"),
        "register": (["--register", "-2"], "--register must be >= 0 pixels, got -2"),
    }[case]
    if case == "device" and torch.cuda.is_available():
        pytest.skip("CUDA is available here: --device cuda is valid")
    if case == "out_is_file":
        out.write_text("a file")
    if case == "no_overwrite":
        out.mkdir()
        (out / "a_LR_sr_color.png").write_bytes(b"keep")
    _no_compute(monkeypatch)
    msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out", str(out),
                              "--model", "bicubic", "--quiet", *extra])
    assert expect in msg
    if case == "no_overwrite":
        assert (out / "a_LR_sr_color.png").read_bytes() == b"keep"


def test_one_pixel_lr_is_refused_and_nothing_written(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    Image.fromarray(np.full((4, 4, 3), 90, np.uint8)).save(folder / "t_RGB.png")
    Image.fromarray(np.full((1, 1), 1500, np.uint16)).save(folder / "t_LR.png")
    msg = _run_error(capsys, ["--rgb", str(folder / "t_RGB.png"), "--depth",
                              str(folder / "t_LR.png"), "--out", str(tmp_path / "o"),
                              "--model", "d2a2", "--quiet"])
    assert "too small" in msg and "t_LR.png" in msg
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_guide_smaller_than_depth_is_refused_with_resize_guide(tmp_path, capsys):
    rgb, depth, _ = _write_pair(tmp_path / "in", lr=(24, 32), scale=1)
    Image.open(rgb).resize((16, 12)).save(rgb)
    msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out",
                              str(tmp_path / "o"), "--model", "bicubic", "--resize-guide"])
    assert "smaller than the depth" in msg
    assert not (tmp_path / "o").exists()


def test_negative_npy_depth_is_refused(tmp_path, capsys):
    rgb, depth, _ = _write_pair(tmp_path / "in", fmt="npy")
    np.save(depth, -np.load(depth))
    msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out",
                              str(tmp_path / "o"), "--model", "bicubic"])
    assert "negative values" in msg


def test_crafted_pickle_as_weights_runs_nothing(tmp_path, capsys):
    rgb, depth, _ = _write_pair(tmp_path / "in")
    marker = tmp_path / "pwned"
    for path in crafted_pickles(tmp_path, marker):
        msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out",
                                  str(tmp_path / "o"), "--model", "d2a2", "--weights",
                                  str(path), "--quiet"])
        assert f"weights: cannot load checkpoint {path}" in msg and "refused" in msg
    assert not marker.exists()


def test_weights_arch_naming_code_runs_nothing(tmp_path, capsys):
    rgb, depth, _ = _write_pair(tmp_path / "in")
    marker = tmp_path / "PWNED"
    for path in arch_gadgets(tmp_path, marker):
        msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out",
                                  str(tmp_path / "o"), "--model", "d2a2", "--weights",
                                  str(path), "--quiet"])
        assert str(path) in msg and "arch argument" in msg
        assert not marker.exists() and not list((tmp_path / "o").glob("*"))


def test_dada_by_name_and_outputs_replaced_whole(tmp_path):
    rgb, depth, _ = _write_pair(tmp_path / "in")
    out = tmp_path / "o"
    out.mkdir()
    (out / "a_LR_sr.png").write_bytes(b"stale")
    assert main(["--rgb", str(rgb), "--depth", str(depth), "--out", str(out), "--model",
                 "dada", "--no-color", "--quiet"]) == 0
    sr = np.asarray(Image.open(out / "a_LR_sr.png")).astype(np.float32)
    lr = np.asarray(Image.open(depth)).astype(np.float32)
    assert sr.shape == (48, 64) and abs(sr.reshape(12, 4, 16, 4).mean((1, 3)) - lr).max() < 1
    assert sorted(p.name for p in out.iterdir()) == ["a_LR_sr.png"]  # no temporary left


def test_full_disk_leaves_no_partial_output_and_names_the_file(tmp_path, capsys, monkeypatch):
    import errno

    rgb, depth, _ = _write_pair(tmp_path / "in")
    real_save = Image.Image.save

    def save_half(self, fp, *args, **kwargs):
        real_save(self, fp, *args, **kwargs)  # some bytes reach the file, then the disk fills
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", save_half)
    msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out",
                              str(tmp_path / "o"), "--model", "bicubic", "--quiet"])
    assert "cannot write" in msg and "a_LR_sr.png: No space left on device" in msg
    assert list((tmp_path / "o").iterdir()) == []  # no truncated output, no temporary


@pytest.mark.parametrize(("content", "match"), [
    ({"format": "xmodal-weights-v1", "arch": None}, "no state dict"),
    ({"format": "xmodal-weights-v1", "arch": None, "state_dict": {"w": 1.0}}, "not a tensor"),
    ({"format": "xmodal-weights-v1", "arch": 5, "state_dict": {"w": torch.zeros(1)}},
     "must be a dict, got int"),
])
def test_malformed_weights_files_are_one_error_line(tmp_path, capsys, content, match):
    rgb, depth, _ = _write_pair(tmp_path / "in")
    torch.save(content, tmp_path / "w.pth")
    msg = _run_error(capsys, ["--rgb", str(rgb), "--depth", str(depth), "--out",
                              str(tmp_path / "o"), "--model", "d2a2", "--weights",
                              str(tmp_path / "w.pth"), "--quiet"])
    assert match in msg and "w.pth" in msg
