"""Train a recipe with mmengine's Runner: ``python -m xmodal.tools.train CONFIG``.

Also what ``mim train xmodal CONFIG`` runs (through ``xmodal/.mim/tools/train.py``).
Examples::

    python -m xmodal.tools.train recipes/d2a2_rgbdd_x4.py \\
        --cfg-options train_cfg.max_iters=20
    python -m xmodal.tools.train recipes/d2a2_rgbdd_x4.py --resume        # latest checkpoint
    python -m xmodal.tools.train recipes/d2a2_rgbdd_x4.py --resume auto   # latest, if any
    torchrun --nproc-per-node 2 -m xmodal.tools.train recipes/d2a2_rgbdd_x4.py \\
        --launcher pytorch                                                  # 2 processes (DDP)

Bad input (missing config, checkpoint or data folder; a corrupt, truncated or
unsafe checkpoint; ``--resume`` with no checkpoint to resume) ends with one
``error:`` line naming the file and exit status 1.
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

import torch
from mmengine.config import Config, DictAction
from mmengine.runner import find_latest_checkpoint

from xmodal.engine import CheckpointError, build_runner
from xmodal.tools._config import load_config

__all__ = ["parse_args", "main"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line of the train tool (mmengine/OpenMMLab conventions)."""
    parser = argparse.ArgumentParser(description="Train an xmodal recipe with mmengine")
    parser.add_argument("config", help="recipe (mmengine config file)")
    parser.add_argument("--work-dir", help="folder for logs and checkpoints "
                        "(default: ./work_dirs/<config name>)")
    parser.add_argument("--resume", nargs="?", const="latest", default=None, metavar="CKPT|auto",
                        help="without a value: resume from the latest checkpoint of the work "
                        "dir (error if there is none); CKPT: resume from that file; 'auto': "
                        "resume from the latest checkpoint if there is one, else start fresh")
    parser.add_argument("--amp", action="store_true",
                        help="mixed precision: fp16 with dynamic loss scaling "
                        "(AmpOptimWrapper) on CUDA, bfloat16 autocast (AutocastOptimWrapper) "
                        "on CPU")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction,
                        help="override config keys, e.g. train_cfg.max_iters=20")
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm", "mpi"],
                        default="none", help="job launcher")
    parser.add_argument("--local_rank", "--local-rank", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("LOCAL_RANK", str(args.local_rank))
    return args


def _resume_from(resume: str, work_dir: str) -> str:
    """The checkpoint that ``--resume [CKPT]`` names (checked to exist)."""
    if resume == "latest":
        last = find_latest_checkpoint(work_dir)
        if last is None:
            raise SystemExit(f"error: --resume: no checkpoint to resume in {work_dir} (no "
                             "last_checkpoint file); name one (--resume CKPT), or use "
                             "--resume auto to start fresh when there is none")
        resume = last
    if not osp.isfile(resume):
        raise SystemExit(f"error: --resume: checkpoint not found: {resume}")
    return resume


def build_config(args: argparse.Namespace) -> Config:
    """Load the config and apply the command-line overrides.

    Raises:
        SystemExit: ``--resume`` names no existing checkpoint (one ``error:`` line).
    """
    cfg = load_config(args)
    if args.resume is not None:
        cfg.resume = True
        cfg.load_from = None if args.resume == "auto" else _resume_from(args.resume, cfg.work_dir)
    if args.amp and torch.cuda.is_available():
        cfg.optim_wrapper.type = "AmpOptimWrapper"
        cfg.optim_wrapper.setdefault("loss_scale", "dynamic")
    elif args.amp:
        cfg.optim_wrapper.type = "AutocastOptimWrapper"
        cfg.optim_wrapper.setdefault("dtype", "bfloat16")
    return cfg


def main(argv: list[str] | None = None) -> None:
    """Entry point: build the Runner from the config and train.

    Raises:
        SystemExit: bad input (see the module doc), as one ``error:`` line.
    """
    cfg = build_config(parse_args(argv))
    try:
        build_runner(cfg).train()
    except (FileNotFoundError, NotADirectoryError, CheckpointError) as err:
        raise SystemExit(f"error: {err}") from None


if __name__ == "__main__":
    main(sys.argv[1:])
