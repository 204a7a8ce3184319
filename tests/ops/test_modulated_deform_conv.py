"""The DCNv2 dispatch: backend choice, input checks, and mmcv <-> torchvision parity."""

from __future__ import annotations

import pytest
import torch
from torchvision.ops import deform_conv2d

from xmodal.ops import (
    available_backends,
    mmcv_ops_available,
    modulated_deform_conv2d,
    resolve_backend,
)

MMCV_REASON = (
    "mmcv ops not importable (mmcv-lite or mmcv built without ops); build mmcv from its "
    "sdist with MMCV_WITH_OPS=1 (see docs/get_started.md) to run the parity test"
)
needs_mmcv = pytest.mark.skipif(not mmcv_ops_available(), reason=MMCV_REASON)
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


def _inputs(device: str, dtype: torch.dtype = torch.float32, seed: int = 0):
    """DGA-like case (G = 4, 3x3, padding 1) with offsets up to ~3 px off the border."""
    gen = torch.Generator().manual_seed(seed)
    b, c, h, w, g = 2, 16, 9, 11, 4
    t = [
        torch.randn(b, c, h, w, generator=gen),
        torch.randn(b, 2 * g * 9, h, w, generator=gen) * 3,
        torch.sigmoid(torch.randn(b, g * 9, h, w, generator=gen)),
        torch.randn(8, c, 3, 3, generator=gen) / 12,
        torch.randn(8, generator=gen),
    ]
    return [v.to(device, dtype).requires_grad_() for v in t], g


def _run(backend: str, device: str, channels_last: bool = False) -> list[torch.Tensor]:
    (x, offset, mask, weight, bias), g = _inputs(device)
    args = (x, offset, mask)
    if channels_last:  # what a channels-last network hands the DCN
        args = tuple(t.contiguous(memory_format=torch.channels_last) for t in args)
    out = modulated_deform_conv2d(
        *args, weight, bias, stride=1, padding=1, dilation=1, deform_groups=g,
        backend=backend,
    )
    grad_out = torch.randn(out.shape, generator=torch.Generator().manual_seed(1)).to(device)
    grads = torch.autograd.grad(out, (x, offset, mask, weight, bias), grad_out)
    return [out.detach(), *grads]


def _assert_parity(backend: str, device: str, channels_last: bool = False) -> None:
    names = ["output", "grad input", "grad offset", "grad mask", "grad weight", "grad bias"]
    ref, got = _run("torchvision", device), _run(backend, device, channels_last)
    for name, r, n in zip(names, ref, got, strict=True):
        torch.testing.assert_close(
            n, r, rtol=1e-5, atol=1e-5, msg=lambda m, name=name: f"{backend} {name}: {m}"
        )


@pytest.mark.parametrize("channels_last", [False, True])
def test_native_matches_torchvision_through_dispatch(channels_last):
    _assert_parity("native", "cpu", channels_last)


@pytest.mark.parametrize("channels_last", [False, True])
def test_torchvision_channels_last_input(channels_last):
    _assert_parity("torchvision", "cpu", channels_last)


@needs_mmcv
@pytest.mark.parametrize("channels_last", [False, True])
def test_mmcv_matches_torchvision_cpu(channels_last):
    """mmcv's kernels read raw NCHW memory: channels-last inputs must be made contiguous
    by the dispatch (without it the outputs were wrong by O(1), measured)."""
    _assert_parity("mmcv", "cpu", channels_last)


@needs_mmcv
@needs_cuda
@pytest.mark.parametrize("channels_last", [False, True])
def test_mmcv_matches_torchvision_cuda(channels_last):
    _assert_parity("mmcv", "cuda", channels_last)


@needs_cuda
@pytest.mark.parametrize("channels_last", [False, True])
def test_native_matches_torchvision_cuda(channels_last):
    _assert_parity("native", "cuda", channels_last)


def test_auto_resolution():
    assert resolve_backend("auto", torch.empty(0)) == "native"
    for name in ("torchvision", "native"):
        assert resolve_backend(name, torch.empty(0)) == name
    assert set(available_backends()) >= {"torchvision", "native"}
    assert ("mmcv" in available_backends()) == mmcv_ops_available()


@needs_cuda
def test_auto_resolution_cuda():
    expected = "mmcv" if mmcv_ops_available() else "torchvision"
    assert resolve_backend("auto", torch.empty(0, device="cuda")) == expected


def test_unknown_backend():
    with pytest.raises(ValueError, match="backend must be one of"):
        resolve_backend("cudnn", torch.empty(0))


@pytest.mark.skipif(mmcv_ops_available(), reason="mmcv ops are installed here")
def test_mmcv_missing_is_a_clear_error():
    (x, offset, mask, weight, bias), g = _inputs("cpu")
    with pytest.raises(RuntimeError, match="MMCV_WITH_OPS"):
        modulated_deform_conv2d(x, offset, mask, weight, bias, padding=1, deform_groups=g,
                                backend="mmcv")


@pytest.mark.parametrize("backend", ["auto", "torchvision", "native"])
def test_zero_offset_half_mask_is_half_conv(backend):
    """DGA's identity at initialisation: zero offsets, mask 0.5 -> 0.5 * conv + bias."""
    gen = torch.Generator().manual_seed(3)
    x, w, b = (torch.randn(1, 8, 6, 7, generator=gen), torch.randn(4, 8, 3, 3, generator=gen),
               torch.randn(4, generator=gen))
    offset, mask = torch.zeros(1, 2 * 2 * 9, 6, 7), torch.full((1, 2 * 9, 6, 7), 0.5)
    got = modulated_deform_conv2d(x, offset, mask, w, b, padding=1, deform_groups=2,
                                  backend=backend)
    ref = 0.5 * torch.nn.functional.conv2d(x, w, padding=1) + b.view(1, 4, 1, 1)
    torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(
        got, deform_conv2d(x, offset, w, b, padding=1, mask=mask), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (dict(offset=torch.zeros(1, 17, 4, 4)), "offset must have"),
        (dict(mask=torch.zeros(1, 8, 4, 4)), "mask must have"),
        (dict(mask=torch.zeros(1, 9, 3, 4)), "must share the batch"),
        (dict(input=torch.zeros(1, 2, 4)), "input must be 4-D"),
        (dict(weight=[1.0]), "weight must be a torch.Tensor"),
    ],
)
def test_bad_inputs(change, match):
    args = dict(input=torch.zeros(1, 2, 4, 4), offset=torch.zeros(1, 18, 4, 4),
                mask=torch.zeros(1, 9, 4, 4), weight=torch.zeros(3, 2, 3, 3))
    args.update(change)
    with pytest.raises((ValueError, TypeError), match=match):
        modulated_deform_conv2d(args["input"], args["offset"], args["mask"], args["weight"],
                                padding=1)


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match="divisible by deform_groups"):
        modulated_deform_conv2d(torch.zeros(1, 3, 4, 4), torch.zeros(1, 36, 4, 4),
                                torch.zeros(1, 18, 4, 4), torch.zeros(3, 3, 3, 3), padding=1,
                                deform_groups=2)
