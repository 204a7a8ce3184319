"""3x3 convolutions on CPU: oneDNN (NCHW, channels-last) against NNPACK's Winograd kernels.

The layers of D2A2 at its full resolution: (C_in, C_out) = (64, 64) (most
convolutions), (128, 64) (the convolutions of concatenated features), (64, 216)
(the DGA offset/mask head), (64, 32) (the tail), (3, 64) (the guide head); batch
1, fp32, padding 1, under ``torch.inference_mode``. ``oneDNN`` is what
``F.conv2d`` runs on CPU (NCHW or channels-last input); ``NNPACK`` is
:func:`xmodal.ops.nnpack_conv2d` (NCHW only). Medians of ``--repeat`` runs
after ``--warmup``; ``GFLOP/s`` counts the direct algorithm's
``2 * C_in * C_out * 9 * H * W`` operations (Winograd does fewer, so NNPACK can
exceed the CPU's peak); ``rel err`` is the largest difference from a float64
convolution divided by its largest magnitude.

Default (about a minute on 2 cores): ``python benchmarks/bench_conv.py``
(480x640); ``--sizes 240x320 480x640``, ``--threads``, ``--malloc retain`` as in
``bench_d2a2.py``.
"""

from __future__ import annotations

import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import (  # noqa: E402
    format_table,
    parse_size,
    print_banner,
    retain_freed_memory,
    time_median,
)

from xmodal.ops import nnpack_available, nnpack_conv2d  # noqa: E402

LAYERS = ((64, 64), (128, 64), (64, 216), (64, 32), (3, 64))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", nargs="+", type=parse_size, default=[(480, 640)])
    p.add_argument("--layers", nargs="+", default=None,
                   help="CinxCout pairs, e.g. 64x64 128x64 (default: D2A2's five)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--malloc", choices=["default", "retain"], default="default")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.malloc == "retain" and not retain_freed_memory():
        p.error("--malloc retain needs glibc")
    layers = [parse_size(s) for s in args.layers] if args.layers else list(LAYERS)
    print_banner()
    have_nnpack = nnpack_available()
    print(f"NNPACK usable: {have_nnpack}\n")
    headers = ["C_in->C_out", "H x W", "algorithm", "median ms", "GFLOP/s", "speed-up",
               "rel err"]
    rows = []
    for h, w in args.sizes:
        for c_in, c_out in layers:
            gen = torch.Generator().manual_seed(0)
            x = torch.randn(1, c_in, h, w, generator=gen)
            weight = torch.randn(c_out, c_in, 3, 3, generator=gen) / (9 * c_in) ** 0.5
            bias = torch.randn(c_out, generator=gen)
            ref = F.conv2d(x.double(), weight.double(), bias.double(), padding=1)
            x_cl = x.contiguous(memory_format=torch.channels_last)
            runs = [("oneDNN NCHW", F.conv2d, x), ("oneDNN channels-last", F.conv2d, x_cl)]
            if have_nnpack:
                runs.append(("NNPACK NCHW", nnpack_conv2d, x))
            gflop = 2 * c_in * c_out * 9 * h * w / 1e9
            base = None
            for name, conv, inp in runs:
                def fn(conv=conv, inp=inp, weight=weight, bias=bias):
                    return conv(inp, weight, bias, padding=1)

                with torch.inference_mode():
                    med, _ = time_median(fn, args.repeat, args.warmup, "cpu")
                    err = ((fn().double() - ref).abs().max() / ref.abs().max()).item()
                base = base or med
                rows.append([f"{c_in}->{c_out}", f"{h}x{w}", name, f"{med * 1e3:.1f}",
                             f"{gflop / med:.0f}", f"{base / med:.2f}x", f"{err:.1e}"])
                print(format_table(headers, rows[-1:]).splitlines()[-1], flush=True)
    print("\nspeed-up: against oneDNN NCHW of the same layer\n")
    print(format_table(headers, rows))


if __name__ == "__main__":
    main()
