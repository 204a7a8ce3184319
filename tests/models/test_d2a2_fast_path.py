"""D2A2's fast inference paths keep the accuracy of the official fp32 NCHW eager run.

Issue criteria (deformable-conv backends issue): channels-last, bf16 autocast,
NNPACK's Winograd convolutions and ``torch.compile`` give >= 0.999 correlation
with fp32 and change the RMSE by < 1 %.
Measured on a real Middlebury frame (embedded sample) with the shipped x4 weights.
"""

from __future__ import annotations

import pytest
import torch

from xmodal.align.dga import DeformableGeometricAlign
from xmodal.datasets import MiddleburyDataset
from xmodal.datasets.paths import EMBEDDED_DATA
from xmodal.ops import NNPACKConv2d, nnpack_available
from xmodal.weights import build_generator


@pytest.fixture(scope="module")
def frame() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(lr, guide, gt): a 96x128 HR crop of the first embedded Middlebury frame, x4."""
    sample = MiddleburyDataset(data_root=EMBEDDED_DATA / "gdsr" / "middlebury", scale=4)[0]
    guide = sample["inputs"]["guide"][None, :, 100:196, 120:248]
    gt = sample["data_samples"].gt_depth[None, :, 100:196, 120:248]
    lr = torch.nn.functional.avg_pool2d(gt, 4)
    return lr, guide, gt


def _net(backend: str) -> torch.nn.Module:
    net, _ = build_generator("d2a2", 4)
    for m in net.modules():
        if isinstance(m, DeformableGeometricAlign):
            m.backend = backend
    return net.eval()


def _criteria(out: torch.Tensor, ref: torch.Tensor, gt: torch.Tensor) -> tuple[float, float]:
    """(Pearson correlation with ``ref``, relative RMSE change to ``gt`` in %)."""
    a, b = out.double().flatten(), ref.double().flatten()
    corr = torch.corrcoef(torch.stack((a, b)))[0, 1].item()
    rmse = (a - gt.double().flatten()).pow(2).mean().sqrt()
    rmse_ref = (b - gt.double().flatten()).pow(2).mean().sqrt()
    return corr, 100 * (rmse / rmse_ref - 1).item()


@pytest.mark.parametrize("backend", ["torchvision", "native"])
def test_channels_last_equals_nchw(frame, backend):
    lr, guide, _ = frame
    net = _net(backend)
    with torch.inference_mode():
        ref = net(lr, guide)
        net = net.to(memory_format=torch.channels_last)
        out = net(lr, guide.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)


def test_native_backend_equals_official(frame):
    lr, guide, _ = frame
    with torch.inference_mode():
        ref, out = _net("torchvision")(lr, guide), _net("native")(lr, guide)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("channels_last", [False, True])
def test_bf16_autocast_meets_the_accuracy_criteria(frame, channels_last):
    lr, guide, gt = (t[..., : t.shape[-2] // 2, : t.shape[-1] // 2] for t in frame)
    net = _net("native")  # half the crop: bf16 is emulated (slow) on CPUs without AVX512-BF16
    with torch.inference_mode():
        ref = net(lr, guide)
        if channels_last:
            net = net.to(memory_format=torch.channels_last)
            guide = guide.contiguous(memory_format=torch.channels_last)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = net(lr, guide)
    assert out.shape == ref.shape and torch.isfinite(out).all()
    corr, drmse = _criteria(out.float(), ref, gt)
    assert corr >= 0.999, f"bf16 correlation {corr:.6f} < 0.999"
    assert abs(drmse) < 1.0, f"bf16 changes the RMSE by {drmse:+.3f} %"


@pytest.mark.skipif(not nnpack_available(), reason="this torch build has no usable NNPACK")
def test_nnpack_convolutions_meet_the_accuracy_criteria(frame):
    lr, guide, gt = frame
    net = _net("native")
    with torch.inference_mode():
        ref = net(lr, guide)
        fast = NNPACKConv2d.convert(net)
        out = fast(lr, guide)
    n_nnpack = sum(isinstance(m, NNPACKConv2d) for m in fast.modules())
    assert n_nnpack == 41, f"{n_nnpack} convolutions converted"  # 3x3, >= 64 channels
    assert not torch.equal(out, ref)  # Winograd rounds differently: NNPACK really ran
    corr, drmse = _criteria(out, ref, gt)
    assert corr >= 0.999 and abs(drmse) < 1.0, (corr, drmse)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-4)


def test_traces_into_one_graph_under_torch_compile(frame):
    """Dynamo captures the whole forward (``fullgraph=True``: no graph break) and the
    compiled function gives the eager output. ``aot_eager`` checks the capture and
    the functionalised graph without the minutes of C++ codegen inductor takes on
    2 cores (inductor itself: ``benchmarks/bench_d2a2.py --variants compile``)."""
    lr, guide, _ = frame
    net = _net("native")
    torch._dynamo.reset()
    compiled = torch.compile(net, backend="aot_eager", fullgraph=True)
    with torch.inference_mode():
        ref = net(lr, guide)
        out = compiled(lr, guide)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
