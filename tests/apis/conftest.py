"""Fixtures of the xmodal.apis tests: tiny generators and synthetic RGB + depth pairs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xmodal.models import D2A2, Bicubic


def tiny_d2a2(scale: int = 4) -> D2A2:
    """A D2A2 small enough for CPU tests (channels 8, 1 resblock, 2 deformable groups)."""
    torch.manual_seed(0)
    net = D2A2(scale=scale, channels=8, num_resblocks=1,
               align=dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2)))
    return net.eval()


@pytest.fixture
def d2a2_tiny() -> D2A2:
    return tiny_d2a2()


@pytest.fixture
def bicubic_torch() -> Bicubic:
    """A purely local generator (receptive field 2 LR pixels): tiling must be exact with it."""
    return Bicubic(scale=4, backend="torch")


@pytest.fixture
def pair() -> tuple[np.ndarray, np.ndarray]:
    """A smooth 16x20 LR depth in mm (1000-2000) and a matching 64x80 uint8 RGB guide."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:16, 0:20].astype(np.float32)
    depth = 1000 + 40 * y + 25 * x + rng.uniform(0, 5, (16, 20)).astype(np.float32)
    rgb = rng.integers(0, 256, (64, 80, 3), dtype=np.uint8)
    return rgb, depth.astype(np.float32)
