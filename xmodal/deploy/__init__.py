"""Deployment: export generators and blocks to ONNX and ``torch.export``, and run the files.

:func:`export` writes the file (:mod:`xmodal.deploy.exporter`), :mod:`xmodal.deploy.inputs`
tells a module's inputs and dynamic dimensions, :mod:`xmodal.deploy.runtime` runs
the result (onnxruntime CPU, ``torch.export.load``), :mod:`xmodal.deploy.parity`
compares it with the eager model under the evaluation protocol. The ONNX side
needs the optional extra ``pip install 'xmodal[export]'``.
"""

from .exporter import DCN_ROUTES, DEFAULT_OPSET, FORMATS, export, prepare_model
from .inputs import check_size, dynamic_shapes, example_inputs, input_names
from .parity import parity, protocol_rmse
from .runtime import EXTRA_HINT, deformconv_supported, load_pt2, onnx_session, require, run_onnx

__all__ = [
    "DCN_ROUTES",
    "DEFAULT_OPSET",
    "EXTRA_HINT",
    "FORMATS",
    "check_size",
    "deformconv_supported",
    "dynamic_shapes",
    "example_inputs",
    "export",
    "input_names",
    "load_pt2",
    "onnx_session",
    "parity",
    "prepare_model",
    "protocol_rmse",
    "require",
    "run_onnx",
]
