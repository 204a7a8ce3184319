"""``python -m xmodal.tools.export_weights``: recipe + checkpoint -> inference weights file."""

from __future__ import annotations

import pytest
import torch
from dsrdiff_tiny import FILE_GENERATOR as GEN
from dsrdiff_tiny import GGN

from xmodal.models.dsrdiff import DSRDiffStage2Model
from xmodal.tools.export_weights import export, main
from xmodal.weights import build_generator


def test_export_stage2_checkpoint_keeps_only_the_generator(tmp_path, capsys):
    config = tmp_path / "tiny_stage2.py"
    config.write_text(f"model = dict(type='DSRDiffStage2Model', generator={GEN!r}, ggn={GGN!r})\n")
    torch.manual_seed(0)
    model = DSRDiffStage2Model(generator=GEN, ggn=GGN)
    torch.save({"state_dict": model.state_dict(), "meta": {}}, tmp_path / "iter_1.pth")
    out = export(config, tmp_path / "iter_1.pth", tmp_path / "w.pth", fp16=False,
                 meta={"schedule": "test"})
    raw = torch.load(out, weights_only=True)
    assert raw["arch"]["type"] == "DSRDiff" and raw["meta"]["schedule"] == "test"
    assert not any(k.startswith("ggn.") for k in raw["state_dict"])
    net, _ = build_generator("dsrdiff", 4, out)
    lr, guide = torch.rand(1, 1, 8, 8), torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(net(lr, guide), model.eval().generator(lr, guide))
    main([str(config), str(tmp_path / "iter_1.pth"), str(tmp_path / "w16.pth")])
    assert "wrote" in capsys.readouterr().out
    half = torch.load(tmp_path / "w16.pth", weights_only=True)["state_dict"]
    assert {v.dtype for v in half.values() if v.is_floating_point()} == {torch.float16}


def test_export_errors_are_one_line(tmp_path, capsys):
    config = tmp_path / "c.py"
    config.write_text("model = dict(type='Bicubic')\n")
    with pytest.raises(SystemExit) as exc:
        main([str(config), str(tmp_path / "none.pth"), str(tmp_path / "o.pth")])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no model.generator" in err[0]


def test_meta_values_keep_their_type_and_a_key_without_value_is_refused(tmp_path, capsys):
    config = tmp_path / "tiny_stage2.py"
    config.write_text(f"model = dict(type='DSRDiffStage2Model', generator={GEN!r}, ggn={GGN!r})\n")
    model = DSRDiffStage2Model(generator=GEN, ggn=GGN)
    torch.save({"state_dict": model.state_dict(), "meta": {}}, tmp_path / "iter_1.pth")
    args = [str(config), str(tmp_path / "iter_1.pth"), str(tmp_path / "w.pth")]
    main([*args, "--meta", "val_rmse_cm=2.7866", "iterations=400", "start=shipped x16 file"])
    meta = torch.load(tmp_path / "w.pth", weights_only=True)["meta"]
    assert meta["val_rmse_cm"] == 2.7866 and isinstance(meta["val_rmse_cm"], float)
    assert meta["iterations"] == 400 and meta["start"] == "shipped x16 file"
    with pytest.raises(SystemExit) as exc:
        main([*args[:2], str(tmp_path / "w2.pth"), "--meta", "val_rmse_cm"])
    assert exc.value.code == 2 and "expected K=V" in capsys.readouterr().err
    assert not (tmp_path / "w2.pth").exists()
