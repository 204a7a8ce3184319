"""Score a pretrained GDSR model on a benchmark set: ``xmodal evaluate``.

Also ``python -m xmodal.tools.evaluate``. Examples::

    xmodal evaluate --sample                      # shipped D2A2 on the embedded sample
    xmodal evaluate --dataset middlebury --data-root RawDatasets/Middlebury --scales 4 8 16
    xmodal evaluate --weights my_x8.pth --scales 8 --guide mismatched

For each scale it prints the mean per-image RMSE of the model beside Pillow
bicubic of the same LR, under the standard synthetic protocol (mod-crop, LR by
Pillow bicubic, HR min-max; no clamp; Middlebury / Lu in 8-bit levels, RGB-D-D
and NYUv2 in cm, NYUv2 with its 6-pixel border crop): see ``docs/evaluation.md``.
``--guide mismatched`` feeds every frame the next frame's RGB, which shows
how much the model relies on its guide (:func:`xmodal.evaluation.evaluate_generator`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["build_parser", "main"]

PROG = "xmodal evaluate"
DATASETS = {"middlebury": "MiddleburyDataset", "lu": "LuDataset", "rgbdd": "RGBDDDataset",
            "nyuv2": "NYUv2Dataset"}


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser of ``xmodal evaluate``."""
    from xmodal.zoo import model_names

    p = argparse.ArgumentParser(prog=prog, description="Benchmark RMSE of a pretrained GDSR "
                                "model beside bicubic (standard synthetic protocol).")
    p.add_argument("--model", default="d2a2", choices=model_names(),
                   help="a model of the model table (xmodal.zoo); default d2a2")
    p.add_argument("--weights", help="weights file (default: the shipped ones)")
    p.add_argument("--scales", type=int, nargs="+", default=[4, 8, 16])
    p.add_argument("--dataset", default="middlebury", choices=sorted(DATASETS))
    p.add_argument("--data-root", type=Path, help="dataset folder (default: XMODAL_DATA, "
                   "then the sample embedded in the package)")
    p.add_argument("--sample", action="store_true",
                   help="use the sample embedded in the package (6 Middlebury frames)")
    p.add_argument("--limit", type=int, help="score the first N frames only")
    p.add_argument("--guide", default="true", choices=["true", "mismatched"])
    p.add_argument("--subset", choices=["train", "val", "test_realworld"],
                   help="with --dataset rgbdd: only the frames of that subset of the package's "
                        "RGB-D-D split (xmodal.datasets.splits; 'val' is what the shipped "
                        "weights were chosen on)")
    return p


def _dataset(args: argparse.Namespace, scale: int):
    import xmodal.datasets as ds
    from xmodal.datasets.paths import EMBEDDED_DATA

    root = args.data_root
    if args.sample:
        root = EMBEDDED_DATA / "gdsr" / args.dataset
    if args.subset is not None:
        return ds.RGBDDSplitDataset(subset=args.subset, data_root=root, scale=scale)
    return getattr(ds, DATASETS[args.dataset])(data_root=root, scale=scale)


def _score(args: argparse.Namespace, scale: int) -> str:
    from xmodal.evaluation import evaluate_generator
    from xmodal.weights import build_generator

    generator, _ = build_generator(args.model, scale, args.weights)
    dataset = _dataset(args, scale)
    n = len(dataset) if args.limit is None else min(args.limit, len(dataset))
    m = evaluate_generator(generator, dataset, guide=args.guide, indices=range(n))
    unit = dataset.unit
    gain = 100.0 * (1.0 - m["rmse"] / m["bicubic_rmse"])
    return (f"| x{scale} | {n} | {m['rmse']:.4f} | {m['bicubic_rmse']:.4f} | {gain:+.1f} % "
            f"| {unit} |")


def main(argv: list[str] | None = None) -> int:
    """Run ``xmodal evaluate``; prints a Markdown table, one row per scale.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).

    Returns:
        0; a bad argument or missing file prints one ``error:`` line and exits 1.
    """
    args = build_parser().parse_args(argv)
    if args.limit is not None and args.limit < 1:
        build_parser().error(f"--limit must be a positive integer, got {args.limit}")
    if args.subset is not None and args.dataset != "rgbdd":
        build_parser().error(f"--subset selects RGB-D-D frames; it needs --dataset rgbdd, "
                             f"got --dataset {args.dataset}")
    from mmengine.logging import MMLogger

    MMLogger.get_instance("xmodal-evaluate", log_level="WARNING")  # the table says it all
    print(f"{args.model} on {args.dataset} ({args.guide} guide), RMSE per image, mean")
    print("| scale | frames | model | bicubic (PIL) | gain | unit |\n|---|---|---|---|---|---|")
    try:
        for scale in args.scales:
            print(_score(args, scale), flush=True)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(1) from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
