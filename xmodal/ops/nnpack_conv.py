"""3x3 convolutions on CPU through NNPACK's Winograd kernels (inference only).

NNPACK (Dukhan, https://github.com/Maratyszcza/NNPACK) computes a 3x3,
stride-1 convolution with Winograd F(6x6, 3x3) transforms: about 5x fewer
multiplications than the direct (im2col or oneDNN) algorithm. PyTorch bundles
it (``torch._nnpack_spatial_convolution``) but its own ``conv2d`` only picks it
on mobile builds or for batches of 16 and more, so a batch-1 inference on a
desktop CPU never gets it. :func:`nnpack_conv2d` calls it directly and
:class:`NNPACKConv2d` is an ``nn.Conv2d`` that does so whenever it can;
:meth:`NNPACKConv2d.convert` swaps the eligible convolutions of a whole network.

Measured on this project's 2-core AVX2 machine (2 threads, 640x480, batch 1,
``benchmarks/bench_conv.py --malloc retain``): 64 -> 64 channels 135 ms against
oneDNN's 165 ms (NCHW) and 156 ms (channels-last); 128 -> 64 201 ms against
372 / 312 ms; 64 -> 216 (the DGA offset head) 252 ms against 529 / 523 ms. Narrow
layers (64 -> 32, 3 -> 64) are slower on NNPACK: :meth:`NNPACKConv2d.convert`
leaves them to oneDNN.

Accuracy: Winograd transforms round differently from the direct sum; outputs
differ from ``F.conv2d`` by about 1e-5 of the largest output magnitude in
float32 (tested), far below what changes a depth map (the D2A2 test on a real
Middlebury crop checks correlation >= 0.999 and RMSE change < 1 %).

Limits, all handled by falling back to ``F.conv2d``: NNPACK has no backward
here (tensors that need autograd), no channels-last, float16/bfloat16 or CUDA
tensors, no stride, dilation or groups. Its thread pool is created at the first
call with ``torch.get_num_threads()`` threads and keeps that size.
"""

from __future__ import annotations

import functools

import torch
from torch import Tensor, nn

from ..utils.checks import check_positive_int
from .inplace import needs_autograd

__all__ = ["nnpack_available", "nnpack_conv2d", "NNPACKConv2d", "WinogradConv2d"]


@functools.cache
def nnpack_available() -> bool:
    """True if this torch build has a usable NNPACK (x86-64 with AVX2, or ARM NEON).

    Calling it also initialises NNPACK, which every NNPACK call needs first.
    """
    fn = getattr(torch, "_nnpack_available", None)
    return bool(fn is not None and hasattr(torch, "_nnpack_spatial_convolution") and fn())


def _padding_pair(padding: int | tuple[int, int]) -> list[int]:
    if isinstance(padding, int):
        padding = (padding, padding)
    if (
        not isinstance(padding, (tuple, list)) or len(padding) != 2
        or not all(isinstance(p, int) and p >= 0 for p in padding)
    ):
        raise ValueError(f"padding must be a non-negative int or a pair of them, got {padding!r}")
    return list(padding)


def _output_nonempty(input: Tensor, weight: Tensor, pad: list[int] | tuple[int, ...]) -> bool:
    """Every input and output dimension is at least 1 (NNPACK divides by them: SIGFPE)."""
    h_out = input.shape[-2] + 2 * pad[0] - weight.shape[-2] + 1
    w_out = input.shape[-1] + 2 * pad[1] - weight.shape[-1] + 1
    return input.numel() > 0 and weight.numel() > 0 and h_out > 0 and w_out > 0


def nnpack_conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None,
    padding: int | tuple[int, int] = 1,
) -> Tensor:
    """``F.conv2d(input, weight, bias, padding=padding)`` computed by NNPACK (stride 1).

    Args:
        input: (B, C_in, H, W) float32 CPU tensor, contiguous NCHW.
        weight: (C_out, C_in, kh, kw) float32 CPU tensor (any kernel size; NNPACK's
            Winograd path, the fast one, is 3x3).
        bias: (C_out,) float32 or None.
        padding: zero padding, int or (pad_h, pad_w).

    Returns:
        (B, C_out, H + 2 * pad_h - kh + 1, W + 2 * pad_w - kw + 1) float32, NCHW.
        No autograd graph is recorded through NNPACK: use it without gradients.

    Raises:
        TypeError: a non-tensor ``input``, ``weight`` or ``bias``.
        ValueError: wrong ranks / shapes, not float32, not on the CPU, a
            non-contiguous ``input``, a bad ``padding``, an empty input or output,
            or inputs that need autograd.
        RuntimeError: this torch build has no usable NNPACK, or NNPACK refuses the
            problem (kernels above 16 px, for one).

    Example:
        >>> x, w = torch.randn(1, 4, 8, 8), torch.randn(5, 4, 3, 3)
        >>> ref = torch.nn.functional.conv2d(x, w, padding=1)
        >>> torch.allclose(nnpack_conv2d(x, w), ref, atol=1e-4)
        True
    """
    for name, t in (("input", input), ("weight", weight), ("bias", bias)):
        if t is None and name == "bias":
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dtype != torch.float32 or t.device.type != "cpu":
            raise ValueError(f"{name} must be a float32 CPU tensor, got {t.dtype} on {t.device}")
    if input.dim() != 4 or weight.dim() != 4 or input.shape[1] != weight.shape[1]:
        raise ValueError(
            f"input must be (B, C_in, H, W) and weight (C_out, C_in, kh, kw) with the same "
            f"C_in, got {tuple(input.shape)} and {tuple(weight.shape)}"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"bias must be ({weight.shape[0]},), got {tuple(bias.shape)}")
    if not input.is_contiguous():
        raise ValueError("input must be contiguous NCHW (channels-last is not supported by NNPACK)")
    if needs_autograd(input, weight, bias):
        raise ValueError("NNPACK has no backward here: call it under torch.no_grad / "
                         "inference_mode, or use F.conv2d")
    pad = _padding_pair(padding)
    if not _output_nonempty(input, weight, pad):
        raise ValueError(
            f"input {tuple(input.shape)} with padding {tuple(pad)} and a "
            f"{tuple(weight.shape[-2:])} kernel gives an empty output (NNPACK would crash)"
        )
    if not nnpack_available():
        raise RuntimeError("this torch build has no usable NNPACK (needs AVX2 or NEON)")
    return torch._nnpack_spatial_convolution(input, weight.contiguous(), bias, pad)


class NNPACKConv2d(nn.Conv2d):
    """An ``nn.Conv2d`` that runs on NNPACK's Winograd kernels whenever it can.

    Same constructor, parameters and ``state_dict`` keys as ``nn.Conv2d``; only
    3x3, stride-1, dilation-1, ungrouped, zero-padded convolutions are accepted
    (where the Winograd algorithm applies). Each call takes NNPACK when the input
    is a float32, contiguous NCHW CPU tensor, autograd does not need the result
    and NNPACK is usable (see :func:`nnpack_conv2d`); otherwise ``nn.Conv2d``'s
    own forward runs (oneDNN on CPU, cuDNN on CUDA), so training, channels-last,
    autocast and CUDA behave exactly as before.

    Args:
        in_channels: C_in.
        out_channels: C_out.
        kernel_size: 3 (or (3, 3)).
        stride, dilation, groups: 1 (kept for ``nn.Conv2d`` compatibility).
        padding: int, pair, ``'same'`` or ``'valid'`` (1).
        bias: learnable bias (True).
        padding_mode: ``'zeros'``.
        device, dtype: factory arguments of the parameters.

    Raises:
        ValueError: from the constructor, for a kernel other than 3x3, a stride,
            dilation or groups other than 1, or a non-zero padding mode.

    Shape:
        (B, C_in, H, W) -> (B, C_out, H + 2p - 2, W + 2p - 2).

    Example:
        >>> conv = NNPACKConv2d(8, 16, 3, padding=1)
        >>> with torch.inference_mode():
        ...     conv(torch.randn(1, 8, 10, 12)).shape
        torch.Size([1, 16, 10, 12])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int] = 3,
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 1,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride=stride, padding=padding,
            dilation=dilation, groups=groups, bias=bias, padding_mode=padding_mode,
            device=device, dtype=dtype,
        )
        reason = self.unsupported_reason(self)
        if reason:
            raise ValueError(f"NNPACKConv2d: {reason}")

    @staticmethod
    def unsupported_reason(conv: nn.Conv2d) -> str | None:
        """Why ``conv`` cannot run on NNPACK's Winograd path, or None if it can."""
        if conv.kernel_size != (3, 3):
            return f"kernel_size must be 3x3, got {conv.kernel_size}"
        if conv.stride != (1, 1) or conv.dilation != (1, 1) or conv.groups != 1:
            return (f"stride, dilation and groups must be 1, got {conv.stride}, "
                    f"{conv.dilation}, {conv.groups}")
        if conv.padding_mode != "zeros":
            return f"padding_mode must be 'zeros', got {conv.padding_mode!r}"
        return None

    def _pad(self) -> tuple[int, int]:
        if isinstance(self.padding, str):  # 'same' (k = 3: 1) or 'valid' (0)
            return (1, 1) if self.padding == "same" else (0, 0)
        return self.padding

    def _use_nnpack(self, x: Tensor) -> bool:
        return (
            x.device.type == "cpu" and x.dtype == torch.float32 and self.weight.dtype == x.dtype
            and x.dim() == 4 and x.is_contiguous() and _output_nonempty(x, self.weight, self._pad())
            and not needs_autograd(x, self.weight, self.bias)
            and not torch.is_autocast_enabled("cpu")
            and not torch.compiler.is_compiling()
            and nnpack_available()
        )

    def forward(self, input: Tensor) -> Tensor:
        if self._use_nnpack(input):
            return torch._nnpack_spatial_convolution(
                input, self.weight, self.bias, list(self._pad())
            )
        return super().forward(input)

    @classmethod
    def convert(cls, module: nn.Module, min_channels: int = 64) -> nn.Module:
        """Replace every eligible ``nn.Conv2d`` in ``module`` by an :class:`NNPACKConv2d`.

        Eligible: exactly ``nn.Conv2d`` (not a subclass) with a 3x3 kernel,
        stride, dilation and groups 1, zero padding and at least ``min_channels``
        input and output channels. Narrow layers are faster on oneDNN: at 640x480
        on 2 AVX2 cores NNPACK took 110 ms for 64 -> 32 channels against oneDNN's
        81 ms, 44 ms for 3 -> 64 against 21 ms, but 135 / 201 / 252 ms for 64 -> 64,
        128 -> 64, 64 -> 216 against 165 / 372 / 529 ms (``benchmarks/bench_conv.py
        --malloc retain``). The new modules share the
        old ones' parameters (same tensors: optimisers and ``state_dict`` keys are
        unaffected) and training flag; forward hooks on the replaced convolutions
        are not carried over. Works in place, like
        ``nn.SyncBatchNorm.convert_sync_batchnorm``.

        Args:
            module: any module (a bare ``nn.Conv2d`` is returned converted).
            min_channels: the fewest input and output channels a converted
                convolution has (64; 1 converts every eligible one).

        Returns:
            ``module`` itself with its convolutions swapped, or the new
            convolution if ``module`` was one.

        Raises:
            TypeError: ``module`` is not an ``nn.Module``.
            ValueError: ``min_channels`` is not a positive int.
        """
        if not isinstance(module, nn.Module):
            raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
        check_positive_int(min_channels, "min_channels")
        if (
            type(module) is nn.Conv2d and cls.unsupported_reason(module) is None
            and min(module.in_channels, module.out_channels) >= min_channels
        ):
            new = cls(
                module.in_channels, module.out_channels, module.kernel_size,
                padding=module.padding, bias=module.bias is not None,
                device="meta",  # no new storage: the parameters are shared below
            )
            new.weight, new.bias = module.weight, module.bias
            new.train(module.training)
            return new
        for name, child in module.named_children():
            new_child = cls.convert(child, min_channels)
            if new_child is not child:
                setattr(module, name, new_child)
        return module


WinogradConv2d = NNPACKConv2d
