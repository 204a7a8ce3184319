"""Super-resolve your own LR sensor depth with an RGB guide: ``xmodal upsample``.

Also ``python -m xmodal.tools.upsample``. Examples::

    xmodal upsample --rgb scene_RGB.jpg --depth scene_LR.png --out out/
    xmodal upsample --rgb rgb/ --depth depth_lr/ --gt depth_hr/ --out out/ --resize-guide
    xmodal upsample --rgb rgb/ --depth depth_lr/ --out out/ --resize-guide --register
    xmodal upsample --rgb a.png --depth a.npy --out out/ --tile 512 --overlap 32 --consistent
    xmodal upsample --model dada --rgb scene_RGB.jpg --depth scene_LR.png --out out/
    xmodal upsample --model dsrdiff --weights dsrdiff_x4.pth --rgb rgb/ --depth depth_lr/ \
        --out out/ --resize-guide

``--model`` takes the names of the model table (:mod:`xmodal.zoo`; e.g. ``dada``
for learning-free DADA); without it each scale runs the table's default model.

Every argument (colormap, output folder, tile/overlap, device, weights file) and
the pairing of folders are checked before any compute. Every bad input (missing
file, non-image, mismatched sizes, all-invalid or negative depth, 4-channel
guide, NaN guide, missing weights, an input too small for the model ...) prints
one ``error:`` line on stderr and exits with status 1, with nothing written for
it; a folder run goes on with the other files and exits 1 at the end if any
failed. Outputs are written atomically and replace existing files of the same
name unless ``--no-overwrite``. What is written: :mod:`xmodal.apis.files`.

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
from pathlib import Path

from xmodal.tools._cli import exit_if_failed, first_line, print_error

__all__ = ["build_parser", "main"]

PROG = "xmodal upsample"


def _model_help() -> str:
    from xmodal.zoo import MODEL_TABLE, ModelEntry, default_model, default_scales

    defaults = ", ".join(f"x{s} {default_model(s)}" for s in default_scales())
    def needs(e: ModelEntry) -> str:
        if e.init_model is not None:
            return f", runs {e.init_model} first"
        return ", needs weights" if e.needs_weights and not e.weights else ""

    names = "; ".join(f"{e.name} ({e.scales_text()}{needs(e)})" for e in MODEL_TABLE.values())
    return f"model of the model table: {names}. Default per scale: {defaults}"


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser of ``xmodal upsample`` (``--model`` choices: the model table)."""
    from xmodal.apis.depth_io import DEPTH_UNITS
    from xmodal.zoo import model_names

    p = argparse.ArgumentParser(
        prog=prog, description="Guided depth super-resolution of your own RGB + LR depth "
        "(no HR ground truth needed). Folders are paired by file stem once a tag shared by "
        "every file of a folder is removed (0001_RGB.jpg <-> 0001_LR.png); unmatched or "
        "ambiguous stems (a.png + a.npy) are refused. Outputs go to OUT/<depth stem>_sr.<ext> "
        "(+ _sr_color.png, _lr_color.png, _error.png); an existing output of the same name "
        "is replaced (written atomically) unless --no-overwrite is given.")
    p.add_argument("--rgb", required=True, help="HR RGB guide (8-bit png/jpg) or a folder")
    p.add_argument("--depth", required=True, help="LR depth (16-bit PNG mm, 8-bit PNG "
                   "disparity, .npy/.npz metres; >= 0, 0 = hole) or a folder")
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--gt", help="HR ground-truth depth (or folder): writes an error map and "
                   "prints the RMSE beside bicubic")
    p.add_argument("--scale", type=int, help="scale factor (default: inferred from the sizes)")
    p.add_argument("--model", choices=model_names(), help=_model_help())
    p.add_argument("--weights", help="weights file of the model (default: the shipped one); "
                   "loaded without running any pickled code")
    p.add_argument("--depth-unit", choices=DEPTH_UNITS,
                   help="unit of the depth files (default: mm for 16-bit PNG, disparity for "
                   "8-bit PNG, m for .npy/.npz)")
    p.add_argument("--tile", type=int, help="tiled inference: tile size in HR pixels (a "
                   "positive multiple of the scale)")
    p.add_argument("--overlap", type=int, default=32, help="tile overlap in HR pixels (32; a "
                   "multiple of the scale, smaller than --tile)")
    p.add_argument("--resize-guide", action="store_true", help="enlarge the guide when its "
                   "size is not an integer multiple of the depth's (output at the guide's "
                   "size); a guide smaller than the depth is refused")
    p.add_argument("--register", nargs="?", type=int, const=10, default=None, metavar="PIXELS",
                   help="first move the LR depth by the global translation (up to PIXELS "
                   "guide pixels per axis, default 10) that best aligns its edges with the "
                   "guide's: for a real sensor whose depth sits off the RGB")
    p.add_argument("--consistent", action="store_true", help="LR-consistent output (DADA "
                   "adjustment: average-pooling the output gives back the LR depth)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--fp16", action="store_true", help="float16 autocast (CUDA)")
    p.add_argument("--colormap", nargs="?", const="turbo", default="turbo",
                   help="matplotlib colormap of the coloured PNGs (default turbo)")
    p.add_argument("--no-color", action="store_true", help="write no coloured PNG")
    p.add_argument("--no-overwrite", action="store_true", help="refuse to start if any "
                   "output file exists (default: replace it)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or log lines")
    return p


def _error(msg: str) -> None:
    print_error(PROG, msg)


def _check_args(args: argparse.Namespace) -> list:
    """Every argument checked, and the inputs paired, before any compute; the pairs."""
    from xmodal.apis.depth_io import check_colormap
    from xmodal.apis.files import check_out_dir, output_paths, pair_inputs
    from xmodal.apis.inferencer import resolve_device
    from xmodal.apis.inputs import check_tiling

    if not args.no_color:
        check_colormap(args.colormap)
    check_out_dir(args.out)
    check_tiling(args.tile, args.overlap)
    if args.register is not None and args.register < 0:
        raise ValueError(f"--register must be >= 0 pixels, got {args.register}")
    if resolve_device(args.device).type != "cuda" and args.fp16:
        raise ValueError("--fp16 needs a CUDA device")
    if args.weights is not None and not Path(args.weights).is_file():
        raise FileNotFoundError(f"weights: file not found: {args.weights}")
    pairs = pair_inputs(args.rgb, args.depth, args.gt)
    if args.no_overwrite:
        colormap = None if args.no_color else args.colormap
        taken = [p for _, d, g in pairs for p in output_paths(d, args.out, colormap, g is not None)
                 if p.exists()]
        if taken:
            raise ValueError(f"--no-overwrite: {len(taken)} output(s) exist, e.g. {taken[0]}")
    return pairs


def _run_pairs(args: argparse.Namespace, pairs: list) -> tuple[int, list[dict]]:
    """Run every pair; one error line per failed pair. Returns (failures, RMSE rows)."""
    from tqdm import tqdm

    from xmodal.apis.files import upsample_file

    kwargs = dict(scale=args.scale, model=args.model, weights=args.weights, device=args.device,
                  tile=args.tile, overlap=args.overlap, consistent=args.consistent,
                  fp16=args.fp16, resize_guide=args.resize_guide, progress=not args.quiet,
                  register=args.register)
    failed, rows = 0, []
    for rgb, depth, gt in tqdm(pairs, desc="files", disable=args.quiet or len(pairs) == 1):
        try:
            res = upsample_file(rgb, depth, args.out, gt_path=gt, depth_unit=args.depth_unit,
                                colormap=None if args.no_color else args.colormap,
                                overwrite=not args.no_overwrite, **kwargs)
        except (OSError, ValueError, TypeError, ImportError, RuntimeError) as err:
            failed += 1
            _error(first_line(err))
            continue
        out = res["outputs"][0]
        if "rmse" in res:
            rows.append({"depth": str(depth), "output": out, "rmse": res["rmse"],
                         "rmse_bicubic": res["rmse_bicubic"], "unit": res["rmse_unit"]})
            print(f"{Path(depth).name}: RMSE {res['rmse']:.4f} {res['rmse_unit']} "
                  f"(bicubic {res['rmse_bicubic']:.4f}) -> {out}")
        elif not args.quiet:
            print(f"{Path(depth).name} -> {out}")
    return failed, rows


def _write_summary(out_dir: str, rows: list[dict]) -> None:
    from xmodal.apis.atomic import atomic_write

    n = len(rows)
    mean = sum(r["rmse"] for r in rows) / n
    mean_bic = sum(r["rmse_bicubic"] for r in rows) / n
    print(f"mean RMSE over {n} file(s): {mean:.4f} {rows[0]['unit']} (bicubic {mean_bic:.4f})")
    text = json.dumps({"files": rows, "mean_rmse": mean, "mean_rmse_bicubic": mean_bic},
                      indent=1)
    atomic_write(Path(out_dir) / "rmse.json", lambda fh: fh.write(text.encode()))


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns 0, or raises ``SystemExit(1)`` after one error line per failure.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(message)s")
    try:
        pairs = _check_args(args)
    except (OSError, ValueError, ImportError) as err:
        _error(first_line(err))
        raise SystemExit(1) from None
    from xmodal.apis import retain_freed_memory
    from xmodal.apis.inferencer import resolve_device

    if resolve_device(args.device).type == "cpu":
        retain_freed_memory()
    failed, rows = _run_pairs(args, pairs)
    if rows:
        try:
            _write_summary(args.out, rows)
        except OSError as err:
            failed += 1
            _error(first_line(err))
    exit_if_failed(PROG, failed, len(pairs))
    return 0


if __name__ == "__main__":
    main()
