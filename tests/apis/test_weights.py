"""The shipped weights, the model table's hashes and the safe loader (xmodal.weights)."""

from __future__ import annotations

import pytest
import torch
from crafted_pickles import crafted_pickles
from gadget_weights import SHIPPED_X4, arch_gadgets

from xmodal.models import D2A2
from xmodal.weights import (
    WEIGHTS_DIR,
    build_generator,
    file_sha256,
    load_weights_file,
    save_weights,
    shipped_path,
    verify_sha256,
)
from xmodal.zoo import MODEL_TABLE

SHIPPED = [(e.name, s, wf) for e in MODEL_TABLE.values() for s, wf in e.weights.items()]


@pytest.mark.parametrize(("model", "scale", "wf"), SHIPPED, ids=[f"{m}-x{s}" for m, s, _ in
                                                                  SHIPPED])
def test_shipped_file_is_fp16_and_loads_with_weights_only(model, scale, wf):
    path = WEIGHTS_DIR / wf.file
    assert path.is_file() and path.stat().st_size < 8e6
    raw = torch.load(path, map_location="cpu", weights_only=True)
    assert raw["format"] == "xmodal-weights-v1"
    assert {v.dtype for v in raw["state_dict"].values() if v.is_floating_point()} == {
        torch.float16}
    assert raw["arch"]["type"] == MODEL_TABLE[model].arch(scale)["type"]
    assert raw["arch"].get("scale") == scale


@pytest.mark.parametrize(("model", "scale", "wf"), SHIPPED, ids=[f"{m}-x{s}" for m, s, _ in
                                                                  SHIPPED])
def test_shipped_file_matches_the_pinned_sha256(model, scale, wf):
    if wf.sha256 is None:
        pytest.skip(f"{wf.file}: sha256 not pinned in the model table yet")
    assert file_sha256(WEIGHTS_DIR / wf.file) == wf.sha256


def test_default_d2a2_builds_with_the_official_parameter_count():
    net, meta = build_generator("d2a2", 4)
    assert sum(p.numel() for p in net.parameters()) == 2_533_711
    assert not net.training and meta["path"] == str(shipped_path("d2a2", 4))


def test_sha256_mismatch_is_a_clear_error(tmp_path):
    path = tmp_path / "w.bin"
    path.write_bytes(b"abc")
    verify_sha256(path, None)  # not pinned: nothing checked
    verify_sha256(path, file_sha256(path).upper())
    with pytest.raises(ValueError, match=r"w\.bin has sha256 .* the model table pins 0+"):
        verify_sha256(path, "0" * 64)


def test_missing_weights_names_the_way_out():
    with pytest.raises(FileNotFoundError, match=r"dsrdiff.*--weights PATH"):
        build_generator("dsrdiff", 8)
    with pytest.raises(ValueError, match="d2a2 runs at x4/x8/x16"):
        build_generator("d2a2", 2)
    with pytest.raises(ValueError, match="takes no weights file"):
        build_generator("bicubic", 4, "some.pth")


def test_learning_free_models_build_without_weights():
    net, meta = build_generator("dada", 3)
    assert meta == {} and net.scale == 3 and not net.training
    assert net.diffusion.num_iters == 1000 and abs(float(net.diffusion.k) - 0.03) < 1e-6


def test_save_load_round_trip_and_checkpoint_layouts(tmp_path):
    torch.manual_seed(0)
    net = D2A2(scale=4, channels=8, num_resblocks=1).eval()
    arch = dict(type="D2A2", scale=4, channels=8, num_resblocks=1)
    path = save_weights(net, tmp_path / "tiny.pth", arch, meta={"note": "test"})
    got, meta = build_generator("d2a2", 4, path)
    assert meta["note"] == "test"
    for (k, a), b in zip(net.state_dict().items(), got.state_dict().values()):
        torch.testing.assert_close(b, a.half().float() if a.is_floating_point() else a, msg=k)
    # an mmengine-style checkpoint of GDSRModel: the 'generator.' entries are taken
    torch.save({"state_dict": {f"generator.{k}": v for k, v in net.state_dict().items()}},
               tmp_path / "ckpt.pth")
    loaded = load_weights_file(tmp_path / "ckpt.pth")
    assert loaded["arch"] is None and set(loaded["state_dict"]) == set(net.state_dict())
    with pytest.raises(ValueError, match="is a x4 model, x8 was asked for"):
        build_generator("d2a2", 8, path)


def test_bad_weights_files(tmp_path):
    (tmp_path / "junk.pth").write_text("not a torch file")
    with pytest.raises(ValueError, match=r"weights: cannot load checkpoint .*junk\.pth"):
        load_weights_file(tmp_path / "junk.pth")
    with pytest.raises(FileNotFoundError, match="file not found"):
        load_weights_file(tmp_path / "missing.pth")
    torch.save({"conv.weight": torch.zeros(1)}, tmp_path / "other.pth")
    with pytest.raises(ValueError, match="does not fit D2A2 x4"):
        build_generator("d2a2", 4, tmp_path / "other.pth")


def test_crafted_pickle_runs_nothing_and_is_one_line(tmp_path):
    marker = tmp_path / "pwned"
    for path in crafted_pickles(tmp_path, marker):
        for load in (load_weights_file, lambda p: build_generator("d2a2", 4, p)):
            with pytest.raises(ValueError) as exc:
                load(path)
            msg = str(exc.value)
            assert "\n" not in msg and str(path) in msg and "refused without running it" in msg
        assert not marker.exists()


def test_arch_naming_code_builds_nothing_and_is_one_line(tmp_path):
    marker = tmp_path / "PWNED"
    for path in arch_gadgets(tmp_path, marker):
        with pytest.raises(ValueError) as exc:
            build_generator("d2a2", 4, path)
        msg = str(exc.value)
        assert "\n" not in msg and str(path) in msg and "arch argument" in msg, msg
        assert not marker.exists()


def test_arch_allocation_size_is_refused_before_building(tmp_path):
    path = arch_gadgets(tmp_path, tmp_path / "m")[-1]  # channels=10**7
    with pytest.raises(ValueError, match=r"channels=10000000 is outside \[8, 256\]"):
        build_generator("d2a2", 4, path)


@pytest.mark.parametrize(("arch", "match"), [
    (5, "arch of .* must be a dict, got int"),
    (dict(type="D2A2", scale=4, channels=1e7), "channels must be int, got 10000000.0"),
    (dict(type="D2A2", scale=4, zero_init_tail=1), "zero_init_tail must be bool, got 1"),
    (dict(type="D2A2", scale=4, guide_init="os.system"), "guide_init must be one of"),
    (dict(type="D2A2", scale=4, guide_channels=1), "guide_channels=1 is not one a weights"),
    (dict(type="D2A2", scale=4, bogus=1), "'bogus' is not an argument of D2A2"),
    (dict(type="os.makedirs", scale=4), "holds a os.makedirs model, not D2A2"),
])
def test_arch_values_outside_the_allow_list_are_refused(tmp_path, arch, match):
    base = torch.load(SHIPPED_X4, weights_only=True)
    torch.save(dict(base, arch=arch), tmp_path / "w.pth")
    with pytest.raises(ValueError, match=match):
        build_generator("d2a2", 4, tmp_path / "w.pth")


def test_allowed_scalars_and_values_equal_to_the_table_build(tmp_path):
    torch.manual_seed(0)
    net = D2A2(scale=4, channels=8, num_resblocks=1, guide_init="kaiming").eval()
    arch = dict(type="D2A2", scale=4, channels=8, num_resblocks=1, guide_init="kaiming",
                align=None, guide_channels=3)  # equal to what the table builds: accepted
    got, _ = build_generator("d2a2", 4, save_weights(net, tmp_path / "w.pth", arch))
    assert got.guide_encoder is not None and got.tail[0].out_channels == 4


@pytest.mark.parametrize(("state", "match"), [
    ({"a": "b"}, "holds a str at 'a', not a tensor"),
    ({}, "no state dict"),
    (None, "no state dict"),
])
def test_malformed_state_dicts_are_one_line_errors(tmp_path, state, match):
    torch.save({"format": "xmodal-weights-v1", "arch": None, "state_dict": state},
               tmp_path / "w.pth")
    with pytest.raises(ValueError, match=match):
        load_weights_file(tmp_path / "w.pth")


def test_nan_and_integer_weights_are_refused(tmp_path):
    base = torch.load(SHIPPED_X4, weights_only=True)
    key = next(iter(base["state_dict"]))
    nan = dict(base["state_dict"], **{key: torch.full_like(base["state_dict"][key], float("nan"))})
    torch.save(dict(base, state_dict=nan), tmp_path / "nan.pth")
    with pytest.raises(ValueError, match=f"tensor {key} holds NaN or infinite values"):
        build_generator("d2a2", 4, tmp_path / "nan.pth")
    int8 = {k: v.to(torch.int8) for k, v in base["state_dict"].items()}
    torch.save(dict(base, state_dict=int8), tmp_path / "int8.pth")
    with pytest.raises(ValueError, match="is int8, the model holds float32 there"):
        build_generator("d2a2", 4, tmp_path / "int8.pth")


def test_load_state_dict_strict_loads_floats_as_float32_and_refuses_the_rest():
    from xmodal.weights import load_state_dict_strict

    net = torch.nn.BatchNorm1d(3)
    state = {k: v.half() if v.is_floating_point() else v for k, v in net.state_dict().items()}
    state["weight"] = torch.full((3,), 2.0, dtype=torch.float16)
    load_state_dict_strict(net, state, "w.pth does not fit BN")
    assert net.weight.dtype == torch.float32 and bool((net.weight == 2).all())
    with pytest.raises(ValueError, match=r"^weights: w.pth does not fit BN: bias is int8, "):
        load_state_dict_strict(net, dict(state, bias=torch.zeros(3, dtype=torch.int8)),
                               "w.pth does not fit BN")
    assert bool((net.weight == 2).all())  # nothing copied
    with pytest.raises(ValueError, match="1 missing key"):
        load_state_dict_strict(net, {k: v for k, v in state.items() if k != "bias"}, "x")


def test_a_state_dict_that_does_not_fit_names_the_keys(tmp_path):
    base = torch.load(SHIPPED_X4, weights_only=True)
    state = dict(base["state_dict"])
    key = next(iter(state))
    state["extra.weight"] = state.pop(key)
    torch.save(dict(base, state_dict=state), tmp_path / "w.pth")
    with pytest.raises(ValueError, match=f"1 missing key.*{key}; 1 unexpected key.*extra.weight"):
        build_generator("d2a2", 4, tmp_path / "w.pth")


def test_an_unsupported_scale_suggests_no_option_the_api_lacks():
    """build_generator has no resize_guide: its error names scales and models, not a flag."""
    with pytest.raises(ValueError, match="d2a2 runs at x4/x8/x16, not x3") as exc:
        build_generator("d2a2", 3)
    assert "resize" not in str(exc.value) and "\n" not in str(exc.value)
