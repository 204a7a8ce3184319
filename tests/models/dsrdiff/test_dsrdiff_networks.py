"""GGN, DSRN, GRN and DSRDiff: shapes, dtypes, gradients, fusion switch, determinism."""

import copy

import pytest
import torch
from dsrdiff_tiny import DGA_SMALL, DSRN, GGN, GRN, D
from hypothesis import given, settings
from hypothesis import strategies as st

from xmodal.align import DDA
from xmodal.fuse import MFA
from xmodal.models import D2A2, CrossModalFusion
from xmodal.models.dsrdiff import FFM, DepthSRNet, DSRDiff
from xmodal.registry import MODELS


def _cfg(base, **kw):
    cfg = copy.deepcopy(base)
    cfg.update(kw)
    return cfg


_NETS: dict = {}


def _nets(scale):
    if scale not in _NETS:
        torch.manual_seed(0)
        _NETS[scale] = (MODELS.build(_cfg(GGN, scale=scale)), MODELS.build(_cfg(DSRN, scale=scale)),
                        MODELS.build(_cfg(GRN, scale=scale)).eval())
    return _NETS[scale]


sizes = st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 3),
                  st.sampled_from([4, 8]))


@settings(max_examples=4, deadline=None)
@given(sizes)
def test_all_three_nets_shapes_and_dtypes(args):
    b, hq, wq, scale = args
    h, w = 4 * hq * 4 // scale or 1, 4 * wq * 4 // scale or 1  # HR = 16*hq x 16*wq
    H, W = h * scale, w * scale
    torch.manual_seed(0)
    lr, guide, hr = torch.rand(b, 1, h, w), torch.rand(b, 3, H, W), torch.rand(b, 1, H, W)
    ggn, dsrn, grn = _nets(scale)
    z = ggn(lr, guide, hr)
    assert z.shape == (b, D) and z.dtype == torch.float32
    zr = grn(lr, guide)
    assert zr.shape == (b, D) and zr.dtype == torch.float32
    out = dsrn(lr, guide, z)
    assert out.shape == (b, 1, H, W) and out.dtype == torch.float32


def test_gradients_reach_every_parameter_of_stage1_nets():
    torch.manual_seed(0)
    ggn, dsrn = MODELS.build(GGN), MODELS.build(DSRN)
    lr, guide, hr = torch.rand(2, 1, 8, 8), torch.rand(2, 3, 32, 32), torch.rand(2, 1, 32, 32)
    dsrn(lr, guide, ggn(lr, guide, hr)).square().mean().backward()
    # the zero-initialised modulation layers get gradients through their output
    missing = [n for m in (ggn, dsrn) for n, p in m.named_parameters()
               if p.grad is None or not torch.isfinite(p.grad).all()]
    assert not missing


def test_grn_gradients_and_teacher_start():
    torch.manual_seed(0)
    grn = MODELS.build(GRN).train()
    lr, guide = torch.rand(2, 1, 8, 8), torch.rand(2, 3, 32, 32)
    z = grn(lr, guide, teacher=torch.randn(2, D))
    z.abs().mean().backward()
    assert all(p.grad is not None for p in grn.parameters())
    with pytest.raises(ValueError, match="teacher"):
        grn(lr, guide, teacher=torch.randn(3, D))


def test_fusion_switch_builds_the_shared_d2a2_classes():
    ffm = MODELS.build(DSRN)
    assert all(isinstance(f, FFM) for f in ffm.fusions)
    dsrn = MODELS.build(_cfg(DSRN, fusion="dda+mfa", align=DGA_SMALL))
    d2a2 = D2A2(channels=8, num_resblocks=1, align=DGA_SMALL)
    for fusion, ref in zip(dsrn.fusions, d2a2.fusions):
        assert type(fusion) is type(ref) is CrossModalFusion
        assert type(fusion.align) is type(ref.align) is DDA
        assert type(fusion.fuse) is type(ref.fuse) is MFA
    lr, guide = torch.rand(1, 1, 8, 8), torch.rand(1, 3, 32, 32)
    assert dsrn(lr, guide, torch.randn(1, D)).shape == (1, 1, 32, 32)
    with pytest.raises(ValueError, match="fusion"):
        DepthSRNet(fusion="concat")


def test_zero_tail_returns_the_bicubic_skip():
    dsrn = MODELS.build(_cfg(DSRN, zero_init_tail=True))
    lr, guide = torch.rand(1, 1, 8, 8), torch.rand(1, 3, 32, 32)
    skip = torch.nn.functional.interpolate(lr, size=(32, 32), mode="bicubic",
                                           align_corners=False)
    assert torch.allclose(dsrn(lr, guide, torch.randn(1, D)), skip)


def test_inference_is_deterministic_for_a_fixed_seed():
    torch.manual_seed(0)
    net = DSRDiff(dsrn=DSRN, grn=GRN).eval()
    lr, guide = torch.rand(2, 1, 8, 8), torch.rand(2, 3, 32, 32)
    a = net(lr, guide)
    torch.manual_seed(123)  # the global RNG must not matter
    assert torch.equal(net(lr, guide), a)
    z = net.grn(lr, guide)
    net.grn.sample_seed = 1
    assert not torch.equal(net.grn(lr, guide), z)  # the seed is what fixes the output


def test_bad_inputs_raise_clear_errors():
    dsrn, ggn = MODELS.build(DSRN), MODELS.build(GGN)
    lr, guide = torch.rand(1, 1, 8, 8), torch.rand(1, 3, 32, 32)
    with pytest.raises(ValueError, match="guide must be"):
        dsrn(lr, torch.rand(1, 3, 30, 32), torch.randn(1, D))
    with pytest.raises(ValueError, match="guidance must be"):
        dsrn(lr, guide, torch.randn(1, D + 1))
    with pytest.raises(TypeError, match="lr must be"):
        dsrn(lr.numpy(), guide, torch.randn(1, D))
    with pytest.raises(ValueError, match="hr_depth"):
        ggn(lr, guide, torch.rand(1, 1, 16, 16))
    with pytest.raises(ValueError, match="scale"):
        DepthSRNet(scale=3)
    with pytest.raises(ValueError, match="no GRN"):
        DSRDiff(dsrn=DSRN)(lr, guide)
    with pytest.raises(ValueError, match="guidance_dim"):
        DSRDiff(dsrn=DSRN, grn=_cfg(GRN, guidance_dim=8))
