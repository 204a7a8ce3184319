"""Modulated deformable convolution (DCNv2) with a choice of backend.

DCNv2: Zhu et al., "Deformable ConvNets v2: More Deformable, Better Results",
CVPR 2019, eq. (3): ``y(p) = sum_k w_k * x(p + p_k + dp_k) * dm_k``.

Backends, all with the same offset / mask layout so that weights and outputs are
interchangeable:

* ``'torchvision'``: :func:`torchvision.ops.deform_conv2d` (CPU and CUDA, no build).
* ``'mmcv'``: :func:`mmcv.ops.modulated_deform_conv2d` (needs mmcv built with ops).
* ``'native'``: pure PyTorch, ``grid_sample`` + one matmul
  (:func:`xmodal.ops.native_deform_conv.native_modulated_deform_conv2d`), equal to
  torchvision to float rounding in outputs and gradients; chunked over output rows.
* ``'auto'``: mmcv's op for CUDA tensors when mmcv ops import, else torchvision
  on CUDA; ``'native'`` on CPU, where it is several times faster than
  torchvision's CPU kernel (``benchmarks/bench_dcn.py``).

Layout (checked against both libraries' sources; on CUDA mmcv's and torchvision's
ops were measured to give the same forwards and gradients to ~1e-5 relative):
offsets ``(B, 2 * G * kh * kw, H_out, W_out)`` hold, for each deformable group
``g`` and kernel point ``k`` (row-major over the kernel), the pair ``(dy, dx)``
in pixels at channels ``2 * (g * kh * kw + k)`` and ``+ 1``; masks
``(B, G * kh * kw, H_out, W_out)`` are plain multipliers applied after bilinear
sampling (the caller applies the sigmoid). Samples outside the input read zero.

Memory format: any strides are accepted. ``'native'`` keeps channels-last
inputs channels-last (the fast CPU layout); torchvision makes its inputs
contiguous itself; mmcv's kernels index raw NCHW memory and returned wrong
values for channels-last tensors (mmcv 2.2.0, CPU, measured), so the dispatch
makes them contiguous before calling it.
"""

from __future__ import annotations

import importlib.util
from typing import Literal

from torch import Tensor
from torch.nn.modules.utils import _pair
from torchvision.ops import deform_conv2d as _tv_deform_conv2d

from .native_deform_conv import native_modulated_deform_conv2d

__all__ = [
    "Backend",
    "available_backends",
    "mmcv_ops_available",
    "modulated_deform_conv2d",
    "resolve_backend",
]

Backend = Literal["auto", "torchvision", "mmcv", "native"]
_BACKENDS = ("auto", "torchvision", "mmcv", "native")


def mmcv_ops_available() -> bool:
    """Return True when ``mmcv.ops.modulated_deform_conv2d`` can be imported.

    mmcv-lite and mmcv built without ops lack it; the import is tried once per call
    (cheap after the first) and any import error counts as unavailable.
    """
    if importlib.util.find_spec("mmcv") is None:
        return False
    try:
        from mmcv.ops import modulated_deform_conv2d  # noqa: F401
    except Exception:  # mmcv without compiled ops raises ImportError/ModuleNotFoundError
        return False
    return True


def available_backends() -> list[str]:
    """List the concrete backends usable here (``'torchvision'`` and ``'native'`` always)."""
    names = ["torchvision", "native"]
    if mmcv_ops_available():
        names.append("mmcv")
    return names


def resolve_backend(backend: str, x: Tensor) -> str:
    """Pick the concrete backend for input ``x``.

    ``'auto'`` prefers mmcv's CUDA op when mmcv ops are importable and ``x`` is
    on CUDA, torchvision for other CUDA tensors, and ``'native'`` off CUDA (on
    CPU it beats torchvision's kernel several times over, forward and backward;
    measured by ``benchmarks/bench_dcn.py``). An explicit backend is returned
    unchanged after checking that it exists.

    Args:
        backend: ``'auto'``, ``'torchvision'``, ``'mmcv'`` or ``'native'``.
        x: the input features (any shape); only its device is read.

    Returns:
        The concrete backend name.

    Raises:
        ValueError: ``backend`` is not one of ``'auto'``, ``'torchvision'``,
            ``'mmcv'``, ``'native'``.
        RuntimeError: ``'mmcv'`` was asked for but mmcv ops cannot be imported.
    """
    if backend not in _BACKENDS:
        raise ValueError(f"backend must be one of {_BACKENDS}, got {backend!r}")
    if backend == "auto":
        if not x.is_cuda:
            return "native"
        return "mmcv" if mmcv_ops_available() else "torchvision"
    if backend == "mmcv" and not mmcv_ops_available():
        raise RuntimeError(
            "backend='mmcv' needs mmcv built with ops (mmcv.ops.modulated_deform_conv2d "
            "is not importable); install it from the sdist with MMCV_WITH_OPS=1 or use "
            "backend='torchvision'"
        )
    return backend


def _check_inputs(
    input: Tensor, offset: Tensor, mask: Tensor, weight: Tensor, deform_groups: int
) -> None:
    for name, t in (("input", input), ("offset", offset), ("mask", mask), ("weight", weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dim() != 4:
            raise ValueError(f"{name} must be 4-D, got shape {tuple(t.shape)}")
    kk = weight.shape[2] * weight.shape[3]
    if offset.shape[1] != 2 * deform_groups * kk:
        raise ValueError(
            f"offset must have 2 * deform_groups * kh * kw = {2 * deform_groups * kk} "
            f"channels, got {offset.shape[1]}"
        )
    if mask.shape[1] != deform_groups * kk:
        raise ValueError(
            f"mask must have deform_groups * kh * kw = {deform_groups * kk} channels, "
            f"got {mask.shape[1]}"
        )
    if offset.shape[-2:] != mask.shape[-2:] or offset.shape[0] != input.shape[0]:
        raise ValueError(
            f"offset {tuple(offset.shape)} and mask {tuple(mask.shape)} must share the batch "
            f"size of input {tuple(input.shape)} and the output's (H_out, W_out)"
        )
    if input.shape[1] % deform_groups:
        raise ValueError(
            f"input channels ({input.shape[1]}) must be divisible by deform_groups "
            f"({deform_groups})"
        )


def modulated_deform_conv2d(
    input: Tensor,
    offset: Tensor,
    mask: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    deform_groups: int = 1,
    backend: str = "auto",
) -> Tensor:
    """Modulated deformable 2-D convolution (DCNv2), dispatched to a backend.

    Args:
        input: features to sample, (B, C_in, H, W), float.
        offset: sampling offsets in pixels, (B, 2 * G * kh * kw, H_out, W_out),
            interleaved ``(dy, dx)`` per kernel point per deformable group.
        mask: modulation masks, (B, G * kh * kw, H_out, W_out), already passed
            through a sigmoid by the caller (used as a plain multiplier).
        weight: (C_out, C_in, kh, kw) convolution weight (no grouped conv).
        bias: (C_out,) or None.
        stride, padding, dilation: as in :func:`torch.nn.functional.conv2d`.
        deform_groups: G, the number of deformable groups (offset groups).
        backend: ``'auto'``, ``'torchvision'``, ``'mmcv'`` or ``'native'`` (see the
            module docstring).

    Returns:
        (B, C_out, H_out, W_out) tensor, dtype of ``input``.

    Raises:
        TypeError, ValueError: on non-tensor inputs or inconsistent shapes.
        RuntimeError: ``backend='mmcv'`` without mmcv ops.
    """
    _check_inputs(input, offset, mask, weight, deform_groups)
    name = resolve_backend(backend, input)
    if name == "mmcv":
        from mmcv.ops import modulated_deform_conv2d as _mmcv_mdcn

        # mmcv's kernels index raw NCHW memory: channels-last (or other strided) tensors
        # gave wrong outputs, so they are made contiguous here (no-op for NCHW).
        input, offset, mask = input.contiguous(), offset.contiguous(), mask.contiguous()
        return _mmcv_mdcn(
            input, offset, mask, weight.contiguous(), bias, _pair(stride), _pair(padding),
            _pair(dilation), 1, deform_groups,
        )
    if name == "native":
        return native_modulated_deform_conv2d(
            input, offset, mask, weight, bias, stride, padding, dilation, deform_groups
        )
    return _tv_deform_conv2d(
        input, offset, weight, bias, stride=_pair(stride), padding=_pair(padding),
        dilation=_pair(dilation), mask=mask,
    )
