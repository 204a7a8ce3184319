"""A hook that SIGKILLs every rank right after a given iteration's checkpoint (resume tests)."""

import os
import signal

import torch.distributed as dist
from mmengine.hooks import Hook

from xmodal.registry import HOOKS


@HOOKS.register_module(force=True)
class KillAfterIterHook(Hook):
    """Kill the process after iteration ``iteration`` (1-based) once rank 0 saved its checkpoint."""

    priority = "LOWEST"  # after CheckpointHook (VERY_LOW) has written the file

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == self.iteration:
            if dist.is_initialized():
                dist.barrier()  # rank 0 has finished writing
            os.kill(os.getpid(), signal.SIGKILL)
