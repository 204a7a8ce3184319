"""Tests of xmodal.models.losses (the gradient L1 loss)."""

import pytest
import torch

from xmodal.models import gradient_l1_loss
from xmodal.registry import MODELS


def test_gradient_loss_ignores_offsets_and_counts_edge_shifts():
    target = torch.zeros(1, 1, 8, 8)
    target[..., 4:] = 1.0  # a vertical step edge between columns 3 and 4
    assert gradient_l1_loss(target + 0.3, target).item() == pytest.approx(0.0, abs=1e-7)
    shifted = torch.zeros(1, 1, 8, 8)
    shifted[..., 5:] = 1.0  # the same edge one pixel to the right
    # two horizontal differences of 1 per row, over 8 rows x 7 differences
    assert gradient_l1_loss(shifted, target).item() == pytest.approx(2 * 8 / 56)
    # a smeared edge (two half steps) costs half of that, the plain L1 the same 1/16
    smeared = target.clone()
    smeared[..., 4] = 0.5
    assert gradient_l1_loss(smeared, target).item() == pytest.approx(8 / 56)


def test_registered_module_weights_the_loss_and_backpropagates():
    pred = torch.rand(2, 1, 6, 5, requires_grad=True)
    target = torch.rand(2, 1, 6, 5)
    loss = MODELS.build(dict(type="GradientL1Loss", loss_weight=3.0))(pred, target)
    assert loss.item() == pytest.approx(3.0 * gradient_l1_loss(pred, target).item())
    loss.backward()
    assert pred.grad is not None and pred.grad.abs().sum() > 0


@pytest.mark.parametrize("pred, target, match", [
    (torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 5), "same shape"),
    (torch.zeros(4, 4), torch.zeros(4, 4), "B, C, H, W"),
    (torch.zeros(1, 1, 1, 4), torch.zeros(1, 1, 1, 4), "H, W >= 2"),
])
def test_gradient_loss_rejects_bad_shapes(pred, target, match):
    with pytest.raises(ValueError, match=match):
        gradient_l1_loss(pred, target)
