"""Seconds per training iteration of the weights campaign, float32 against bfloat16 autocast.

Times :meth:`xmodal.tools.campaign.Campaign.step` (sample a batch, forward,
L1, backward, Adam, EMA) from the shipped x4 weights, for each setting, after
``--warmup`` untimed iterations, and prints the median over ``--iters``.

Usage (``XMODAL_DATA``: the folder that holds ``gdsr/rgbdd``)::

    python benchmarks/bench_campaign_step.py [--crop 64] [--batch 4] [--iters 20] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch
from _common import format_table, print_banner

from xmodal.datasets import RGBDDDataset
from xmodal.tools import campaign

WEIGHTS = Path(campaign.__file__).resolve().parent.parent / "weights" / "d2a2_rgbdd_x4.pth"


def seconds_per_step(extra: list[str], args: argparse.Namespace,
                     sampler: campaign.CropSampler) -> float:
    camp = campaign.Campaign(campaign.parse_args(
        ["--init", str(WEIGHTS), "--scales", "4", "--crop", str(args.crop),
         "--batch", str(args.batch), *extra]))
    camp.restore()
    times = []
    for i in range(args.warmup + args.iters):
        start = time.perf_counter()
        camp.step(sampler)
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--crop", type=int, default=64)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print_banner()
    sampler = campaign.CropSampler(RGBDDDataset(split="test", pipeline=[]), args.crop, "frame", 4)
    rows = [[name, f"{seconds_per_step(extra, args, sampler):.3f}"]
            for name, extra in (("float32", []), ("bfloat16 autocast", ["--bf16"]))]
    print(format_table(["setting", f"s / iteration (batch {args.batch}, crop {args.crop})"],
                       rows))


if __name__ == "__main__":
    main()
