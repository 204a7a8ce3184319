"""Training-side glue between xmodal and mmengine.

- :func:`load_checkpoint`: the one way xmodal reads checkpoints
  (``weights_only=True``, allow-list applied during the call only).
- :class:`XmodalRunner`: the Runner of every recipe (safe resume / load_from,
  portable checkpoints, gloo on CPU, global batch logged).
- :class:`AutocastOptimWrapper`: bfloat16 mixed precision on CPU.
- :class:`WarmupEMA` (for ``EMAHook``), :class:`RNGStateHook` (generator states in
  checkpoints) and :class:`ValWithTestSetsLoop` (validation plus logged test sets).

Importing this package registers those classes in xmodal's registries and
changes nothing in torch or mmengine.
"""

from .checkpoint import (
    CheckpointError,
    checkpoint_safe_globals,
    from_portable,
    load_checkpoint,
    to_portable,
)
from .dist import init_cpu_process_group, resolve_backend
from .ema import WarmupEMA
from .hooks import PortableCheckpointHook
from .loops import ValWithTestSetsLoop
from .optim import AutocastOptimWrapper
from .rng_hook import RNGStateHook, get_rng_state, set_rng_state
from .runner import XmodalRunner, build_runner, global_batch_size

__all__ = [
    "CheckpointError", "checkpoint_safe_globals", "load_checkpoint", "to_portable",
    "from_portable", "init_cpu_process_group", "resolve_backend", "PortableCheckpointHook",
    "AutocastOptimWrapper", "XmodalRunner", "build_runner", "global_batch_size",
    "WarmupEMA", "ValWithTestSetsLoop", "RNGStateHook", "get_rng_state", "set_rng_state",
]
