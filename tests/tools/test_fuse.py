"""The ``xmodal fuse`` command: file mode, folder mode, --score, and one error line per bad input
(nothing written)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from xmodal.tools.cli import main as xmodal_main
from xmodal.tools.fuse import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "apis"))
from test_fusion import _pair, _weights  # noqa: E402


@pytest.fixture
def weights(tmp_path) -> Path:
    return _weights(tmp_path / "w.pth")


def _run_error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("xmodal fuse: error: "), err
    return err[0]


def test_file_mode(tmp_path, weights, capsys):
    ir, vis = _pair(tmp_path / "in", "x1")
    assert xmodal_main(["fuse", "--ir", str(ir), "--vis", str(vis), "--out",
                        str(tmp_path / "out"), "--weights", str(weights)]) == 0
    img = Image.open(tmp_path / "out" / "x1_fused.png")
    assert img.mode == "RGB" and img.size == (72, 64)
    assert "x1_fused.png" in capsys.readouterr().out


def test_folder_mode_with_score(tmp_path, weights, capsys):
    _pair(tmp_path / "in", "a", ir_dtype=np.uint16)
    _pair(tmp_path / "in", "b")
    assert main(["--ir", str(tmp_path / "in" / "ir"), "--vis", str(tmp_path / "in" / "vi"),
                 "--out", str(tmp_path / "out"), "--weights", str(weights), "--score"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_fused.png", "b_fused.png"]
    out = capsys.readouterr().out
    header = [ln for ln in out.splitlines() if ln.strip().startswith("method")]
    assert len(header) == 3  # a, b, mean
    for name in ("EN", "SD", "SF", "AG", "MI", "SCD", "VIF", "Qabf", "SSIM"):
        assert name in header[0].split()
    assert "mean over 2 pair(s)" in out
    assert all(any(ln.strip().startswith(r) for ln in out.splitlines())
               for r in ("model", "avg", "maxabs"))


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    ir, vis = _pair(tmp_path / "in", "a")
    _, rgba = _pair(tmp_path / "rgba", "a", vis_mode="RGBA")
    small = tmp_path / "small.png"
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(small)
    colour_ir = tmp_path / "colour.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 72, 3), np.uint8)).save(
        colour_ir)
    (tmp_path / "not_an_image.png").write_text("x")
    from unfaithful_images import exif_rotated_jpeg, png_rgb16

    ir48 = png_rgb16(tmp_path / "ir48.png", np.full((64, 72, 3), 40000, np.uint16))
    rotated = exif_rotated_jpeg(tmp_path / "rotated.jpg", np.zeros((64, 72, 3), np.uint8))
    return {
        "missing": (["--ir", str(tmp_path / "nope.png"), "--vis", str(vis)], "file not found"),
        "size": (["--ir", str(ir), "--vis", str(small)], "differs from vis size"),
        "rgba": (["--ir", str(ir), "--vis", str(rgba)], "RGBA"),
        "colour_ir": (["--ir", str(colour_ir), "--vis", str(vis)], "grey infrared"),
        "unreadable": (["--ir", str(tmp_path / "not_an_image.png"), "--vis", str(vis)],
                       "not a readable image"),
        "mixed": (["--ir", str(ir), "--vis", str(tmp_path / "in" / "vi")], "all files or all"),
        "suffix": (["--ir", str(tmp_path / "w.pth"), "--vis", str(vis)], "unsupported file"),
        "ir_rgb16": (["--ir", str(ir48), "--vis", str(vis)], "stores 16-bit channels"),
        "exif": (["--ir", str(ir), "--vis", str(rotated)], "EXIF orientation 6"),
    }


@pytest.mark.parametrize("case", ["missing", "size", "rgba", "colour_ir", "unreadable", "mixed",
                                  "suffix", "ir_rgb16", "exif"])
def test_bad_input_is_one_error_line_and_nothing_written(tmp_path, weights, capsys, case):
    argv, match = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    line = _run_error(capsys, argv + ["--out", str(out), "--weights", str(weights)])
    assert match in line
    assert not out.exists() or not any(out.iterdir())


def test_bad_weights_and_no_shipped_weights(tmp_path, weights, capsys):
    ir, vis = _pair(tmp_path / "in", "a")
    base = ["--ir", str(ir), "--vis", str(vis), "--out", str(tmp_path / "out")]
    assert "no ivif_plain fusion weights are shipped yet" in _run_error(
        capsys, base + ["--model", "ivif_plain"])
    assert "file not found" in _run_error(capsys, base + ["--weights", str(tmp_path / "x.pth")])
    (tmp_path / "junk.pth").write_bytes(b"not a torch file")
    assert "weights:" in _run_error(capsys, base + ["--weights", str(tmp_path / "junk.pth")])
    plain = _weights(tmp_path / "plain.pth", "ivif_plain")
    assert "IVIFPlainNet" in _run_error(capsys, base + ["--weights", str(plain)])
    assert main(base + ["--weights", str(plain), "--model", "ivif_plain", "--quiet"]) == 0
    assert "--no-overwrite" in _run_error(capsys, base + ["--weights", str(plain), "--model",
                                                          "ivif_plain", "--no-overwrite"])
    assert not (tmp_path / "out" / ".a_fused.png.tmp").exists()


def test_folder_mode_goes_on_after_a_bad_pair(tmp_path, weights, capsys):
    _pair(tmp_path / "in", "a")
    _pair(tmp_path / "in", "b")
    Image.fromarray(np.zeros((5, 5, 3), np.uint8)).save(tmp_path / "in" / "vi" / "b.png")
    with pytest.raises(SystemExit) as exc:
        main(["--ir", str(tmp_path / "in" / "ir"), "--vis", str(tmp_path / "in" / "vi"),
              "--out", str(tmp_path / "out"), "--weights", str(weights), "--quiet"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "b.png" in err[0] and "1 of 2 input(s) failed" in err[1]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a_fused.png"]


def test_real_pair(real_data_dir, tmp_path, weights, capsys):
    root = real_data_dir("ivif", "vif_benchmark")
    assert main(["--ir", str(root / "ir" / "049.png"), "--vis", str(root / "vi" / "049.png"),
                 "--out", str(tmp_path), "--weights", str(weights), "--score"]) == 0
    assert Image.open(tmp_path / "049_fused.png").size == Image.open(root / "vi" / "049.png").size
    assert "maxabs" in capsys.readouterr().out
