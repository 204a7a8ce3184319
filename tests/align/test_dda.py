import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from xmodal.align import DDA, LDA, BatchNormAlign, IdentityAlign, InstanceNormAlign
from xmodal.registry import MODELS


def test_default_is_lda_then_dga_with_official_count():
    dda = DDA(64)
    assert isinstance(dda.domain_align, LDA)
    assert sum(p.numel() for p in dda.parameters()) == 293210


@pytest.mark.parametrize("name", ["InstanceNormAlign", "BatchNormAlign", "IdentityAlign", "LDA"])
def test_ablation_swaps_build_and_run(name):
    dda = MODELS.build(dict(type="DDA", channels=8, domain_align=dict(type=name),
                            geometric_align=dict(type="DGA", deform_groups=2)))
    out = dda(torch.randn(2, 8, 5, 5), torch.randn(2, 8, 5, 5))
    assert out.shape == (2, 8, 5, 5)


@given(h=st.integers(2, 6), w=st.integers(2, 6))
def test_norm_aligns_shapes(h, w):
    for cls in (InstanceNormAlign, BatchNormAlign, IdentityAlign):
        block = cls(4)
        g = torch.randn(2, 4, h, w)
        out = block(torch.randn(2, 4, 3, 3), g)
        assert out.shape == g.shape
    assert torch.equal(IdentityAlign(4)(torch.randn(1, 4, 2, 2), g[:1]), g[:1])
