"""Export a generator or block to ONNX (onnxruntime, TensorRT ...) or ``torch.export`` (.pt2).

The deformable convolution of DGA reaches the exported graph by one of two routes:

* ``dcn='native'`` (default): xmodal's pure-PyTorch DCNv2
  (:func:`xmodal.ops.native_modulated_deform_conv2d`), written with standard ops:
  ONNX ``GridSample`` (opset >= 16), ``Mul``, ``MatMul``. Any ONNX runtime that has
  those runs it.
* ``dcn='deformconv'``: :func:`torchvision.ops.deform_conv2d`, which the exporter
  maps to the ONNX ``DeformConv`` op (opset >= 19). Only runtimes with a
  ``DeformConv`` kernel run it: onnxruntime's CPU provider gained one in 2026
  (1.32.0 runs it; :func:`xmodal.deploy.deformconv_supported` checks the one
  installed); older onnxruntime releases refuse the graph.

Both routes give the eager model's outputs to float rounding. By default
(``dynamic=True``) the graph runs at any batch and any size (a generator's HR size a multiple of
its scale factor, see :mod:`xmodal.deploy.inputs`); ``fp16=True`` exports the
float16 model (float16 inputs and outputs). The ONNX route uses
``torch.onnx.export(..., dynamo=True)`` (``torch.export`` then onnxscript).
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import torch
from torch import Tensor, nn

from ..align.dga import DeformableGeometricAlign
from . import inputs as _inputs
from .runtime import require

__all__ = ["FORMATS", "DCN_ROUTES", "DEFAULT_OPSET", "prepare_model", "export"]

#: Export formats: ONNX and ``torch.export``'s ``.pt2``.
FORMATS = ("onnx", "pt2")
#: How the deformable convolution is exported -> the DGA backend that gives it.
DCN_ROUTES = {"native": "native", "deformconv": "torchvision"}
#: ONNX opset written by default (GridSample needs >= 16, DeformConv >= 19).
DEFAULT_OPSET = 20
_MIN_OPSET = {"native": 16, "deformconv": 19}


def prepare_model(model: nn.Module | dict, dcn: str = "native", fp16: bool = False) -> nn.Module:
    """The module that is exported: a copy in eval mode with the chosen DCN route.

    Args:
        model: an ``nn.Module`` (copied, never changed) or a registry config dict
            (``dict(type='DGA', channels=64)``), built with :data:`xmodal.registry.MODELS`.
        dcn: ``'native'`` or ``'deformconv'`` (module docstring).
        fp16: convert the copy to float16.

    Returns:
        The prepared copy.

    Raises:
        TypeError: ``model`` is neither a module nor a dict.
        ValueError: unknown ``dcn``, or a model holding a module whose class says
            why it cannot be exported (its ``export_unsupported`` text, e.g. the
            diffusion of DADA / ``d2a2_diffusion``).
    """
    if dcn not in DCN_ROUTES:
        raise ValueError(f"dcn must be one of {tuple(DCN_ROUTES)}, got {dcn!r}")
    if isinstance(model, dict):
        from ..registry import MODELS

        model = MODELS.build(dict(model))
    elif isinstance(model, nn.Module):
        model = copy.deepcopy(model)
    else:
        raise TypeError(f"model must be a torch.nn.Module or a config dict, "
                        f"got {type(model).__name__}")
    _check_exportable(model)
    for m in model.modules():
        if isinstance(m, DeformableGeometricAlign):
            m.backend = DCN_ROUTES[dcn]
    model = model.eval().requires_grad_(False)
    return model.half() if fp16 else model.float()


def _check_exportable(model: nn.Module) -> None:
    for m in model.modules():
        reason = getattr(type(m), "export_unsupported", None)
        if reason:
            raise ValueError(f"model cannot be exported: it holds {type(m).__name__}, "
                             f"which {reason}")


def _format(fmt: str | None, out: Path) -> str:
    fmt = fmt if fmt is not None else out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS} (or given by the out suffix "
                         f".onnx / .pt2), got {fmt!r} for {out}")
    return fmt


def _check_opset(opset: int, dcn: str) -> None:
    if not isinstance(opset, int) or opset < _MIN_OPSET[dcn]:
        raise ValueError(f"opset must be an int >= {_MIN_OPSET[dcn]} for dcn={dcn!r}, "
                         f"got {opset!r}")


def export(
    model: nn.Module | dict,
    out: str | Path,
    format: str | None = None,
    size: tuple[int, int] = (480, 640),
    dynamic: bool = True,
    fp16: bool = False,
    dcn: str = "native",
    opset: int = DEFAULT_OPSET,
    example_inputs: tuple[Tensor, ...] | None = None,
) -> Path:
    """Export a generator or block to an ONNX or ``.pt2`` file.

    Args:
        model: the module (copied, never changed) or its registry config dict.
        out: the file to write (parent folders are created).
        format: ``'onnx'`` or ``'pt2'``; None takes it from the suffix of ``out``.
        size: ``(H, W)`` the graph is traced at: HR pixels of a generator (a
            multiple of its scale), feature pixels of a block. With ``dynamic``
            the graph runs at any size.
        dynamic: dynamic batch, height and width (default; see
            :func:`xmodal.deploy.dynamic_shapes`); False fixes the graph at batch 1
            and ``size``.
        fp16: export the float16 model (float16 inputs and outputs).
        dcn: ``'native'`` (standard ops, default) or ``'deformconv'`` (ONNX
            ``DeformConv``, opset >= 19): how DGA's deformable conv is exported.
        opset: ONNX opset (ignored for ``.pt2``).
        example_inputs: tensors to trace with instead of random ones; needed for
            modules whose inputs :mod:`xmodal.deploy.inputs` cannot tell (export
            those with ``dynamic=False``). With ``dynamic`` their batch and sizes
            must be >= 2.

    Returns:
        The path written, atomically (a temporary in its folder, then renamed: a kill
        or a full disk leaves an earlier file of that name whole).

    Raises:
        ValueError: bad ``format``, ``dcn``, ``opset`` or ``size`` (also a size whose
            traced inputs would be too large), or ``out`` is a folder.
        OSError: the file cannot be written (the message names it).
        TypeError: bad ``model``, or inputs that cannot be told.
        ImportError: ONNX export without onnx / onnxscript (:data:`xmodal.deploy.EXTRA_HINT`).

    Example:
        >>> from xmodal.deploy import export, load_pt2
        >>> path = export(dict(type='LDA', channels=8), 'lda.pt2', size=(16, 16))
        >>> load_pt2(path)(torch.rand(1, 8, 16, 16), torch.rand(1, 8, 16, 16)).shape
        torch.Size([1, 8, 16, 16])
    """
    out = Path(out)
    if out.is_dir():
        raise ValueError(f"out: {out} is a folder; give the file to write (.onnx or .pt2)")
    fmt = _format(format, out)
    if fmt == "onnx":
        _check_opset(opset, dcn)
        require("onnx", "onnxscript")
    net = prepare_model(model, dcn=dcn, fp16=fp16)
    dtype = torch.float16 if fp16 else torch.float32
    if example_inputs is None:
        example_inputs = _inputs.example_inputs(net, size, batch=2 if dynamic else 1, dtype=dtype)
    example_inputs = tuple(t.to(dtype) for t in example_inputs)
    shapes = _inputs.dynamic_shapes(net) if dynamic else None
    from xmodal.apis.atomic import atomic_outputs

    out.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), atomic_outputs([out]) as outputs:  # a kill leaves the old file
        tmp = outputs.temporary(out)
        if fmt == "pt2":
            torch.export.save(torch.export.export(net, example_inputs, dynamic_shapes=shapes),
                              str(tmp))
        else:
            _export_onnx(net, example_inputs, tmp, shapes, opset)
    return out


def _export_onnx(net: nn.Module, args: tuple[Tensor, ...], out: Path,
                 shapes: dict | None, opset: int) -> None:
    with warnings.catch_warnings():  # inputs sharing a Dim keep its name: nothing to report
        warnings.filterwarnings("ignore", message=".*axis name.*will not be used")
        program = torch.onnx.export(
            net, args, dynamo=True, dynamic_shapes=shapes, opset_version=opset,
            input_names=list(_inputs.input_names(net)), output_names=["output"],
            external_data=False, verbose=False,
        )
    program.save(str(out), external_data=False)
