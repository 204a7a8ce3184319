"""Non-learned stand-ins for LDA, for the D2A2 ablations (Sec. 4.3, Table 5).

Each has LDA's call signature ``forward(target, guide) -> guide + conv1x1(norm(guide))``
(or ``guide`` for :class:`IdentityAlign`), so a config swaps one for another:
``domain_align=dict(type='InstanceNormAlign')``.
"""

from __future__ import annotations

from torch import Tensor, nn

from ..registry import MODELS
from ..utils.checks import check_pair

__all__ = ["InstanceNormAlign", "BatchNormAlign", "IdentityAlign"]


class _NormAlign(nn.Module):
    def __init__(self, channels: int, norm: nn.Module) -> None:
        super().__init__()
        self.channels = channels
        self.norm = norm
        self.proj = nn.Conv2d(channels, channels, kernel_size=1)

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels, same_size=False)
        return guide + self.proj(self.norm(guide))


@MODELS.register_module()
class InstanceNormAlign(_NormAlign):
    """``guide + conv1x1(InstanceNorm(guide))``; the target is ignored.

    Args:
        channels: C.
        affine: learnable per-channel affine of the instance norm (False).

    Shape:
        target (B, C, H, W), guide (B, C, H', W') -> (B, C, H', W').
    """

    def __init__(self, channels: int = 64, affine: bool = False) -> None:
        super().__init__(channels, nn.InstanceNorm2d(channels, affine=affine))


@MODELS.register_module()
class BatchNormAlign(_NormAlign):
    """``guide + conv1x1(BatchNorm(guide))``; the target is ignored.

    Args:
        channels: C.

    Shape:
        target (B, C, H, W), guide (B, C, H', W') -> (B, C, H', W').
    """

    def __init__(self, channels: int = 64) -> None:
        super().__init__(channels, nn.BatchNorm2d(channels))


@MODELS.register_module()
class IdentityAlign(nn.Module):
    """No domain alignment: returns ``guide`` unchanged (the "w/o LDA" ablation).

    Args:
        channels: C (checked only).

    Shape:
        target (B, C, H, W), guide (B, C, H', W') -> guide.
    """

    def __init__(self, channels: int = 64) -> None:
        super().__init__()
        self.channels = channels

    def forward(self, target: Tensor, guide: Tensor) -> Tensor:
        check_pair(target, guide, self.channels, same_size=False)
        return guide
