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

Everything is computed before the first file is written; each file is written
atomically (a temporary file in the output folder, then renamed), so a failure
leaves no partial file. An existing output of the same name is replaced, unless
``overwrite=False``.

Folders are paired by file name (:func:`pair_inputs`): the stems must agree once
a tag shared by every file of a folder is removed (``20200509_RGB.jpg`` pairs
with ``20200509_LR_fill_depth.png``); unmatched or ambiguous stems are refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from xmodal.datasets.pairing import is_hidden_metadata, list_by_id, match_ids
from xmodal.evaluation import rmse
from xmodal.utils import invalid_depth

from .atomic import atomic_outputs
from .depth_io import (
    DEPTH_SUFFIXES,
    IMAGE_SUFFIXES,
    UNIT_TO_REPORT,
    check_colormap,
    read_depth,
    read_rgb,
    write_depth,
    write_png,
)
from .holes import fill_invalid, invalid_mask
from .inference import upsample
from .inferencer import GDSRInferencer, logger

__all__ = ["list_inputs", "pair_key_tag", "pair_files", "pair_inputs", "output_paths",
           "check_out_dir", "bicubic_baseline", "upsample_file"]

#: Characters a folder's shared name tag starts with (``_RGB``, ``-depth``, ``.lr``).
TAG_SEPARATORS = "_-. "


def list_inputs(path: str | Path, suffixes: tuple[str, ...], name: str) -> list[Path]:
    """A file as ``[path]``, or a folder's files with one of ``suffixes``, sorted by name.

    Raises:
        FileNotFoundError: the path does not exist.
        ValueError: a file with another suffix, or a folder with no matching file.

    macOS AppleDouble files (``._name``) of a folder are ignored.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name}: file not found: {path}")
    if path.is_file():
        if path.suffix.lower() not in suffixes:
            raise ValueError(f"{name}: unsupported file type {path.suffix!r} ({path}); "
                             f"expected one of {', '.join(suffixes)}")
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                   and not is_hidden_metadata(p))
    if not files:
        raise ValueError(f"{name}: no {'/'.join(suffixes)} file in folder {path}")
    return files


def pair_key_tag(stems: list[str]) -> str:
    """The name tag shared by all ``stems``: their longest common ending that starts with
    one of :data:`TAG_SEPARATORS` and leaves every stem a non-empty key (``''`` if none).

    A folder of one file has no tag: an ending only one file has is part of its id
    (else ``scene_0001`` and ``scene_0007`` would both pair as ``scene``).

    Example:
        >>> pair_key_tag(['0001_RGB', '0002_RGB'])
        '_RGB'
        >>> pair_key_tag(['11', '21'])
        ''
        >>> pair_key_tag(['scene_0001'])
        ''
    """
    if len(stems) < 2:
        return ""
    shortest = min(stems, key=len)
    for start in range(1, len(shortest)):
        tag = shortest[start:]
        if tag[0] in TAG_SEPARATORS and all(s.endswith(tag) for s in stems):
            return tag
    return ""


def _by_id(files: list[Path], name: str) -> dict[str, Path]:
    """``{image id: file}`` of one folder: the stem minus the folder's tag (see above)."""
    tag = pair_key_tag([p.stem for p in files])
    return list_by_id(files[0].parent, sorted({tag + p.suffix for p in files}), name)


def pair_files(paths: dict[str, str | Path], suffixes: dict[str, tuple[str, ...]],
               who: str) -> list[tuple[Path, ...]]:
    """Pair inputs of several roles: one file each, or folders paired by image id.

    The id is the file stem minus the folder's tag (see the module docstring),
    matched as the datasets match them (:mod:`xmodal.datasets.pairing`). Shared by
    ``xmodal upsample`` (:func:`pair_inputs`) and ``xmodal fuse``.

    Args:
        paths: ``{role: file or folder}`` in output order (e.g. ``{'ir': .., 'vis': ..}``).
        suffixes: ``{role: accepted file suffixes}``.
        who: the command, named in the errors.

    Returns:
        One tuple of paths per pair, in the order of ``paths``, sorted by id.

    Raises:
        FileNotFoundError: a path does not exist.
        ValueError: a file next to a folder, a folder with one id for several files
            (``a.png`` + ``a.jpg``), or ids that do not pair up one to one (the
            message lists the unpaired files).
    """
    paths = {n: Path(p) for n, p in paths.items()}
    files = {n: list_inputs(p, suffixes[n], n) for n, p in paths.items()}
    if all(p.is_file() for p in paths.values()):
        return [tuple(f[0] for f in files.values())]
    if any(p.is_file() for p in paths.values()):
        raise ValueError(f"{', '.join(paths)}: give all files or all folders")
    by_id = {n: _by_id(f, n) for n, f in files.items()}
    ids = match_ids(by_id, who, " and ".join(str(p) for p in paths.values()))
    return [tuple(by_id[n][k] for n in paths) for k in ids]


def pair_inputs(
    rgb: str | Path, depth: str | Path, gt: str | Path | None = None
) -> list[tuple[Path, Path, Path | None]]:
    """Pair RGB, LR depth (and ground-truth) inputs: one file each, or folders paired by
    image id as the datasets pair them (:mod:`xmodal.datasets.pairing`), the id being
    the file stem minus the folder's tag (see the module docstring); sorted by id.

    Args:
        rgb: an RGB guide file, or a folder of them.
        depth: an LR depth file, or a folder of them.
        gt: optional HR ground-truth file or folder (same kind as the others).

    Returns:
        ``[(rgb_path, depth_path, gt_path or None), ...]``.

    Raises:
        FileNotFoundError: a path does not exist.
        ValueError: a file next to a folder, a folder with one id for several files
            (``a.png`` + ``a.npy``), or ids that do not pair up one to one (the
            message lists the unpaired files).
    """
    paths = {"rgb": rgb, "depth": depth} | ({"gt": gt} if gt else {})
    suffixes = {"rgb": IMAGE_SUFFIXES, "depth": DEPTH_SUFFIXES, "gt": DEPTH_SUFFIXES}
    pairs = pair_files(paths, suffixes, "xmodal upsample")
    return [(p[0], p[1], p[2] if gt else None) for p in pairs]


def output_paths(depth_path: str | Path, out_dir: str | Path, colormap: str | None = None,
                 with_gt: bool = False) -> list[Path]:
    """The files :func:`upsample_file` writes for ``depth_path`` (HR depth first)."""
    depth_path, out_dir = Path(depth_path), Path(out_dir)
    stem, suffix = depth_path.stem, depth_path.suffix.lower()
    paths = [out_dir / f"{stem}_sr{suffix if suffix in ('.npy', '.npz') else '.png'}"]
    if colormap:
        paths += [out_dir / f"{stem}_sr_color.png", out_dir / f"{stem}_lr_color.png"]
    if with_gt:
        paths.append(out_dir / f"{stem}_error.png")
    return paths


def check_out_dir(out_dir: str | Path) -> None:
    """Refuse an output folder that is a file or cannot be written, before any compute.

    The folder, or its nearest existing parent when it is still to be created, must
    be a folder this process may write to.

    Raises:
        ValueError: the message names the path.
    """
    path = Path(out_dir)
    for p in (path, *path.parents):
        if p.exists():
            if not p.is_dir():
                raise ValueError(f"out: {p} is a file, not a folder ({out_dir})")
            if not os.access(p, os.W_OK | os.X_OK):
                raise ValueError(f"out: {p} is not writable ({out_dir})")
            return


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
    """RMSE in the report unit over pixels valid in the output and in the ground truth."""
    valid = np.isfinite(pred) & ~invalid_depth(gt)
    return rmse(np.nan_to_num(pred.astype(np.float64)) * factor,
                np.nan_to_num(gt.astype(np.float64)) * factor, valid=valid)


def _read_gt(gt_path: str | Path, unit: str, size: tuple[int, int]) -> np.ndarray:
    gt = read_depth(gt_path, unit).depth
    if gt.shape != size:
        raise ValueError(f"gt: size {gt.shape[1]}x{gt.shape[0]} differs from the rgb size "
                         f"{size[1]}x{size[0]} ({gt_path})")
    return np.where(invalid_depth(gt), np.nan, gt)


def _gt_figures(pred: np.ndarray, gt: np.ndarray, lr: np.ndarray, unit: str) -> dict:
    """RMSE of the model and of bicubic against ``gt`` (NaN = invalid), in the report unit."""
    factor, report = UNIT_TO_REPORT[unit]
    base = bicubic_baseline(lr, gt.shape)
    return dict(rmse=_masked_rmse(pred, gt, factor), rmse_bicubic=_masked_rmse(base, gt, factor),
                rmse_unit=report)


def upsample_file(
    rgb_path: str | Path,
    depth_path: str | Path,
    out_dir: str | Path,
    gt_path: str | Path | None = None,
    depth_unit: str | None = None,
    colormap: str | None = "turbo",
    overwrite: bool = True,
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
        overwrite: replace existing outputs (False: refuse before any compute).
        **kwargs: passed to :func:`xmodal.apis.upsample` (scale, model, weights, device,
            tile, overlap, consistent, fp16, resize_guide, progress, register).

    Returns:
        dict with ``'outputs'`` (paths written), ``'info'`` (from :func:`upsample`),
        ``'clipped'`` and, with a ground truth, ``'rmse'``, ``'rmse_bicubic'``,
        ``'rmse_unit'``.

    Raises:
        FileNotFoundError, ValueError, TypeError: bad inputs or arguments, checked
            before any compute (see :func:`upsample` and :mod:`xmodal.apis.depth_io`);
            a ground truth whose size differs from the output; an existing output
            with ``overwrite=False``.
        RuntimeError: the model's output failed the final check (nothing written).
        OSError: an output cannot be written (the message names it). The outputs
            are one set, written all-or-nothing (:func:`xmodal.apis.atomic.atomic_outputs`):
            on a failure every earlier output of the file stays as it was; on success
            an earlier ``_error.png`` / colour PNG this run does not write is removed.
    """
    if colormap:
        check_colormap(colormap)
    check_out_dir(out_dir)
    targets = output_paths(depth_path, out_dir, colormap, gt_path is not None)
    if not overwrite and any(p.exists() for p in targets):
        raise ValueError(f"out: {next(p for p in targets if p.exists())} exists "
                         "(--no-overwrite)")
    rgb = read_rgb(rgb_path)
    dfile = read_depth(depth_path, depth_unit)
    gt = _read_gt(gt_path, dfile.unit, rgb.shape[:2]) if gt_path is not None else None
    try:
        pred, info = upsample(rgb, dfile.depth, depth_unit=dfile.unit, return_info=True, **kwargs)
    except (ValueError, RuntimeError) as err:
        raise type(err)(f"{err} ({Path(depth_path).name})") from None
    images = GDSRInferencer.visualize(pred, dfile.depth, info, gt, colormap,
                                      UNIT_TO_REPORT[dfile.unit][0])
    result = _gt_figures(pred, gt, dfile.depth, dfile.unit) if gt is not None else {}
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    every = output_paths(depth_path, out_dir, "turbo", True)  # an earlier run's set
    with atomic_outputs(targets, remove=every[1:]):  # all-or-nothing, no stale members
        clipped = write_depth(targets[0], pred, dfile.fmt)
        for path, image in zip(targets[1:], images.values(), strict=True):  # same order
            write_png(path, image)
    if clipped:
        logger.warning("%s: %d valid pixels clipped to the %s range", targets[0].name, clipped,
                       dfile.fmt)
    return dict(result, outputs=[str(p) for p in targets], info=info, clipped=clipped)


