"""IVIFNet shapes/gradients, colour round trip, loss terms, wrapper modes, baselines."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mmengine.structures import BaseDataElement

from xmodal.models.ivif import (
    FusionLoss,
    IVIFModel,
    IVIFNet,
    fuse_average,
    fuse_max_abs,
    rgb_to_ycbcr,
    sobel_magnitude,
    ssim_map,
    ycbcr_to_rgb,
)


def _net(**kw):
    return IVIFNet(channels=8, num_resblocks=1, deform_groups=2, **kw)


@settings(max_examples=4, deadline=None)
@given(b=st.integers(1, 2), h=st.integers(6, 14), w=st.integers(6, 14))
def test_ivifnet_shapes_and_gradients(b, h, w):
    net = _net()
    ir = torch.rand(b, 1, h, w, requires_grad=True)
    vis = torch.rand(b, 3, h, w, requires_grad=True)
    y = net(ir, vis)
    assert y.shape == (b, 1, h, w)
    y.square().mean().backward()
    assert ir.grad.abs().sum() > 0 and vis.grad.abs().sum() > 0
    assert net.lda.proj.weight.grad is not None and net.dga.weight.grad is not None
    rgb = net.fuse_rgb(ir.detach(), vis.detach())
    assert rgb.shape == (b, 3, h, w) and rgb.min() >= 0 and rgb.max() <= 1


def test_zero_init_tail_is_average_fusion():
    net = _net(zero_init_tail=True)
    ir, vis = torch.rand(1, 1, 9, 9), torch.rand(1, 3, 9, 9)
    expected = fuse_average(ir, rgb_to_ycbcr(vis)[:, :1])
    assert torch.allclose(net(ir, vis), expected, atol=1e-6)


def test_ivifnet_errors():
    with pytest.raises(ValueError, match="vis"):
        _net()(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 8))
    with pytest.raises(ValueError, match="share"):
        _net()(torch.rand(1, 1, 8, 8), torch.rand(1, 3, 8, 9))
    with pytest.raises(TypeError):
        _net()(np.zeros((1, 1, 8, 8)), torch.rand(1, 3, 8, 8))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000))
def test_ycbcr_round_trip(seed):
    x = torch.rand(2, 3, 5, 5, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    ycc = rgb_to_ycbcr(x)
    assert torch.allclose(ycbcr_to_rgb(ycc), x, atol=1e-12)
    grey = x[:, :1].repeat(1, 3, 1, 1)   # neutral colours have Cb = Cr = 0.5
    assert torch.allclose(rgb_to_ycbcr(grey)[:, 1:], torch.full_like(grey[:, 1:], 0.5))


def test_ssim_map_matches_skimage():
    structural_similarity = pytest.importorskip("skimage.metrics").structural_similarity
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(1, 1, 24, 24, generator=g, dtype=torch.float64), torch.rand(
        1, 1, 24, 24, generator=g, dtype=torch.float64)
    y = 0.5 * x + 0.5 * y
    ref = structural_similarity(x[0, 0].numpy(), y[0, 0].numpy(), data_range=1.0,
                                gaussian_weights=True, sigma=1.5, use_sample_covariance=False)
    assert ssim_map(x, y).mean().item() == pytest.approx(ref, rel=1e-9)


def test_sobel_and_loss_terms():
    ramp = torch.arange(6.0).repeat(6, 1)[None, None]
    assert torch.allclose(sobel_magnitude(ramp)[..., 1:-1, 1:-1], torch.full((1, 1, 4, 4), 8.0))
    a, b = torch.rand(2, 1, 16, 16), torch.rand(2, 1, 16, 16)
    best = torch.maximum(a, b)
    loss = FusionLoss(ssim_weight=1.0)(best, a, b)
    assert loss["loss_int"] == 0 and set(loss) == {"loss_int", "loss_grad", "loss_ssim"}
    assert "loss_ssim" not in FusionLoss()(best, a, b)
    with pytest.raises(ValueError):
        FusionLoss(grad_weight=-1)


def test_baselines():
    a, b = torch.tensor([1.0, -3.0, 2.0]), torch.tensor([2.0, 1.0, 2.0])
    assert torch.equal(fuse_max_abs(a, b), torch.tensor([2.0, -3.0, 2.0]))
    assert torch.equal(fuse_average(a, b), torch.tensor([1.5, -1.0, 2.0]))


def test_ivif_model_modes():
    model = IVIFModel(generator=_net(), loss=dict(type="FusionLoss"))
    data = {"inputs": {"ir": [torch.rand(1, 8, 8)] * 2, "vis": [torch.rand(3, 8, 8)] * 2},
            "data_samples": [BaseDataElement(), BaseDataElement()]}
    batch = model.data_preprocessor(data, training=True)
    losses = model(**batch, mode="loss")
    assert set(losses) == {"loss_int", "loss_grad"}
    out = model(**batch, mode="predict")
    assert out[0].pred_fused.shape == (3, 8, 8) and out[1].pred_fused_y.shape == (1, 8, 8)
    with pytest.raises(ValueError, match="mode"):
        model(**batch, mode="bogus")


def test_plain_net_shapes_zero_init_and_errors():
    from xmodal.models.ivif import IVIFPlainNet

    net = IVIFPlainNet(channels=8, num_resblocks=1, hidden=8, num_convs=3, zero_init_tail=True)
    ir, vis = torch.rand(2, 1, 9, 11), torch.rand(2, 3, 9, 11)
    assert torch.allclose(net(ir, vis), fuse_average(ir, rgb_to_ycbcr(vis)[:, :1]), atol=1e-6)
    assert net.fuse_rgb(ir, vis).shape == (2, 3, 9, 11)
    assert sum(isinstance(m, torch.nn.Conv2d) for m in net.fusion) == 3
    with pytest.raises(ValueError, match="num_convs must be >= 2"):
        IVIFPlainNet(num_convs=1)
    with pytest.raises(ValueError, match="hidden"):
        IVIFPlainNet(hidden=0)
    with pytest.raises(ValueError, match="vis"):
        net(ir, torch.rand(2, 1, 9, 11))


def test_ivifnet_state_dict_keys_unchanged_by_the_shared_base():
    keys = {k.split(".")[0] for k in _net().state_dict()}
    assert keys == {"ir_encoder", "vis_encoder", "lda", "dga", "merge", "gate", "attention",
                    "decoder"}
