"""The shared input checks: accepted values pass, each rule names the argument and the values."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xmodal.utils.checks import (
    check_feature,
    check_lr_guide,
    check_non_negative_int,
    check_pair,
    check_positive_int,
)


def test_positive_int():
    assert check_positive_int(3, "scale") == 3 and check_positive_int(np.int64(2), "n") == 2
    for bad in (0, -1, 2.0, True, "4", None):
        with pytest.raises(ValueError, match=rf"scale must be a positive integer, got {bad!r}"):
            check_positive_int(bad, "scale")


def test_non_negative_int():
    assert check_non_negative_int(0, "pad") == 0 and check_non_negative_int(np.int64(5), "n") == 5
    for bad in (-1, 2.0, True, "4", None):
        with pytest.raises(ValueError, match=rf"pad must be an integer >= 0, got {bad!r}"):
            check_non_negative_int(bad, "pad")


def test_feature_and_pair():
    check_feature(torch.zeros(1, 4, 2, 2), "x", 4)
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        check_feature([1], "x")
    with pytest.raises(ValueError, match=r"x must be \(B, C, H, W\), got shape \(4, 2, 2\)"):
        check_feature(torch.zeros(4, 2, 2), "x")
    with pytest.raises(ValueError, match=r"x must have 3 channels, \(B, 3, H, W\)"):
        check_feature(torch.zeros(1, 4, 2, 2), "x", 3)
    a, b = torch.zeros(1, 4, 2, 2), torch.zeros(2, 4, 2, 2)
    with pytest.raises(ValueError, match="same batch size"):
        check_pair(a, b, 4)
    with pytest.raises(ValueError, match=r"same \(H, W\)"):
        check_pair(a, torch.zeros(1, 4, 3, 2), 4)
    check_pair(a, torch.zeros(1, 4, 3, 2), 4, same_size=False)


def test_lr_guide():
    check_lr_guide(torch.zeros(2, 1, 3, 4), torch.zeros(2, 3, 12, 16), 4)
    check_lr_guide(torch.zeros(2, 1, 3, 4), torch.zeros(2, 5, 12, 16), 4, guide_channels=None)
    with pytest.raises(ValueError, match=r"guide must be \(2, 3, 12, 16\) for lr \(2, 1, 3, 4\)"):
        check_lr_guide(torch.zeros(2, 1, 3, 4), torch.zeros(2, 3, 12, 15), 4)
    with pytest.raises(ValueError, match="guide must be"):
        check_lr_guide(torch.zeros(2, 1, 3, 4), torch.zeros(1, 3, 12, 16), 4)
    with pytest.raises(ValueError, match="lr must have 1 channel,"):
        check_lr_guide(torch.zeros(2, 3, 3, 4), torch.zeros(2, 3, 12, 16), 4)
