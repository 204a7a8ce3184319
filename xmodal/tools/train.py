"""Train a recipe with mmengine's Runner: ``python -m xmodal.tools.train CONFIG``.

Also what ``mim train xmodal CONFIG`` runs (through ``xmodal/.mim/tools/train.py``).
Examples::

    python -m xmodal.tools.train recipes/d2a2_rgbdd_x4.py \\
        --cfg-options train_cfg.max_iters=20
    python -m xmodal.tools.train recipes/d2a2_rgbdd_x4.py --resume   # latest checkpoint
"""

from __future__ import annotations

import argparse
import os
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import xmodal  # noqa: F401  (registers the checkpoint allow-list)
from xmodal.tools._config import load_config

__all__ = ["parse_args", "main"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line of the train tool (mmengine/OpenMMLab conventions)."""
    parser = argparse.ArgumentParser(description="Train an xmodal recipe with mmengine")
    parser.add_argument("config", help="recipe (mmengine config file)")
    parser.add_argument("--work-dir", help="folder for logs and checkpoints "
                        "(default: ./work_dirs/<config name>)")
    parser.add_argument("--resume", nargs="?", const="auto", default=None,
                        help="resume from the latest checkpoint in the work dir, or from "
                        "the checkpoint path given")
    parser.add_argument("--amp", action="store_true", help="automatic mixed precision (CUDA)")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction,
                        help="override config keys, e.g. train_cfg.max_iters=20")
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm", "mpi"],
                        default="none", help="job launcher")
    parser.add_argument("--local_rank", "--local-rank", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("LOCAL_RANK", str(args.local_rank))
    return args


def build_config(args: argparse.Namespace) -> Config:
    """Load the config and apply the command-line overrides."""
    cfg = load_config(args)
    if args.resume == "auto":
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.amp:
        cfg.optim_wrapper.type = "AmpOptimWrapper"
        cfg.optim_wrapper.setdefault("loss_scale", "dynamic")
    return cfg


def main(argv: list[str] | None = None) -> None:
    """Entry point: build the Runner from the config and train."""
    args = parse_args(argv)
    runner = Runner.from_cfg(build_config(args))
    runner.train()


if __name__ == "__main__":
    main(sys.argv[1:])
