"""``xmodal evaluate``: the benchmark table of a weights file beside bicubic."""

import pytest
import torch
from gadget_weights import arch_gadgets

from xmodal.models import D2A2
from xmodal.tools.evaluate import main
from xmodal.weights import save_weights


@pytest.fixture
def weights_x16(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "x16.pth"
    save_weights(D2A2(scale=16, zero_init_tail=True), path, arch=dict(type="D2A2", scale=16))
    return path


def test_prints_one_row_per_scale_with_the_bicubic_baseline(weights_x16, capsys):
    assert main(["--sample", "--weights", str(weights_x16), "--scales", "16", "--limit", "1"]) == 0
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith("| x16")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    scale, frames, model, bicubic = cells[:4]
    assert (scale, frames, cells[-1]) == ("x16", "1", "8bit")
    # a zero-initialised tail returns its torch-bicubic skip: close to, not equal to, PIL bicubic
    assert float(model) == pytest.approx(float(bicubic), rel=0.05)
    assert float(model) != float(bicubic)


def test_missing_weights_file_is_one_error_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--sample", "--weights", str(tmp_path / "nope.pth"), "--scales", "4"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "nope.pth" in err[0]


def test_bad_limit_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--sample", "--limit", "0"])
    assert exc.value.code == 2
    assert "--limit" in capsys.readouterr().err


def test_weights_arch_naming_code_runs_nothing(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    for path in arch_gadgets(tmp_path, marker):
        with pytest.raises(SystemExit) as exc:
            main(["--sample", "--weights", str(path), "--scales", "4", "--limit", "1"])
        assert exc.value.code == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:") and "arch argument" in err[0]
        assert not marker.exists()


def test_subset_scores_the_validation_frames_of_the_split(real_data_dir, capsys):
    root = real_data_dir("gdsr", "rgbdd")
    assert main(["--dataset", "rgbdd", "--subset", "val", "--data-root", str(root),
                 "--model", "bicubic", "--scales", "8", "--limit", "2"]) == 0
    row = [r for r in capsys.readouterr().out.splitlines() if r.startswith("| x8")][0]
    printed = float(row.strip("|").split("|")[3])
    from xmodal.datasets import RGBDDDataset, RGBDDSplitDataset
    from xmodal.evaluation import evaluate_generator
    from xmodal.models import Bicubic

    val = evaluate_generator(Bicubic(scale=8), RGBDDSplitDataset(
        subset="val", data_root=root, scale=8), indices=[0, 1])["bicubic_rmse"]
    first = evaluate_generator(Bicubic(scale=8), RGBDDDataset(data_root=root, scale=8),
                               indices=[0, 1])["bicubic_rmse"]
    assert printed == pytest.approx(val, abs=1e-4) and abs(val - first) > 1e-3


def test_subset_needs_the_rgbdd_dataset(capsys):
    with pytest.raises(SystemExit):
        main(["--sample", "--subset", "val"])
    assert "--subset selects RGB-D-D frames" in capsys.readouterr().err


def test_nan_weights_are_refused_not_scored(tmp_path, capsys):
    net = D2A2(scale=16)
    torch.nn.init.constant_(net.tail[-1].weight, float("nan"))
    path = save_weights(net, tmp_path / "nan.pth", arch=dict(type="D2A2", scale=16))
    with pytest.raises(SystemExit) as exc:
        main(["--sample", "--weights", str(path), "--scales", "16", "--limit", "1"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "NaN or infinite values" in err[0]


def test_an_unsupported_scale_suggests_no_option_evaluate_lacks(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--sample", "--scales", "3", "--limit", "1"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert "x3" in err and "--resize-guide" not in err
