"""The model table (xmodal.zoo): its entries, the defaults per scale, and that adding a model
to ``xmodal upsample`` is one table entry plus its architecture (a toy entry, end to end)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

import xmodal.apis.inference as inference
from xmodal.apis import upsample
from xmodal.registry import MODELS
from xmodal.tools.upsample import build_parser, main
from xmodal.weights import (
    WEIGHTS_DIR,
    build_generator,
    file_sha256,
    load_weights_file,
    save_weights,
)
from xmodal.zoo import (
    MODEL_TABLE,
    ModelEntry,
    WeightsFile,
    default_model,
    default_scales,
    get_model_entry,
    model_names,
    register_model_entry,
    runs_without_files,
)


class ToyGDSR(nn.Module):
    """A toy architecture: bicubic LR + gain * (guide luminance - 0.5)."""

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self.gain = nn.Parameter(torch.zeros(()))

    def forward(self, lr: torch.Tensor, guide: torch.Tensor) -> torch.Tensor:
        up = F.interpolate(lr, scale_factor=self.scale, mode="bicubic", align_corners=False)
        return up + self.gain * (guide.mean(1, keepdim=True) - 0.5)


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """Register ToyGDSR and a 'toy' table entry with an x4 weights file (gain 0.25)."""
    monkeypatch.setitem(MODELS._module_dict, "ToyGDSR", ToyGDSR)
    monkeypatch.setattr(inference, "_INFERENCERS", {})
    net = ToyGDSR(4)
    net.gain.data.fill_(0.25)
    path = save_weights(net, tmp_path / "toy_x4.pth", dict(type="ToyGDSR", scale=4), fp16=False)
    entry = ModelEntry(name="toy", arch=lambda s: dict(type="ToyGDSR", scale=s), scales=(2, 4),
                       weights={4: WeightsFile(str(path), file_sha256(path))},
                       val_rmse_cm={2: 9.9}, description="toy (x2 runs untrained: gain 0)")
    monkeypatch.setitem(MODEL_TABLE, "toy", entry)
    return path


def _pair(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (32, 40, 3), dtype=np.uint8)
    lr = (1000 + 50 * rng.random((8, 10))).astype(np.float32)
    return rgb, lr


def test_table_entries_and_defaults():
    assert {"d2a2", "dsrdiff", "bicubic", "dada"} <= set(model_names())
    for s in (4, 8, 16):
        entry = get_model_entry(default_model(s))  # one runnable model per scale
        assert entry.supports(s) and runs_without_files(entry, s)
        measured = [e.val_rmse_cm[s] for e in MODEL_TABLE.values() if s in e.val_rmse_cm]
        assert entry.val_rmse_cm[s] == min(measured)  # the best on the validation list
    assert default_scales() == (4, 8, 16)
    assert get_model_entry("dada").supports(3) and not get_model_entry("d2a2").supports(2)
    assert {e.preset for e in MODEL_TABLE.values()} <= {"d2a2", "dada"}
    with pytest.raises(ValueError, match="model must be one of d2a2, dsrdiff, bicubic, dada"):
        get_model_entry("dkn")
    with pytest.raises(ValueError, match="no default model at x2"):
        default_model(2)


def test_the_lowest_validation_figure_is_the_default(toy, monkeypatch):
    entry = MODEL_TABLE["toy"]
    assert default_model(4) != "toy"  # toy has no x4 figure yet
    better = min(e.val_rmse_cm[4] for e in MODEL_TABLE.values() if 4 in e.val_rmse_cm)
    # a test-set figure, however low, never makes the default
    monkeypatch.setitem(MODEL_TABLE, "toy", dataclasses.replace(
        entry, middlebury_rmse={4: 0.001}))
    assert default_model(4) != "toy"
    monkeypatch.setitem(MODEL_TABLE, "toy", dataclasses.replace(
        entry, val_rmse_cm={2: 9.9, 4: better - 0.01}))
    assert default_model(4) == "toy"
    # a figure without its weights file does not make a default
    monkeypatch.setitem(MODEL_TABLE, "toy", dataclasses.replace(
        entry, weights={}, needs_weights=True, val_rmse_cm={4: better - 0.01}))
    assert default_model(4) != "toy" and 2 not in default_scales()


def test_d2a2_figures_are_those_of_its_shipped_files():
    entry = get_model_entry("d2a2")
    for scale, weights in entry.weights.items():
        meta = load_weights_file(WEIGHTS_DIR / weights.file)["meta"]
        for key in ("val_rmse_cm", "middlebury_rmse"):  # recorded in the file at export
            figure = getattr(entry, key)[scale]
            assert figure == pytest.approx(float(meta[key]), abs=1e-4), (scale, key)


def test_register_checks_names_and_scales():
    with pytest.raises(ValueError, match="already in the model table"):
        register_model_entry(MODEL_TABLE["d2a2"])
    bad = ModelEntry(name="bad", arch=lambda s: {}, scales=(4,), middlebury_rmse={8: 1.0})
    with pytest.raises(ValueError, match="x8 is not one of its scales x4"):
        register_model_entry(bad)
    with pytest.raises(TypeError, match="ModelEntry"):
        register_model_entry({"name": "bad"})
    for init, files in (("nope", {}), ("d2a2", {4: WeightsFile("x.pth")})):
        with pytest.raises(ValueError, match="init_model must name a model already in the table"):
            register_model_entry(dataclasses.replace(bad, middlebury_rmse={}, init_model=init,
                                                     weights=files))
    assert "bad" not in MODEL_TABLE


def _refined_toy(monkeypatch) -> ModelEntry:
    """'toy_dada': learning-free DADA started from the toy's estimate (its weights)."""
    entry = ModelEntry(name="toy_dada", scales=(2, 4), needs_weights=True, init_model="toy",
                       arch=lambda s: dict(type="DADA", scale=s, init_generator=dict(
                           type="ToyGDSR", scale=s), diffusion=dict(k=0.05, num_iters=5)))
    monkeypatch.setitem(MODEL_TABLE, "toy_dada", entry)
    return entry


def test_an_entry_started_from_another_loads_that_models_weights(toy, monkeypatch):
    entry = _refined_toy(monkeypatch)
    net, meta = build_generator("toy_dada", 4)
    assert net.init_generator.gain.item() == pytest.approx(0.25)  # the toy's shipped file
    assert meta["path"] == str(toy)
    assert runs_without_files(entry, 4) and runs_without_files(entry, 2)  # toy runs untrained
    monkeypatch.setitem(MODEL_TABLE, "toy", dataclasses.replace(MODEL_TABLE["toy"],
                                                                needs_weights=True))
    assert runs_without_files(entry, 4) and not runs_without_files(entry, 2)  # toy ships x4 only
    rgb, lr = _pair()
    out = upsample(rgb, lr, model="toy_dada")
    assert out.shape == (32, 40)
    d2a2 = get_model_entry("d2a2_diffusion")
    assert d2a2.init_model == "d2a2" and all(runs_without_files(d2a2, s) for s in (4, 8, 16))


def test_a_toy_entry_runs_in_the_api_with_its_weights(toy):
    rgb, lr = _pair()
    out, info = upsample(rgb, lr, model="toy", return_info=True)
    assert info["model"] == "toy" and info["scale"] == 4
    guide = torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255
    lr_n = (torch.from_numpy(lr) - lr.min()) / (lr.max() - lr.min())
    ref = ToyGDSR(4)
    ref.gain.data.fill_(0.25)
    with torch.no_grad():
        expect = ref(lr_n[None, None], guide)[0, 0].numpy() * (lr.max() - lr.min()) + lr.min()
    np.testing.assert_allclose(out, expect, rtol=1e-5)  # the shipped gain was loaded


def test_a_toy_entry_is_a_cli_choice_and_a_default(toy, tmp_path):
    assert "toy" in build_parser()._option_string_actions["--model"].choices
    rgb, lr = _pair()
    small = np.ascontiguousarray(rgb[:16, :20])  # x2: the toy entry is the default there
    out, info = upsample(small, lr, return_info=True)
    assert info["model"] == "toy" and info["scale"] == 2
    Image.fromarray(rgb).save(tmp_path / "f_RGB.png")
    Image.fromarray(lr.astype(np.uint16)).save(tmp_path / "f_LR.png")
    assert main(["--rgb", str(tmp_path / "f_RGB.png"), "--depth", str(tmp_path / "f_LR.png"),
                 "--out", str(tmp_path / "o"), "--model", "toy", "--quiet"]) == 0
    assert (tmp_path / "o" / "f_LR_sr.png").is_file()


def test_a_changed_shipped_file_is_refused(toy):
    rgb, lr = _pair()
    net = ToyGDSR(4)
    save_weights(net, toy, dict(type="ToyGDSR", scale=4), fp16=False)  # replaced in place
    with pytest.raises(ValueError, match=r"toy_x4\.pth has sha256 .* the model table pins"):
        upsample(rgb, lr, model="toy")
