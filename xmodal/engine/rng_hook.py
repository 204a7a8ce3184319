"""Save the random number generators' states in training checkpoints and restore them on resume."""

from __future__ import annotations

import random

import numpy as np
import torch
from mmengine.hooks import Hook

from xmodal.registry import HOOKS

__all__ = ["RNGStateHook", "get_rng_state", "set_rng_state"]


def get_rng_state() -> dict:
    """The states of Python's, NumPy's and torch's global CPU generators, as plain data.

    Returns:
        ``{'python': tuple, 'numpy': dict, 'torch': uint8 Tensor}``: tensors and
        Python scalars only, so a checkpoint holding it loads with
        ``torch.load(weights_only=True)``.
    """
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    return {"python": random.getstate(),
            "numpy": {"name": name, "keys": torch.from_numpy(keys.astype(np.int64)),
                      "pos": int(pos), "has_gauss": int(has_gauss), "gauss": float(gauss)},
            "torch": torch.get_rng_state()}


def set_rng_state(state: dict) -> None:
    """Restore what :func:`get_rng_state` returned.

    Args:
        state: the dict of :func:`get_rng_state` (tuples may come back as lists).

    Raises:
        KeyError: a generator's entry is missing.
    """
    py = state["python"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    n = state["numpy"]
    np.random.set_state((n["name"], n["keys"].numpy().astype(np.uint32), n["pos"],
                         n["has_gauss"], n["gauss"]))
    torch.set_rng_state(state["torch"])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Write the generators' states into every checkpoint (``'rng_state'``), restore them on resume.

    mmengine's resume restores the seed, not the generators' states, so a
    resumed run would draw the crops of iteration 0 again; with this hook the
    random crops, flips and degradations continue where the checkpoint left them
    (data loading in the main process, ``num_workers=0``; worker processes have
    generators of their own). A ``load_from`` (fine-tuning) keeps the run's own seed.
    """

    priority = "VERY_LOW"

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Add ``checkpoint['rng_state']``."""
        checkpoint["rng_state"] = get_rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Restore the states when resuming a checkpoint that has them."""
        if getattr(runner, "_resume", False) and "rng_state" in checkpoint:
            set_rng_state(checkpoint["rng_state"])
