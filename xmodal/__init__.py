"""xmodal: plug-in cross-modal alignment and fusion layers for PyTorch.

Sub-packages: :mod:`xmodal.align` (LDA, DGA, DDA), :mod:`xmodal.fuse`
(GatedConv, PixelAttentionFusion, MFA), :mod:`xmodal.ops` (modulated
deformable convolution dispatch), :mod:`xmodal.models` (D2A2 and the mmengine
training wrappers), :mod:`xmodal.datasets`, :mod:`xmodal.evaluation`,
:mod:`xmodal.engine` (the Runner of the recipes and the safe checkpoint loader).

Importing xmodal (or any sub-package) changes no global state of torch or
mmengine: checkpoints are read through :func:`xmodal.engine.load_checkpoint`,
whose allow-list applies only inside that call.
"""

__version__ = "0.1.0"
