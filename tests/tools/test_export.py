"""The ``xmodal export`` command (``python -m xmodal.tools.export``)."""

from __future__ import annotations

import pytest
import torch
from gadget_weights import arch_gadgets, gadget_configs

from xmodal.deploy import load_pt2
from xmodal.tools.export import build_parser, main


def test_arch_to_pt2(tmp_path, capsys):
    out = tmp_path / "lda.pt2"
    assert main(["--arch", '{"type": "LDA", "channels": 4}', "--size", "6x8",
                 "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    y = load_pt2(out)(torch.rand(2, 4, 5, 9), torch.rand(2, 4, 5, 9))  # another size
    assert y.shape == (2, 4, 5, 9)


def test_parser_defaults():
    args = build_parser().parse_args(["--out", "m.onnx"])
    assert (args.model, args.scale, args.size, args.dcn, args.opset) == \
        ("d2a2", 4, (480, 640), "native", 20)
    assert args.dynamic and not args.fp16 and args.format is None
    assert not build_parser().parse_args(["--no-dynamic", "--out", "m.onnx"]).dynamic


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--arch", "{type: LDA}"], "not valid JSON"),
        (["--arch", '["LDA"]'], "JSON object with a 'type'"),
        (["--arch", '{"type": "NoSuchBlock"}'], "NoSuchBlock"),
        (["--arch", '{"type": "LDA"}', "--weights", "w.pth"], "--weights goes with --model"),
        (["--model", "d2a2", "--size", "482x640"], "multiple of the scale factor 4"),
        (["--model", "d2a2", "--weights", "missing.pth"], "missing.pth"),
        (["--arch", '{"type": "DGA", "channels": 8}', "--dcn", "deformconv", "--opset", "18",
          "--format", "onnx"], "opset"),
        (["--model", "dada", "--scale", "8"], "holds GuidedAnisotropicDiffusion"),
        (["--model", "d2a2_diffusion", "--scale", "8"], "unroll every iteration"),
    ],
)
def test_bad_input_gives_one_error_line(tmp_path, capsys, argv, match):
    with pytest.raises(SystemExit) as info:
        main([*argv, "--out", str(tmp_path / "m.pt2")])
    assert info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("xmodal export: error:") and match in err[0]
    assert not (tmp_path / "m.pt2").exists()


def test_bad_size_text_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--size", "480", "--out", "m.onnx"])
    assert info.value.code == 2 and "HxW" in capsys.readouterr().err


def _one_error(capsys, argv: list[str], out) -> str:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--out", str(out)])
    assert info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("xmodal export: error:"), err
    assert not out.exists()
    return err[0]


def test_weights_arch_naming_code_runs_nothing(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    for path in arch_gadgets(tmp_path, marker):
        msg = _one_error(capsys, ["--model", "d2a2", "--weights", str(path)], tmp_path / "m.pt2")
        assert "arch argument" in msg
    assert not marker.exists()


def test_arch_json_takes_plain_scalars_of_xmodal_types_only(tmp_path, capsys):
    import json

    marker = tmp_path / "PWNED"
    cases = [({"type": "D2A2", "align": cfg}, "must be a plain int") for cfg in
             gadget_configs(marker)]
    cases += [({"type": "sympy.simplify", "expr": "1"}, "not a model or block registered"),
              ({"type": "DGA", "channels": 10**7}, "channels=10000000 is outside [0, 1024]"),
              ({"type": "DGA", "channels": 1e7}, "takes int, got 10000000.0"),
              ({"type": "D2A2", "channels": 1024, "num_resblocks": 4096}, "parameters"),
              ({"type": "DGA", "backend": "os.system"}, "without dots"),
              ({"type": "DGA", "nope": 1}, "'nope' is not an argument of DGA")]
    for cfg, match in cases:
        msg = _one_error(capsys, ["--arch", json.dumps(cfg)], tmp_path / "m.pt2")
        assert match in msg, msg
    assert not marker.exists()


def test_out_folder_and_huge_size_are_refused_before_any_work(tmp_path, capsys):
    (tmp_path / "dir.onnx").mkdir()
    with pytest.raises(SystemExit):
        main(["--arch", '{"type": "LDA", "channels": 4}', "--out", str(tmp_path / "dir.onnx")])
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a folder" in err[0]
    msg = _one_error(capsys, ["--model", "d2a2", "--size", "40000x40000"], tmp_path / "m.pt2")
    assert "traced at" in msg


def test_a_failed_export_leaves_the_earlier_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "lda.pt2"
    assert main(["--arch", '{"type": "LDA", "channels": 4}', "--size", "6x8",
                 "--out", str(out)]) == 0
    good = out.read_bytes()

    def killed(program, path, *a, **k):
        with open(path, "wb") as fh:
            fh.write(b"trunc")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch.export, "save", killed)
    with pytest.raises(SystemExit):
        main(["--arch", '{"type": "LDA", "channels": 4}', "--size", "6x8", "--out", str(out)])
    assert out.read_bytes() == good and sorted(p.name for p in tmp_path.iterdir()) == ["lda.pt2"]


def test_an_unsupported_scale_suggests_no_option_export_lacks(tmp_path, capsys):
    msg = _one_error(capsys, ["--model", "d2a2", "--scale", "3"], tmp_path / "m.pt2")
    assert "x3" in msg and "--resize-guide" not in msg
