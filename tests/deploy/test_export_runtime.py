"""Running exported files: optional dependencies, onnxruntime sessions, .pt2 loading."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from xmodal.deploy import EXTRA_HINT, deformconv_supported, load_pt2, require, run_onnx

HAS_ORT = all(importlib.util.find_spec(m) is not None
              for m in ("onnx", "onnxscript", "onnxruntime"))


def test_require_names_the_missing_module_and_the_extra():
    require("torch")
    with pytest.raises(ImportError, match="no_such_module_xyz") as info:
        require("torch", "no_such_module_xyz")
    assert EXTRA_HINT in str(info.value) and "xmodal[export]" in EXTRA_HINT


def test_missing_files_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="pt2"):
        load_pt2(tmp_path / "none.pt2")
    if HAS_ORT:
        with pytest.raises(FileNotFoundError, match="ONNX"):
            run_onnx(tmp_path / "none.onnx", np.zeros(1))


@pytest.mark.skipif(not HAS_ORT, reason="needs the export extra: pip install 'xmodal[export]'")
def test_run_onnx_checks_the_input_count(tmp_path):
    from xmodal.deploy import export, onnx_session

    path = export(torch.nn.Identity(), tmp_path / "id.onnx", dynamic=False,
                  example_inputs=(torch.rand(1, 2, 3, 3),))
    sess = onnx_session(path, threads=1)
    x = np.random.default_rng(0).random((1, 2, 3, 3), dtype=np.float32)
    np.testing.assert_array_equal(run_onnx(sess, x)[0], x)
    with pytest.raises(ValueError, match="takes 1 inputs"):
        run_onnx(sess, x, x)
    with pytest.raises(ValueError, match=r"must have size 3 on axis 2"):
        run_onnx(sess, np.zeros((1, 2, 4, 3), np.float32))
    with pytest.raises(ValueError, match="must have 4 dims"):
        run_onnx(sess, np.zeros((2, 3, 3), np.float32))
    with pytest.raises(ValueError, match="must be float32, got float64"):
        run_onnx(sess, x.astype(np.float64))


@pytest.mark.skipif(not HAS_ORT, reason="needs the export extra: pip install 'xmodal[export]'")
def test_deformconv_probe_matches_a_session():
    """The probe's answer is what a real one-node DeformConv session does."""
    import onnxruntime as ort
    from onnx import TensorProto, helper

    node = helper.make_node("DeformConv", ["x", "w", "o"], ["y"], kernel_shape=[1, 1])
    graph = helper.make_graph([node], "g", [
        helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 1, 2]),
        helper.make_tensor_value_info("w", TensorProto.FLOAT, [1, 1, 1, 1]),
        helper.make_tensor_value_info("o", TensorProto.FLOAT, [1, 2, 1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 1, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    try:
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    except Exception:  # no kernel: the probe must say so
        assert deformconv_supported() is False
        return
    assert deformconv_supported() is True
    # a half-pixel shift to the right: x = [1, 3] samples [2, 1.5] (zero beyond the edge)
    y = sess.run(None, {"x": np.array([[[[1, 3]]]], np.float32),
                        "w": np.ones((1, 1, 1, 1), np.float32),
                        "o": np.array([[[[0, 0]], [[0.5, 0.5]]]], np.float32)})[0]
    np.testing.assert_allclose(y.ravel(), [2.0, 1.5])
