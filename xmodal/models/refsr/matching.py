"""Patch matching of LR and reference features by cosine similarity (DCSR / TTSR style).

Wang et al., "Dual-Camera Super-Resolution with Aligned Attention Modules"
(DCSR), ICCV 2021, Sec. 3.2; Yang et al., TTSR, CVPR 2020, eq. 2-4: every 3x3
patch of the query features is compared with every 3x3 patch of the key
features by the cosine of the unfolded, L2-normalised vectors; the best key
gives the *index map* and its similarity the *confidence map*.
The similarity matrix is computed in chunks of query positions, so memory is
``O(chunk * N_key)`` instead of ``O(N_query * N_key)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from ...utils.checks import check_positive_int

__all__ = ["patch_match", "gather_blocks"]


def _check4(x: object, name: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() != 4:
        raise ValueError(f"{name} must be (B, C, H, W), got shape {tuple(x.shape)}")


def patch_match(query: Tensor, key: Tensor, patch_size: int = 3,
                chunk_size: int = 1024) -> tuple[Tensor, Tensor]:
    """Best cosine match in ``key`` for every ``patch_size`` x ``patch_size`` patch of ``query``.

    Args:
        query: (B, C, h, w) features of the LR image.
        key: (B, C, h_r, w_r) features of the (down-sampled) reference.
        patch_size: odd patch side (3); zero padding keeps one patch per pixel.
        chunk_size: query positions per similarity block (memory bound).

    Returns:
        ``(confidence, index)``: (B, 1, h, w) float cosine in [-1, 1] and
        (B, 1, h, w) int64 flat index ``y_r * w_r + x_r`` of the best key patch.

    Raises:
        TypeError / ValueError: non-tensors, wrong rank, different B or C, even
            ``patch_size`` or non-positive ``chunk_size``.

    Example:
        >>> f = torch.randn(1, 4, 5, 6)
        >>> conf, idx = patch_match(f, f)
        >>> bool((idx.flatten() == torch.arange(30)).all())
        True
    """
    _check4(query, "query")
    _check4(key, "key")
    if query.shape[:2] != key.shape[:2]:
        raise ValueError(f"query {tuple(query.shape)} and key {tuple(key.shape)} must share "
                         "batch size and channels")
    if patch_size < 1 or patch_size % 2 == 0:
        raise ValueError(f"patch_size must be a positive odd integer, got {patch_size}")
    check_positive_int(chunk_size, "chunk_size")
    b, _, h, w = query.shape
    pad = patch_size // 2
    q = F.normalize(F.unfold(query, patch_size, padding=pad), dim=1)  # (B, C*k*k, h*w)
    k = F.normalize(F.unfold(key, patch_size, padding=pad), dim=1)    # (B, C*k*k, N_r)
    conf, index = [], []
    for start in range(0, h * w, chunk_size):
        sim = torch.bmm(q[:, :, start : start + chunk_size].transpose(1, 2), k)
        c, i = sim.max(dim=2)
        conf.append(c)
        index.append(i)
    conf_t = torch.cat(conf, dim=1).view(b, 1, h, w)
    return conf_t, torch.cat(index, dim=1).view(b, 1, h, w)


def gather_blocks(ref_feat: Tensor, index: Tensor, scale: int) -> Tensor:
    """Warp HR reference features: copy the ``scale`` x ``scale`` block of each matched position.

    ``ref_feat`` is split into blocks (pixel-unshuffle) on the grid of the
    matched key positions; position ``p`` of the output grid receives block
    ``index[p]``; the blocks are re-assembled (pixel-shuffle).

    Args:
        ref_feat: (B, C, h_r * scale, w_r * scale) HR reference features.
        index: (B, 1, h, w) int64 flat indices into the (h_r, w_r) grid.
        scale: block side (the SR factor).

    Returns:
        (B, C, h * scale, w * scale) warped features.

    Raises:
        ValueError: ``ref_feat`` sides not multiples of ``scale``, index out of range.
    """
    _check4(ref_feat, "ref_feat")
    _check4(index, "index")
    b, c, hr, wr = ref_feat.shape
    if hr % scale or wr % scale:
        raise ValueError(f"ref_feat sides {(hr, wr)} must be multiples of scale {scale}")
    blocks = F.pixel_unshuffle(ref_feat, scale).flatten(2)            # (B, C*s*s, N_r)
    if int(index.max()) >= blocks.shape[2] or int(index.min()) < 0:
        raise ValueError(f"index out of range [0, {blocks.shape[2]})")
    _, _, h, w = index.shape
    idx = index.flatten(1)[:, None, :].expand(-1, blocks.shape[1], -1)
    warped = torch.gather(blocks, 2, idx).view(b, c * scale * scale, h, w)
    return F.pixel_shuffle(warped, scale)
