"""Fuse your own infrared / visible pairs: ``xmodal fuse``.

Also ``python -m xmodal.tools.fuse``. Examples::

    xmodal fuse --ir ir/17.png --vis vi/17.png --out out/ --weights ivifnet.pth
    xmodal fuse --ir ir/ --vis vi/ --out out/ --weights ivifnet.pth --score

IR: grey, 8- or 16-bit (scaled to [0, 1] by its bit depth); visible: 8-bit RGB or
grey (RGBA refused unless ``--drop-alpha``). Each pair gives
``OUT/<IR stem>_fused.png``, 8-bit RGB: the fused luma with the visible Cb / Cr.
Folders are paired by file name as ``xmodal upsample`` pairs them
(:func:`xmodal.apis.files.pair_files`). ``--score`` prints, per pair and on
average, the CDDFuse-convention metrics (EN SD SF AG MI SCD VIF Qabf SSIM) of the
written image beside average and max-abs fusion of the same sources.

As ``xmodal upsample``: every argument and the pairing are checked, and the
weights loaded, before any compute; every bad input prints one ``error:`` line on
stderr and exits with status 1, with nothing written for it (a folder run goes on
with the other pairs and exits 1 at the end); outputs are written atomically and
replace existing files unless ``--no-overwrite``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from xmodal.tools._cli import exit_if_failed, first_line, print_error

__all__ = ["build_parser", "main"]

PROG = "xmodal fuse"


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser of ``xmodal fuse`` (``--model`` choices: the fusion table)."""
    from xmodal.fusion_zoo import FUSION_TABLE

    p = argparse.ArgumentParser(
        prog=prog, description="Infrared-visible image fusion of your own registered pairs "
        "(same size). Folders are paired by file stem once a tag shared by every file of a "
        "folder is removed (0001_ir.png <-> 0001_vis.jpg). Outputs: OUT/<ir stem>_fused.png.")
    p.add_argument("--ir", required=True, help="grey infrared image (8- or 16-bit) or a folder")
    p.add_argument("--vis", required=True, help="visible image (8-bit RGB or grey) or a folder")
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--model", default="ivifnet", choices=list(FUSION_TABLE),
                   help="fusion model of the table (default ivifnet)")
    p.add_argument("--weights", help="weights file of the model (default: the shipped one); "
                   "loaded without running any pickled code")
    p.add_argument("--score", action="store_true", help="print the fusion metrics beside the "
                   "average and max-abs baselines")
    p.add_argument("--drop-alpha", action="store_true", help="accept RGBA visible images by "
                   "dropping the alpha channel")
    p.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda"])
    p.add_argument("--no-overwrite", action="store_true", help="refuse to start if any output "
                   "file exists (default: replace it)")
    p.add_argument("--quiet", action="store_true", help="no per-file lines")
    return p


def _error(msg: str) -> None:
    print_error(PROG, msg)


def _prepare(args: argparse.Namespace) -> tuple[list, object]:
    """Arguments, pairing and weights checked before any compute; the pairs and the network."""
    from xmodal.apis.files import check_out_dir
    from xmodal.apis.fusion import build_fusion_model, fusion_output_path, pair_fusion_inputs
    from xmodal.apis.inferencer import resolve_device

    check_out_dir(args.out)
    resolve_device(args.device)
    pairs = pair_fusion_inputs(args.ir, args.vis)
    if args.no_overwrite:
        taken = [t for t in (fusion_output_path(ir, args.out) for ir, _ in pairs) if t.exists()]
        if taken:
            raise ValueError(f"--no-overwrite: {len(taken)} output(s) exist, e.g. {taken[0]}")
    net, _ = build_fusion_model(args.model, args.weights)
    return pairs, net


def _score_lines(name: str, scores: dict) -> list[str]:
    """A small table: one row per method, one column per metric."""
    names = list(scores["model"])
    lines = [f"{name}:", "  method  " + " ".join(f"{n:>7}" for n in names)]
    for row, vals in scores.items():
        lines.append(f"  {row:<7} " + " ".join(f"{vals[n]:7.3f}" for n in names))
    return lines


def _mean_scores(rows: list[dict]) -> dict:
    return {r: {n: sum(s[r][n] for s in rows) / len(rows) for n in rows[0][r]} for r in rows[0]}


def _run_pairs(args: argparse.Namespace, pairs: list, net: object) -> tuple[int, list[dict]]:
    """Fuse every pair; one error line per failed pair. Returns (failures, score dicts)."""
    from xmodal.apis.fusion import fuse_file

    failed, scores = 0, []
    for ir, vis in pairs:
        try:
            res = fuse_file(ir, vis, args.out, model=net, device=args.device,
                            drop_alpha=args.drop_alpha, overwrite=not args.no_overwrite,
                            score=args.score)
        except (OSError, ValueError, TypeError, RuntimeError) as err:
            failed += 1
            _error(first_line(err))
            continue
        if args.score:
            scores.append(res["scores"])
            print("\n".join(_score_lines(f"{Path(ir).name} -> {res['output']}", res["scores"])))
        elif not args.quiet:
            print(f"{Path(ir).name} + {Path(vis).name} -> {res['output']}")
    return failed, scores


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns 0, or raises ``SystemExit(1)`` after one error line per failure.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    try:
        pairs, net = _prepare(args)
    except (OSError, ValueError, TypeError, ImportError) as err:
        _error(first_line(err))
        raise SystemExit(1) from None
    failed, scores = _run_pairs(args, pairs, net)
    if len(scores) > 1:
        print("\n".join(_score_lines(f"mean over {len(scores)} pair(s)", _mean_scores(scores))))
    exit_if_failed(PROG, failed, len(pairs))
    return 0


if __name__ == "__main__":
    main()
