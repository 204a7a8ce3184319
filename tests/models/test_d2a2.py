import pytest
import torch

from xmodal.models import D2A2
from xmodal.registry import MODELS

OFFICIAL_PARAMS = 2_533_711


@pytest.mark.parametrize("scale", [4, 8, 16])
def test_official_parameter_count_and_shapes(scale):
    net = MODELS.build(dict(type="D2A2", scale=scale))
    assert sum(p.numel() for p in net.parameters()) == OFFICIAL_PARAMS
    lr, guide = torch.rand(2, 1, 32 // scale, 48 // scale), torch.rand(2, 3, 32, 48)
    out = net(lr, guide)
    assert out.shape == (2, 1, 32, 48) and out.dtype == torch.float32


def test_global_bicubic_skip_with_zeroed_tail():
    net = D2A2(scale=8, zero_init_tail=True).eval()
    assert not torch.all(D2A2(scale=8).tail[-1].weight == 0)
    lr, guide = torch.rand(1, 1, 4, 4), torch.rand(1, 3, 32, 32)
    mid = torch.nn.functional.interpolate(lr, size=(8, 8), mode="bicubic")
    ref = torch.nn.functional.interpolate(mid, size=(32, 32), mode="bicubic")
    torch.testing.assert_close(net(lr, guide), ref)


def test_ablation_configs_build_and_train_step():
    net = D2A2(scale=4, channels=16, num_resblocks=1,
               align=dict(type="DDA", domain_align=dict(type="InstanceNormAlign"),
                          geometric_align=dict(type="DGA", deform_groups=2)),
               fuse=dict(type="MFA", gate=None, attention=dict(type="SpatialAttentionFusion")))
    lr, guide = torch.rand(1, 1, 4, 4), torch.rand(1, 3, 16, 16)
    net(lr, guide).abs().mean().backward()
    grads = [p.grad for p in net.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


def test_input_errors():
    net = D2A2(scale=4, channels=8, num_resblocks=1,
               align=dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2)))
    with pytest.raises(ValueError, match="scale must be one of"):
        D2A2(scale=3)
    with pytest.raises(ValueError, match="guide must be"):
        net(torch.rand(1, 1, 4, 4), torch.rand(1, 3, 15, 16))
    with pytest.raises(ValueError, match="lr must have 1 channel,"):
        net(torch.rand(1, 3, 4, 4), torch.rand(1, 3, 16, 16))
    with pytest.raises(TypeError, match="guide must be a torch.Tensor"):
        net(torch.rand(1, 1, 4, 4), None)
