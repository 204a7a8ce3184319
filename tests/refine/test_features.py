"""Tests of xmodal.refine.features and the DADA generator."""

import pytest
import torch
import torch.nn.functional as F

from xmodal.refine import DADA, DiffusionFeatureUNet, GuideDepthFeatures, guide_depth_features
from xmodal.registry import MODELS


def test_guide_depth_features_concatenates_weighted_channels():
    guide, depth = torch.rand(2, 3, 5, 6), torch.rand(2, 1, 5, 6)
    f = guide_depth_features(guide, depth, 2.0, 0.5)
    torch.testing.assert_close(f, torch.cat([2 * guide, 0.5 * depth], 1))
    torch.testing.assert_close(GuideDepthFeatures(2.0, 0.5)(guide, depth), f)
    with pytest.raises(ValueError, match="share B, H, W"):
        guide_depth_features(guide, depth[..., :-1])


@pytest.mark.parametrize("size", [(16, 16), (13, 10)])
def test_unet_shape_and_depth_shift_invariance(size):
    torch.manual_seed(0)
    net = MODELS.build(dict(type="DiffusionFeatureUNet", out_channels=6, base_channels=4,
                            num_levels=3))
    guide, depth = torch.rand(1, 3, *size), torch.rand(1, 1, *size)
    out = net(guide, depth)
    assert out.shape == (1, 6, *size)
    # the depth enters with its mean removed (as in DADA): a constant shift is ignored
    torch.testing.assert_close(net(guide, depth + 3.0), out, atol=1e-5, rtol=1e-5)


def test_unet_loads_local_checkpoint(tmp_path):
    net = DiffusionFeatureUNet(out_channels=4, base_channels=4, num_levels=2)
    path = tmp_path / "w.pth"
    torch.save(net.state_dict(), path)
    other = DiffusionFeatureUNet(out_channels=4, base_channels=4, num_levels=2,
                                 checkpoint=str(path))
    for a, b in zip(net.parameters(), other.parameters(), strict=True):
        assert torch.equal(a, b)


def test_dada_generator_is_lr_consistent_with_zero_min():
    torch.manual_seed(0)
    lr = torch.rand(1, 1, 4, 5)
    lr[0, 0, 0, 0] = 0.0  # min-max normalised depth has its minimum at 0
    model = DADA(scale=4, diffusion=dict(k=0.1, num_iters=30))
    out = model(lr, torch.rand(1, 3, 16, 20))
    assert out.shape == (1, 1, 16, 20)
    torch.testing.assert_close(F.avg_pool2d(out, 4), lr, atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="guide must be"):
        model(lr, torch.rand(1, 3, 16, 16))
