"""D2A2 with the shipped weights, exported once with dynamic shapes, on real frames.

Issue criteria: the exported model runs at any HR size that is a multiple of the
scale (and any batch), and changes the protocol RMSE by < 0.1 % against eager
PyTorch. Frames: the Middlebury and RGB-D-D samples embedded in the package;
the weights are read fresh (they may be retrained), so no figure is hard-coded.
"""

from __future__ import annotations

import importlib.util

import pytest
import torch

from xmodal.datasets import MiddleburyDataset, RGBDDDataset
from xmodal.datasets.paths import EMBEDDED_DATA
from xmodal.deploy import export, load_pt2, parity
from xmodal.weights import build_generator

HAS_ORT = all(importlib.util.find_spec(m) is not None
              for m in ("onnx", "onnxscript", "onnxruntime"))
NEEDS_ORT = pytest.mark.skipif(not HAS_ORT,
                               reason="needs the export extra: pip install 'xmodal[export]'")
DATASETS = {"middlebury": MiddleburyDataset, "rgbdd": RGBDDDataset}


def _frame(name: str, scale: int, crop: tuple[int, int] | None = None):
    """(lr, guide, data sample) of the first embedded frame, optionally the top-left HR crop."""
    item = DATASETS[name](data_root=EMBEDDED_DATA / "gdsr" / name, scale=scale)[0]
    lr, guide, sample = item["inputs"]["lr"][None], item["inputs"]["guide"][None], \
        item["data_samples"]
    if crop is not None:
        h, w = crop
        lr, guide = lr[..., : h // scale, : w // scale], guide[..., :h, :w]
        sample = sample.clone()
        sample.gt_depth = sample.gt_depth[:, :h, :w]
    return lr, guide, sample


def _check_parity(net, run, frames, max_abs: float = 1e-4, max_change: float = 0.1) -> None:
    for lr, guide, sample in frames:  # one frame at a time: datasets differ in units
        with torch.inference_mode():
            eager, exported = net(lr, guide)[0], torch.as_tensor(run(lr, guide))[0].float()
        p = parity([eager], [exported], [sample])
        assert p["max_abs"] < max_abs and p["rmse_change_pct"] < max_change, p


def test_pt2_x4_any_size_and_batch(tmp_path):
    net, _ = build_generator("d2a2", 4)
    path = export(net, tmp_path / "d2a2_x4.pt2", size=(64, 64), dynamic=True)
    exported = load_pt2(path)
    frames = [_frame("middlebury", 4, (64, 96)), _frame("rgbdd", 4, (48, 68))]
    _check_parity(net, lambda lr, g: exported(lr, g), frames)
    lr, guide, _ = frames[0]
    with torch.inference_mode():  # batch 2 through the same graph
        out = exported(lr.expand(2, -1, -1, -1), guide.expand(2, -1, -1, -1))
        torch.testing.assert_close(out[1], net(lr, guide)[0], rtol=1e-4, atol=1e-4)


@pytest.mark.slow
@NEEDS_ORT
@pytest.mark.parametrize("scale", [4, 8, 16])
def test_onnx_parity_on_real_frames(tmp_path, scale):
    from xmodal.deploy import onnx_session, run_onnx

    net, _ = build_generator("d2a2", scale)
    path = export(net, tmp_path / f"d2a2_x{scale}.onnx", dynamic=True)
    sess = onnx_session(path)
    frames = [_frame("middlebury", scale), _frame("rgbdd", scale)]  # two full frame sizes
    _check_parity(net, lambda lr, g: run_onnx(sess, lr, g)[0], frames)


@pytest.mark.slow
@NEEDS_ORT
def test_onnx_fp16_x4(tmp_path):
    from xmodal.deploy import onnx_session, run_onnx

    net, _ = build_generator("d2a2", 4)
    sess = onnx_session(export(net, tmp_path / "d2a2_x4_fp16.onnx", dynamic=True, fp16=True))
    frames = [_frame("middlebury", 4), _frame("rgbdd", 4)]

    def run(lr, guide):
        out = run_onnx(sess, lr.half(), guide.half())[0]
        assert out.dtype.name == "float16"
        return out

    _check_parity(net, run, frames, max_abs=1e-2, max_change=0.5)
