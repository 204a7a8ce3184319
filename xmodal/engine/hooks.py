"""The hook that keeps xmodal's training checkpoints loadable with ``weights_only=True``."""

from __future__ import annotations

from mmengine.hooks import Hook

from xmodal.registry import HOOKS

from .checkpoint import from_portable, to_portable

__all__ = ["PortableCheckpointHook"]


@HOOKS.register_module()
class PortableCheckpointHook(Hook):
    """Write the message hub as tensors (:func:`~xmodal.engine.to_portable`), read it back.

    :class:`~xmodal.engine.XmodalRunner` registers it itself (priority
    ``'LOWEST'``, so it sees what every other hook added to the checkpoint);
    configs need not list it. Model weights and optimiser state are untouched.
    """

    priority = "LOWEST"

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Replace the ``HistoryBuffer`` objects of ``checkpoint`` by tensors (in place)."""
        to_portable(checkpoint)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Rebuild the ``HistoryBuffer`` objects of a loaded ``checkpoint`` (in place)."""
        from_portable(checkpoint)
