"""Evaluate a recipe with mmengine's Runner: ``python -m xmodal.tools.test CONFIG [CKPT]``.

Also what ``mim test xmodal CONFIG --checkpoint CKPT`` runs. A checkpoint is
needed for trained networks; parameter-free baselines (``bicubic_*`` recipes)
run without one (``--checkpoint none`` under ``mim test``, which insists on one).
With ``torchrun --nproc-per-node N -m xmodal.tools.test ... --launcher pytorch``
the test set is split over the processes and the metrics gathered (same numbers).
A missing, corrupt or unsafe checkpoint ends with one ``error:`` line naming it.
"""

from __future__ import annotations

import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

from xmodal.engine import CheckpointError, build_runner
from xmodal.tools._config import load_config

__all__ = ["parse_args", "main"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line of the test tool (mmengine/OpenMMLab conventions)."""
    parser = argparse.ArgumentParser(description="Test an xmodal recipe with mmengine")
    parser.add_argument("config", help="recipe (mmengine config file)")
    parser.add_argument("checkpoint", nargs="?", default=None, help="checkpoint file")
    parser.add_argument("--checkpoint", dest="checkpoint_opt", default=None,
                        help="checkpoint file (alternative spelling used by mim)")
    parser.add_argument("--work-dir", help="folder for the logs")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction,
                        help="override config keys, e.g. test_dataloader.dataset.scale=8")
    parser.add_argument("--launcher", choices=["none", "pytorch", "slurm", "mpi"],
                        default="none")
    parser.add_argument("--local_rank", "--local-rank", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Entry point: build the Runner, load the checkpoint, run the test loop.

    Returns the metrics dict.

    Raises:
        SystemExit: missing config or checkpoint, unreadable checkpoint or data
            (one ``error:`` line).
    """
    args = parse_args(argv)
    cfg = load_config(args)
    checkpoint = args.checkpoint or args.checkpoint_opt
    if checkpoint is not None and checkpoint.lower() == "none":
        checkpoint = None  # parameter-free baselines under `mim test` (which needs a value)
    if checkpoint is not None and not osp.isfile(checkpoint):
        raise SystemExit(f"error: checkpoint not found: {checkpoint}")
    cfg.load_from = checkpoint
    cfg.resume = False
    try:
        return build_runner(cfg).test()
    except (FileNotFoundError, NotADirectoryError, CheckpointError) as err:
        raise SystemExit(f"error: {err}") from None


if __name__ == "__main__":
    main(sys.argv[1:])
