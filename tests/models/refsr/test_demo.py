"""The RefSR demo command (xmodal.models.refsr.demo): one ``error:`` line per bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from xmodal.models.refsr import demo

ROOT = Path(__file__).resolve().parents[3]
RECIPE = ROOT / "recipes" / "refsr_dcsr_x4.py"


def _error(argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        demo.main(argv)
    msg = str(exc.value.code)
    assert msg.startswith("error:") and "\n" not in msg, msg
    return msg


def test_another_models_checkpoint_is_refused(tmp_path):
    state = torch.load(ROOT / "xmodal" / "weights" / "d2a2_rgbdd_x4.pth",
                       weights_only=True)["state_dict"]
    torch.save({"state_dict": state}, tmp_path / "d2a2.pth")
    msg = _error([str(RECIPE), str(tmp_path / "d2a2.pth"), "--out-dir", str(tmp_path / "o")])
    assert "does not fit" in msg and "d2a2.pth" in msg
    assert not (tmp_path / "o").exists()


def test_integer_weights_are_refused_not_cast(tmp_path):
    from mmengine.config import Config

    import xmodal.models.refsr  # noqa: F401  (registration)
    from xmodal.registry import MODELS

    state = MODELS.build(Config.fromfile(str(RECIPE)).model).state_dict()
    key = next(k for k, v in state.items() if v.is_floating_point())
    state[key] = state[key].to(torch.int8)
    torch.save({"state_dict": state}, tmp_path / "int8.pth")
    msg = _error([str(RECIPE), str(tmp_path / "int8.pth"), "--out-dir", str(tmp_path / "o")])
    assert f"int8.pth: {key} is int8, the model holds float32 there" in msg
    assert not (tmp_path / "o").exists()


def test_out_dir_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "o").write_text("a file")
    assert "is a file, not a folder" in _error([str(RECIPE), "--out-dir", str(tmp_path / "o")])


def test_missing_data_root_is_one_line(tmp_path):
    msg = _error([str(RECIPE), "--data-root", str(tmp_path / "none"), "--out-dir",
                  str(tmp_path / "o")])
    assert "none" in msg and "not found" in msg
    assert not (tmp_path / "o").exists()
