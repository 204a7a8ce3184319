"""What a module takes as input, for export: names, example tensors and dynamic dimensions.

Two kinds of modules are known, told apart by their attributes:

* a guided depth super-resolution generator (``scale`` attribute, e.g.
  :class:`xmodal.models.D2A2`): ``forward(lr, guide)`` with ``lr`` (B, 1, H / s, W / s)
  and ``guide`` (B, guide_channels, H, W), ``(H, W)`` the HR size, a multiple of
  the scale factor ``s``;
* an alignment or fusion block (``channels`` or ``in_channels`` attribute, e.g.
  LDA, DGA, GatedConv, PixelAttentionFusion, MFA): every required argument of
  ``forward`` is a (B, C, H, W) feature map of the same size.

Dynamic dimensions (``torch.export.Dim``): the batch and, for a generator, the
LR height and width, the guide's being ``s`` times them (so every exported HR
size is a multiple of ``s``); for a block, H and W shared by all inputs.
"""

from __future__ import annotations

import inspect

import torch
from torch import Tensor, nn
from torch.export import Dim

__all__ = ["input_names", "example_inputs", "dynamic_shapes", "check_size"]

#: Largest dynamic size (LR pixels for a generator, feature pixels for a block).
MAX_SIZE = 8192
#: Most pixels (H * W) an export is traced at: its example inputs are allocated for real.
MAX_TRACE_PIXELS = 4096 * 4096


def _scale(module: nn.Module) -> int | None:
    scale = getattr(module, "scale", None)
    return scale if isinstance(scale, int) and not isinstance(scale, bool) else None


def _channels(module: nn.Module) -> int | None:
    for name in ("channels", "in_channels"):
        value = getattr(module, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def input_names(module: nn.Module) -> tuple[str, ...]:
    """Names of the required arguments of ``module.forward``, in order.

    Args:
        module: the module to export.

    Returns:
        e.g. ``('lr', 'guide')`` for D2A2, ``('target', 'guide')`` for LDA, ``('x',)``
        for GatedConv.

    Raises:
        TypeError: ``module`` is not an ``nn.Module``, or its forward takes no tensor.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(module).__name__}")
    params = inspect.signature(module.forward).parameters.values()
    names = tuple(p.name for p in params if p.default is inspect.Parameter.empty
                  and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    if not names:
        raise TypeError(f"{type(module).__name__}.forward takes no required tensor argument")
    return names


def _kind(module: nn.Module) -> str:
    if _scale(module) is not None and input_names(module) == ("lr", "guide"):
        return "generator"
    if _channels(module) is not None:
        return "block"
    raise TypeError(
        f"cannot tell the inputs of {type(module).__name__}: it is neither a GDSR generator "
        "(forward(lr, guide) and an int 'scale') nor a block (an int 'channels' or "
        "'in_channels'); pass example_inputs=(...) explicitly")


def check_size(module: nn.Module, size: tuple[int, int]) -> tuple[int, int]:
    """Check an export size: two positive ints, multiples of a generator's scale factor.

    Args:
        module: the module to export (its ``scale`` is read for a generator).
        size: ``(H, W)``: the HR size of a generator, the feature size of a block.

    Returns:
        ``size`` as a tuple of two ints.

    Raises:
        ValueError: not two positive ints, not a multiple of the scale factor, or more
            than :data:`MAX_TRACE_PIXELS` pixels (refused before allocating the inputs;
            a dynamic export traced at a smaller size runs at any size).
    """
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size)):
        raise ValueError(f"size must be (H, W), two positive ints, got {size!r}")
    scale = _scale(module) if _kind(module) == "generator" else None
    if scale is not None and (size[0] % scale or size[1] % scale):
        raise ValueError(f"size must be a multiple of the scale factor {scale} (HR pixels), "
                         f"got {size[0]}x{size[1]}")
    if size[0] * size[1] > MAX_TRACE_PIXELS:
        raise ValueError(f"size {size[0]}x{size[1]} is more than the {MAX_TRACE_PIXELS:,} "
                         "pixels an export is traced at (its inputs are allocated): trace at "
                         "a smaller size, a dynamic export runs at any size")
    return int(size[0]), int(size[1])


def example_inputs(
    module: nn.Module, size: tuple[int, int] = (480, 640), batch: int = 1,
    dtype: torch.dtype = torch.float32,
) -> tuple[Tensor, ...]:
    """Random example inputs of ``module`` (uniform in [0, 1), fixed seed).

    Args:
        module: a GDSR generator or an alignment / fusion block (module docstring).
        size: ``(H, W)``: HR size of a generator (multiple of its scale), feature
            size of a block.
        batch: B.
        dtype: float dtype of the tensors.

    Returns:
        A generator's ``(lr, guide)``: (B, 1, H / s, W / s) and
        (B, guide_channels, H, W); a block's (B, C, H, W) tensors, one per argument.

    Raises:
        TypeError: the inputs of ``module`` cannot be told (pass them yourself).
        ValueError: bad ``size`` (see :func:`check_size`) or ``batch`` < 1.
    """
    h, w = check_size(module, size)
    if not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch must be a positive int, got {batch!r}")
    gen = torch.Generator().manual_seed(0)
    if _kind(module) == "generator":
        s, gc = _scale(module), getattr(module, "guide_channels", 3)
        shapes = [(batch, 1, h // s, w // s), (batch, gc, h, w)]
    else:
        shapes = [(batch, _channels(module), h, w)] * len(input_names(module))
    return tuple(torch.rand(shape, generator=gen).to(dtype) for shape in shapes)


def dynamic_shapes(module: nn.Module) -> dict[str, dict[int, Dim]]:
    """``torch.export`` dynamic shapes of ``module``'s inputs: batch, H and W.

    Args:
        module: a GDSR generator or an alignment / fusion block.

    Returns:
        ``{input name: {dim index: Dim}}``; a generator's guide sizes are ``scale``
        times the LR's, so every exported HR size is a multiple of the scale.
        Export with example tensors of batch >= 2 and sizes >= 2: ``torch.export``
        fixes a dimension whose example size is 1.

    Raises:
        TypeError: the inputs of ``module`` cannot be told.
    """
    batch = Dim("batch", min=1, max=1024)
    h, w = Dim("height", min=2, max=MAX_SIZE), Dim("width", min=2, max=MAX_SIZE)
    names = input_names(module)
    if _kind(module) == "generator":
        s = _scale(module)
        return {"lr": {0: batch, 2: h, 3: w}, "guide": {0: batch, 2: s * h, 3: s * w}}
    return {name: {0: batch, 2: h, 3: w} for name in names}
