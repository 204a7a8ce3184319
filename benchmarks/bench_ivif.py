"""Infrared-visible fusion: the metrics table of a trained IVIFNet beside the baselines.

Runs a checkpoint of ``recipes/ivif_xmodal.py`` (or the untrained network, which
with ``zero_init_tail=True`` equals average fusion) on the 12 VIF-Benchmark pairs
(full images), writes the fused RGB images as PNG, and prints the mean of EN, SD,
SF, AG, MI, SCD, VIF, Qabf, SSIM on BT.601 luma for the model, average fusion and
max-abs fusion. ``--convention cddfuse`` (default, the published tables): each
fused luma is min-max stretched to 0-255 and scored with CDDFuse's evaluator
formulas (:mod:`xmodal.evaluation.fusion_cddfuse`, MI in nats); ``--convention
standard``: clipped 8-bit luma, the papers' definitions
(:mod:`xmodal.evaluation.fusion_metrics`, MI in bits).

``--checkpoint`` takes an xmodal weights file (the shipped
``xmodal/weights/ivifnet_roadscene.pth``, or one written by
``python -m xmodal.tools.export_weights``), a training checkpoint of the recipe or
a bare generator state dict, read by :func:`xmodal.weights.load_weights_file`
(``weights_only=True``: nothing in the file runs) and loaded strictly, as
``xmodal upsample`` and ``xmodal fuse`` load theirs (every key and shape; integer
tensors where the network holds floats are refused, not cast).

Refused with one ``error:`` line on stderr and exit status 1, before anything is
written: a missing, unsafe or corrupt checkpoint, another model's checkpoint (keys
or shapes differ) or NaN weights; an ``--out-dir`` that is a file or not writable;
a missing data root or an unreadable pair; ``--limit`` below 1. The PNGs are
written as one all-or-nothing set (:func:`xmodal.apis.atomic.atomic_outputs`)
after every pair has been fused.

Usage::

    OMP_NUM_THREADS=2 python benchmarks/bench_ivif.py \
        --checkpoint xmodal/weights/ivifnet_roadscene.pth --out-dir out/ivif
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, print_banner  # noqa: E402

import xmodal.models.ivif  # noqa: E402,F401
from xmodal.apis.atomic import atomic_outputs  # noqa: E402
from xmodal.apis.depth_io import write_png  # noqa: E402
from xmodal.apis.files import check_out_dir  # noqa: E402
from xmodal.datasets.ivif import IVIFDataset  # noqa: E402
from xmodal.evaluation.fusion_conventions import CONVENTIONS, fusion_metrics  # noqa: E402
from xmodal.evaluation.fusion_metrics import FUSION_METRICS  # noqa: E402
from xmodal.models.ivif import fuse_average, fuse_max_abs, rgb_to_luma  # noqa: E402
from xmodal.registry import MODELS  # noqa: E402
from xmodal.tools._cli import first_line  # noqa: E402
from xmodal.utils.checks import check_positive_int  # noqa: E402
from xmodal.weights import load_state_dict_strict, load_weights_file  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
#: What a refused input raises here (each becomes one ``error:`` line).
REFUSED = (OSError, ValueError, TypeError)


def _u8(x: torch.Tensor) -> np.ndarray:
    return np.rint(x.clamp(0, 1).numpy() * 255.0).astype(np.uint8)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default=str(REPO / "recipes" / "ivif_xmodal.py"))
    p.add_argument("--checkpoint", default=None, help="weights file, training checkpoint or "
                   "state dict of the config's network (.pth); none = untrained")
    p.add_argument("--data-root", default=None, help="folder with ir/ and vi/")
    p.add_argument("--out-dir", default=None, help="write the fused RGB PNGs here")
    p.add_argument("--limit", type=int, default=None, help="first N pairs only (N >= 1)")
    p.add_argument("--convention", choices=CONVENTIONS, default="cddfuse",
                   help="metric convention (default: cddfuse, the published tables)")
    return p.parse_args(argv)


def _check_args(args: argparse.Namespace) -> None:
    """The arguments that need no file read, checked before anything else."""
    if args.limit is not None:
        check_positive_int(args.limit, "--limit")
    if args.out_dir:
        check_out_dir(args.out_dir)


def _load_weights(model: torch.nn.Module, want: str, path: str) -> None:
    """Load ``path`` into ``model.generator`` (a ``want`` network) strictly, never cast."""
    loaded = load_weights_file(path)
    got = (loaded["arch"] or {}).get("type", want)
    if got != want:
        raise ValueError(f"weights: {path} holds a {got} network, not the config's {want}")
    load_state_dict_strict(model.generator, loaded["state_dict"],
                           f"checkpoint {path} does not fit {want} (another model's?)")


def _prepare(args: argparse.Namespace) -> tuple[torch.nn.Module, IVIFDataset]:
    """Arguments, network, weights and data checked before any compute."""
    _check_args(args)
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model).eval()
    if args.checkpoint:
        _load_weights(model, cfg.model.generator.get("type"), args.checkpoint)
    return model, IVIFDataset(data_root=args.data_root, test_mode=True)


def _fuse_pair(model: torch.nn.Module, item: dict, convention: str
               ) -> tuple[np.ndarray, dict[str, dict]]:
    """The fused 8-bit RGB (H, W, 3) of one pair and the metrics of each method."""
    ir, vis = item["inputs"]["ir"][None], item["inputs"]["vis"][None]
    with torch.no_grad():
        rgb = model.generator.fuse_rgb(ir, vis)[0]
    a = _u8(ir[0, 0]).astype(np.float64)
    b = _u8(rgb_to_luma(vis)[0, 0]).astype(np.float64)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    fused = {"IVIFNet": rgb_to_luma(rgb[None])[0, 0].double().numpy() * 255.0,
             "average": fuse_average(ta, tb).numpy(), "max-abs": fuse_max_abs(ta, tb).numpy()}
    scores = {}
    for method, f in fused.items():
        if convention == "standard":  # an 8-bit PNG of the output (cddfuse stretches)
            f = np.rint(np.clip(f, 0.0, 255.0))
        scores[method] = fusion_metrics(a, b, f, convention=convention)
    return _u8(rgb).transpose(1, 2, 0), scores


def _write(out_dir: Path, images: dict[str, np.ndarray]) -> None:
    """The fused PNGs as one all-or-nothing set."""
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / f"{name}.png" for name in images]
    with atomic_outputs(targets):
        for target, image in zip(targets, images.values()):
            write_png(target, np.ascontiguousarray(image))


def run(args: argparse.Namespace) -> None:
    """Fuse and score every pair, write the PNGs, print the table."""
    model, ds = _prepare(args)
    print_banner()
    n = len(ds) if args.limit is None else min(args.limit, len(ds))
    rows: dict[str, list[dict]] = {"IVIFNet": [], "average": [], "max-abs": []}
    images: dict[str, np.ndarray] = {}
    t0 = time.perf_counter()
    for i in range(n):
        item = ds[i]
        name = item["data_samples"].img_name
        images[name], scores = _fuse_pair(model, item, args.convention)
        for method, s in scores.items():
            rows[method].append(s)
        print(f"  {name}: {images[name].shape[:2]}", flush=True)
    if args.out_dir:
        _write(Path(args.out_dir), images)
    names = list(FUSION_METRICS)
    print(f"\n{n} pairs, {time.perf_counter() - t0:.1f} s; checkpoint: {args.checkpoint}; "
          f"convention: {args.convention}")
    table = [[m] + [f"{np.mean([r[k] for r in res]):.3f}" for k in names]
             for m, res in rows.items()]
    print(format_table(["method"] + names, table))


def main(argv: list[str] | None = None) -> None:
    """Entry point (see the module docstring).

    Raises:
        SystemExit: one ``error:`` line for every refused input (nothing written).
    """
    args = _parse(argv)
    try:
        run(args)
    except REFUSED as err:
        raise SystemExit(f"error: {first_line(err)}") from None


if __name__ == "__main__":
    main()
