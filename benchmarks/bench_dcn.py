"""Modulated deformable conv (DCNv2) backends head to head: forward and forward+backward.

Backends: torchvision's ``deform_conv2d``, xmodal's pure-PyTorch ``'native'``
(``grid_sample`` + matmul) and mmcv's ``modulated_deform_conv2d`` when its ops
import. Each case is the DGA layer of D2A2 by default: C -> C channels, 3x3,
padding 1, G = 8 deformable groups, batch 1, fp32, offsets ~ N(0, 1) px, masks
sigmoid(N(0, 1)). Times are medians of ``--repeat`` runs after ``--warmup``;
``speedup`` is torchvision's median over the backend's for the same case;
``max|diff|`` is the largest output difference from torchvision.

Default (CPU, a few minutes on 2 cores): C = 64 at 120x160, 240x320, 480x640,
fwd+bwd only up to 240x320 (``--bwd-max-pixels 307200`` adds 480x640: minutes more).
Bigger sweeps: ``--channels 32 64 128 --sizes 240x320 480x640 960x1280``;
``--channels-last`` feeds NHWC tensors (as a channels-last D2A2 does; the native
backend then returns NHWC); ``--threads`` and ``--malloc retain`` as in
``bench_d2a2.py``;
GPU: ``--device cuda``.
"""

from __future__ import annotations

import argparse
import os
import sys

import torch
from torchvision.ops import deform_conv2d

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import (  # noqa: E402
    format_table,
    parse_size,
    peak_memory,
    print_banner,
    retain_freed_memory,
    time_median,
)

from xmodal.ops import (  # noqa: E402
    mmcv_ops_available,
    modulated_deform_conv2d,
    resolve_backend,
)


def make_case(c: int, h: int, w: int, args: argparse.Namespace) -> dict:
    gen = torch.Generator().manual_seed(0)
    g, k = args.groups, args.kernel
    kk = k * k
    dtype = getattr(torch, args.dtype)
    t = dict(
        input=torch.randn(args.batch, c, h, w, generator=gen),
        offset=torch.randn(args.batch, 2 * g * kk, h, w, generator=gen) * args.offset_std,
        mask=torch.sigmoid(torch.randn(args.batch, g * kk, h, w, generator=gen)),
        weight=torch.randn(c, c, k, k, generator=gen) / (c * kk) ** 0.5,
        bias=torch.randn(c, generator=gen),
    )
    t = {n: v.to(args.device, dtype) for n, v in t.items()}
    if args.channels_last:  # the layout a channels-last network hands the DCN
        t = {n: v.contiguous(memory_format=torch.channels_last) if v.dim() == 4 else v
             for n, v in t.items()}
    return t


def run_backend(name: str, case: dict, args: argparse.Namespace, backward: bool) -> torch.Tensor:
    tensors = case
    if backward:
        tensors = {n: v.detach().requires_grad_() for n, v in case.items()}
    with torch.set_grad_enabled(backward):
        out = modulated_deform_conv2d(
            tensors["input"], tensors["offset"], tensors["mask"], tensors["weight"],
            tensors["bias"], stride=1, padding=args.kernel // 2, dilation=1,
            deform_groups=args.groups, backend=name,
        )
        if backward:
            out.sum().backward()
    return out.detach()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--device", default="cpu", help="cpu | cuda (default cpu)")
    p.add_argument("--backends", nargs="+", default=None,
                   help="subset of torchvision native mmcv (default: all available)")
    p.add_argument("--channels", nargs="+", type=int, default=[64])
    p.add_argument("--sizes", nargs="+", type=parse_size,
                   default=[(120, 160), (240, 320), (480, 640)], help="HxW list")
    p.add_argument("--groups", type=int, default=8, help="deformable groups G (8)")
    p.add_argument("--kernel", type=int, default=3)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64", "float16",
                                                          "bfloat16"])
    p.add_argument("--offset-std", type=float, default=1.0, help="offset std in pixels (1.0)")
    p.add_argument("--passes", nargs="+", default=["fwd", "fwd+bwd"],
                   choices=["fwd", "fwd+bwd"])
    p.add_argument("--bwd-max-pixels", type=int, default=None,
                   help="skip fwd+bwd above this H*W (default 240*320 on CPU, where "
                        "torchvision's backward at 480x640 takes over a minute; none on CUDA)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed runs per case (default 3 on CPU, 20 on CUDA)")
    p.add_argument("--warmup", type=int, default=None, help="(default 1 on CPU, 5 on CUDA)")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    p.add_argument("--channels-last", action="store_true",
                   help="input, offsets and masks channels-last (as in a channels-last D2A2)")
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    p.add_argument("--malloc", choices=["default", "retain"], default="default",
                   help="'retain': glibc keeps freed memory (see _common.retain_freed_memory)")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.malloc == "retain" and not retain_freed_memory():
        p.error("--malloc retain needs glibc")

    device = torch.device(args.device)
    cuda = device.type == "cuda"
    if cuda and not torch.cuda.is_available():
        p.error("--device cuda but torch.cuda.is_available() is False")
    args.repeat = args.repeat or (20 if cuda else 3)
    args.warmup = args.warmup if args.warmup is not None else (5 if cuda else 1)
    if args.bwd_max_pixels is None:
        args.bwd_max_pixels = 2**62 if cuda else 240 * 320
    backends = args.backends or ["torchvision", "native"] + (
        ["mmcv"] if mmcv_ops_available() else []
    )
    if "mmcv" in backends and not mmcv_ops_available():
        p.error("backend mmcv asked for but mmcv.ops.modulated_deform_conv2d does not import")

    print_banner(device=device)
    print(f"G={args.groups}, k={args.kernel}, batch={args.batch}, {args.dtype}, "
          f"{'channels-last' if args.channels_last else 'NCHW'}, "
          f"offset std {args.offset_std} px, median of {args.repeat} after {args.warmup} "
          f"warm-up; backend='auto' resolves to "
          f"{resolve_backend('auto', torch.empty(0, device=device))!r} on {device.type}",
          flush=True)

    headers = ["backend", "C", "HxW", "pass", "median ms", "speedup vs tv", "peak MiB",
               "max|diff| vs tv"]
    rows = []
    print(format_table(headers, []), flush=True)
    for c in args.channels:
        for h, w in args.sizes:
            case = make_case(c, h, w, args)
            ref = deform_conv2d(case["input"], case["offset"], case["weight"], case["bias"],
                                padding=args.kernel // 2, mask=case["mask"])
            for pass_name in args.passes:
                backward = pass_name == "fwd+bwd"
                if backward and h * w > args.bwd_max_pixels:
                    print(f"(fwd+bwd skipped at {h}x{w}: above --bwd-max-pixels "
                          f"{args.bwd_max_pixels})", flush=True)
                    continue
                tv_ms = None
                for name in backends:
                    def fn(name=name, backward=backward, case=case):
                        return run_backend(name, case, args, backward)

                    med, _ = time_median(fn, args.repeat, args.warmup, device)
                    ms = med * 1e3
                    if name == "torchvision":
                        tv_ms = ms
                    mem = None if args.no_memory else peak_memory(fn, device)
                    diff = (fn() - ref).abs().max().item()
                    rows.append([
                        name, c, f"{h}x{w}", pass_name, f"{ms:.1f}",
                        f"{tv_ms / ms:.2f}x" if tv_ms else "-",
                        "n/a" if mem is None else f"{mem / 2**20:.0f}", f"{diff:.1e}",
                    ])
                    print(format_table(headers, rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(format_table(headers, rows))


if __name__ == "__main__":
    main()
