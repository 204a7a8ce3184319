"""The DADA evaluation protocol: a second GDSR preset, never mixed with D2A2/DCTNet's.

"Guided Depth Super-Resolution by Deep Anisotropic Diffusion" (Metzger, Caye
Daudt, Schindler, CVPR 2023, https://arxiv.org/abs/2211.11592), as run by the
authors' code (``prs-eth/Diffusion-Super-Resolution``: ``data/utils.py``,
``run_train.py``, ``run_eval.py``, ``losses.py``):

1. depth in millimetres; invalid pixels (zeros, NaNs) are masked;
2. LR depth = **average pooling** of the HR depth over ``scale x scale`` cells,
   ignoring invalid pixels (``nanmean``; a cell with no valid pixel is invalid);
3. depth divided by a fixed per-dataset **std** (no mean subtraction: DADA's
   adjustment needs positive depth), :data:`DADA_DEPTH_STD_MM`;
4. evaluation on the non-overlapping ``256 x 256`` tiles of each test image
   (top-left first, remainders dropped), **masked** MAE and MSE over the valid HR
   pixels, converted to cm and cm^2 (:class:`xmodal.evaluation.DADAMetric`).

The preset reuses the xmodal data contract (:class:`PackGDSRInputs`): normalising by
``x / std`` is the min-max de-normalisation with ``depth_min = 0`` and
``depth_max = std``, so the metainfo keeps its meaning; ``preset='dada'`` and
``depth_std`` are added, and each data sample carries the masks ``gt_valid``
(1, H, W) and ``lr_valid`` (1, h, w) (bool). Numbers of this preset are reported
only under the ``dada/`` metric keys.

Differences from the authors' code: the initial bicubic estimate is the model's
business (DADA's ``bicubic_with_mask`` scipy interpolation is not part of the
data); training crops are not rotated (DADA: up to 15 degrees) and are not
re-drawn when they hold many holes (DADA: < 90 % valid LR or < 80 % valid HR;
RGB-D-D's HR maps are >= 99.999 % valid).

This module holds the protocol's constants and functions; its transforms are in
:mod:`xmodal.datasets.dada_transforms` and the tile dataset in
:mod:`xmodal.datasets.dada_dataset`, as the D2A2/DCTNet preset keeps
:mod:`~xmodal.datasets.protocol`, :mod:`~xmodal.datasets.transforms` and its datasets apart.
"""
from __future__ import annotations

import warnings

import numpy as np

from xmodal.utils.checks import check_positive_int
from xmodal.utils.depth import invalid_depth

__all__ = ["DADA_DEPTH_STD_MM", "DADA_TILE_SIZE", "avg_pool_valid", "tile_origins"]

#: Fixed depth std (millimetres) by which DADA divides depth (mean 0, so depth stays
#: positive). NYUv2, Middlebury (2005/2006/2014 depth from disparity) and DIML are
#: the authors' constants (``run_train.py``). RGB-D-D is not in DADA: its value is
#: the std of the valid (non-zero) HR depth of the 405 RGB-D-D test frames of the
#: project data, measured by xmodal (mean 1916.36 mm, 79.6 M pixels).
DADA_DEPTH_STD_MM: dict[str, float] = {
    "nyuv2": 1386.05,
    "middlebury": 1122.7,
    "diml": 1154.29,
    "rgbdd": 525.68,
}

#: Side of the square evaluation tiles (DADA ``--crop-size`` default, eval and train).
DADA_TILE_SIZE = 256


def avg_pool_valid(depth: np.ndarray, scale: int, zero_invalid: bool = True) -> np.ndarray:
    """Average-pool a depth map over ``scale x scale`` cells, ignoring invalid pixels.

    DADA's ``downsample`` (``skimage.measure.block_reduce(..., np.nanmean)``) with
    the invalid pixels (NaN, +-inf and, with ``zero_invalid``, zeros) left out of
    each cell's mean.

    Args:
        depth: HR depth (H, W), float, any unit; H and W multiples of ``scale``.
        scale: cell side s (positive int).
        zero_invalid: treat zeros as invalid (RGB-D-D / NYUv2 holes).

    Returns:
        float32 (H / s, W / s): the mean of the valid pixels of each cell, NaN where
        a cell has none.

    Raises:
        TypeError: if ``depth`` is not a float numpy array.
        ValueError: if ``depth`` is not 2-D, ``scale`` is not a positive int or the
            size is not a multiple of ``scale``.

    Example:
        >>> avg_pool_valid(np.array([[1, 3], [0, 5]], np.float32), 2)
        array([[3.]], dtype=float32)
    """
    if not isinstance(depth, np.ndarray) or not np.issubdtype(depth.dtype, np.floating):
        raise TypeError(f"depth must be a float numpy array, got {type(depth).__name__} "
                        f"{getattr(depth, 'dtype', '')}")
    if depth.ndim != 2:
        raise ValueError(f"depth must have shape (H, W), got {depth.shape}")
    scale = check_positive_int(scale, "scale")
    h, w = depth.shape
    if h % scale or w % scale:
        raise ValueError(f"depth size {depth.shape} is not a multiple of scale {scale}")
    d = np.where(invalid_depth(depth, zero_invalid), np.nan, depth).astype(np.float64)
    cells = d.reshape(h // scale, scale, w // scale, scale)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
        return np.nanmean(cells, axis=(1, 3)).astype(np.float32)


def tile_origins(height: int, width: int, tile_size: int = DADA_TILE_SIZE) -> list[tuple[int, int]]:
    """Top-left corners of the non-overlapping tiles of an image, row-major (DADA eval).

    Args:
        height, width: image size in pixels.
        tile_size: tile side (DADA: 256).

    Returns:
        ``[(y, x), ...]`` for ``y`` in ``0, t, ..., (H // t - 1) t`` and the same for
        ``x``; empty if the image is smaller than one tile (remainders are dropped).

    Raises:
        ValueError: if ``tile_size`` is not a positive int.
    """
    check_positive_int(tile_size, "tile_size")
    return [(y * tile_size, x * tile_size)
            for y in range(height // tile_size) for x in range(width // tile_size)]
