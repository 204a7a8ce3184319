"""Cross-modal fusion blocks: GatedConv, PixelAttentionFusion, MFA (GC + PA).

>>> from xmodal.fuse import GatedConv, PixelAttentionFusion, MFA
"""

from .gated_conv import GatedConv, GatedConv2d
from .mfa import MFA, MaskToPixelAggregation
from .pixel_attention import (
    ChannelAttentionFusion,
    ConcatFusion,
    PixelAttention,
    PixelAttentionFusion,
    SpatialAttentionFusion,
)

__all__ = [
    "GatedConv", "GatedConv2d", "PixelAttentionFusion", "PixelAttention",
    "ChannelAttentionFusion", "SpatialAttentionFusion", "ConcatFusion",
    "MaskToPixelAggregation", "MFA",
]
