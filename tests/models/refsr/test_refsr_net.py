"""RefSRNet shapes/gradients, patch matching, block warping, losses, wrapper modes."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from mmengine.structures import BaseDataElement

from xmodal.models.refsr import (
    RefSRLoss,
    RefSRModel,
    RefSRNet,
    contextual_loss,
    gather_blocks,
    low_frequency,
    patch_match,
)


def _net(scale=4, **kw):
    return RefSRNet(scale=scale, channels=8, num_resblocks=1, deform_groups=2, **kw)


@settings(max_examples=3, deadline=None)
@given(scale=st.sampled_from([2, 4]), h=st.integers(3, 7), w=st.integers(3, 7),
       rh=st.integers(2, 5), rw=st.integers(2, 5))
def test_refsrnet_shapes_and_gradients(scale, h, w, rh, rw):
    net = _net(scale, chunk_size=7)
    lr = torch.rand(2, 3, h, w, requires_grad=True)
    ref = torch.rand(2, 3, rh * scale, rw * scale, requires_grad=True)
    out = net(lr, ref)
    assert out.shape == (2, 3, h * scale, w * scale)
    out.square().mean().backward()
    assert lr.grad.abs().sum() > 0 and ref.grad.abs().sum() > 0
    assert net.dga.weight.grad is not None and net.gate.conv.weight.grad is not None


def test_zero_tail_is_bicubic_and_errors():
    net = _net(zero_init_tail=True)
    lr = torch.rand(1, 3, 5, 6)
    up = F.interpolate(lr, scale_factor=4, mode="bicubic", align_corners=False)
    assert torch.allclose(net(lr, torch.rand(1, 3, 16, 16)), up)
    with pytest.raises(ValueError, match="multiples"):
        net(lr, torch.rand(1, 3, 18, 16))
    with pytest.raises(ValueError, match="scale"):
        RefSRNet(scale=3)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), chunk=st.integers(1, 40))
def test_patch_match_finds_shifted_copy(seed, chunk):
    g = torch.Generator().manual_seed(seed)
    key = torch.randn(1, 4, 9, 10, generator=g)
    query = key[..., 2:7, 3:8]                          # interior patches are exact copies
    conf, idx = patch_match(query, key, chunk_size=chunk)
    ys, xs = torch.meshgrid(torch.arange(1, 4), torch.arange(1, 4), indexing="ij")
    expect = (ys + 2) * 10 + (xs + 3)
    assert torch.equal(idx[0, 0, 1:4, 1:4], expect)
    assert torch.allclose(conf[0, 0, 1:4, 1:4], torch.ones(3, 3), atol=1e-5)
    assert conf.shape == (1, 1, 5, 5) and float(conf.max()) <= 1 + 1e-5


def test_gather_blocks_identity_and_errors():
    ref = torch.randn(1, 2, 8, 12)
    idx = torch.arange(2 * 3).view(1, 1, 2, 3)
    assert torch.equal(gather_blocks(ref, idx, 4), ref)
    swapped = gather_blocks(ref, idx.flip(-1), 4)
    assert torch.equal(swapped[..., :4], ref[..., 8:])
    with pytest.raises(ValueError, match="range"):
        gather_blocks(ref, idx + 10, 4)


def test_losses():
    x = torch.rand(2, 3, 20, 20)
    assert contextual_loss(x, x).abs() < 1e-4
    assert contextual_loss(x, torch.rand(2, 3, 20, 20)) > 0.1
    const = torch.full((1, 3, 12, 12), 0.3)
    assert torch.allclose(low_frequency(const), const)
    out = RefSRLoss(mode="dcsr")(x, x, x)
    assert set(out) == {"loss_lf", "loss_hf"} and out["loss_lf"] == 0
    assert set(RefSRLoss()(x, x)) == {"loss_l1"}
    with pytest.raises(ValueError, match="mode"):
        RefSRLoss(mode="vgg")
    with pytest.raises(ValueError, match="reference"):
        RefSRLoss(mode="dcsr")(x, x)


def test_refsr_model_modes():
    model = RefSRModel(generator=_net(2), loss=dict(type="RefSRLoss", mode="dcsr"))
    data = {"inputs": {"lr": [torch.rand(3, 4, 4)] * 2, "ref": [torch.rand(3, 8, 8)] * 2},
            "data_samples": [BaseDataElement(gt_img=torch.rand(3, 8, 8)) for _ in range(2)]}
    batch = model.data_preprocessor(data, training=True)
    assert set(model(**batch, mode="loss")) == {"loss_lf", "loss_hf"}
    out = model(**batch, mode="predict")
    assert out[0].pred_img.shape == (3, 8, 8) and float(out[0].pred_img.max()) <= 1
    with pytest.raises(ValueError, match="gt_img"):
        model(batch["inputs"], [BaseDataElement(), BaseDataElement()], mode="loss")
