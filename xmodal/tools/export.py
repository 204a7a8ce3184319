"""Export a model to ONNX or ``torch.export`` (.pt2): ``xmodal export``.

Also ``python -m xmodal.tools.export``. Examples::

    xmodal export --model d2a2 --scale 4 --format onnx --out d2a2_x4.onnx
    xmodal export --model d2a2 --scale 8 --weights my_x8.pth --fp16 --out d2a2_x8_fp16.onnx
    xmodal export --model d2a2 --scale 4 --format pt2 --size 480x640 --no-dynamic \
        --out d2a2_x4_480x640.pt2
    xmodal export --arch '{"type": "DGA", "channels": 64}' --dcn deformconv --out dga.onnx

``--model`` builds a model of the table with its weights (the shipped ones unless
``--weights``; only the plain scalar arguments the table allows are taken from the
file); ``--arch`` builds a generator or block registered by xmodal from a JSON
config dict of plain scalar arguments of its constructor (random initial weights;
no sub-block configs, no dotted types, sizes within bounds checked before any
allocation: :mod:`xmodal.weights.arch`). What is exported, and how the deformable
convolution is written (``--dcn``): :mod:`xmodal.deploy.exporter`. Every bad input
prints one ``error:`` line on stderr and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["build_parser", "main"]

PROG = "xmodal export"


def _size(text: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be HxW, e.g. 480x640, got {text!r}") \
            from None
    return h, w


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argument parser of ``xmodal export``."""
    p = argparse.ArgumentParser(prog=prog, description="Export a generator or block to ONNX "
                                "or torch.export (.pt2).")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--model", default="d2a2", help="a model of the table, with its weights "
                     "(default d2a2)")
    src.add_argument("--arch", help="JSON registry config of any generator or block, e.g. "
                     "'{\"type\": \"DGA\", \"channels\": 64}' (random weights)")
    p.add_argument("--scale", type=int, default=4, help="scale factor of --model (4)")
    p.add_argument("--weights", help="weights file of --model (default: the shipped ones)")
    p.add_argument("--format", choices=["onnx", "pt2"], help="default: the --out suffix")
    p.add_argument("--size", type=_size, default=(480, 640), help="HxW traced: HR size of a "
                   "generator (a multiple of the scale), feature size of a block (480x640)")
    p.add_argument("--dynamic", action=argparse.BooleanOptionalAction, default=True,
                   help="any batch and size, the HR size a multiple of the scale (default); "
                   "--no-dynamic fixes batch 1 and --size")
    p.add_argument("--fp16", action="store_true", help="float16 model, inputs and outputs")
    p.add_argument("--dcn", choices=["native", "deformconv"], default="native",
                   help="deformable conv as standard ops (native, any runtime) or as the ONNX "
                   "DeformConv op (opset >= 19)")
    p.add_argument("--opset", type=int, default=20, help="ONNX opset (20)")
    p.add_argument("--out", required=True, help="output file (.onnx or .pt2)")
    return p


def _model(args: argparse.Namespace):
    if args.arch is not None:
        if args.weights is not None:
            raise ValueError("--weights goes with --model, not with --arch")
        try:
            cfg = json.loads(args.arch)
        except json.JSONDecodeError as err:
            raise ValueError(f"--arch is not valid JSON: {err}") from None
        if not isinstance(cfg, dict) or "type" not in cfg:
            raise ValueError(f"--arch must be a JSON object with a 'type', got {args.arch!r}")
        from xmodal.weights.arch import build_untrusted_config

        return build_untrusted_config(cfg, "--arch")
    from xmodal.weights import build_generator

    return build_generator(args.model, args.scale, args.weights)[0]


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns 0, or raises ``SystemExit(1)`` after one error line.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    from xmodal.deploy import export

    try:
        path = export(_model(args), args.out, format=args.format, size=args.size,
                      dynamic=args.dynamic, fp16=args.fp16, dcn=args.dcn, opset=args.opset)
    except (OSError, ValueError, TypeError, ImportError, KeyError) as err:
        msg = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        print(f"{PROG}: error: {msg}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    main()
