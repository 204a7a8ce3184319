"""Config loading shared by the train and test tools (OpenMMLab command-line conventions)."""

from __future__ import annotations

import argparse
import os.path as osp

from mmengine.config import Config


def load_config(args: argparse.Namespace) -> Config:
    """Load ``args.config`` and apply ``--launcher``, ``--cfg-options`` and ``--work-dir``.

    The work dir defaults to ``./work_dirs/<config name>`` as in OpenMMLab.

    Raises:
        SystemExit: the config file does not exist (one clear line, no traceback).
    """
    if not osp.isfile(args.config):
        raise SystemExit(f"error: config file not found: {args.config}")
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get("work_dir") is None:
        cfg.work_dir = osp.join("./work_dirs", osp.splitext(osp.basename(args.config))[0])
    return cfg
