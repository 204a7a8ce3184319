"""Tiled GDSR inference with overlap and blending, tiles aligned to the LR grid.

The LR depth is cut into tiles of ``tile // scale`` LR pixels that overlap by
``overlap // scale`` LR pixels (the last tile of a row/column is shifted back to
end at the border); each tile and its guide crop go through the network alone, so
memory is bounded by one tile. Outputs are blended with a trapezoid weight per
tile edge that borders another tile: 0 over the outer quarter of the overlap (pure
context), a linear ramp over its middle half, 1 inside; edges on the image border
keep weight 1. For a network whose receptive field is within a quarter of the
overlap, every blended pixel was computed with its full context, so the tiled
result equals the untiled one to float rounding. D2A2 is not purely local (LDA
normalises each tile's RGB features with that tile's statistics): its tiled output
differs slightly from the untiled one, most near the seams.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .inputs import check_tiling

__all__ = ["tile_starts", "blend_window", "tiled_forward"]


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of size ``tile`` overlapping by ``overlap`` over ``length``.

    Args:
        length: extent to cover (pixels).
        tile: tile size (pixels, ``> overlap``).
        overlap: overlap between consecutive tiles (pixels, ``>= 0``).

    Returns:
        Sorted starts; the last tile ends at ``length``; ``[0]`` if ``length <= tile``.
    """
    if length <= tile:
        return [0]
    stride = tile - overlap
    starts = list(range(0, length - tile, stride))
    starts.append(length - tile)
    return starts


def blend_window(size: int, overlap: int, ramp_start: bool, ramp_end: bool) -> Tensor:
    """1-D trapezoid blending weight of one tile (see the module docstring).

    Args:
        size: tile extent (HR pixels).
        overlap: overlap with the neighbouring tile (HR pixels).
        ramp_start: ramp at the start (a tile lies before this one).
        ramp_end: ramp at the end (a tile lies after this one).

    Returns:
        float32 tensor (size,) in [0, 1].
    """
    x = torch.arange(size, dtype=torch.float32) + 0.5
    w = torch.ones(size)
    if overlap > 0:
        ramp = lambda d: ((d - overlap / 4) / (overlap / 2)).clamp(0, 1)  # noqa: E731
        if ramp_start:
            w = torch.minimum(w, ramp(x))
        if ramp_end:
            w = torch.minimum(w, ramp(size - x))
    return w


def tiled_forward(
    net: Callable[[Tensor, Tensor], Tensor],
    lr: Tensor,
    guide: Tensor,
    scale: int,
    tile: int,
    overlap: int = 32,
    progress: Callable[[int], None] | None = None,
) -> Tensor:
    """Run ``net(lr_tile, guide_tile)`` tile by tile and blend the HR outputs.

    Args:
        net: generator ``(lr (B,1,h,w), guide (B,3,h*s,w*s)) -> (B,1,h*s,w*s)``.
        lr: LR depth (B, 1, h, w), already normalised and hole-filled.
        guide: guide (B, C, h * scale, w * scale).
        scale: integer scale factor s.
        tile: tile size in HR pixels, a multiple of ``scale``.
        overlap: overlap in HR pixels, a multiple of ``scale``, ``< tile``.
        progress: called with the number of tiles done after each tile.

    Returns:
        float32 tensor (B, 1, h * scale, w * scale) on ``lr``'s device.

    Raises:
        ValueError: ``tile`` not positive, ``overlap`` negative or not smaller than
            ``tile``, either not a multiple of ``scale``
            (:func:`xmodal.apis.inputs.check_tiling`), or the guide size does not match.
    """
    check_tiling(tile, overlap, scale)
    b, _, h, w = lr.shape
    if tuple(guide.shape[-2:]) != (h * scale, w * scale):
        raise ValueError(f"guide must be {h * scale}x{w * scale} for lr {h}x{w} at x{scale}, "
                         f"got {tuple(guide.shape[-2:])}")
    t, o = tile // scale, overlap // scale
    ys, xs = tile_starts(h, t, o), tile_starts(w, t, o)
    out = torch.zeros(b, 1, h * scale, w * scale, device=lr.device)
    weight = torch.zeros(1, 1, h * scale, w * scale, device=lr.device)
    done = 0
    for iy, y in enumerate(ys):
        th = min(t, h - y)
        wy = blend_window(th * scale, overlap, iy > 0, iy < len(ys) - 1).to(lr.device)
        for ix, x in enumerate(xs):
            tw = min(t, w - x)
            wx = blend_window(tw * scale, overlap, ix > 0, ix < len(xs) - 1).to(lr.device)
            hy, hx = slice(y * scale, (y + th) * scale), slice(x * scale, (x + tw) * scale)
            pred = net(lr[..., y:y + th, x:x + tw], guide[..., hy, hx]).float()
            win = wy[:, None] * wx[None, :]
            out[..., hy, hx] += pred * win
            weight[..., hy, hx] += win
            done += 1
            if progress is not None:
                progress(done)
    return out / weight
