"""The shipped weights and their safe loader (xmodal.weights)."""

from __future__ import annotations

import pytest
import torch

from xmodal.weights import SHIPPED, WEIGHTS_DIR, build_generator, load_weights_file, save_weights


def test_shipped_x4_is_fp16_and_loads_with_weights_only():
    path = WEIGHTS_DIR / SHIPPED[("d2a2", 4)]
    assert path.stat().st_size < 8e6
    raw = torch.load(path, map_location="cpu", weights_only=True)
    assert raw["format"] == "xmodal-weights-v1"
    assert {v.dtype for v in raw["state_dict"].values() if v.is_floating_point()} == {
        torch.float16}
    assert "CPU" in raw["meta"]["schedule"] and raw["arch"]["type"] == "D2A2"
    net, meta = build_generator("d2a2", 4)
    assert sum(p.numel() for p in net.parameters()) == 2_533_711
    assert not net.training and meta["path"] == str(path)


def test_missing_scale_names_the_way_out():
    with pytest.raises(FileNotFoundError, match=r"x8 .*--weights PATH.*--model bicubic"):
        build_generator("d2a2", 8)


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
    with pytest.raises(ValueError, match="not a readable torch weights file"):
        load_weights_file(tmp_path / "junk.pth")
    with pytest.raises(FileNotFoundError, match="file not found"):
        load_weights_file(tmp_path / "missing.pth")
    torch.save({"conv.weight": torch.zeros(1)}, tmp_path / "other.pth")
    with pytest.raises(ValueError, match="does not fit D2A2 x4"):
        build_generator("d2a2", 4, tmp_path / "other.pth")
