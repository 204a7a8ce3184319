"""Modulated deformable convolution (DCNv2) in pure PyTorch: ``grid_sample`` + one matmul.

DCNv2: Zhu et al., "Deformable ConvNets v2: More Deformable, Better Results",
CVPR 2019, eq. (3): ``y(p) = sum_k w_k * x(p + p_k + dp_k) * dm_k``.

Formulation: for every deformable group the ``kh * kw`` sampling positions of all
output pixels are turned into one sampling grid, the group's ``C_in / G``
channels are read with :func:`torch.nn.functional.grid_sample` (bilinear,
``padding_mode='zeros'``, ``align_corners=False``), multiplied by the masks, and
the resulting columns ``(B, C_in * kh * kw, L)`` meet the weight in one matmul.
The columns are laid out exactly as the flattened weight ``(C_out, C_in, kh, kw)``,
so no permute is needed. Everything is differentiable by autograd (input,
offset, mask, weight, bias) and runs on any device ``grid_sample`` supports.

Boundary semantics equal torchvision's ``deform_conv2d`` (``bilinear_interpolate``
in ``torchvision/csrc/ops/cpu/deform_conv2d_kernel.cpp``): a sample at
``(y, x)`` with ``y <= -1``, ``y >= H``, ``x <= -1`` or ``x >= W`` reads zero, and
a sample whose bilinear corners are partly outside sums the inside corners only
(outside corners count as zero). That is bilinear interpolation of the input
zero-padded to infinity, which is what ``grid_sample(..., padding_mode='zeros')``
computes; pixel ``u`` maps to the normalised coordinate ``(2 * u + 1) / W - 1``
under ``align_corners=False``.

Memory: the columns hold ``B * C_in * kh * kw * H_out * W_out`` values (700 MB in
fp32 for 64 channels, 3x3, 480x640). Without autograd the output rows are
processed in chunks of at most ``max_columns`` column values, so the peak stays
near one chunk (4 M values, 16 MB fp32, by default); moderate chunks are also
faster on CPU than one big one (they stay in cache between the sampling, the
mask product and the matmul, and glibc serves them without fresh page faults).
With autograd every chunk's samples and columns are kept for the backward pass,
so training memory is about twice the full columns (torchvision's CPU op keeps
none but recomputes them).

Export: while ``torch.export``, an ONNX exporter or JIT tracing captures the graph,
the op is written as one chunk of plain ops (no ``out=`` writes, no size-dependent
loop), so the graph holds for symbolic (dynamic) H and W; in ONNX it is ``GridSample``
(opset >= 16), ``Mul`` and ``MatMul`` (see :mod:`xmodal.deploy`). Eager results are
unchanged.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn.modules.utils import _pair

from .inplace import needs_autograd

__all__ = ["native_modulated_deform_conv2d"]

# Chunk sizes in column values, measured near the fastest on 2 CPU cores for 64 channels,
# 3x3, 480x640: 2**22 (16 MB fp32, ~7 rows) for inference (2**20 and 2**24 were 5-30%
# slower, channels-last input, 1 and 2 threads); with autograd bigger chunks
# are faster (every chunk's backward zero-fills and accumulates a full-size input
# gradient) and do not change the memory kept for backward, so 2**26 (256 MB fp32).
_DEFAULT_MAX_COLUMNS = 1 << 22
_DEFAULT_MAX_COLUMNS_GRAD = 1 << 26


def _exporting() -> bool:
    """True while the graph is captured for export (``torch.export``, the ONNX exporters, JIT
    tracing): the sizes may then be symbolic, so the op is written as one chunk of plain ops."""
    return (torch.compiler.is_exporting() or torch.onnx.is_in_onnx_export()
            or torch.jit.is_tracing())


def _kernel_offsets(
    kh: int, kw: int, dilation: tuple[int, int], dtype: torch.dtype, device: torch.device
) -> tuple[Tensor, Tensor]:
    """Row and column displacement of each kernel point, row-major: two (kh * kw,) tensors."""
    ky = torch.arange(kh, dtype=dtype, device=device) * dilation[0]
    kx = torch.arange(kw, dtype=dtype, device=device) * dilation[1]
    return ky.repeat_interleave(kw), kx.repeat(kh)


def _sample_columns(
    input: Tensor,
    offset: Tensor,
    mask: Tensor,
    rows: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    deform_groups: int,
) -> Tensor:
    """Masked bilinear samples for output rows ``rows``: (B, C_in * kh * kw, n * W_out)."""
    b, c, h, w = input.shape
    g, (kh, kw) = deform_groups, kernel
    kk = kh * kw
    r0, r1 = rows
    n, w_out = r1 - r0, offset.shape[-1]
    dtype, device = input.dtype, input.device

    off = offset[:, :, r0:r1].reshape(b, g, kk, 2, n, w_out)
    ky, kx = _kernel_offsets(kh, kw, dilation, dtype, device)
    oy = torch.arange(r0, r1, dtype=dtype, device=device) * stride[0] - padding[0]
    ox = torch.arange(w_out, dtype=dtype, device=device) * stride[1] - padding[1]
    # Sampling position u = (out * stride - pad) + i * dilation + offset (pixels, as
    # torchvision computes it), normalised for align_corners=False: (2u + 1) / size - 1
    # = offset * (2 / size) + base, with the small base tensors computed first.
    base_y = (2 * (ky[:, None, None] + oy[None, :, None]) + 1) / h - 1  # (kk, n, 1)
    base_x = (2 * (kx[:, None, None] + ox[None, None, :]) + 1) / w - 1  # (kk, 1, W_out)
    if _exporting():  # plain ops: the sizes may be symbolic (dynamic H, W)
        grid = torch.stack(
            (off[:, :, :, 1] * (2 / w) + base_x, off[:, :, :, 0] * (2 / h) + base_y), dim=-1
        )
    elif (torch.is_grad_enabled() and off.requires_grad) or torch.compiler.is_compiling():
        grid = torch.stack(
            (torch.add(base_x, off[:, :, :, 1], alpha=2 / w),
             torch.add(base_y, off[:, :, :, 0], alpha=2 / h)),
            dim=-1,
        )
    else:  # eager inference: write both coordinates straight into the grid, no temporaries
        grid = torch.empty(b, g, kk, n, w_out, 2, dtype=dtype, device=device)
        torch.add(base_x, off[:, :, :, 1], alpha=2 / w, out=grid[..., 0])
        torch.add(base_y, off[:, :, :, 0], alpha=2 / h, out=grid[..., 1])
    sampled = F.grid_sample(
        input.reshape(b * g, c // g, h, w),
        grid.reshape(b * g, kk * n, w_out, 2),
        mode="bilinear",
        padding_mode="zeros",
        align_corners=False,
    ).reshape(b, g, c // g, kk, n * w_out)  # (B, G, C_in / G, kk, n * W_out)
    m = mask[:, :, r0:r1].reshape(b, g, 1, kk, n * w_out)
    if needs_autograd(m, sampled):
        sampled = sampled * m
    else:
        sampled.mul_(m)  # in place: one buffer less, stays in cache
    return sampled.reshape(b, c * kk, n * w_out)


def native_modulated_deform_conv2d(
    input: Tensor,
    offset: Tensor,
    mask: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    deform_groups: int = 1,
    max_columns: int | None = None,
) -> Tensor:
    """Modulated deformable 2-D convolution (DCNv2) with ``grid_sample`` and a matmul.

    Same arguments, layout and results as :func:`torchvision.ops.deform_conv2d`
    called with ``mask`` (see :mod:`xmodal.ops.modulated_deform_conv` for the
    offset / mask layout). Shapes are assumed checked by the caller
    (:func:`xmodal.ops.modulated_deform_conv2d`).

    Args:
        input: (B, C_in, H, W) float features.
        offset: (B, 2 * G * kh * kw, H_out, W_out) offsets in pixels, ``(dy, dx)``
            interleaved per kernel point per deformable group.
        mask: (B, G * kh * kw, H_out, W_out) modulation (plain multiplier).
        weight: (C_out, C_in, kh, kw).
        bias: (C_out,) or None.
        stride, padding, dilation: as in :func:`torch.nn.functional.conv2d`.
        deform_groups: G; ``C_in`` must be divisible by it.
        max_columns: the most column values computed at once (chunked over
            output rows; at least one row per chunk). ``None`` uses 2**22
            (16 MB fp32) without autograd, 2**26 with it. Bounds the peak memory
            only without autograd.

    Returns:
        (B, C_out, H_out, W_out), dtype of ``input``.

    Raises:
        ValueError: ``max_columns`` is not positive.

    Example:
        >>> x = torch.randn(1, 8, 5, 6)
        >>> off, m = torch.zeros(1, 2 * 2 * 9, 5, 6), torch.ones(1, 2 * 9, 5, 6)
        >>> w = torch.randn(4, 8, 3, 3)
        >>> y = native_modulated_deform_conv2d(x, off, m, w, padding=1, deform_groups=2)
        >>> torch.allclose(y, torch.nn.functional.conv2d(x, w, padding=1), atol=1e-5)
        True
    """
    if max_columns is not None and max_columns <= 0:
        raise ValueError(f"max_columns must be a positive int or None, got {max_columns}")
    geometry = (_pair(stride), _pair(padding), _pair(dilation), deform_groups)
    if _exporting():  # one chunk, no out= writes: a graph valid for every H, W
        return _deform_conv_one_chunk(input, offset, mask, weight, bias, geometry)
    autograd = needs_autograd(input, offset, mask, weight, bias)
    if max_columns is None:
        max_columns = _DEFAULT_MAX_COLUMNS_GRAD if autograd else _DEFAULT_MAX_COLUMNS
    return _deform_conv_chunked(input, offset, mask, weight, bias, geometry, max_columns,
                                autograd)


def _deform_conv_one_chunk(input: Tensor, offset: Tensor, mask: Tensor, weight: Tensor,
                           bias: Tensor | None, geometry: tuple) -> Tensor:
    """The whole output in one column matrix and one matmul (export graphs)."""
    stride, padding, dilation, deform_groups = geometry
    c_out, c_in, kh, kw = weight.shape
    b, h_out, w_out = offset.shape[0], offset.shape[-2], offset.shape[-1]
    cols = _sample_columns(
        input, offset, mask, (0, h_out), (kh, kw), stride, padding, dilation, deform_groups
    )  # (B, C_in * kh * kw, H_out * W_out)
    out = torch.matmul(weight.reshape(c_out, c_in * kh * kw), cols)
    out = out if bias is None else out + bias.view(1, -1, 1)
    return out.reshape(b, c_out, h_out, w_out)


def _deform_conv_chunked(input: Tensor, offset: Tensor, mask: Tensor, weight: Tensor,
                         bias: Tensor | None, geometry: tuple, max_columns: int,
                         autograd: bool) -> Tensor:
    """Chunks of output rows, each sampled and multiplied at once (bounded memory)."""
    stride, padding, dilation, deform_groups = geometry
    c_out, c_in, kh, kw = weight.shape
    b, h_out, w_out = offset.shape[0], offset.shape[-2], offset.shape[-1]
    w2d = weight.reshape(c_out, c_in * kh * kw)
    per_row = b * c_in * kh * kw * w_out
    rows_per_chunk = max(1, max_columns // max(per_row, 1))
    # A channels-last input gives a channels-last output: each chunk's matmul then
    # writes (B, n * W_out, C_out) rows, the memory order of an NHWC tensor, so the
    # next (channels-last) convolution reads it without a layout conversion.
    nhwc = input.is_contiguous(memory_format=torch.channels_last) and not input.is_contiguous()
    w_rows, bias_row = w2d.t().expand(b, -1, -1), None if bias is None else bias.view(1, 1, -1)
    w_mat, bias_view = w2d.expand(b, -1, -1), None if bias is None else bias.view(1, -1, 1)
    cat_dim = 1 if nhwc else 2
    out = None
    in_place = not (
        autograd or torch.compiler.is_compiling() or torch.is_autocast_enabled(input.device.type)
    )  # out= ops are not autocast (the matmul dtype would be wrong) nor autograd-able
    if in_place:  # chunks write straight into the output: no concatenation copy
        shape = (b, h_out * w_out, c_out) if nhwc else (b, c_out, h_out * w_out)
        out = torch.empty(shape, dtype=input.dtype, device=input.device)
    outs = []
    for r0 in range(0, h_out, rows_per_chunk):
        r1 = min(h_out, r0 + rows_per_chunk)
        cols = _sample_columns(
            input, offset, mask, (r0, r1), (kh, kw), stride, padding, dilation, deform_groups
        )  # (B, C_in * kh * kw, n * W_out)
        dst = None if out is None else out.narrow(cat_dim, r0 * w_out, (r1 - r0) * w_out)
        # Rows first, (B, n * W_out, K) @ (K, C_out), is ~1.5x faster in MKL than
        # weight @ columns; without autograd the NCHW path takes it too and transposes
        # the small, cache-resident chunk into place.
        rows_first = nhwc or dst is not None
        lhs, rhs, add = (
            (cols.transpose(1, 2), w_rows, bias_row) if rows_first else (w_mat, cols, bias_view)
        )
        direct = dst if nhwc else None
        res = (torch.bmm(lhs, rhs, out=direct) if add is None
               else torch.baddbmm(add, lhs, rhs, out=direct))
        if rows_first and not nhwc:
            dst.copy_(res.transpose(1, 2))
        elif out is None:
            outs.append(res)
    if out is None:
        out = outs[0] if len(outs) == 1 else torch.cat(outs, dim=cat_dim)
    if nhwc:  # (B, H * W, C) memory viewed as a channels-last (B, C, H, W) tensor
        return out.view(b, h_out, w_out, c_out).permute(0, 3, 1, 2)
    return out.view(b, c_out, h_out, w_out)
