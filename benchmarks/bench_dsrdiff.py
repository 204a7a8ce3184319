"""DSR-Diff: parameters and inference latency for 1, 4 and 10 sampling steps.

Networks at the recipes' defaults (``recipes/dsrdiff/_base_``): GGN (stage 1
only), DSRN (``fusion='ffm'`` and ``'dda+mfa'``), GRN (few-step DDPM on a
256-value guidance) and the inference generator GRN + DSRN. Latency: batch 1,
random inputs in [0, 1], output size ``--size`` (H x W; LR = size / scale),
median of ``--repeat`` forwards after ``--warmup`` under ``torch.inference_mode``,
untrained weights (latency does not depend on them). The GRN share is timed
alone beside the full generator, so the cost of each sampling step shows.

RMSE is not measured by this script (it needs trained weights); it comes from
``mim train`` + ``mim test`` runs with the same short CPU budget for D2A2 and
DSR-Diff (real RGB-D-D x4 training, 64x64 crops, batch 4, Adam 3e-4, 300
iterations per model; DSR-Diff 200 in stage 1 + 100 in stage 2). Recorded
Middlebury x4 RMSE (30 images, 8-bit units, D2A2/DCTNet protocol, no clamp);
commands and wall times in docs/benchmarks.md::

    PIL bicubic                                   2.2810
    D2A2 (2,533,711 parameters)                   1.6733
    DSR-Diff stage 1, oracle (GGN sees HR depth)  2.0658
    DSR-Diff stage 2, GRN + DSRN (3,438,789)      2.0658

This is a 300-iteration CPU budget, far from the papers' schedules.

Recorded latency (``OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 python
benchmarks/bench_dsrdiff.py --size 480x640 --steps 1 4 10 --repeat 3
--warmup 1``; one thread, 2 shared AMD EPYC cores, torch 2.14.1), ms::

    fusion   steps  GRN    GRN+DSRN
    ffm      1      250.2  14576.6
    ffm      4      225.3  14053.3
    ffm      10     203.3  13887.8
    dda+mfa  1      307.3  23127.0
    dda+mfa  4      201.1  22942.6
    dda+mfa  10     228.4  24343.8

Default CPU run: ``python benchmarks/bench_dsrdiff.py`` (output 240x320, a
quarter of the 640x480 frame; ``--size 480x640`` for the full frame).
CUDA: ``python benchmarks/bench_dsrdiff.py --device cuda --size 480x640``.
"""

from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import format_table, parse_size, print_banner, time_median  # noqa: E402

from xmodal.models.dsrdiff import DSRN, GGN, GRN, DSRDiff  # noqa: E402


def _params(m: torch.nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=parse_size, default=(240, 320),
                   help="output H x W (240x320)")
    p.add_argument("--scale", type=int, default=4, choices=[4, 8, 16])
    p.add_argument("--steps", type=int, nargs="+", default=[1, 4, 10])
    p.add_argument("--fusions", nargs="+", default=["ffm", "dda+mfa"])
    p.add_argument("--device", default="cpu")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    device = torch.device(args.device)
    print_banner(device=device)
    h, w = args.size
    if h % (4 * args.scale) or w % (4 * args.scale):
        raise SystemExit(f"error: --size must be divisible by 4 * scale = {4 * args.scale}")
    torch.manual_seed(0)
    lr = torch.rand(1, 1, h // args.scale, w // args.scale, device=device)
    guide = torch.rand(1, 3, h, w, device=device)

    print("\n## Parameters (recipe defaults, guidance_dim 256)")
    rows = [["GGN (stage 1 only)", f"{_params(GGN(args.scale)):,}"]]
    for fusion in args.fusions:
        rows.append([f"DSRN fusion={fusion}", f"{_params(DSRN(args.scale, fusion=fusion)):,}"])
    rows.append(["GRN (steps do not change it)", f"{_params(GRN(args.scale)):,}"])
    for fusion in args.fusions:
        net = DSRDiff(DSRN(args.scale, fusion=fusion), GRN(args.scale))
        rows.append([f"GRN + DSRN ({fusion}), inference", f"{_params(net):,}"])
    print(format_table(["network", "parameters"], rows))

    print(f"\n## Inference latency, output {h}x{w}, x{args.scale}, batch 1, {device} "
          f"(median of {args.repeat}, ms)")
    rows = []
    for fusion in args.fusions:
        for steps in args.steps:
            torch.manual_seed(0)
            net = DSRDiff(DSRN(args.scale, fusion=fusion), GRN(args.scale, num_steps=steps))
            net = net.to(device).eval()
            with torch.inference_mode():
                t_grn, _ = time_median(lambda n=net: n.grn(lr, guide), repeat=args.repeat,
                                    warmup=args.warmup, device=device)
                t_all, _ = time_median(lambda n=net: n(lr, guide), repeat=args.repeat,
                                    warmup=args.warmup, device=device)
            rows.append([fusion, steps, f"{1e3 * t_grn:.1f}", f"{1e3 * t_all:.1f}"])
            print(format_table(["fusion", "steps", "GRN ms", "GRN+DSRN ms"], rows[-1:]),
                  flush=True)
    print()
    print(format_table(["fusion", "steps", "GRN ms", "GRN+DSRN ms"], rows))


if __name__ == "__main__":
    main(sys.argv[1:])
