"""How well the RGB-D-D real-world LR depth is registered with its HR ground truth and guide.

The real-world branch of RGB-D-D (``rgbdd_realscene``) pairs a 192x144 depth
from a low-resolution ToF sensor with a 512x384 RGB image and HR depth. This
script measures, per frame, the masked RMSE (cm) of the Pillow-bicubic
up-sampled LR (:func:`xmodal.apis.files.bicubic_baseline`, the baseline of
``xmodal upsample``) against the HR ground truth as it is, and after moving the
up-sampled LR by every whole-pixel shift ``(dy, dx)`` in ``[-R, R]^2`` (HR
pixels; ``R = --radius``). A best shift far from (0, 0) that lowers the RMSE
a lot means the LR is misregistered with the ground truth (and so with the
guide, which the ground truth is registered to): a model that keeps the LR's
edges where the LR has them inherits that error, and only the guide says where
the edges belong.

Only the central region, ``R`` pixels in from every border, is scored at every
shift (the same pixels for all shifts), with the ground truth's invalid pixels
left out.

Usage (``XMODAL_DATA`` or ``--data``: the folder that holds ``gdsr/``)::

    python benchmarks/bench_realscene_registration.py --data ../shared/data [--radius 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from _common import add_data_argument, format_table, print_banner, require_data

from xmodal.apis.depth_io import UNIT_TO_REPORT, read_depth
from xmodal.apis.files import bicubic_baseline, pair_inputs
from xmodal.utils import invalid_depth


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_argument(p, "gdsr/rgbdd_realscene")
    p.add_argument("--radius", type=int, default=10,
                   help="largest shift tried, HR pixels per axis (>= 1)")
    args = p.parse_args()
    require_data(p, args)
    if args.radius < 1:
        p.error(f"--radius must be >= 1, got {args.radius}")
    return args


def shifted_rmse(pred: np.ndarray, gt: np.ndarray, radius: int,
                 factor: float) -> dict[tuple[int, int], float]:
    """Masked RMSE (report unit) of ``pred`` moved by each (dy, dx) in [-radius, radius]^2.

    Args:
        pred: float (H, W) estimate, file units.
        gt: float (H, W) ground truth, file units, invalid pixels as NaN.
        radius: largest shift per axis, HR pixels.
        factor: file unit -> report unit (e.g. mm -> cm: 0.1).

    Returns:
        {(dy, dx): RMSE}: ``pred[y - dy, x - dx]`` scored at ``(y, x)`` over the
        central region ``radius`` pixels in from every border.
    """
    r = radius
    target = gt[r:-r, r:-r]
    valid = np.isfinite(target)
    h, w = target.shape
    out = {}
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            moved = pred[r - dy:r - dy + h, r - dx:r - dx + w]
            diff = (moved - target)[valid] * factor
            out[(dy, dx)] = float(np.sqrt(np.mean(diff.astype(np.float64) ** 2)))
    return out


def frame_row(lr_path: Path, gt_path: Path, radius: int) -> list[str]:
    lr = read_depth(lr_path)
    gt = read_depth(gt_path, lr.unit).depth.astype(np.float64)
    gt = np.where(invalid_depth(gt), np.nan, gt)
    pred = bicubic_baseline(lr.depth, gt.shape).astype(np.float64)
    factor, unit = UNIT_TO_REPORT[lr.unit]
    scores = shifted_rmse(pred, gt, radius, factor)
    best = min(scores, key=scores.get)
    at_zero = scores[(0, 0)]
    return [lr_path.name.split("_")[0], f"{lr.depth.shape[1]}x{lr.depth.shape[0]}",
            f"{at_zero:.3f} {unit}", f"{best}", f"{scores[best]:.3f} {unit}",
            f"{100 * (1 - scores[best] / at_zero):.0f} %"]


def main() -> None:
    args = parse_args()
    print_banner()
    base = args.data / "gdsr" / "rgbdd_realscene"
    rows = [frame_row(Path(lr), Path(gt), args.radius)
            for _, lr, gt in pair_inputs(base / "rgb", base / "depth_lr", base / "depth_hr")]
    print(format_table(["frame", "LR", "bicubic RMSE, as given", "best shift (dy, dx), HR px",
                        "bicubic RMSE, shifted", "lower by"], rows))


if __name__ == "__main__":
    main()
