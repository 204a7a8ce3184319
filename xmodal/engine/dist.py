"""Process-group start-up for CPU machines, where mmengine's launcher cannot run.

mmengine 0.10.7's ``init_dist('pytorch', ...)`` calls ``torch.cuda.set_device``
before ``init_process_group``, which fails on a machine without a GPU. With
the ``pytorch`` launcher (``torchrun``, ``torch.distributed.launch``, what
``mim train --launcher pytorch`` runs) every rank already has ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` in its environment, so
:func:`init_cpu_process_group` only calls ``init_process_group`` with gloo.
"""

from __future__ import annotations

import datetime

import torch
import torch.distributed as torch_dist

__all__ = ["resolve_backend", "init_cpu_process_group"]


def resolve_backend(backend: str | None) -> str:
    """The ``torch.distributed`` backend for ``env_cfg.dist_cfg.backend``.

    Args:
        backend: ``'auto'`` or None (NCCL when CUDA is available, gloo otherwise),
            or an explicit backend name, returned as it is.

    Returns:
        The backend name.
    """
    if backend in (None, "auto"):
        return "nccl" if torch.cuda.is_available() else "gloo"
    return backend


def init_cpu_process_group(launcher: str, backend: str = "gloo", timeout: float | None = None,
                           **kwargs) -> None:
    """Start the default process group of a CPU job launched by ``torchrun``.

    Args:
        launcher: mmengine launcher name; only ``'pytorch'`` is supported on CPU.
        backend: ``'gloo'`` (NCCL needs GPUs).
        timeout: collective timeout in seconds (mmengine's ``dist_cfg.timeout``).
        **kwargs: further ``torch.distributed.init_process_group`` arguments.

    Raises:
        ValueError: another launcher (``slurm``, ``mpi``: run ``torchrun`` inside
            the allocation instead), or the NCCL backend without CUDA.
    """
    if launcher != "pytorch":
        raise ValueError(f"launcher {launcher!r} needs CUDA in mmengine; on CPU start the "
                         "ranks with torchrun and --launcher pytorch")
    if backend == "nccl":
        raise ValueError("env_cfg.dist_cfg.backend='nccl' needs CUDA; use 'gloo' or 'auto' on CPU")
    if timeout is not None:
        kwargs["timeout"] = datetime.timedelta(seconds=timeout)
    torch_dist.init_process_group(backend=backend, **kwargs)
