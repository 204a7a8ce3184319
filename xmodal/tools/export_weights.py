"""Export the inference generator of a training checkpoint as an xmodal weights file.

``python -m xmodal.tools.export_weights CONFIG CHECKPOINT OUT [--fp32] [--meta K=V ...]``

The recipe (``CONFIG``) gives the generator's architecture (``model.generator``,
stored as the file's ``arch``); the mmengine checkpoint gives its ``generator.*``
entries. Everything else in the checkpoint (optimiser state, DSR-Diff's GGN
teacher, message hub) is dropped, and float tensors are stored as float16
unless ``--fp32``. The file loads with :func:`xmodal.weights.build_generator`
and ``xmodal upsample --weights OUT``. Example (DSR-Diff stage 2)::

    python -m xmodal.tools.export_weights recipes/dsrdiff/dsrdiff_stage2_rgbdd_x4.py \\
        work_dirs/dsrdiff_stage2_rgbdd_x4/iter_100.pth dsrdiff_x4.pth
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

__all__ = ["export", "main", "plain_arch"]


def plain_arch(arch: dict) -> dict:
    """The generator config to store in a weights file: sub-block configs dropped when default.

    A weights file is data: its loader builds the model table's architecture and
    accepts from the file only values the table allows. A recipe that writes its
    sub-blocks out (``align=dict(...)``, ``fuse=dict(...)``) with their default
    values stores the plain arguments only, which build the same parameters
    (names and shapes). A config whose sub-configs are needed (DSR-Diff's
    ``dsrn``/``grn``) or differ from the defaults is kept as it is, and the loader
    decides whether the table allows it.

    Args:
        arch: the recipe's ``model.generator`` config.

    Returns:
        ``arch`` without its dict/list values, or ``arch`` itself.
    """
    from xmodal.registry import MODELS

    flat = {k: v for k, v in arch.items() if not isinstance(v, (dict, list, tuple))}
    if flat == arch:
        return arch
    try:
        plain = MODELS.build(flat).state_dict()
    except (TypeError, ValueError, KeyError):
        return arch
    full = MODELS.build(arch).state_dict()
    same = {k: tuple(v.shape) for k, v in plain.items()} == \
        {k: tuple(v.shape) for k, v in full.items()}
    return flat if same else arch


def export(config: str | Path, checkpoint: str | Path, out: str | Path, fp16: bool = True,
           meta: dict | None = None) -> Path:
    """Write the generator of ``checkpoint`` (architecture from ``config``) to ``out``.

    Args:
        config: recipe file whose ``model.generator`` is the generator's config.
        checkpoint: mmengine training checkpoint of that recipe's model.
        out: output weights file.
        fp16: store float tensors as float16.
        meta: free metadata stored beside (plain Python types); the source
            config and checkpoint paths are added.

    Returns:
        The path written.

    Raises:
        FileNotFoundError: ``config`` or ``checkpoint`` missing.
        ValueError: the config has no ``model.generator``, or the checkpoint does
            not fit it.
    """
    from mmengine.config import Config

    import xmodal.models  # noqa: F401  (registers the generators)
    from xmodal.registry import MODELS
    from xmodal.weights import load_weights_file, save_weights

    if not Path(config).is_file():
        raise FileNotFoundError(f"config file not found: {config}")
    cfg = Config.fromfile(str(config))
    arch = cfg.get("model", {}).get("generator")
    if not isinstance(arch, dict) or "type" not in arch:
        raise ValueError(f"{config} has no model.generator config")
    arch = plain_arch(arch.to_dict() if hasattr(arch, "to_dict") else dict(arch))
    generator = MODELS.build(arch)
    state = load_weights_file(checkpoint)["state_dict"]
    try:
        generator.load_state_dict(state)
    except RuntimeError as err:
        first = str(err).strip().splitlines()[0]
        raise ValueError(f"{checkpoint} does not fit {arch['type']} of {config}: {first}") \
            from None
    info = dict(meta or {}, config=str(config), checkpoint=str(checkpoint))
    return save_weights(generator, out, arch, meta=info, fp16=fp16)


def _meta_item(item: str) -> tuple[str, object]:
    """``K=V`` -> ``(K, V)``, V a number/bool/None literal when it reads as one, else a str."""
    key, sep, text = item.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected K=V, got {item!r}")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return key, text
    return key, value if isinstance(value, (int, float, bool, type(None))) else text


def main(argv: list[str] | None = None) -> None:
    """Command line of :func:`export`; one ``error:`` line and status 1 on failure."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("config", help="recipe of the checkpoint")
    p.add_argument("checkpoint", help="mmengine training checkpoint")
    p.add_argument("out", help="output weights file (.pth)")
    p.add_argument("--fp32", action="store_true", help="keep float32 (default float16)")
    p.add_argument("--meta", nargs="*", default=[], type=_meta_item, metavar="K=V",
                   help="metadata entries stored in the file; a value that is a Python "
                        "literal is stored as one (val_rmse_cm=2.79 is a float), any other "
                        "as a string (schedule='300 CPU iters')")
    args = p.parse_args(argv)
    meta = dict(args.meta)
    try:
        path = export(args.config, args.checkpoint, args.out, fp16=not args.fp32, meta=meta)
    except (OSError, ValueError) as err:
        print(f"error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(sys.argv[1:])
