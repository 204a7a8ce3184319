"""Run exported files: ONNX through onnxruntime's CPU provider, ``.pt2`` through torch.

``onnx``, ``onnxscript`` and ``onnxruntime`` are an optional extra
(``pip install 'xmodal[export]'``); :func:`require` names what is missing and how to
install it. Nothing here is imported by ``import xmodal``.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

__all__ = ["EXTRA_HINT", "require", "onnx_session", "run_onnx", "load_pt2",
           "deformconv_supported"]

#: How to install the optional export dependencies.
EXTRA_HINT = "pip install 'xmodal[export]' (onnx, onnxscript, onnxruntime)"


def require(*modules: str) -> None:
    """Raise ImportError unless every module of ``modules`` can be imported.

    Args:
        *modules: top-level module names, e.g. ``'onnx'``, ``'onnxruntime'``.

    Raises:
        ImportError: naming the missing modules and :data:`EXTRA_HINT`.
    """
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(f"export needs {', '.join(missing)}: {EXTRA_HINT}")


def onnx_session(path: str | Path, threads: int | None = None):
    """An ``onnxruntime.InferenceSession`` of an ONNX file on the CPU execution provider.

    Args:
        path: the ``.onnx`` file.
        threads: intra-op threads (None: onnxruntime's default, one per core).

    Returns:
        ``onnxruntime.InferenceSession``.

    Raises:
        ImportError: onnxruntime is not installed.
        FileNotFoundError: ``path`` does not exist.
    """
    require("onnxruntime")
    import onnxruntime as ort

    if not Path(path).is_file():
        raise FileNotFoundError(f"no ONNX file at {path}")
    opts = ort.SessionOptions()
    if threads is not None:
        opts.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def run_onnx(session, *inputs: Tensor | np.ndarray) -> list[np.ndarray]:
    """Run an onnxruntime session on positional inputs (the graph's input order).

    Args:
        session: an ``onnxruntime.InferenceSession`` (:func:`onnx_session`) or a
            path to an ONNX file.
        *inputs: tensors or arrays, one per graph input, in order.

    Returns:
        The graph outputs as numpy arrays.

    Raises:
        ValueError: the number of inputs differs from the graph's, or an input's rank,
            dtype or a fixed size differs from the graph's (or two inputs disagree on
            a size the graph names alike): checked before onnxruntime runs.
    """
    if isinstance(session, (str, Path)):
        session = onnx_session(session)
    metas = session.get_inputs()
    names = [i.name for i in metas]
    if len(inputs) != len(names):
        raise ValueError(f"the graph takes {len(names)} inputs {names}, got {len(inputs)}")
    feed = {n: (x.detach().cpu().numpy() if isinstance(x, Tensor) else np.asarray(x))
            for n, x in zip(names, inputs)}
    _check_feed(metas, feed)
    return session.run(None, feed)


_ORT_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16,
               "tensor(double)": np.float64, "tensor(int64)": np.int64}


def _check_feed(metas: list, feed: dict[str, np.ndarray]) -> None:
    """Each input's dtype, rank and fixed sizes as the graph declares them."""
    named: dict[str, tuple[str, int]] = {}
    for meta in metas:
        x, shape = feed[meta.name], list(meta.shape)
        want = _ORT_DTYPES.get(meta.type)
        if want is not None and x.dtype != want:
            raise ValueError(f"input {meta.name} must be {np.dtype(want).name}, got {x.dtype}")
        if x.ndim != len(shape):
            raise ValueError(f"input {meta.name} must have {len(shape)} dims {shape}, got shape "
                             f"{tuple(x.shape)}")
        for axis, (dim, size) in enumerate(zip(shape, x.shape)):
            if isinstance(dim, int) and dim != size:
                raise ValueError(f"input {meta.name} must have size {dim} on axis {axis} "
                                 f"(graph shape {shape}), got shape {tuple(x.shape)}")
            if isinstance(dim, str):
                seen = named.setdefault(dim, (meta.name, size))
                if seen[1] != size:
                    raise ValueError(f"inputs {seen[0]} and {meta.name} must agree on size "
                                     f"{dim}, got {seen[1]} and {size}")


def load_pt2(path: str | Path) -> nn.Module:
    """Load a ``.pt2`` file written by :func:`xmodal.deploy.export` as a callable module.

    Args:
        path: the ``.pt2`` file (``torch.export.save`` format).

    Returns:
        ``torch.export.load(path).module()``: call it with the exported inputs.

    Raises:
        FileNotFoundError: ``path`` does not exist.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"no .pt2 file at {path}")
    return torch.export.load(str(path)).module()


@functools.cache
def deformconv_supported() -> bool:
    """Whether this onnxruntime's CPU provider executes the ONNX ``DeformConv`` op (opset 19).

    onnxruntime gained its ``DeformConv`` kernel in 2026; older releases fail to
    create a session for a graph that holds one. Tried once on a one-node graph.

    Returns:
        True if a session runs a 1-channel 1x1 ``DeformConv``; False otherwise
        (also when onnx or onnxruntime is not installed).
    """
    try:
        require("onnx", "onnxruntime")
        import onnx
        import onnxruntime as ort
        from onnx import TensorProto, helper

        node = helper.make_node("DeformConv", ["x", "w", "offset"], ["y"], kernel_shape=[1, 1])
        graph = helper.make_graph(
            [node], "deformconv_probe",
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
             for n, s in (("x", [1, 1, 2, 2]), ("w", [1, 1, 1, 1]), ("offset", [1, 2, 2, 2]))],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 2, 2])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
        onnx.checker.check_model(model)
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        sess.run(None, {"x": np.ones((1, 1, 2, 2), np.float32),
                        "w": np.ones((1, 1, 1, 1), np.float32),
                        "offset": np.zeros((1, 2, 2, 2), np.float32)})
    except Exception:  # ImportError, or onnxruntime's NOT_IMPLEMENTED / graph errors
        return False
    return True
