"""The one invalid-depth rule: non-finite always, zero in file units; numpy and torch alike."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xmodal.utils.depth import invalid_depth


def test_numpy_and_torch_give_the_same_mask():
    values = [0.0, 1.5, np.nan, np.inf, -np.inf, -2.0]
    expected = [True, False, True, True, True, False]
    assert invalid_depth(np.array(values)).tolist() == expected
    assert invalid_depth(torch.tensor(values)).tolist() == expected
    assert invalid_depth(np.array(values), zero_invalid=False).tolist() == \
        [False, False, True, True, True, False]


def test_refuses_other_types():
    with pytest.raises(TypeError, match="depth must be a numpy array or a torch.Tensor, got list"):
        invalid_depth([0.0])
