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


def test_kaiming_guide_init_touches_the_guide_path_only():
    torch.manual_seed(0)
    net = D2A2(scale=4, channels=16, num_resblocks=1,
               align=dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2)))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    net.reset_guide_parameters()
    after = net.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert "guide_encoder.head.0.weight" in changed and "guide_heads.2.weight" in changed
    assert "fusions.1.align.geometric_align.weight" in changed
    assert "fusions.0.align.geometric_align.offset_feat.0.weight" in changed
    assert all(k.endswith("weight") for k in changed)  # biases kept
    assert not any(k.startswith(("depth_encoder", "tail", "upsamplers")) or ".fuse." in k
                   for k in changed)
    head = net.fusions[0].align.geometric_align.offset_mask
    assert not head.weight.any() and not head.bias.any()  # offsets still start at zero
    # Kaiming fan-in std for a LeakyReLU(0.2): sqrt(2 / (1 + 0.2^2) / fan_in)
    w = net.guide_heads[0].weight
    expected = (2 / 1.04 / (16 * 9)) ** 0.5
    assert abs(float(w.std()) / expected - 1) < 0.1
    with pytest.raises(ValueError, match="guide_init must be"):
        D2A2(scale=4, guide_init="xavier")
    assert torch.equal(D2A2(scale=4, channels=8, num_resblocks=1, guide_init="kaiming",
                            align=dict(type="DDA", geometric_align=dict(
                                type="DGA", deform_groups=2))).fusions[0].align
                       .geometric_align.offset_mask.weight, torch.zeros(54, 8, 3, 3))
