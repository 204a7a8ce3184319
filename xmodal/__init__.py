"""xmodal: plug-in cross-modal alignment and fusion layers for PyTorch.

Sub-packages: :mod:`xmodal.align` (LDA, DGA, DDA), :mod:`xmodal.fuse`
(GatedConv, PixelAttentionFusion, MFA), :mod:`xmodal.ops` (modulated
deformable convolution dispatch), :mod:`xmodal.models` (D2A2 and the mmengine
training wrappers), :mod:`xmodal.datasets`, :mod:`xmodal.evaluation`.

Importing xmodal allow-lists the few mmengine/numpy classes that mmengine's
training checkpoints hold, so ``--resume`` and ``load_from`` work on torch >= 2.6
with ``weights_only=True`` kept (see :mod:`xmodal.engine.checkpoint_compat`).
"""

from .engine import allow_mmengine_checkpoint_globals

__version__ = "0.1.0"

allow_mmengine_checkpoint_globals()
