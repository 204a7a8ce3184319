"""Tiled inference: equal to the untiled forward (exact for a local network), bounded tiles."""

from __future__ import annotations

import pytest
import torch

from xmodal.apis.tiling import blend_window, tile_starts, tiled_forward


def _inputs(h=23, w=30, scale=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(1, 1, h, w, generator=g), torch.rand(1, 3, h * scale, w * scale, generator=g)


def test_tile_starts_cover_and_end_at_border():
    assert tile_starts(10, 16, 4) == [0]
    starts = tile_starts(23, 8, 2)
    assert starts[0] == 0 and starts[-1] == 23 - 8
    assert all(b - a <= 6 for a, b in zip(starts, starts[1:]))


def test_blend_window_complementary_in_overlap():
    a = blend_window(32, 16, False, True)
    b = blend_window(32, 16, True, False)
    # tile b starts 16 px before tile a ends: weights sum to 1 in the overlap
    torch.testing.assert_close(a[16:] + b[:16], torch.ones(16))
    assert a[:16].eq(1).all() and a[-4:].eq(0).all()


def test_tiled_local_network_is_exact(bicubic_torch):
    """Bicubic's receptive field (2 LR px = 8 HR px) is within a quarter of a 32 px overlap."""
    lr, guide = _inputs()
    ref = bicubic_torch(lr, guide)
    out = tiled_forward(bicubic_torch, lr, guide, 4, tile=48, overlap=32)
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=0)


def test_tiled_small_overlap_equal_away_from_seams(bicubic_torch):
    lr, guide = _inputs()
    ref = bicubic_torch(lr, guide)
    out = tiled_forward(bicubic_torch, lr, guide, 4, tile=32, overlap=8)
    err = (out - ref).abs()[0, 0]
    seam = torch.zeros_like(err, dtype=torch.bool)
    for starts, axis, n in ((tile_starts(23, 8, 2), 0, 23), (tile_starts(30, 8, 2), 1, 30)):
        for s in starts:
            for edge in (s, s + 8):
                if 0 < edge < n:
                    sl = slice(max(0, edge * 4 - 12), edge * 4 + 12)
                    if axis == 0:
                        seam[sl, :] = True
                    else:
                        seam[:, sl] = True
    assert err[~seam].max() < 1e-4
    assert err.max() > 1e-4  # seams do differ with too small an overlap: the test can fail


def test_tiled_d2a2_whole_image_tile_is_exact(d2a2_tiny):
    lr, guide = _inputs(8, 10)
    with torch.no_grad():
        ref = d2a2_tiny(lr, guide)
        out = tiled_forward(d2a2_tiny, lr, guide, 4, tile=64, overlap=16)
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=0)


def test_tiled_d2a2_close_to_untiled(d2a2_tiny):
    lr, guide = _inputs(16, 16)
    with torch.no_grad():
        ref = d2a2_tiny(lr, guide)
        out = tiled_forward(d2a2_tiny, lr, guide, 4, tile=40, overlap=16)
    # per-tile LDA statistics: not exact, but close on this random input
    assert (out - ref).abs().mean() < 0.05 * ref.abs().mean()


def test_tiled_progress_and_errors(bicubic_torch):
    lr, guide = _inputs(12, 12)
    seen = []
    tiled_forward(bicubic_torch, lr, guide, 4, tile=24, overlap=8, progress=seen.append)
    assert seen == list(range(1, len(seen) + 1)) and len(seen) == len(tile_starts(12, 6, 2)) ** 2
    with pytest.raises(ValueError, match="multiples of the scale"):
        tiled_forward(bicubic_torch, lr, guide, 4, tile=30, overlap=8)
    with pytest.raises(ValueError, match="smaller than tile"):
        tiled_forward(bicubic_torch, lr, guide, 4, tile=16, overlap=16)
