import torch

from xmodal.fuse import MFA, GatedConv, MaskToPixelAggregation, PixelAttentionFusion
from xmodal.registry import MODELS


def test_default_mfa_matches_official_count():
    mfa = MFA(64)
    assert isinstance(mfa.gate, GatedConv) and isinstance(mfa.attention, PixelAttentionFusion)
    assert sum(p.numel() for p in mfa.parameters()) == 258496


def test_gc_off_and_attention_swap_by_config():
    mfa = MODELS.build(dict(type="MaskToPixelAggregation", channels=8, gate=None,
                            attention=dict(type="ConcatFusion")))
    assert isinstance(mfa.gate, torch.nn.Identity)
    t, g = torch.randn(2, 8, 4, 4), torch.randn(2, 8, 4, 4)
    assert mfa(t, g).shape == t.shape
    assert MFA is MaskToPixelAggregation
