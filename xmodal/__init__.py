"""xmodal: plug-in cross-modal alignment and fusion layers for PyTorch.

Sub-packages: :mod:`xmodal.align` (LDA, DGA, DDA), :mod:`xmodal.fuse`
(GatedConv, PixelAttentionFusion, MFA), :mod:`xmodal.ops` (modulated
deformable convolution dispatch), :mod:`xmodal.models` (D2A2 and the mmengine
training wrappers), :mod:`xmodal.datasets`, :mod:`xmodal.evaluation`.
"""

__version__ = "0.1.0"
