"""Per-sample RMSE loss, the loss sum, and the guide-mixing batch augmentation."""

import pytest
import torch

from xmodal.models import CompositeLoss, GuideMix, RMSELoss
from xmodal.registry import MODELS


def test_rmse_loss_is_the_mean_of_per_sample_rmse():
    pred = torch.zeros(2, 1, 2, 2)
    gt = torch.stack([torch.full((1, 2, 2), 3.0), torch.tensor([[[4.0, 0.0], [0.0, 0.0]]])])
    # sample 0: sqrt(9) = 3; sample 1: sqrt(16 / 4) = 2
    assert RMSELoss(loss_weight=2.0)(pred, gt).item() == pytest.approx(2.0 * 2.5, rel=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        RMSELoss()(pred, gt[:1])
    with pytest.raises(ValueError, match="eps"):
        RMSELoss(eps=0.0)


def test_composite_loss_sums_its_weighted_terms():
    loss = MODELS.build(dict(type="CompositeLoss", losses=[
        dict(type="L1Loss", loss_weight=1.0), dict(type="RMSELoss", loss_weight=0.5)]))
    pred, gt = torch.zeros(1, 1, 2, 2), torch.full((1, 1, 2, 2), 2.0)
    assert loss(pred, gt).item() == pytest.approx(2.0 + 0.5 * 2.0, rel=1e-6)
    with pytest.raises(ValueError, match="at least one"):
        CompositeLoss([])


def test_guide_mix_blends_the_rolled_batch_or_leaves_it():
    guide = torch.rand(3, 3, 4, 4)
    assert torch.equal(GuideMix(prob=0.0)(guide), guide)
    assert torch.equal(GuideMix(prob=1.0)(guide[:1]), guide[:1])
    mixed = GuideMix(prob=1.0, alpha=(0.5, 0.5))(guide)
    torch.testing.assert_close(mixed, 0.5 * guide + 0.5 * guide.roll(1, dims=0))
    with pytest.raises(ValueError, match="prob"):
        GuideMix(prob=1.5)
    with pytest.raises(ValueError, match="alpha"):
        GuideMix(alpha=(0.6, 0.2))


def test_preprocessor_mixes_training_batches_only():
    pre = MODELS.build(dict(type="GDSRDataPreprocessor", batch_augments=[
        dict(type="GuideMix", prob=1.0, alpha=(1.0, 1.0))]))
    guide = [torch.rand(3, 4, 4), torch.rand(3, 4, 4)]
    data = dict(inputs=dict(guide=guide, lr=[torch.rand(1, 1, 1)] * 2), data_samples=[])
    train = pre(data, training=True)["inputs"]["guide"]
    test = pre(data, training=False)["inputs"]["guide"]
    torch.testing.assert_close(train, torch.stack(guide).roll(1, dims=0))
    torch.testing.assert_close(test, torch.stack(guide))
