"""Super-resolve your own LR sensor depth with an RGB guide: ``xmodal upsample``.

Also ``python -m xmodal.tools.upsample``. Examples::

    xmodal upsample --rgb scene_RGB.jpg --depth scene_LR.png --out out/
    xmodal upsample --rgb rgb/ --depth depth_lr/ --gt depth_hr/ --out out/ --resize-guide
    xmodal upsample --rgb a.png --depth a.npy --out out/ --tile 512 --overlap 32 --consistent
    xmodal upsample --model dsrdiff --weights dsrdiff_x4.pth --rgb rgb/ --depth depth_lr/ \
        --out out/ --resize-guide

Every bad input (missing file, non-image, mismatched sizes, all-invalid depth,
4-channel guide, NaN guide, missing weights ...) prints one ``error:`` line on
stderr and exits with status 1; a folder run goes on with the other files and
exits 1 at the end if any failed. What is written: :mod:`xmodal.apis.files`.

On CPU the command runs the 3x3 convolutions on NNPACK's Winograd kernels
(:class:`xmodal.ops.NNPACKConv2d`; channels-last where this torch has no NNPACK;
see ``docs/performance.md``) and, since it owns its process, keeps freed memory for reuse
(:func:`xmodal.apis.retain_freed_memory`), which spares the page faults of
every full-size feature map.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

__all__ = ["build_parser", "main"]

PROG = "xmodal upsample"


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser of ``xmodal upsample``."""
    from xmodal.apis.depth_io import DEPTH_UNITS

    p = argparse.ArgumentParser(
        prog=prog, description="Guided depth super-resolution of your own RGB + LR depth "
        "(no HR ground truth needed). Folders are paired by sorted file name.")
    p.add_argument("--rgb", required=True, help="HR RGB guide (8-bit png/jpg) or a folder")
    p.add_argument("--depth", required=True, help="LR depth (16-bit PNG mm, 8-bit PNG "
                   "disparity, .npy/.npz metres) or a folder")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--gt", help="HR ground-truth depth (or folder): writes an error map and "
                   "prints the RMSE beside bicubic")
    p.add_argument("--scale", type=int, help="scale factor (default: inferred from the sizes)")
    p.add_argument("--model", default="d2a2", choices=["d2a2", "dsrdiff", "bicubic"],
                   help="d2a2 (pretrained weights), dsrdiff (DSR-Diff GRN + DSRN; needs "
                   "--weights) or bicubic (no network)")
    p.add_argument("--weights", help="weights file: D2A2 (default: the shipped ones; only x4 "
                   "is shipped) or DSR-Diff stage 2 (required with --model dsrdiff)")
    p.add_argument("--depth-unit", choices=DEPTH_UNITS,
                   help="unit of the depth files (default: mm for 16-bit PNG, disparity for "
                   "8-bit PNG, m for .npy/.npz)")
    p.add_argument("--tile", type=int, help="tiled inference: tile size in HR pixels")
    p.add_argument("--overlap", type=int, default=32, help="tile overlap in HR pixels (32)")
    p.add_argument("--resize-guide", action="store_true", help="resize the guide when its "
                   "size is not an integer multiple of the depth's (output at the guide's size)")
    p.add_argument("--consistent", action="store_true", help="LR-consistent output (DADA "
                   "adjustment: average-pooling the output gives back the LR depth)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--fp16", action="store_true", help="float16 autocast (CUDA)")
    p.add_argument("--colormap", nargs="?", const="turbo", default="turbo",
                   help="matplotlib colormap of the coloured PNGs (default turbo)")
    p.add_argument("--no-color", action="store_true", help="write no coloured PNG")
    p.add_argument("--quiet", action="store_true", help="no progress bar or log lines")
    return p


def _error(msg: str) -> None:
    print(f"{PROG}: error: {msg}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns 0, or raises ``SystemExit(1)`` after one error line per failure.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(message)s")
    try:
        from xmodal.apis.files import pair_inputs, upsample_file

        pairs = pair_inputs(args.rgb, args.depth, args.gt)
    except (OSError, ValueError) as err:
        _error(str(err))
        raise SystemExit(1) from None
    from tqdm import tqdm

    from xmodal.apis import retain_freed_memory
    from xmodal.apis.inference import resolve_device

    try:
        if resolve_device(args.device).type == "cpu":
            retain_freed_memory()
    except ValueError:
        pass  # an unusable --device is reported per file by upsample_file
    kwargs = dict(scale=args.scale, model=args.model, weights=args.weights, device=args.device,
                  tile=args.tile, overlap=args.overlap, consistent=args.consistent,
                  fp16=args.fp16, resize_guide=args.resize_guide, progress=not args.quiet)
    failed, rows = 0, []
    for rgb, depth, gt in tqdm(pairs, desc="files", disable=args.quiet or len(pairs) == 1):
        try:
            res = upsample_file(rgb, depth, args.out, gt_path=gt, depth_unit=args.depth_unit,
                                colormap=None if args.no_color else args.colormap, **kwargs)
        except (OSError, ValueError, TypeError, ImportError, RuntimeError) as err:
            failed += 1
            _error(str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__)
            continue
        out = res["outputs"][0]
        if "rmse" in res:
            rows.append({"depth": str(depth), "output": out, "rmse": res["rmse"],
                         "rmse_bicubic": res["rmse_bicubic"], "unit": res["rmse_unit"]})
            print(f"{Path(depth).name}: RMSE {res['rmse']:.4f} {res['rmse_unit']} "
                  f"(bicubic {res['rmse_bicubic']:.4f}) -> {out}")
        elif not args.quiet:
            print(f"{Path(depth).name} -> {out}")
    if rows:
        n = len(rows)
        mean = sum(r["rmse"] for r in rows) / n
        mean_bic = sum(r["rmse_bicubic"] for r in rows) / n
        print(f"mean RMSE over {n} file(s): {mean:.4f} {rows[0]['unit']} "
              f"(bicubic {mean_bic:.4f})")
        (Path(args.out) / "rmse.json").write_text(json.dumps(
            {"files": rows, "mean_rmse": mean, "mean_rmse_bicubic": mean_bic}, indent=1))
    if failed:
        if len(pairs) > 1:
            _error(f"{failed} of {len(pairs)} input(s) failed")
        raise SystemExit(1)
    return 0


if __name__ == "__main__":
    main()
