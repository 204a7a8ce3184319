"""The in-place policy: a tensor may be overwritten only when no graph is recorded through it."""

from __future__ import annotations

import torch

from xmodal.ops import needs_autograd


def test_needs_autograd():
    x = torch.ones(2, requires_grad=True)
    assert needs_autograd(None, x) and not needs_autograd(torch.ones(2), None)
    with torch.no_grad():
        assert not needs_autograd(x)
