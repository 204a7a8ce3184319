"""Input names, example tensors and dynamic dimensions of the modules to export."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from xmodal.align import LDA
from xmodal.deploy import check_size, dynamic_shapes, example_inputs, input_names
from xmodal.fuse import GatedConv
from xmodal.models import D2A2


@pytest.fixture(scope="module")
def d2a2_x8() -> D2A2:
    return D2A2(scale=8, channels=8, num_resblocks=1).eval()


def test_input_names(d2a2_x8):
    assert input_names(d2a2_x8) == ("lr", "guide")
    assert input_names(LDA(channels=8)) == ("target", "guide")
    assert input_names(GatedConv(8)) == ("x",)


def test_generator_example_inputs(d2a2_x8):
    lr, guide = example_inputs(d2a2_x8, (48, 64), batch=2, dtype=torch.float16)
    assert lr.shape == (2, 1, 6, 8) and guide.shape == (2, 3, 48, 64)
    assert lr.dtype == guide.dtype == torch.float16
    assert 0 <= lr.min() and lr.max() < 1


def test_block_example_inputs():
    xs = example_inputs(LDA(channels=8), (5, 7))
    assert [tuple(x.shape) for x in xs] == [(1, 8, 5, 7)] * 2
    assert [tuple(x.shape) for x in example_inputs(GatedConv(4), (3, 3))] == [(1, 4, 3, 3)]


@pytest.mark.parametrize("size", [(50, 64), (48, 60), (0, 8), (8,), "480x640", (8.0, 8)])
def test_bad_size_is_refused(d2a2_x8, size):
    with pytest.raises(ValueError, match="size"):
        check_size(d2a2_x8, size)


def test_bad_batch_is_refused():
    with pytest.raises(ValueError, match="batch"):
        example_inputs(LDA(channels=8), (4, 4), batch=0)


@pytest.mark.parametrize("module", [nn.Linear(3, 3), nn.Identity()])
def test_unknown_module_kind_is_refused(module):
    with pytest.raises(TypeError, match="example_inputs"):
        example_inputs(module, (4, 4))


def test_not_a_module_is_refused():
    with pytest.raises(TypeError, match="nn.Module"):
        input_names(lambda x: x)


def test_dynamic_shapes_tie_the_guide_to_the_lr(d2a2_x8):
    ds = dynamic_shapes(d2a2_x8)
    assert set(ds) == {"lr", "guide"} and ds["lr"][0] is ds["guide"][0]
    # the guide's height is 8 times the LR's: a derived dimension, not a free one
    assert "8*height" in str(ds["guide"][2]).replace(" ", "")
    block = dynamic_shapes(LDA(channels=8))
    assert block["target"] == block["guide"]
