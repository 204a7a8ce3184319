"""Runtime glue between xmodal and mmengine (checkpoint compatibility)."""

from .checkpoint_compat import MMENGINE_CHECKPOINT_GLOBALS, allow_mmengine_checkpoint_globals

__all__ = ["allow_mmengine_checkpoint_globals", "MMENGINE_CHECKPOINT_GLOBALS"]
