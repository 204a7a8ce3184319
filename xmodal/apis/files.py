"""File-level helpers of ``xmodal upsample``: pair inputs, run one pair, write the results.

For each (RGB, LR depth[, HR ground truth]) triple, :func:`upsample_file` writes
into the output folder, named after the depth file's stem:

* ``<stem>_sr.<ext>``: the HR depth, same format and unit as the input depth
  (16-bit PNG in mm -> 16-bit PNG in mm, ...), invalid pixels 0;
* ``<stem>_sr_color.png`` and ``<stem>_lr_color.png`` (``colormap``): output and
  input coloured on one shared scale (the valid LR min/max);
* with a ground truth: ``<stem>_error.png`` (absolute error, coloured from 0 to its
  99th percentile) and the RMSE in the protocol's unit (mm, m -> cm; disparity ->
  8-bit levels) of the model and of Pillow-bicubic up-sampling of the same LR.
  The RMSE is over pixels valid in the ground truth and in the output (a masked
  RMSE: real sensor ground truth has holes, the synthetic protocol's RMSE does not
  mask).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .depth_io import UNIT_TO_REPORT, colourise, read_depth, read_rgb, write_depth
from .holes import fill_invalid, invalid_mask
from .inference import logger, upsample

__all__ = ["IMAGE_SUFFIXES", "list_inputs", "pair_inputs", "bicubic_baseline", "upsample_file"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
DEPTH_SUFFIXES = (".png", ".npy", ".npz", ".tif", ".tiff")


def list_inputs(path: str | Path, suffixes: tuple[str, ...], name: str) -> list[Path]:
    """A file as ``[path]``, or a folder's files with one of ``suffixes``, sorted by name.

    Raises:
        FileNotFoundError: the path does not exist.
        ValueError: a folder with no matching file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name}: file not found: {path}")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise ValueError(f"{name}: no {'/'.join(suffixes)} file in folder {path}")
    return files


def pair_inputs(
    rgb: str | Path, depth: str | Path, gt: str | Path | None = None
) -> list[tuple[Path, Path, Path | None]]:
    """Pair RGB, LR depth (and ground-truth) files: one of each, or folders matched by
    sorted file name (the GDSR datasets' convention).

    Raises:
        FileNotFoundError: a path does not exist.
        ValueError: folders with different numbers of files.
    """
    rgbs = list_inputs(rgb, IMAGE_SUFFIXES, "rgb")
    depths = list_inputs(depth, DEPTH_SUFFIXES, "depth")
    gts = list_inputs(gt, DEPTH_SUFFIXES, "gt") if gt is not None else [None] * len(depths)
    if not (len(rgbs) == len(depths) == len(gts)):
        raise ValueError(f"{len(rgbs)} rgb, {len(depths)} depth"
                         + (f", {len(gts)} gt" if gt is not None else "")
                         + " files: folders are paired by sorted file name and must hold as many")
    return list(zip(rgbs, depths, gts))


def bicubic_baseline(depth_lr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Pillow bicubic resize of the hole-filled LR depth to ``size`` = (H, W).

    Args:
        depth_lr: float32 (h, w), file units, holes as 0/NaN/inf.
        size: output (H, W); any ratio (real sensors need not give an integer one).

    Returns:
        float32 (H, W), file units.
    """
    t = torch.from_numpy(np.asarray(depth_lr, np.float32))[None, None]
    filled = fill_invalid(t, invalid_mask(t))[0, 0].numpy()
    img = Image.fromarray(np.ascontiguousarray(filled))
    return np.asarray(img.resize((size[1], size[0]), Image.BICUBIC), dtype=np.float32)


def _masked_rmse(pred: np.ndarray, gt: np.ndarray, factor: float) -> float:
    ok = np.isfinite(pred) & np.isfinite(gt) & (gt != 0)
    diff = (pred[ok].astype(np.float64) - gt[ok]) * factor
    return float(np.sqrt(np.mean(diff ** 2)))


def upsample_file(
    rgb_path: str | Path,
    depth_path: str | Path,
    out_dir: str | Path,
    gt_path: str | Path | None = None,
    depth_unit: str | None = None,
    colormap: str | None = "turbo",
    **kwargs,
) -> dict:
    """Super-resolve one file pair and write the results (see the module docstring).

    Args:
        rgb_path: 8-bit RGB guide.
        depth_path: LR depth (16-bit PNG mm, 8-bit PNG disparity, .npy/.npz metres).
        out_dir: output folder (created).
        gt_path: optional HR ground truth, same format and unit as the depth, the
            guide's size.
        depth_unit: unit of the depth files (None: the format's default).
        colormap: matplotlib colormap of the coloured PNGs, None for none.
        **kwargs: passed to :func:`xmodal.apis.upsample` (scale, model, weights, device,
            tile, overlap, consistent, fp16, resize_guide, progress).

    Returns:
        dict with ``'outputs'`` (paths written), ``'info'`` (from :func:`upsample`),
        ``'clipped'`` and, with a ground truth, ``'rmse'``, ``'rmse_bicubic'``,
        ``'rmse_unit'``.

    Raises:
        FileNotFoundError, ValueError, TypeError: bad inputs (see :func:`upsample` and
        :mod:`xmodal.apis.depth_io`); a ground truth whose size differs from the output.
    """
    rgb = read_rgb(rgb_path)
    dfile = read_depth(depth_path, depth_unit)
    gt = None
    if gt_path is not None:
        gfile = read_depth(gt_path, dfile.unit)
        gt = gfile.depth
        if gt.shape != rgb.shape[:2]:
            raise ValueError(f"gt: size {gt.shape[1]}x{gt.shape[0]} differs from the rgb size "
                             f"{rgb.shape[1]}x{rgb.shape[0]} ({gt_path})")
    try:
        pred, info = upsample(rgb, dfile.depth, depth_unit=dfile.unit, return_info=True, **kwargs)
    except ValueError as err:
        raise ValueError(f"{err} ({Path(depth_path).name})") from None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(depth_path).stem
    out_path = out_dir / f"{stem}_sr{dfile.suffix}"
    clipped = write_depth(out_path, pred, dfile.fmt)
    if clipped:
        logger.warning("%s: %d valid pixels clipped to the %s range", out_path.name, clipped,
                       dfile.fmt)
    result: dict = {"outputs": [str(out_path)], "info": info, "clipped": clipped}
    if colormap:
        vmin, vmax = info["depth_min"], info["depth_max"]
        lr_shown = np.where(invalid_mask(torch.from_numpy(dfile.depth)).numpy(), np.nan,
                            dfile.depth)
        for tag, arr in (("sr", pred), ("lr", lr_shown)):
            p = out_dir / f"{stem}_{tag}_color.png"
            Image.fromarray(colourise(arr, vmin, vmax, colormap)).save(p)
            result["outputs"].append(str(p))
    if gt is not None:
        factor, unit = UNIT_TO_REPORT[dfile.unit]
        gt_masked = np.where(invalid_mask(torch.from_numpy(gt)).numpy(), np.nan, gt)
        base = bicubic_baseline(dfile.depth, gt.shape)
        result.update(rmse=_masked_rmse(pred, gt_masked, factor),
                      rmse_bicubic=_masked_rmse(base, gt_masked, factor), rmse_unit=unit)
        err = np.abs(pred - gt_masked) * factor
        top = float(np.nanpercentile(err, 99)) if np.isfinite(err).any() else 1.0
        p = out_dir / f"{stem}_error.png"
        Image.fromarray(colourise(err, 0.0, max(top, 1e-6), colormap or "magma")).save(p)
        result["outputs"].append(str(p))
    return result
