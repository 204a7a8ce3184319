"""Tests of LRConsistentGenerator: any generator made LR-consistent by config."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from xmodal.models import DADA, LRConsistentGenerator
from xmodal.registry import MODELS


class _Noisy(torch.nn.Module):
    """A deliberately LR-inconsistent generator: bicubic + noise, with one parameter."""

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self.w = torch.nn.Parameter(torch.tensor(0.3))

    def forward(self, lr, guide):
        up = F.interpolate(lr, scale_factor=self.scale, mode="bicubic", align_corners=False)
        return up + self.w * guide.mean(1, keepdim=True) - 0.1


@given(st.sampled_from([2, 4, 8]), st.integers(1, 3), st.integers(0, 10**6))
def test_output_pools_to_lr_min_max_normalised(scale, b, seed):
    g = torch.Generator().manual_seed(seed)
    lr = torch.rand(b, 1, 3, 4, generator=g)
    lr[0, 0, 0, 0] = 0.0  # the min-max minimum: a valid 0
    guide = torch.rand(b, 3, 3 * scale, 4 * scale, generator=g)
    net = LRConsistentGenerator(_Noisy(scale))
    out = net(lr, guide)
    assert out.shape == (b, 1, 3 * scale, 4 * scale)
    torch.testing.assert_close(F.avg_pool2d(out, scale), lr, atol=1e-5, rtol=0)
    assert not torch.allclose(F.avg_pool2d(_Noisy(scale)(lr, guide), scale), lr, atol=1e-3)


def test_zero_invalid_leaves_hole_cells_and_gradients_flow():
    lr = torch.rand(1, 1, 4, 4) + 0.5
    lr[0, 0, 1, 2] = 0.0  # a hole
    guide = torch.rand(1, 3, 16, 16)
    inner = _Noisy(4)
    net = LRConsistentGenerator(inner, depth_offset=0.0, zero_invalid=True)
    out = net(lr, guide)
    raw = inner(lr, guide)
    torch.testing.assert_close(out[..., 4:8, 8:12], raw[..., 4:8, 8:12])
    pooled = F.avg_pool2d(out, 4)
    mask = lr != 0
    torch.testing.assert_close(pooled[mask], lr[mask], atol=1e-5, rtol=0)
    out.sum().backward()
    assert inner.w.grad is not None and torch.isfinite(inner.w.grad)


def test_built_by_config_around_registered_generators():
    net = MODELS.build(dict(type="LRConsistentGenerator",
                            generator=dict(type="Bicubic", scale=4, backend="torch")))
    lr = torch.rand(2, 1, 5, 6)
    out = net(lr, torch.rand(2, 3, 20, 24))
    torch.testing.assert_close(F.avg_pool2d(out, 4), lr, atol=1e-5, rtol=0)
    with pytest.raises(ValueError):
        net(lr, torch.rand(2, 3, 21, 24))


def test_dada_lr_invalid_value_keeps_holes_and_fills_init():
    lr = torch.rand(1, 1, 4, 4) + 0.5
    lr[0, 0, 0, 0] = 0.0
    net = DADA(scale=4, depth_offset=0.0, lr_invalid_value=0.0,
               diffusion=dict(num_iters=20, zero_invalid=True))
    out = net(lr, torch.rand(1, 3, 16, 16))
    pooled = F.avg_pool2d(out, 4)
    mask = lr != 0
    torch.testing.assert_close(pooled[mask], lr[mask], atol=1e-5, rtol=0)
    assert out[..., :4, :4].min() > 0.3  # the hole was filled, not dragged to zero


def test_old_import_paths_and_registry_names_still_work():
    import subprocess
    import sys

    from xmodal.models import MultiInputDataPreprocessor
    from xmodal.models.ivif import MultiInputDataPreprocessor as ivif_mip
    from xmodal.models.refsr import MultiInputDataPreprocessor as refsr_mip
    from xmodal.refine import DADA as OldDADA
    from xmodal.refine import LRConsistentGenerator as OldLRC
    from xmodal.registry import MODELS

    assert OldDADA is DADA and OldLRC is LRConsistentGenerator
    assert ivif_mip is refsr_mip is MultiInputDataPreprocessor
    assert type(MODELS.build(dict(type="DADA", scale=4))) is DADA
    code = "import sys, xmodal.refine; print('xmodal.models' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # the refinement blocks do not import the networks
