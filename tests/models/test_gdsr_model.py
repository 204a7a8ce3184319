import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.structures import BaseDataElement

from xmodal.models import GDSRDataPreprocessor, GDSRModel, L1Loss
from xmodal.registry import MODELS


def _item(h=16, w=16, s=4):
    sample = BaseDataElement(gt_depth=torch.rand(1, h, w),
                             metainfo=dict(depth_min=0.0, depth_max=1.0, unit_scale=1.0))
    return {"inputs": {"guide": torch.rand(3, h, w), "lr": torch.rand(1, h // s, w // s)},
            "data_samples": sample}


def _model():
    generator = dict(type="Bicubic", scale=4, backend="torch")
    return MODELS.build(dict(type="GDSRModel", generator=generator, pixel_loss=dict(type="L1Loss")))


def test_preprocessor_stacks_and_reorders_channels():
    batch = pseudo_collate([_item(), _item()])
    out = GDSRDataPreprocessor()(batch)
    assert out["inputs"]["guide"].shape == (2, 3, 16, 16)
    assert out["inputs"]["lr"].shape == (2, 1, 4, 4)
    bgr = GDSRDataPreprocessor(guide_channel_order="bgr")(batch)["inputs"]["guide"]
    torch.testing.assert_close(bgr, out["inputs"]["guide"].flip(1))
    norm = GDSRDataPreprocessor(guide_mean=[0.5] * 3, guide_std=[0.25] * 3)(batch)
    torch.testing.assert_close(norm["inputs"]["guide"], (out["inputs"]["guide"] - 0.5) / 0.25)


def test_preprocessor_errors():
    with pytest.raises(ValueError, match="guide_channel_order"):
        GDSRDataPreprocessor(guide_channel_order="rbg")
    with pytest.raises(ValueError, match="batch_size=1"):
        GDSRDataPreprocessor()(pseudo_collate([_item(16, 16), _item(32, 16)]))


def test_three_modes():
    model = _model()
    data = model.data_preprocessor(pseudo_collate([_item(), _item()]))
    pred = model(**data, mode="tensor")
    assert pred.shape == (2, 1, 16, 16)
    gt = torch.stack([s.gt_depth for s in data["data_samples"]])
    loss = model(**data, mode="loss")["loss"]
    torch.testing.assert_close(loss, (pred - gt).abs().mean())
    samples = model(**data, mode="predict")
    torch.testing.assert_close(samples[1].pred_depth, pred[1])
    with pytest.raises(ValueError, match="mode must be"):
        model(**data, mode="train")


def test_loss_mode_needs_loss_and_gt():
    model = GDSRModel(generator=dict(type="Bicubic", scale=4, backend="torch"))
    data = model.data_preprocessor(pseudo_collate([_item()]))
    with pytest.raises(ValueError, match="needs a pixel_loss"):
        model(**data, mode="loss")
    with pytest.raises(ValueError, match="gt_depth"):
        _model()(data["inputs"], [BaseDataElement()], mode="loss")


def test_l1_loss_weight_and_shape_check():
    a, b = torch.zeros(1, 1, 2, 2), torch.ones(1, 1, 2, 2)
    assert L1Loss(loss_weight=2.0)(a, b).item() == pytest.approx(2.0)
    assert L1Loss(reduction="sum")(a, b).item() == pytest.approx(4.0)
    with pytest.raises(ValueError, match="same shape"):
        L1Loss()(a, torch.ones(1, 1, 2, 3))
