"""The shipped weights, the model table's hashes and the safe loader (xmodal.weights)."""

from __future__ import annotations

import pytest
import torch
from crafted_pickles import crafted_pickles

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


def test_save_load_round_trip_and_checkpoint_layouts(tmp_path, d2a2_tiny):
    net = d2a2_tiny
    arch = dict(type="D2A2", scale=4, channels=8, num_resblocks=1,
                align=dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2)))
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
