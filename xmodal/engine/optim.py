"""Mixed precision without loss scaling: bfloat16 autocast on CPU or CUDA."""

from __future__ import annotations

from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from xmodal.registry import OPTIM_WRAPPERS

__all__ = ["AutocastOptimWrapper"]

_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16}


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward runs under :func:`torch.autocast` on the model's device.

    mmengine's ``AmpOptimWrapper`` refuses to start without CUDA; this wrapper
    brings bfloat16 autocast to CPU training (``--amp`` on a CPU machine). bf16
    has float32's exponent range, so no loss scaling is needed. On CUDA prefer
    ``AmpOptimWrapper`` (fp16 with dynamic loss scaling, or ``dtype='bfloat16'``).
    Gradient accumulation (``accumulative_counts``) works as in ``OptimWrapper``.

    Args:
        dtype: ``'bfloat16'`` (default) or ``'float16'`` (CUDA only; without a
            loss scaler small fp16 gradients underflow: use ``AmpOptimWrapper``).
        **kwargs: ``OptimWrapper`` arguments (``optimizer``, ``accumulative_counts``,
            ``clip_grad``).

    Raises:
        ValueError: ``dtype`` is not one of the two names.
    """

    def __init__(self, dtype: str = "bfloat16", **kwargs) -> None:
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {sorted(_DTYPES)}, got {dtype!r}")
        super().__init__(**kwargs)
        self.cast_dtype = _DTYPES[dtype]

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context of ``OptimWrapper`` plus autocast on the model's device."""
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(device, dtype=self.cast_dtype):
            yield
