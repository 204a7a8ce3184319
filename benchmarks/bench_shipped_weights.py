"""The model card's figures for the shipped D2A2 weights, measured when the script runs.

For every scale with shipped weights (or ``--weights 4=PATH ...``) and each model
of ``--models`` (default: ``d2a2`` and ``d2a2_diffusion``, D2A2's estimate refined
by learning-free DADA; a refining model takes D2A2's file):

- Middlebury (standard synthetic protocol, ``clamp=False``, 8-bit units, all
  frames): RMSE of the model with each frame's own RGB, with a **mismatched guide**
  (the next frame's RGB resized to this frame's size,
  :func:`xmodal.evaluation.evaluate_generator`) and of Pillow bicubic; the guide
  effect is how far the RMSE with the true guide lies below the mismatched one,
  ``xmodal.evaluation.guide_effect``, ``1 - true / mismatched``;
- the RGB-D-D real-world branch (``rgbdd_realscene``: real 192x144 sensor LR,
  512x384 RGB and HR ground truth, cm, invalid ground-truth pixels masked):
  per-frame RMSE of ``xmodal upsample --resize-guide`` (the guide is resized to
  the scale's multiple of the LR, the output resized back) beside Pillow
  bicubic of the same LR, through :func:`xmodal.apis.files.upsample_file`, and
  their mean (the model table's ``realworld_rmse_cm``); then the same with
  ``--register 10`` (the LR first moved onto the guide by the global translation
  that best aligns its edges, :class:`xmodal.align.GuideRegistration`; the
  table's ``realworld_registered_rmse_cm``), still beside Pillow bicubic of the
  LR as given.

Usage (``XMODAL_DATA`` or ``--data``: the folder that holds ``gdsr/``)::

    OMP_NUM_THREADS=2 python benchmarks/bench_shipped_weights.py --data ../shared/data
    python benchmarks/bench_shipped_weights.py --weights 4=work_dirs/x4.pth --scales 4
    python benchmarks/bench_shipped_weights.py --no-middlebury --models d2a2 bicubic dada
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from xmodal.apis.files import pair_inputs, upsample_file
from xmodal.datasets import MiddleburyDataset
from xmodal.evaluation import evaluate_generator, guide_effect
from xmodal.weights import build_generator


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path("../shared/data"),
                   help="folder that holds gdsr/ (middlebury, rgbdd_realscene)")
    p.add_argument("--scales", type=int, nargs="+", default=[4, 8, 16])
    p.add_argument("--weights", nargs="*", default=[], metavar="SCALE=PATH",
                   help="weights file per scale (default: the shipped ones)")
    p.add_argument("--models", nargs="+", default=["d2a2", "d2a2_diffusion"])
    p.add_argument("--limit", type=int, default=None, help="first N Middlebury frames only")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-middlebury", action="store_true",
                   help="the RGB-D-D real-world rows only")
    return p.parse_args()


def middlebury_row(model: str, scale: int, weights: str | None, root: Path,
                   limit: int | None) -> str:
    net, _ = build_generator(model, scale, weights)
    ds = MiddleburyDataset(data_root=root / "gdsr" / "middlebury", scale=scale)
    frames = range(len(ds) if limit is None else min(limit, len(ds)))
    true = evaluate_generator(net, ds, indices=frames)
    other = evaluate_generator(net, ds, guide="mismatched", indices=frames)
    gain = 100 * (1 - true["rmse"] / true["bicubic_rmse"])
    effect = 100 * guide_effect(true["rmse"], other["rmse"])
    return (f"| {model} | x{scale} | {len(frames)} | {true['rmse']:.3f} | "
            f"{true['bicubic_rmse']:.3f} | {gain:+.1f} % | {other['rmse']:.3f} | {effect:+.1f} % |")


def realscene_rows(model: str, weights: str | None, root: Path,
                   register: int | None = None) -> list[str]:
    base = root / "gdsr" / "rgbdd_realscene"
    rows, rmse, bicubic, scales = [], [], [], set()
    with tempfile.TemporaryDirectory() as out:
        for rgb, lr, gt in pair_inputs(base / "rgb", base / "depth_lr", base / "depth_hr"):
            r = upsample_file(rgb, lr, out, gt_path=gt, colormap=None, model=model,
                              weights=weights, resize_guide=True, device="cpu",
                              register=register)
            verdict = "below" if r["rmse"] < r["rmse_bicubic"] else "NOT below"
            shift = r["info"]["registration_shift"]
            rows.append(f"| {model} | {Path(lr).name.split('_')[0]} | x{r['info']['scale']} | "
                        f"{shift or '-'} | {r['rmse']:.3f} | {r['rmse_bicubic']:.3f} | "
                        f"{verdict} |")
            rmse.append(r["rmse"])
            bicubic.append(r["rmse_bicubic"])
            scales.add(f"x{r['info']['scale']}")
    # the mean is the model table's realworld_rmse_cm (realworld_registered_rmse_cm with
    # register; xmodal/zoo.py)
    rows.append(f"| {model} | mean | {'/'.join(sorted(scales))} | | "
                f"{sum(rmse) / len(rmse):.3f} | {sum(bicubic) / len(bicubic):.3f} | |")
    return rows


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    given = {int(k): v for k, v in (w.split("=", 1) for w in args.weights)}
    t0 = time.time()
    if not args.no_middlebury:
        print("Middlebury, 8-bit units, clamp=False (mismatched: the next frame's RGB)")
        print("| model | scale | frames | RMSE | bicubic (PIL) | gain | mismatched guide | "
              "guide effect |\n|---|---|---|---|---|---|---|---|")
        for model in args.models:
            for scale in args.scales:
                print(middlebury_row(model, scale, given.get(scale), args.data, args.limit),
                      flush=True)
    for register in (None, 10):
        print("\nRGB-D-D real-world branch, cm, masked, xmodal upsample --resize-guide"
              + ("" if register is None else f" --register {register}"))
        print("| model | frame | model scale | registration shift (dy, dx) | RMSE | "
              "bicubic (PIL, LR as given) | |\n|---|---|---|---|---|---|---|")
        for model in args.models:
            print("\n".join(realscene_rows(model, given.get(4), args.data, register)),
                  flush=True)
    print(f"\n({time.time() - t0:.0f} s, {args.threads} threads)")


if __name__ == "__main__":
    main()
