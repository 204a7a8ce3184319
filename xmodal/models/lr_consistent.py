"""Make any GDSR generator LR-consistent by appending DADA's adjustment step.

Wraps a generator with the xmodal signature ``forward(lr, guide) -> hr`` and
applies :func:`xmodal.refine.adjust.lr_consistency_adjust` (DADA, Metzger et al.,
CVPR 2023, Eq. 3) to its output, so that ``avg_pool2d(out, scale) == lr`` holds
exactly: the guarantee that D2A2 and most GDSR networks lack.

Modelling note: the adjustment enforces an **average-pooling** degradation model.
Under the D2A2/DCTNet preset the LR is made by PIL bicubic down-sampling, not by
average pooling, so there the constraint is a modelling choice (a prior that the
LR pixel is the mean of its cell), not an identity of the data; under the DADA
preset it is exact.
"""

from __future__ import annotations

from torch import Tensor, nn

from xmodal.refine.adjust import lr_consistency_adjust
from xmodal.registry import MODELS

__all__ = ["LRConsistentGenerator"]


@MODELS.register_module()
class LRConsistentGenerator(nn.Module):
    """``generator`` followed by the LR-consistency adjustment.

    Args:
        generator: config dict (built from ``MODELS``) or module with
            ``forward(lr (B, 1, h, w), guide (B, 3, H, W)) -> (B, 1, H, W)``.
        depth_offset: added to prediction and LR before the adjustment and removed
            after it, so that min-max normalised depth (minimum 0) is rescaled
            multiplicatively rather than through the additive fallback (default 1.0,
            as :class:`xmodal.models.DADA`); 0 for strictly positive depth (DADA preset).
        zero_invalid: LR zeros (before the offset) are invalid pixels whose cells are
            left unchanged (True for the DADA preset's holes; False for min-max
            normalised depth, whose minimum is a valid 0).
        eps: see :func:`lr_consistency_adjust`.

    Shape:
        - lr: (B, 1, h, w); guide: (B, 3, H, W) with H = s h, W = s w
        - output: (B, 1, H, W), ``avg_pool2d(out, s) == lr`` on valid LR pixels

    Raises:
        ValueError: if the generator's output is not ``s`` times the LR size.

    Example:
        >>> net = LRConsistentGenerator(dict(type='Bicubic', scale=4, backend='torch'))
        >>> lr = torch.rand(1, 1, 8, 8)
        >>> out = net(lr, torch.rand(1, 3, 32, 32))
        >>> torch.allclose(torch.nn.functional.avg_pool2d(out, 4), lr, atol=1e-5)
        True
    """

    def __init__(
        self,
        generator: dict | nn.Module,
        depth_offset: float = 1.0,
        zero_invalid: bool = False,
        eps: float = 1e-6,
    ) -> None:
        super().__init__()
        self.generator = MODELS.build(generator) if isinstance(generator, dict) else generator
        self.depth_offset = float(depth_offset)
        self.zero_invalid = bool(zero_invalid)
        self.eps = eps

    def forward(self, lr: Tensor, guide: Tensor) -> Tensor:
        """Run the generator, then rescale its output to pool exactly to ``lr``."""
        hr = self.generator(lr, guide)
        valid = (lr != 0) if self.zero_invalid else None
        off = self.depth_offset
        out = lr_consistency_adjust(hr + off, lr + off, valid=valid, eps=self.eps,
                                    zero_invalid=False)
        return out - off

    def extra_repr(self) -> str:
        return f"depth_offset={self.depth_offset}, zero_invalid={self.zero_invalid}"
