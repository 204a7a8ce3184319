"""xmodal.apis.fusion: the fusion table's loader, input checks, fuse(), fuse_file(), scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from xmodal.apis.fusion import (
    build_fusion_model,
    fuse,
    fuse_file,
    fusion_tensors,
    pair_fusion_inputs,
    score_fusion,
)
from xmodal.fusion_zoo import FUSION_TABLE, get_fusion_entry
from xmodal.models.ivif import IVIFNet, IVIFPlainNet, rgb_to_ycbcr
from xmodal.weights import save_weights


def _weights(path: Path, model: str = "ivifnet", seed: int = 0) -> Path:
    """An xmodal weights file of the table's architecture (random decoder tail)."""
    arch = get_fusion_entry(model).arch
    torch.manual_seed(seed)
    net = (IVIFNet if arch["type"] == "IVIFNet" else IVIFPlainNet)(
        **{k: v for k, v in arch.items() if k != "type"})
    torch.nn.init.normal_(net.decoder[-1].weight, std=1e-3)
    return save_weights(net, path, arch, meta={"note": "test"}, fp16=False)


def _pair(root: Path, name: str = "a", size=(64, 72), ir_dtype=np.uint8, vis_mode="RGB"):
    rng = np.random.default_rng(0)
    (root / "ir").mkdir(parents=True, exist_ok=True)
    (root / "vi").mkdir(parents=True, exist_ok=True)
    top = 255 if ir_dtype == np.uint8 else 65535
    ir = rng.integers(0, top, size, dtype=ir_dtype)
    vis = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
    Image.fromarray(ir).save(root / "ir" / f"{name}.png")
    Image.fromarray(vis).convert(vis_mode).save(root / "vi" / f"{name}.png")
    return root / "ir" / f"{name}.png", root / "vi" / f"{name}.png"


def test_table_entries_have_plain_scalar_archs():
    assert {"ivifnet", "ivif_plain"} <= set(FUSION_TABLE)
    for e in FUSION_TABLE.values():
        assert all(isinstance(v, (bool, int, float, str)) for v in e.arch.values())
        assert "RoadScene" in e.licence


def test_loader_builds_the_table_arch_and_refuses_other_files(tmp_path):
    net, meta = build_fusion_model("ivifnet", _weights(tmp_path / "w.pth"))
    assert isinstance(net, IVIFNet) and not net.training and meta["note"] == "test"
    with pytest.raises(ValueError, match="holds a IVIFPlainNet network, not the IVIFNet"):
        build_fusion_model("ivifnet", _weights(tmp_path / "p.pth", "ivif_plain"))
    torch.save({"x.weight": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(ValueError, match="does not fit ivifnet"):
        build_fusion_model("ivifnet", tmp_path / "bad.pth")
    with pytest.raises(FileNotFoundError, match="no ivif_plain fusion weights are shipped yet"):
        build_fusion_model("ivif_plain")
    with pytest.raises(ValueError, match="fusion model must be one of"):
        build_fusion_model("d2a2", tmp_path / "w.pth")


def test_integer_weights_are_refused_not_cast(tmp_path):
    w = torch.load(_weights(tmp_path / "w.pth"), weights_only=True)
    w["state_dict"] = {k: v.to(torch.int8) for k, v in w["state_dict"].items()}
    torch.save(w, tmp_path / "int8.pth")
    with pytest.raises(ValueError, match=r"int8\.pth does not fit ivifnet .* is int8, the model "
                       "holds float32 there"):
        build_fusion_model("ivifnet", tmp_path / "int8.pth")


def test_fuse_keeps_visible_chroma_and_scales_16bit(tmp_path):
    net = build_fusion_model("ivifnet", _weights(tmp_path / "w.pth"))[0]
    rng = np.random.default_rng(1)
    vis = rng.integers(0, 256, (20, 18, 3), dtype=np.uint8)
    ir8 = rng.integers(0, 256, (20, 18), dtype=np.uint8)
    out8 = fuse(ir8, vis, model=net)
    out16 = fuse(ir8.astype(np.uint16) * 257, vis, model=net)  # same image, 16-bit scale
    assert out8.shape == (20, 18, 3) and out8.dtype == np.float32
    np.testing.assert_allclose(out8, out16, atol=1e-5)
    ycc = rgb_to_ycbcr(torch.from_numpy(out8.transpose(2, 0, 1))[None])
    ycc_vis = rgb_to_ycbcr(torch.from_numpy(vis.transpose(2, 0, 1) / 255.0).float()[None])
    inside = (out8 > 0.02).all(-1) & (out8 < 0.98).all(-1)  # no clamping there
    assert torch.allclose(ycc[0, 1:][:, inside], ycc_vis[0, 1:][:, inside], atol=2e-3)
    grey = fuse(ir8, vis[..., 0], model=net)
    assert np.allclose(grey[..., 0], grey[..., 1]) and np.allclose(grey[..., 1], grey[..., 2])


@pytest.mark.parametrize("ir,vis,err,match", [
    (np.zeros((4, 5)), np.zeros((4, 6, 3)), ValueError, "ir size 5x4 differs from vis size 6x4"),
    (np.zeros((4, 5, 3)), np.zeros((4, 5, 3)), ValueError, "ir must be a grey"),
    (np.zeros((4, 5)), np.zeros((4, 5, 4)), ValueError, "vis must be"),
    (np.full((4, 5), 2.0), np.zeros((4, 5, 3)), ValueError, r"float ir must lie in \[0, 1\]"),
    (np.full((4, 5), np.nan), np.zeros((4, 5, 3)), ValueError, "NaN"),
    (np.zeros((4, 5), np.int32), np.zeros((4, 5, 3)), TypeError, "ir must be uint8"),
    ([[0.0]], np.zeros((1, 1, 3)), TypeError, "ir must be a numpy array"),
])
def test_fusion_tensors_refuse_bad_inputs(ir, vis, err, match):
    with pytest.raises(err, match=match):
        fusion_tensors(ir, vis)


def test_fuse_file_writes_atomically_and_scores(tmp_path):
    ir, vis = _pair(tmp_path / "in", ir_dtype=np.uint16)
    res = fuse_file(ir, vis, tmp_path / "out", weights=_weights(tmp_path / "w.pth"), score=True)
    out = Image.open(res["output"])
    assert Path(res["output"]).name == "a_fused.png" and out.mode == "RGB"
    assert out.size == (72, 64)
    assert set(res["scores"]) == {"model", "avg", "maxabs"}
    assert set(res["scores"]["model"]) == {"EN", "SD", "SF", "AG", "MI", "SCD", "VIF", "Qabf",
                                           "SSIM"}
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a_fused.png"]  # no temp file
    with pytest.raises(ValueError, match="exists"):
        fuse_file(ir, vis, tmp_path / "out", weights=tmp_path / "w.pth", overwrite=False)


def test_score_of_average_fusion_equals_the_avg_row():
    rng = np.random.default_rng(2)
    ir = torch.from_numpy(rng.integers(0, 256, (1, 64, 64)) / 255.0).float()
    vis = ir.repeat(3, 1, 1).flip(-1)
    s = score_fusion(ir, vis, (ir.repeat(3, 1, 1) + vis) / 2)
    for k, v in s["model"].items():
        assert v == pytest.approx(s["avg"][k], rel=1e-6, abs=1e-6), k


def test_pairing_by_name_refuses_unpaired(tmp_path):
    _pair(tmp_path, "a")
    _pair(tmp_path, "b")
    assert [p[0].name for p in pair_fusion_inputs(tmp_path / "ir", tmp_path / "vi")] == \
        ["a.png", "b.png"]
    (tmp_path / "vi" / "b.png").unlink()
    with pytest.raises(ValueError, match="b.png"):
        pair_fusion_inputs(tmp_path / "ir", tmp_path / "vi")


def test_fuse_file_refuses_rgba_unless_drop_alpha(tmp_path):
    ir, vis = _pair(tmp_path / "in", vis_mode="RGBA")
    w = _weights(tmp_path / "w.pth")
    with pytest.raises(ValueError, match="RGBA"):
        fuse_file(ir, vis, tmp_path / "out", weights=w)
    assert not (tmp_path / "out").exists()
    res = fuse_file(ir, vis, tmp_path / "out", weights=w, drop_alpha=True)
    assert Path(res["output"]).is_file()
