"""``xmodal upsample --model dsrdiff`` on real frames (tiny random-weight DSR-Diff, small crops).

The weights are a tiny GRN + DSRN saved as an xmodal weights file: these tests
check the command path (file reading, normalisation, the seeded guidance
recovery, writing, RMSE beside bicubic), not accuracy.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from dsrdiff_tiny import FILE_GENERATOR as TINY
from gadget_weights import dsrdiff_gadgets
from PIL import Image

from xmodal.datasets.paths import EMBEDDED_DATA
from xmodal.datasets.protocol import make_lr_bicubic
from xmodal.registry import MODELS
from xmodal.tools.upsample import main
from xmodal.weights import save_weights

REALSCENE = Path(os.environ.get("XMODAL_DATA") or ".", "gdsr", "rgbdd_realscene")  # conftest
FRAME = "20200509112638"


@pytest.fixture
def weights(tmp_path) -> Path:
    torch.manual_seed(0)
    return save_weights(MODELS.build(TINY), tmp_path / "dsrdiff_tiny.pth", TINY)


def _crop_embedded_frame(folder: Path) -> tuple[Path, Path, Path]:
    """A 128x96 crop of an embedded RGB-D-D frame; its LR by the protocol's PIL bicubic x4."""
    root = EMBEDDED_DATA / "gdsr" / "rgbdd"
    box = (192, 144, 320, 240)
    folder.mkdir()
    Image.open(root / "rgb" / f"{FRAME}_RGB.jpg").crop(box).save(folder / "f_RGB.png")
    hr = np.asarray(Image.open(root / "depth" / f"{FRAME}_HR_gt.png")).astype(np.float32)
    hr = hr[box[1]:box[3], box[0]:box[2]]
    Image.fromarray(hr.astype(np.uint16)).save(folder / "f_HR.png")
    lr = make_lr_bicubic(hr, 4)
    Image.fromarray(np.clip(np.rint(lr), 0, 65535).astype(np.uint16)).save(folder / "f_LR.png")
    return folder / "f_RGB.png", folder / "f_LR.png", folder / "f_HR.png"


def test_dsrdiff_on_an_embedded_rgbdd_crop(tmp_path, weights, capsys):
    rgb, depth, gt = _crop_embedded_frame(tmp_path / "in")
    out = tmp_path / "out"
    args = ["--model", "dsrdiff", "--weights", str(weights), "--rgb", str(rgb), "--depth",
            str(depth), "--gt", str(gt), "--device", "cpu", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    sr = np.asarray(Image.open(out / "f_LR_sr.png")).astype(np.float32)
    lr = np.asarray(Image.open(depth)).astype(np.float32)
    assert sr.shape == (96, 128)
    assert lr.min() - 1 <= np.median(sr) <= lr.max() + 1  # mm, the input's unit
    assert "RMSE" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "again"), "--no-color"]) == 0
    again = np.asarray(Image.open(tmp_path / "again" / "f_LR_sr.png")).astype(np.float32)
    assert np.array_equal(again, sr)  # fixed sample_seed: the same output every run


@pytest.mark.skipif(not REALSCENE.is_dir(), reason="real-sensor frames absent (set XMODAL_DATA)")
def test_dsrdiff_on_a_real_sensor_frame(tmp_path, weights, capsys):
    """Real ToF LR (192x144) and 512x384 RGB (ratio 2.67): a 48x36 LR crop, guide resized."""
    folder = tmp_path / "in"
    folder.mkdir()
    Image.open(REALSCENE / "rgb" / f"{FRAME}_RGB.jpg").crop((128, 96, 256, 192)).save(
        folder / "r_RGB.png")
    Image.open(REALSCENE / "depth_lr" / f"{FRAME}_LR_fill_depth.png").crop(
        (48, 36, 96, 72)).save(folder / "r_LR.png")
    Image.open(REALSCENE / "depth_hr" / f"{FRAME}_HR_gt.png").crop((128, 96, 256, 192)).save(
        folder / "r_HR.png")
    assert main(["--model", "dsrdiff", "--weights", str(weights), "--rgb",
                 str(folder / "r_RGB.png"), "--depth", str(folder / "r_LR.png"), "--gt",
                 str(folder / "r_HR.png"), "--out", str(tmp_path / "o"), "--resize-guide",
                 "--device", "cpu", "--quiet"]) == 0
    sr = np.asarray(Image.open(tmp_path / "o" / "r_LR_sr.png"))
    assert sr.shape == (96, 128) and sr.max() > 0
    assert "bicubic" in capsys.readouterr().out


def test_dsrdiff_without_weights_is_one_error_line(tmp_path, capsys):
    rgb, depth, _ = _crop_embedded_frame(tmp_path / "in")
    with pytest.raises(SystemExit) as exc:
        main(["--model", "dsrdiff", "--rgb", str(rgb), "--depth", str(depth), "--out",
              str(tmp_path / "o"), "--quiet"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--weights PATH" in err[0] and "dsrdiff" in err[0]


def test_dsrdiff_weights_arch_naming_code_runs_nothing(tmp_path, capsys):
    rgb, depth, _ = _crop_embedded_frame(tmp_path / "in")
    marker = tmp_path / "PWNED"
    for path in dsrdiff_gadgets(tmp_path, marker, MODELS.build(TINY).state_dict()):
        with pytest.raises(SystemExit) as exc:
            main(["--model", "dsrdiff", "--weights", str(path), "--rgb", str(rgb), "--depth",
                  str(depth), "--out", str(tmp_path / "o"), "--device", "cpu", "--quiet"])
        assert exc.value.code == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "error:" in err[0] and "arch" in err[0], err
        assert not marker.exists()
