"""When a block may overwrite its own intermediate tensors in place.

On CPU every fresh full-size feature map costs page faults (glibc maps blocks
above 32 MB anew on each allocation: about 60 ms for 64 channels at 640x480 on
one core), so the blocks reuse tensors they just created, e.g.
``sigmoid(z).mul_(x)`` instead of ``x * sigmoid(z)``, whenever autograd will
not need the overwritten values. :func:`needs_autograd` is that test.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["needs_autograd"]


def needs_autograd(*tensors: Tensor | None) -> bool:
    """True if grad mode is on and any of ``tensors`` requires grad.

    Args:
        *tensors: tensors (``None`` entries are ignored).

    Returns:
        bool: False means an in-place update of these tensors cannot break a
        backward pass (no graph is being recorded through them).

    Example:
        >>> needs_autograd(torch.ones(2, requires_grad=True))
        True
        >>> with torch.no_grad():
        ...     needs_autograd(torch.ones(2, requires_grad=True))
        False
    """
    return torch.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)
