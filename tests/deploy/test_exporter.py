"""Export round trips of the blocks: ONNX through onnxruntime, ``.pt2`` through torch.

Each block is exported once with dynamic batch / height / width; hypothesis then
draws input shapes the trace never saw, and the exported file must give the eager
block's output to float rounding.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from xmodal.align.dga import DeformableGeometricAlign
from xmodal.deploy import deformconv_supported, export, input_names, load_pt2, prepare_model
from xmodal.registry import MODELS

#: The blocks of the export round-trip tests, at 8 channels.
BLOCKS = {
    "LDA": dict(type="LDA", channels=8),
    "DGA": dict(type="DGA", channels=8, deform_groups=2, backend="native"),
    "GatedConv": dict(type="GatedConv", in_channels=8),
    "PixelAttentionFusion": dict(type="PixelAttentionFusion", channels=8),
    "MFA": dict(type="MFA", channels=8),
}


def perturbed(cfg: dict, seed: int = 0) -> nn.Module:
    """Build ``cfg`` in eval mode with every parameter and buffer moved off its start.

    DGA's offset/mask head starts at zero (zero offsets, masks 0.5): the shift makes
    the offsets non-zero and fractional, so the bilinear sampling is exercised.
    """
    torch.manual_seed(seed)
    module = MODELS.build(dict(cfg)).eval()
    with torch.no_grad():
        for t in list(module.parameters()) + list(module.buffers()):
            if t.is_floating_point():
                t.add_(0.3 * torch.rand_like(t))
    return module


@pytest.fixture(scope="module")
def dga() -> nn.Module:
    return perturbed(BLOCKS["DGA"])


ONNX_DEPS = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("onnx", "onnxscript", "onnxruntime")),
    reason="needs the export extra: pip install 'xmodal[export]'")

SHAPES = st.tuples(st.integers(1, 3), st.integers(2, 12), st.integers(2, 12))


@functools.cache
def _exported(name: str, fmt: str, tmp: Path) -> tuple[torch.nn.Module, object]:
    """(eager block, callable of the exported file) for one block and format, cached."""
    block = perturbed(BLOCKS[name])
    path = export(block, tmp / f"{name}.{fmt}", size=(6, 7))
    if fmt == "pt2":
        return block, load_pt2(path)
    from xmodal.deploy import onnx_session, run_onnx

    sess = onnx_session(path, threads=1)
    return block, lambda *xs: torch.from_numpy(run_onnx(sess, *xs)[0])


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("export")


def _round_trip(name: str, fmt: str, tmp: Path, shape: tuple[int, int, int]) -> None:
    block, exported = _exported(name, fmt, tmp)
    b, h, w = shape
    gen = torch.Generator().manual_seed(h * 100 + w)
    xs = [torch.randn(b, 8, h, w, generator=gen) for _ in input_names(block)]
    with torch.no_grad():
        ref = block(*xs)
    torch.testing.assert_close(exported(*xs), ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", list(BLOCKS))
@settings(max_examples=4, deadline=None)
@given(shape=SHAPES)
def test_pt2_round_trip(tmp_dir, name, shape):
    _round_trip(name, "pt2", tmp_dir, shape)


@ONNX_DEPS
@pytest.mark.parametrize("name", list(BLOCKS))
@settings(max_examples=4, deadline=None)
@given(shape=SHAPES)
def test_onnx_round_trip(tmp_dir, name, shape):
    _round_trip(name, "onnx", tmp_dir, shape)


def _op_types(path: Path) -> set[str]:
    import onnx

    return {n.op_type for n in onnx.load(str(path)).graph.node}


@ONNX_DEPS
def test_native_route_has_standard_ops_only(tmp_dir, dga):
    ops = _op_types(export(dga, tmp_dir / "dga_native.onnx", size=(6, 7)))
    assert "GridSample" in ops and "DeformConv" not in ops


@ONNX_DEPS
def test_static_export_fixes_batch_and_size(tmp_dir, dga):
    from xmodal.deploy import onnx_session

    path = export(dga, tmp_dir / "dga_static.onnx", size=(6, 7), dynamic=False)
    assert [i.shape for i in onnx_session(path).get_inputs()] == [[1, 8, 6, 7]] * 2


@ONNX_DEPS
def test_deformconv_route_runs_in_onnxruntime(tmp_dir, dga):
    from xmodal.deploy import onnx_session, run_onnx

    path = export(dga, tmp_dir / "dga_deformconv.onnx", size=(6, 7), dynamic=True,
                  dcn="deformconv")
    assert "DeformConv" in _op_types(path) and "GridSample" not in _op_types(path)
    if not deformconv_supported():
        pytest.skip("this onnxruntime has no CPU DeformConv kernel (added in 2026)")
    xs = torch.randn(2, 8, 9, 5), torch.randn(2, 8, 9, 5)
    with torch.no_grad():
        ref = dga(*xs)
    out = run_onnx(onnx_session(path, threads=1), *xs)[0]
    torch.testing.assert_close(torch.from_numpy(out), ref, rtol=1e-4, atol=1e-5)


@ONNX_DEPS
@pytest.mark.parametrize("fmt", ["onnx", "pt2"])
def test_fp16_variant(tmp_dir, dga, fmt):
    from xmodal.deploy import onnx_session, run_onnx

    path = export(dga, tmp_dir / f"dga_fp16.{fmt}", size=(6, 7), dynamic=True, fp16=True)
    xs = torch.rand(2, 8, 10, 6), torch.rand(2, 8, 10, 6)
    with torch.no_grad():
        ref = dga(*xs)
    halves = [x.half() for x in xs]
    out = (load_pt2(path)(*halves) if fmt == "pt2"
           else torch.from_numpy(run_onnx(onnx_session(path, threads=1), *halves)[0]))
    assert out.dtype == torch.float16
    torch.testing.assert_close(out.float(), ref, rtol=2e-2, atol=2e-2)


def test_prepare_model_leaves_the_callers_module_alone(dga):
    dga.train()
    try:
        net = prepare_model(dga, dcn="deformconv", fp16=True)
    finally:
        dga.eval()
    assert dga.backend == "native" and dga.weight.dtype == torch.float32
    dcn = next(m for m in net.modules() if isinstance(m, DeformableGeometricAlign))
    assert dcn.backend == "torchvision" and not net.training
    assert dcn.weight.dtype == torch.float16 and not dcn.weight.requires_grad


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(out="m.onnx", format="tflite"), ValueError, "format"),
        (dict(out="m.txt"), ValueError, "format"),
        (dict(out="m.pt2", dcn="mmcv"), ValueError, "dcn"),
        (dict(out="m.onnx", dcn="deformconv", opset=18), ValueError, "opset"),
        (dict(out="m.onnx", opset=15), ValueError, "opset"),
        (dict(out="m.pt2", size=(4, 0)), ValueError, "size"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, kwargs, error, match):
    kwargs["out"] = tmp_path / kwargs["out"]
    with pytest.raises(error, match=match):
        export(dict(type="LDA", channels=4), **kwargs)
    assert not kwargs["out"].exists()


def test_bad_model_is_refused(tmp_path):
    with pytest.raises(TypeError, match="config dict"):
        export("LDA", tmp_path / "m.pt2")


def test_diffusion_refinement_is_refused_before_tracing(tmp_path):
    cfg = dict(type="GuidedAnisotropicDiffusion", num_iters=4)
    with pytest.raises(ValueError, match="cannot be exported.*GuidedAnisotropicDiffusion"):
        export(cfg, tmp_path / "gad.pt2", example_inputs=(torch.rand(1, 1, 8, 8),
               torch.rand(1, 1, 2, 2), torch.rand(1, 3, 8, 8)), dynamic=False)
    assert not (tmp_path / "gad.pt2").exists()
