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

Usage::

    OMP_NUM_THREADS=2 python benchmarks/bench_ivif.py \
        --checkpoint work_dirs/ivif_xmodal/iter_4000.pth --out-dir work_dirs/ivif_fused
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, print_banner  # noqa: E402

import xmodal.models.ivif  # noqa: E402,F401
from xmodal.datasets.ivif import IVIFDataset  # noqa: E402
from xmodal.engine.checkpoint import CheckpointError, load_checkpoint  # noqa: E402
from xmodal.evaluation.fusion_metrics import (  # noqa: E402
    CONVENTIONS,
    FUSION_METRICS,
    fusion_metrics,
)
from xmodal.models.ivif import fuse_average, fuse_max_abs, rgb_to_luma  # noqa: E402
from xmodal.registry import MODELS  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _u8(x: torch.Tensor) -> np.ndarray:
    return np.rint(x.clamp(0, 1).numpy() * 255.0).astype(np.uint8)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default=str(REPO / "recipes" / "ivif_xmodal.py"))
    p.add_argument("--checkpoint", default=None, help="trained weights (.pth); none = untrained")
    p.add_argument("--data-root", default=None, help="folder with ir/ and vi/")
    p.add_argument("--out-dir", default=None, help="write the fused RGB PNGs here")
    p.add_argument("--limit", type=int, default=None, help="first N pairs only")
    p.add_argument("--convention", choices=CONVENTIONS, default="cddfuse",
                   help="metric convention (default: cddfuse, the published tables)")
    args = p.parse_args()
    print_banner()
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model).eval()
    if args.checkpoint:
        try:
            state = load_checkpoint(args.checkpoint)
        except (FileNotFoundError, CheckpointError) as err:
            raise SystemExit(f"error: {err}") from None
        model.load_state_dict(state.get("state_dict", state))
    ds = IVIFDataset(data_root=args.data_root, test_mode=True)
    n = len(ds) if args.limit is None else min(args.limit, len(ds))
    out_dir = Path(args.out_dir) if args.out_dir else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict]] = {"IVIFNet": [], "average": [], "max-abs": []}
    t0 = time.perf_counter()
    for i in range(n):
        item = ds[i]
        ir, vis = item["inputs"]["ir"][None], item["inputs"]["vis"][None]
        with torch.no_grad():
            rgb = model.generator.fuse_rgb(ir, vis)[0]
        name = item["data_samples"].img_name
        if out_dir:
            Image.fromarray(_u8(rgb).transpose(1, 2, 0)).save(out_dir / f"{name}.png")
        a = _u8(ir[0, 0]).astype(np.float64)
        b = _u8(rgb_to_luma(vis)[0, 0]).astype(np.float64)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        fused = {"IVIFNet": rgb_to_luma(rgb[None])[0, 0].double().numpy() * 255.0,
                 "average": fuse_average(ta, tb).numpy(), "max-abs": fuse_max_abs(ta, tb).numpy()}
        for method, f in fused.items():
            if args.convention == "standard":  # an 8-bit PNG of the output (cddfuse stretches)
                f = np.rint(np.clip(f, 0.0, 255.0))
            rows[method].append(fusion_metrics(a, b, f, convention=args.convention))
        print(f"  {name}: {tuple(ir.shape[-2:])}", flush=True)
    names = list(FUSION_METRICS)
    print(f"\n{n} pairs, {time.perf_counter() - t0:.1f} s; checkpoint: {args.checkpoint}; "
          f"convention: {args.convention}")
    table = [[m] + [f"{np.mean([r[k] for r in res]):.3f}" for k in names]
             for m, res in rows.items()]
    print(format_table(["method"] + names, table))


if __name__ == "__main__":
    main()
