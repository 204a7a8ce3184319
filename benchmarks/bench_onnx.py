"""D2A2 exported to ONNX: parity with eager PyTorch on real frames, and CPU latency.

Parity (``--part parity``): for each scale, the shipped D2A2 weights
(``xmodal.weights.build_generator``, read fresh) are exported with
``xmodal.deploy.export(..., dynamic=True)`` (one graph for every frame size) and
run by onnxruntime's CPU provider on the first ``--frames`` frames of each
dataset (Middlebury, RGB-D-D; the full test sets where ``XMODAL_DATA`` points to
them, else the sample embedded in the package; evaluation protocol, bicubic LR).
Reported: the largest absolute difference to the eager output (normalised depth
units), the protocol RMSE of both (Middlebury 8-bit levels, RGB-D-D cm) and its
relative change.

Latency (``--part latency``): D2A2 x``--latency-scale`` at HR ``--size`` (640x480
by default), batch 1, random inputs, median of ``--repeat`` runs after
``--warmup``, all in the same process: eager PyTorch as shipped (native DCN,
fp32, NCHW), onnxruntime CPU for each ``--dcn`` route (``native``: GridSample +
MatMul graph; ``deformconv``: the ONNX DeformConv op) exported for any size (and,
with ``--static``, the native graph fixed at ``--size``; with ``--fp16``, the
float16 native graph), then xmodal's CPU fast path (``NNPACKConv2d.convert`` +
``retain_freed_memory``; measured last because the allocator setting lasts for
the process). torch and onnxruntime use ``--threads`` threads.

Example (the figures of docs/deploy.md)::

    XMODAL_DATA=/path/to/data python benchmarks/bench_onnx.py --part parity --scales 4 8 16 \
        --frames 3 --fp16
    python benchmarks/bench_onnx.py --part latency --repeat 3 --static --fp16
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import format_table, parse_size, print_banner, time_median  # noqa: E402

from xmodal.apis.cpu_runtime import retain_freed_memory  # noqa: E402
from xmodal.datasets import MiddleburyDataset, RGBDDDataset  # noqa: E402
from xmodal.deploy import export, onnx_session, parity, run_onnx  # noqa: E402
from xmodal.ops import NNPACKConv2d, nnpack_available  # noqa: E402
from xmodal.weights import build_generator  # noqa: E402

DATASETS = {"middlebury": MiddleburyDataset, "rgbdd": RGBDDDataset}


def parity_rows(args: argparse.Namespace, tmp: Path) -> list[list[object]]:
    rows = []
    for scale in args.scales:
        net, meta = build_generator("d2a2", scale)
        for fp16 in [False, True] if args.fp16 else [False]:
            path = export(net, tmp / f"d2a2_x{scale}.onnx", dynamic=True, fp16=fp16)
            sess = onnx_session(path, threads=args.threads)
            dtype = torch.float16 if fp16 else torch.float32
            for name in args.datasets:
                ds = DATASETS[name](scale=scale)
                eager, onnx_out, samples = [], [], []
                for i in range(min(args.frames, len(ds))):
                    item = ds[i]
                    lr, guide = item["inputs"]["lr"][None], item["inputs"]["guide"][None]
                    with torch.inference_mode():
                        eager.append(net(lr, guide)[0])
                    onnx_out.append(run_onnx(sess, lr.to(dtype), guide.to(dtype))[0][0])
                    samples.append(item["data_samples"])
                p = parity(eager, onnx_out, samples)
                rows.append([f"x{scale}", name, "fp16" if fp16 else "fp32", len(samples),
                             f"{p['max_abs']:.2e}", f"{p['rmse_eager']:.4f}",
                             f"{p['rmse_exported']:.4f}", f"{p['rmse_change_pct']:.4f}"])
                print(" | ".join(str(v) for v in rows[-1]), flush=True)
    return rows


def latency_rows(args: argparse.Namespace, tmp: Path) -> list[list[object]]:
    h, w = args.size
    s = args.latency_scale
    net, _ = build_generator("d2a2", s)
    gen = torch.Generator().manual_seed(0)
    lr, guide = torch.rand(1, 1, h // s, w // s, generator=gen), torch.rand(1, 3, h, w,
                                                                           generator=gen)
    rows = []

    def add(label: str, fn) -> None:
        med, times = time_median(fn, args.repeat, args.warmup)
        rows.append([label, f"{med:.2f}", " ".join(f"{t:.2f}" for t in times)])
        print(" | ".join(rows[-1]), flush=True)

    with torch.inference_mode():
        add("PyTorch eager (native DCN, fp32)", lambda: net(lr, guide))
    routes = ([(dcn, True, False) for dcn in args.dcn] + [("native", False, False)] * args.static
              + [("native", True, True)] * args.fp16)
    for dcn, dynamic, fp16 in routes:
        path = export(net, tmp / f"lat_{dcn}_{dynamic}_{fp16}.onnx", size=(h, w), dcn=dcn,
                      dynamic=dynamic, fp16=fp16)
        sess = onnx_session(path, threads=args.threads)
        label = f"onnxruntime CPU, dcn={dcn}, " + ("any size" if dynamic else f"fixed {w}x{h}")
        x = (lr.half(), guide.half()) if fp16 else (lr, guide)
        add(label + (", fp16" if fp16 else ""), lambda sess=sess, x=x: run_onnx(sess, *x))
    if nnpack_available():
        fast = NNPACKConv2d.convert(build_generator("d2a2", s)[0])
        retain_freed_memory()
        with torch.inference_mode():
            add("PyTorch fast path (NNPACK + retained memory)", lambda: fast(lr, guide))
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--part", choices=["parity", "latency", "all"], default="all")
    p.add_argument("--scales", type=int, nargs="+", default=[4, 8, 16])
    p.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    p.add_argument("--frames", type=int, default=3, help="frames per dataset (parity)")
    p.add_argument("--fp16", action="store_true", help="also the float16 export")
    p.add_argument("--size", type=parse_size, default=(480, 640), help="HR HxW (latency)")
    p.add_argument("--latency-scale", type=int, default=4)
    p.add_argument("--dcn", nargs="+", choices=["native", "deformconv"],
                   default=["native", "deformconv"], help="ONNX DCN routes timed")
    p.add_argument("--static", action="store_true",
                   help="also time a native graph fixed at --size (latency)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    print_banner()
    with tempfile.TemporaryDirectory() as tmp:
        if args.part in ("parity", "all"):
            rows = parity_rows(args, Path(tmp))
            print(format_table(["scale", "data", "dtype", "frames", "max |ort - eager|",
                                "RMSE eager", "RMSE onnxruntime", "RMSE change %"], rows))
        if args.part in ("latency", "all"):
            rows = latency_rows(args, Path(tmp))
            print(format_table(["runtime", "median s", "runs s"], rows))


if __name__ == "__main__":
    main()
