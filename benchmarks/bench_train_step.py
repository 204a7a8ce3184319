"""Seconds per training iteration of a D2A2 CPU recipe, float32 against bfloat16 autocast.

Builds the recipe's Runner (model from the shipped weights of its scale, training
data, optimiser) and times ``model.train_step`` (a batch from the recipe's
pipeline, forward, loss, backward, Adam) after ``--warmup`` untimed iterations;
prints the median over ``--iters`` per setting. Time a setting on the machine you
train on before you size a run (2 cores, say what else was running).

Usage (``XMODAL_DATA``: the folder that holds ``gdsr/rgbdd``)::

    python benchmarks/bench_train_step.py recipes/d2a2/d2a2_rgbdd_x8_cpu.py \\
        [--crop 128] [--batch 2] [--iters 10] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import torch
from _common import format_table, print_banner
from mmengine.config import Config

from xmodal.engine import build_runner


def seconds_per_step(cfg: Config, optim_wrapper: dict, args: argparse.Namespace) -> float:
    cfg = cfg.copy()
    cfg.optim_wrapper = dict(cfg.optim_wrapper, **optim_wrapper)
    # the timed step is model.train_step; hooks (EMA, RNG state) run outside it, and the
    # EMA hook cannot take a checkpoint before a run has started
    cfg.custom_hooks = []
    runner = build_runner(cfg)
    runner.load_checkpoint(cfg.load_from)
    wrapper = runner.build_optim_wrapper(cfg.optim_wrapper)
    loader = iter(runner.build_dataloader(cfg.train_dataloader))
    runner.model.train()
    times = []
    for i in range(args.warmup + args.iters):
        batch = next(loader)
        start = time.perf_counter()
        runner.model.train_step(batch, wrapper)
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("recipe")
    p.add_argument("--crop", type=int, default=None, help="HR crop side (default: the recipe's)")
    p.add_argument("--batch", type=int, default=None, help="default: the recipe's")
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print_banner()
    cfg = Config.fromfile(args.recipe)
    cfg.work_dir = tempfile.mkdtemp(prefix="bench_train_step_")
    if args.crop:
        cfg.train_dataloader.dataset.pipeline[0]["size"] = args.crop
    if args.batch:
        cfg.train_dataloader.batch_size = args.batch
    crop = cfg.train_dataloader.dataset.pipeline[0]["size"]
    settings = (("float32", dict(type="OptimWrapper")),
                ("bfloat16 autocast", dict(type="AutocastOptimWrapper")))
    rows = [[name, f"{seconds_per_step(cfg, wrapper, args):.3f}"] for name, wrapper in settings]
    print(format_table(
        ["setting", f"s / iteration (batch {cfg.train_dataloader.batch_size}, crop {crop})"], rows))


if __name__ == "__main__":
    main()
