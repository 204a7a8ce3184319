"""DSR-Diff weights (xmodal.weights, model 'dsrdiff'): none shipped, files and checkpoints load."""

from __future__ import annotations

import pytest
import torch
from dsrdiff_tiny import FILE_GENERATOR as TINY
from dsrdiff_tiny import GGN as TINY_GGN
from gadget_weights import dsrdiff_gadgets

from xmodal.models.dsrdiff import DSRDiff, DSRDiffStage1Model, DSRDiffStage2Model
from xmodal.registry import MODELS
from xmodal.weights import build_generator, save_weights


def test_no_shipped_dsrdiff_weights_names_the_way_out():
    with pytest.raises(FileNotFoundError, match=r"dsrdiff.*5 MB.*--weights PATH"):
        build_generator("dsrdiff", 4)


def test_weights_file_round_trip_is_the_same_generator(tmp_path):
    torch.manual_seed(0)
    net = MODELS.build(TINY).eval()
    path = save_weights(net, tmp_path / "tiny.pth", TINY, fp16=False)
    got, _ = build_generator("dsrdiff", 4, path)
    assert isinstance(got, DSRDiff) and not got.training and got.scale == 4
    lr, guide = torch.rand(1, 1, 8, 12), torch.rand(1, 3, 32, 48)
    with torch.no_grad():
        torch.testing.assert_close(got(lr, guide), net(lr, guide))
    with pytest.raises(ValueError, match="is a x4 model, x8 was asked for"):
        build_generator("dsrdiff", 8, path)
    with pytest.raises(ValueError, match="holds a DSRDiff model, not D2A2"):
        build_generator("d2a2", 4, path)


def test_stage2_checkpoint_loads_and_stage1_is_refused(tmp_path):
    torch.manual_seed(0)
    s2 = DSRDiffStage2Model(generator=dict(type="DSRDiff", dsrn=dict(type="DSRN", scale=4),
                                           grn=dict(type="GRN", scale=4)),
                            ggn=dict(type="GGN", scale=4))
    torch.save({"state_dict": s2.state_dict()}, tmp_path / "s2.pth")  # mmengine layout
    net, _ = build_generator("dsrdiff", 4, tmp_path / "s2.pth")  # recipe-default architecture
    for k, v in s2.generator.state_dict().items():
        assert torch.equal(net.state_dict()[k], v), k
    s1 = DSRDiffStage1Model(generator=dict(type="DSRDiff", dsrn=TINY["dsrn"]), ggn=TINY_GGN)
    torch.save({"state_dict": s1.state_dict()}, tmp_path / "s1.pth")
    with pytest.raises(ValueError, match="no GRN"):
        build_generator("dsrdiff", 4, tmp_path / "s1.pth")


def test_dsrdiff_arch_naming_code_builds_nothing(tmp_path):
    state = MODELS.build(TINY).state_dict()
    marker = tmp_path / "PWNED"
    for path in dsrdiff_gadgets(tmp_path, marker, state):
        with pytest.raises(ValueError) as exc:
            build_generator("dsrdiff", 4, path)
        msg = str(exc.value)
        assert "\n" not in msg and str(path) in msg and "arch" in msg, msg
        assert not marker.exists()


def test_dsrdiff_file_sets_only_allowed_scalars_of_its_sub_networks(tmp_path):
    bad = dict(TINY, dsrn=dict(TINY["dsrn"], depth_blocks=(1, 1, 1)))
    path = save_weights(MODELS.build(bad), tmp_path / "w.pth", bad)
    with pytest.raises(ValueError, match=r"dsrn.depth_blocks=a tuple is not one a weights file"):
        build_generator("dsrdiff", 4, path)
    alias = dict(TINY, dsrn=dict(TINY["dsrn"], type="DepthSRNet"))
    net = MODELS.build(alias)
    assert isinstance(build_generator("dsrdiff", 4, save_weights(net, path, alias))[0], DSRDiff)
