"""Config loading shared by the train and test tools (OpenMMLab command-line conventions)."""

from __future__ import annotations

import argparse
import os.path as osp

from mmengine.config import Config

from xmodal.utils.checks import check_non_negative_int, check_positive_int

#: loop and loader numbers a config (or ``--cfg-options``) must give as integers
_POSITIVE = ("train_cfg.max_iters", "train_cfg.max_epochs", "train_cfg.val_interval",
             "train_dataloader.batch_size", "val_dataloader.batch_size",
             "test_dataloader.batch_size")
_NON_NEGATIVE = ("train_dataloader.num_workers", "val_dataloader.num_workers",
                 "test_dataloader.num_workers")


def _check_numbers(cfg: Config) -> None:
    """The loop lengths, intervals, batch sizes and worker counts are integers in range."""
    for keys, check in ((_POSITIVE, check_positive_int), (_NON_NEGATIVE, check_non_negative_int)):
        for key in keys:
            section, name = key.split(".")
            value = (cfg.get(section) or {}).get(name)
            if value is not None:
                try:
                    check(value, key)
                except ValueError as err:
                    raise SystemExit(f"error: {err}") from None


def load_config(args: argparse.Namespace) -> Config:
    """Load ``args.config`` and apply ``--launcher``, ``--cfg-options`` and ``--work-dir``.

    The work dir defaults to ``./work_dirs/<config name>`` as in OpenMMLab.

    Raises:
        SystemExit: the config file does not exist, or a loop length, interval, batch
            size or worker count is not an integer in range (e.g.
            ``--cfg-options train_cfg.max_iters=abc``): one clear line, no traceback.
    """
    if not osp.isfile(args.config):
        raise SystemExit(f"error: config file not found: {args.config}")
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    _check_numbers(cfg)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get("work_dir") is None:
        cfg.work_dir = osp.join("./work_dirs", osp.splitext(osp.basename(args.config))[0])
    return cfg
