"""Let mmengine 0.10.x resume and ``load_from`` on torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default; mmengine 0.10.7
calls ``torch.load`` without the argument, and its training checkpoints hold a
few non-tensor objects (the message hub's ``HistoryBuffer``, numpy scalars and
arrays of the logged values), so resume fails (mmengine issue #1655).

Rather than turning the safety off, :func:`allow_mmengine_checkpoint_globals`
adds exactly those classes to torch's weights-only allow-list
(:func:`torch.serialization.add_safe_globals`); every load keeps
``weights_only=True``, so an arbitrary pickle is still refused.
"""

from __future__ import annotations

import codecs

import numpy as np
import torch

__all__ = ["allow_mmengine_checkpoint_globals", "MMENGINE_CHECKPOINT_GLOBALS"]


def _numpy_globals() -> list:
    names = []
    multiarray = getattr(np, "_core", None) or np.core
    names.append(multiarray.multiarray._reconstruct)
    names.append(multiarray.multiarray.scalar)
    names += [np.ndarray, np.dtype, codecs.encode]
    # numpy >= 1.25 pickles dtypes as instances of per-type classes (np.dtypes.Float64DType ...)
    dtypes = getattr(np, "dtypes", None)
    if dtypes is not None:
        names += [getattr(dtypes, n) for n in dir(dtypes) if n.endswith("DType")]
    return names


_DEFAULT_STATISTICS = ("min", "max", "current", "mean")


def _history_buffer_getstate(self) -> dict:
    """``HistoryBuffer.__getstate__`` without the four default statistics methods.

    mmengine pickles every registered statistics method, and a method pickles
    as ``getattr(HistoryBuffer, 'min')``: allowing ``builtins.getattr`` would
    open the weights-only unpickler to arbitrary attribute access. The defaults
    are re-registered by ``HistoryBuffer.__setstate__`` anyway, so only custom
    methods are saved (a checkpoint holding those still needs a full load).
    """
    state = dict(self.__dict__)
    custom = {k: v for k, v in type(self)._statistics_methods.items()
              if k not in _DEFAULT_STATISTICS}
    state.pop("statistics_methods", None)
    if custom:
        state["statistics_methods"] = custom
    return state


def _mmengine_globals() -> list:
    from mmengine.logging.history_buffer import HistoryBuffer

    HistoryBuffer.__getstate__ = _history_buffer_getstate
    return [HistoryBuffer]


MMENGINE_CHECKPOINT_GLOBALS: list = []


def allow_mmengine_checkpoint_globals() -> list:
    """Allow-list the globals of mmengine training checkpoints for weights-only loads.

    Idempotent. Returns the list of allowed objects. Does nothing on torch
    versions without :func:`torch.serialization.add_safe_globals`.
    """
    add = getattr(torch.serialization, "add_safe_globals", None)
    if add is None:
        return []
    if not MMENGINE_CHECKPOINT_GLOBALS:
        MMENGINE_CHECKPOINT_GLOBALS.extend(_numpy_globals() + _mmengine_globals())
        add(MMENGINE_CHECKPOINT_GLOBALS)
    return MMENGINE_CHECKPOINT_GLOBALS
