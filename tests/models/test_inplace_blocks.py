"""convert_inplace: the in-place inference forwards equal the plain blocks; backward still works."""

from __future__ import annotations

import pytest
import torch

from xmodal.align import DGA, LDA
from xmodal.fuse import MFA, GatedConv, PixelAttentionFusion
from xmodal.models import D2A2, convert_inplace


def _two_inputs(c):
    gen = torch.Generator().manual_seed(0)
    return torch.randn(2, c, 9, 10, generator=gen), torch.randn(2, c, 9, 10, generator=gen)


BLOCKS = {
    "GatedConv": (lambda: GatedConv(8).eval(), 1),
    "PixelAttentionFusion": (lambda: PixelAttentionFusion(8), 2),
    "MFA": (lambda: MFA(8).eval(), 2),
    "LDA": (lambda: LDA(8), 2),
    "DGA": (lambda: DGA(8, deform_groups=2, backend="native"), 2),
}


@pytest.mark.parametrize("name", sorted(BLOCKS))
@pytest.mark.parametrize("channels_last", [False, True])
def test_converted_block_equals_plain_block(name, channels_last):
    make, n_inputs = BLOCKS[name]
    torch.manual_seed(0)
    block = make()
    if name == "DGA":  # non-zero offsets and masks, as after training
        torch.nn.init.normal_(block.offset_mask.weight, std=0.1)
    inputs = _two_inputs(8)[:n_inputs]
    if channels_last:
        block = block.to(memory_format=torch.channels_last)
        inputs = tuple(t.contiguous(memory_format=torch.channels_last) for t in inputs)
    with torch.inference_mode():
        plain = block(*inputs)
    keys = list(block.state_dict())
    fast_block = convert_inplace(block)
    assert fast_block is block and list(block.state_dict()) == keys
    assert any(type(m).__name__.startswith("_Inplace") for m in block.modules())
    with torch.inference_mode():
        fast = block(*inputs)
    torch.testing.assert_close(fast, plain, rtol=1e-6, atol=1e-6)
    leaves = tuple(t.clone().requires_grad_() for t in inputs)
    ref = block(*leaves)  # autograd on: the converted block runs the plain forward
    torch.testing.assert_close(fast, ref.detach(), rtol=1e-6, atol=1e-6)
    ref.square().sum().backward()
    assert all(torch.isfinite(t.grad).all() and t.grad.abs().sum() > 0 for t in leaves)


def test_converted_d2a2_equals_plain_and_trains():
    torch.manual_seed(0)
    net = D2A2(scale=4, channels=8, num_resblocks=1,
               align=dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2))).eval()
    lr, guide = torch.rand(1, 1, 4, 5), torch.rand(1, 3, 16, 20)
    with torch.no_grad():
        plain = net(lr, guide)
    convert_inplace(net)
    assert sum(type(m).__name__.startswith("_Inplace") for m in net.modules()) == 12
    with torch.no_grad():
        fast = net(lr, guide)
    torch.testing.assert_close(fast, plain, rtol=1e-6, atol=1e-6)
    ref = net(lr, guide)
    torch.testing.assert_close(fast, ref.detach(), rtol=1e-6, atol=1e-6)
    ref.mean().backward()
    assert all(p.grad is not None for p in net.parameters() if p.requires_grad)


def test_subclasses_are_left_alone_and_non_modules_refused():
    class MyGate(GatedConv):
        pass

    block = MyGate(4)
    assert type(convert_inplace(block)) is MyGate
    with pytest.raises(TypeError, match="module must be an nn.Module"):
        convert_inplace("net")
