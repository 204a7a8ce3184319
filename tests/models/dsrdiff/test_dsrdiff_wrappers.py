"""Stage wrappers: losses, predictions, stage-2 freezing, stage-1 -> stage-2 checkpoint keys."""

import copy

import pytest
import torch
from dsrdiff_tiny import DGA_SMALL, DSRN, GGN, GRN, batch
from mmengine.optim import OptimWrapper

from xmodal.models.dsrdiff import DSRDiffStage1Model, DSRDiffStage2Model


def _stage1():
    return DSRDiffStage1Model(generator=dict(type="DSRDiff", dsrn=DSRN), ggn=GGN,
                              pixel_loss=dict(type="L1Loss"))


def _stage2(dsrn=DSRN, **kw):
    return DSRDiffStage2Model(generator=dict(type="DSRDiff", dsrn=dsrn, grn=GRN), ggn=GGN,
                              pixel_loss=dict(type="L1Loss"), **kw)


def test_stage1_modes():
    torch.manual_seed(0)
    model = _stage1()
    data = model.data_preprocessor(batch(), True)
    loss = model(**data, mode="loss")
    assert set(loss) == {"loss"} and torch.isfinite(loss["loss"])
    assert model(**data, mode="tensor").shape == (2, 1, 32, 32)
    out = model(**data, mode="predict")
    assert out[0].pred_depth.shape == (1, 32, 32)
    with pytest.raises(ValueError, match="gt_depth"):
        model(data["inputs"], None, mode="tensor")
    with pytest.raises(ValueError, match="mode"):
        model(**data, mode="nope")


def test_stage2_freezes_dsrn_and_teacher_and_trains_grn():
    torch.manual_seed(0)
    dsrn = copy.deepcopy(DSRN)
    dsrn.update(fusion="dda+mfa", align=DGA_SMALL)  # has BatchNorm: its statistics must not move
    model = _stage2(dsrn=dsrn)
    frozen = {k: v.clone() for k, v in model.state_dict().items()
              if k.startswith(("ggn.", "generator.dsrn."))}
    grn_before = {k: v.clone() for k, v in model.generator.grn.state_dict().items()}
    model.train()
    assert not model.generator.dsrn.training and model.generator.grn.training
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-2))
    log = model.train_step(batch(), optim)
    assert {"loss_guidance", "loss_pixel", "loss"} <= set(log)
    assert all(p.grad is None for p in model.generator.dsrn.parameters())
    assert all(p.grad is None for p in model.ggn.parameters())
    after = model.state_dict()
    assert all(torch.equal(after[k], v) for k, v in frozen.items())
    grn_after = model.generator.grn.state_dict()
    assert any(not torch.equal(grn_after[k], v) for k, v in grn_before.items())


def test_stage2_inference_needs_no_hr_depth_and_is_deterministic():
    model = _stage2().eval()
    data = model.data_preprocessor(batch(), False)
    for s in data["data_samples"]:
        del s.gt_depth
    a = model(**data, mode="tensor")
    torch.manual_seed(7)
    assert torch.equal(model(**data, mode="tensor"), a)
    assert model(**data, mode="predict")[1].pred_depth.shape == (1, 32, 32)


def test_stage1_checkpoint_keys_load_into_stage2():
    torch.manual_seed(0)
    s1, s2 = _stage1(), _stage2()
    missing, unexpected = s2.load_state_dict(s1.state_dict(), strict=False)
    assert not unexpected
    assert missing and all(k.startswith("generator.grn.") for k in missing)
    for k, v in s1.state_dict().items():
        assert torch.equal(s2.state_dict()[k], v)


def test_stage2_needs_a_grn():
    with pytest.raises(ValueError, match="GRN"):
        DSRDiffStage2Model(generator=dict(type="DSRDiff", dsrn=DSRN), ggn=GGN)
