"""Safe reading and portable writing of mmengine training checkpoints.

Every checkpoint xmodal reads goes through :func:`load_checkpoint`: a
``torch.load(..., weights_only=True)`` whose small allow-list
(:func:`checkpoint_safe_globals`) is applied with
:func:`torch.serialization.safe_globals` for that one call only, so importing
xmodal widens nothing in torch. A pickle that would run code is refused with
a one-line :class:`CheckpointError` naming the file.

mmengine 0.10.7 pickles its message hub's ``HistoryBuffer`` objects with their
statistics methods, which a weights-only load cannot accept (they unpickle
through ``builtins.getattr``; reported to mmengine as its issue 1655). xmodal's Runner therefore
writes them as plain tensors (:func:`to_portable`) and rebuilds them on load
(:func:`from_portable`): its checkpoints load with a plain
``torch.load(path, weights_only=True)`` in any program, and a plain mmengine
Runner resumes them too (it skips the portable buffers with a warning).
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

__all__ = ["CheckpointError", "checkpoint_safe_globals", "load_checkpoint", "to_portable",
           "from_portable", "check_checkpoint_fits", "state_mismatch", "dtype_mismatch"]

_BUFFER_TAG = "xmodal.history_buffer"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read safely: corrupt, truncated or holding code.

    Args:
        *args: the message (``ValueError``'s arguments): one line, naming the file.
    """


def checkpoint_safe_globals() -> list:
    """The non-tensor classes a weights-only load of an mmengine checkpoint may build.

    ``HistoryBuffer`` (checkpoints written by earlier xmodal versions), numpy
    arrays, dtypes (bool, int, uint and float ones) and scalars (logged
    values). No callable that could run code: a ``HistoryBuffer`` restores
    only its logged arrays and maximal length (``__setstate__``).

    Returns:
        The allow-list, applied only inside :func:`load_checkpoint`.
    """
    from mmengine.logging.history_buffer import HistoryBuffer

    multiarray = getattr(np, "_core", None) or np.core
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray.multiarray._reconstruct,
            multiarray.multiarray.scalar, *_numpy_dtype_classes()]


_NUMERIC = ("bool", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
            "uint8", "uint16", "uint32", "uint64")


def _numpy_dtype_classes() -> list:
    # numpy >= 1.25 rebuilds a dtype as an instance of its class (np.dtypes.Float64DType)
    return [type(np.dtype(name)) for name in _NUMERIC] if hasattr(np, "dtypes") else []


def _reason(err: BaseException) -> str:
    text = str(err).strip()
    # torch words a refusal "Unsupported global: GLOBAL x" or "unsupported GLOBAL x whose
    # module is blocked" (then with advice to load unsafely, which must not reach the user)
    found = (re.search(r"GLOBAL ([\w.]+)", text)
             or re.search(r"but got <class '([^']+)'>", text))
    if isinstance(err, pickle.UnpicklingError) and found:
        return (f"it holds a Python object outside the weights-only allow-list ({found.group(1)}); "
                "refused without running it")
    if "weights_only" in text or "Weights only load failed" in text:  # never torch's advice
        found = re.search(r"WeightsUnpickler error: ([^\n]*)", text)
        detail = found.group(1).split(" Please")[0].rstrip(". ") if found else "not plain data"
        return f"{detail}; refused without running it"
    first = text.splitlines()[0] if text else type(err).__name__
    return f"{type(err).__name__}: {first}"


def load_checkpoint(path: str | os.PathLike, map_location: Any = "cpu") -> Any:
    """Read a checkpoint or weights file with ``weights_only=True`` and the allow-list.

    The allow-list (:func:`checkpoint_safe_globals`) is in force during this
    call only. Message-hub buffers written by :func:`to_portable` are returned
    as they are; :func:`from_portable` turns them back into ``HistoryBuffer``.

    Args:
        path: local file (``.pth``) written by ``torch.save``.
        map_location: as :func:`torch.load` (default ``'cpu'``).

    Returns:
        The unpickled object (for mmengine checkpoints a dict with ``meta``,
        ``state_dict``, ``message_hub``, ``optimizer``...).

    Raises:
        FileNotFoundError: ``path`` is not an existing file.
        CheckpointError: the file is truncated or corrupt, or would need a
            Python object outside the allow-list (a crafted pickle is refused
            before anything in it runs). The message is one line naming the file.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        with torch.serialization.safe_globals(checkpoint_safe_globals()):
            return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises many types for a bad file
        raise CheckpointError(f"cannot load checkpoint {path}: {_reason(err)}") from None


def state_mismatch(own: dict, state: dict, allow_missing: bool = False) -> str | None:
    """What keeps ``state`` from loading strictly into a module whose state dict is ``own``.

    Args:
        own: the module's ``state_dict()``.
        state: the tensors to load.
        allow_missing: do not count keys of ``own`` that ``state`` lacks.

    Returns:
        One line (counts of missing, unexpected and other-shape keys, with an example
        of each; or that no key matches), None when the keys and shapes fit.
    """
    missing = [] if allow_missing else [k for k in own if k not in state]
    extra = [k for k in state if k not in own]
    shapes = [k for k in own if k in state and hasattr(state[k], "shape")
              and tuple(own[k].shape) != tuple(state[k].shape)]
    parts = [f"{len(missing)} missing key(s), e.g. {missing[0]}" if missing else "",
             f"{len(extra)} unexpected key(s), e.g. {extra[0]}" if extra else "",
             f"{len(shapes)} of another shape, e.g. {shapes[0]} {tuple(state[shapes[0]].shape)} "
             f"vs {tuple(own[shapes[0]].shape)}" if shapes else ""]
    if not any(parts) and own and not any(k in own for k in state):
        parts = ["no key matches the model"]
    return "; ".join(p for p in parts if p) or None


def dtype_mismatch(own: dict, state: dict) -> str | None:
    """The first tensor of ``state`` that is integer where the module's is floating, or the reverse.

    ``load_state_dict`` copies with a cast, so an int8 (or any integer) tensor loaded
    into a float parameter becomes whole numbers without a word; xmodal refuses it
    instead. Floating dtypes among themselves (float16 file, float32 model) fit.

    Args:
        own: the module's ``state_dict()``.
        state: the tensors to load (keys missing from ``own`` are skipped:
            :func:`state_mismatch` reports them).

    Returns:
        One line naming the key and both dtypes (``'conv.weight is int8, the model
        holds float32 there'``), None when every shared key has the same kind.
    """
    for key, value in state.items():
        mine = own.get(key)
        if (isinstance(mine, torch.Tensor) and isinstance(value, torch.Tensor)
                and mine.is_floating_point() != value.is_floating_point()):
            return (f"{key} is {str(value.dtype)[6:]}, the model holds {str(mine.dtype)[6:]} "
                    "there")
    return None


def check_checkpoint_fits(model: torch.nn.Module, checkpoint: Any, path: str | os.PathLike,
                          revise_keys: list | tuple = (), allow_missing: bool = False) -> None:
    """Refuse a checkpoint whose ``state_dict`` is another model's, or holds integer weights.

    A non-strict load of another model's checkpoint matches few or no keys and then
    trains from scratch or evaluates an untrained network without a word; an integer
    tensor (e.g. int8) where the model holds floats would be cast silently
    (:func:`dtype_mismatch`). This check runs before any parameter is copied.

    Args:
        model: the model to load into (unwrapped).
        checkpoint: the loaded checkpoint (``{'state_dict': ...}``) or a bare state dict.
        path: the file, named in the error.
        revise_keys: mmengine's ``(pattern, replacement)`` key revisions, applied first.
        allow_missing: accept model keys the checkpoint lacks (fine-tuning from a part,
            e.g. a DSR-Diff stage-1 checkpoint without the GRN); unexpected keys and
            other shapes are refused always.

    Raises:
        CheckpointError: unexpected keys, other shapes, no matching key, or (without
            ``allow_missing``) missing keys; one line naming ``path`` and an example.
            Also (a ``ValueError``) an integer tensor where the model's is floating, or
            the reverse: one line naming ``path`` and the key.
    """
    state = checkpoint.get("state_dict", checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} holds no state dict")
    for pattern, repl in revise_keys:
        state = {re.sub(pattern, repl, k): v for k, v in state.items()}
    own = model.state_dict()
    problem = state_mismatch(own, state, allow_missing)
    if problem is not None:
        raise CheckpointError(f"checkpoint {path} does not fit {type(model).__name__} (another "
                              f"model's?): {problem}")
    problem = dtype_mismatch(own, state)
    if problem is not None:
        raise CheckpointError(f"checkpoint {path}: {problem} (integer weights are never cast "
                              "into floating parameters)")


def _map_history_buffers(checkpoint: Any, fn: Callable[[Any], Any]) -> Any:
    hub = checkpoint.get("message_hub") if isinstance(checkpoint, dict) else None
    if isinstance(hub, dict) and isinstance(hub.get("log_scalars"), dict):
        scalars = hub["log_scalars"]
        for key in list(scalars):
            scalars[key] = fn(scalars[key])
        info = hub.get("runtime_info")
        if isinstance(info, dict):
            for key, value in list(info.items()):
                if isinstance(value, np.generic):
                    info[key] = value.item()
    return checkpoint


def _buffer_to_portable(value: Any) -> Any:
    from mmengine.logging.history_buffer import HistoryBuffer

    if not isinstance(value, HistoryBuffer):
        return value
    log, count = value.data
    return {_BUFFER_TAG: True, "log_history": torch.from_numpy(np.asarray(log, np.float64)),
            "count_history": torch.from_numpy(np.asarray(count, np.int64)),
            "max_length": int(value.max_length)}


def _buffer_from_portable(value: Any) -> Any:
    from mmengine.logging.history_buffer import HistoryBuffer

    if not (isinstance(value, dict) and value.get(_BUFFER_TAG)):
        return value
    return HistoryBuffer(value["log_history"].numpy(), value["count_history"].numpy(),
                         value["max_length"])


def to_portable(checkpoint: dict) -> dict:
    """Rewrite, in place, the message hub of a checkpoint dict into tensors and Python scalars.

    Each ``HistoryBuffer`` becomes ``{'xmodal.history_buffer': True,
    'log_history': float64 Tensor (N,), 'count_history': int64 Tensor (N,),
    'max_length': int}``; numpy scalars of the runtime info become Python numbers.

    Args:
        checkpoint: the dict mmengine's Runner is about to save.

    Returns:
        The same dict.
    """
    return _map_history_buffers(checkpoint, _buffer_to_portable)


def from_portable(checkpoint: dict) -> dict:
    """Inverse of :func:`to_portable`, in place: portable buffers become ``HistoryBuffer`` again.

    Args:
        checkpoint: a loaded checkpoint dict (other layouts pass through).

    Returns:
        The same dict.
    """
    return _map_history_buffers(checkpoint, _buffer_from_portable)
