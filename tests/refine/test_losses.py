"""Tests of MaskedL1Loss (DADA's masked training loss)."""

import pytest
import torch

from xmodal.refine import MaskedL1Loss
from xmodal.registry import MODELS


def test_masked_mean_over_valid_pixels_and_weight():
    target = torch.tensor([[[[1.0, 0.0], [2.0, float("nan")]]]])
    pred = torch.tensor([[[[2.0, 50.0], [4.0, 9.0]]]], requires_grad=True)
    loss = MODELS.build(dict(type="MaskedL1Loss", loss_weight=10.0))(pred, target)
    assert loss.item() == pytest.approx(10.0 * (1.0 + 2.0) / 2)
    loss.backward()
    assert pred.grad[0, 0, 0, 1] == 0 and pred.grad[0, 0, 1, 1] == 0
    assert pred.grad[0, 0, 0, 0] == pytest.approx(5.0)


def test_no_mask_value_and_errors():
    loss = MaskedL1Loss(invalid_value=None)
    assert loss(torch.ones(1, 1, 2, 2), torch.zeros(1, 1, 2, 2)).item() == pytest.approx(1.0)
    empty = MaskedL1Loss()(torch.ones(1, 1, 2, 2, requires_grad=True), torch.zeros(1, 1, 2, 2))
    assert empty.item() == 0.0 and empty.requires_grad
    with pytest.raises(ValueError, match="shape"):
        MaskedL1Loss()(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 3))
