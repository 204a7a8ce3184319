"""Learning-free DADA (guided anisotropic diffusion + adjustment) vs PIL bicubic.

Protocol (the D2A2/DCTNet preset, DESIGN.md section 3): crop to a multiple of
the scale keeping the top-left, LR = PIL bicubic resize of the float32 HR depth,
RMSE per image in file units (Middlebury: 0-255; RGB-D-D: cm), mean over images,
no clipping, no border crop, no valid mask.

The learning-free variant (DADA's "RGB" version, Metzger et al., CVPR 2023):
initial estimate = the PIL bicubic baseline, depth min-max normalised with the HR
min/max (the protocol's normalisation) and shifted by +1 so it is positive for
the multiplicative adjustment; conductances from ``cat(guide in [0, 1],
normalised bicubic depth)`` with ``g = 1 / (1 + |grad f|^2 / K^2)``; N iterations
of diffusion (lambda 0.24) each followed by the average-pooling adjustment. Note
the LR here is bicubic-, not box-downsampled, so the adjustment enforces a
slightly different down-sampling model than the one that made the LR.

``--iters 500,2000`` evaluates snapshots of one run (the adjustment closes every
iteration, so continuing a run equals a longer run).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_dada_learning_free.py \
        --dataset middlebury --scales 4,8,16 --k 0.03 --iters 250,1000

Measured (CPU, 1 thread, shared 2-core machine, torch 2.14.1, Pillow 13.0.0).
K and N were tuned on RGB-D-D (first 12 test images, x8; K in 0.01-0.05, N in
250-2000: all within 3.18-3.25 cm vs bicubic 3.87 cm; chosen K = 0.03 (paper
value) and N = 250), then run once on Middlebury (30 images, 0-255 units):

| method | x4 | x8 | x16 |
|---|---|---|---|
| bicubic (PIL) | 2.281 | 3.983 | 6.374 |
| DADA learning-free K=0.03 N=250 (tuned) | 1.563 | 2.868 | 5.096 |
| DADA learning-free K=0.03 N=1000 | 1.563 | 2.865 | 4.968 |

About 0.4-0.8 s per image for N=250 (timings noisy: shared CPU).
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import PIL
import torch
from PIL import Image

from xmodal.refine import guide_depth_features, guided_anisotropic_diffusion

try:  # the project's protocol functions
    from xmodal.datasets.protocol import make_lr_bicubic, mod_crop, upsample_bicubic_pil

    PROTOCOL_SOURCE = "xmodal.datasets.protocol"
except ImportError:  # pragma: no cover - fallback while the datasets module is missing
    PROTOCOL_SOURCE = "local fallback (xmodal.datasets.protocol not importable)"

    def mod_crop(img: np.ndarray, scale: int) -> np.ndarray:
        h, w = img.shape[:2]
        return img[: h - h % scale, : w - w % scale]

    def make_lr_bicubic(depth: np.ndarray, scale: int) -> np.ndarray:
        h, w = depth.shape
        lr = Image.fromarray(depth).resize((w // scale, h // scale), Image.BICUBIC)
        return np.asarray(lr, dtype=np.float32).copy()

    def upsample_bicubic_pil(lr: np.ndarray, scale: int) -> np.ndarray:
        h, w = lr.shape
        hr = Image.fromarray(lr).resize((w * scale, h * scale), Image.BICUBIC)
        return np.asarray(hr, dtype=np.float32).copy()


DATASETS = {
    # name: (depth glob, rgb glob, file units -> reporting unit)
    "middlebury": ("middlebury/depth/*.png", "middlebury/rgb/*.png", 1.0),
    "rgbdd": ("rgbdd/depth/*.png", "rgbdd/rgb/*.jpg", 0.1),
}


def find_data() -> Path:
    import os

    env = os.environ.get("XMODAL_DATA")
    for base in ([Path(env)] if env else []) + [Path.cwd().parent / "shared" / "data"]:
        if (base / "gdsr").is_dir():
            return base / "gdsr"
    sys.exit("no data: set XMODAL_DATA or run from the repo root with ../shared/data present")


def load_pairs(root: Path, dataset: str, limit: int | None):
    dglob, rglob, unit = DATASETS[dataset]
    depths, rgbs = sorted(root.glob(dglob)), sorted(root.glob(rglob))
    if len(depths) != len(rgbs) or not depths:
        sys.exit(f"{dataset}: {len(depths)} depth vs {len(rgbs)} rgb files under {root}")
    pairs = list(zip(depths, rgbs, strict=True))[:limit]
    return pairs, unit


def rmse(pred: np.ndarray, gt: np.ndarray, unit: float) -> float:
    diff = (pred.astype(np.float64) - gt.astype(np.float64)) * unit
    return float(np.sqrt(np.mean(diff**2)))


def run(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    root = find_data()
    pairs, unit = load_pairs(root, args.dataset, args.limit)
    scales = [int(s) for s in args.scales.split(",")]
    snaps = sorted(int(n) for n in args.iters.split(","))
    ks = [float(k) for k in args.k.split(",")]
    methods = ["bicubic (PIL)"] + [
        f"DADA learning-free K={k:g} N={n}" for k in ks for n in snaps
    ]
    err = {m: {s: [] for s in scales} for m in methods}
    secs = {m: {s: 0.0 for s in scales} for m in methods}
    for s in scales:
        for depth_path, rgb_path in pairs:
            gt = mod_crop(np.asarray(Image.open(depth_path), dtype=np.float32), s)
            guide = mod_crop(np.asarray(Image.open(rgb_path).convert("RGB")), s)
            lr = make_lr_bicubic(np.ascontiguousarray(gt), s)
            t0 = time.perf_counter()
            bic = upsample_bicubic_pil(lr, s)
            secs[methods[0]][s] += time.perf_counter() - t0
            err[methods[0]][s].append(rmse(bic, gt, unit))
            dmin, dmax = float(gt.min()), float(gt.max())
            span = max(dmax - dmin, 1e-6)
            g = torch.from_numpy(guide.astype(np.float32) / 255).permute(2, 0, 1)[None]
            init = (torch.from_numpy(bic)[None, None] - dmin) / span
            lr_t = (torch.from_numpy(lr)[None, None] - dmin) / span
            for k in ks:
                t0 = time.perf_counter()
                feats = guide_depth_features(g, init, 1.0, args.depth_weight)
                u, done = init + args.offset, 0
                with torch.no_grad():
                    for n in snaps:
                        u = guided_anisotropic_diffusion(
                            u, lr_t + args.offset, feats, k, num_iters=n - done,
                            adjust_every=1, scale=s, zero_invalid=False,
                        )
                        done = n
                        m = f"DADA learning-free K={k:g} N={n}"
                        secs[m][s] += time.perf_counter() - t0
                        pred = ((u - args.offset) * span + dmin)[0, 0].numpy()
                        err[m][s].append(rmse(pred, gt, unit))
            if args.verbose:
                print(s, depth_path.name, {m: round(err[m][s][-1], 3) for m in methods},
                      flush=True)
    unit_name = "0-255 file units" if args.dataset == "middlebury" else "cm"
    print(f"\nDataset {args.dataset} ({len(pairs)} images), RMSE in {unit_name}, "
          "mean over images; seconds = wall time per image (CPU)")
    head = "| method | " + " | ".join(f"x{s}" for s in scales) + " | " + " | ".join(
        f"s/img x{s}" for s in scales) + " |"
    print(head)
    print("|" + "---|" * (1 + 2 * len(scales)))
    for m in methods:
        cells = [f"{np.mean(err[m][s]):.3f}" for s in scales]
        cells += [f"{secs[m][s] / len(pairs):.2f}" for s in scales]
        print(f"| {m} | " + " | ".join(cells) + " |")
    print(
        f"\nmachine: {platform.machine()} {platform.processor() or ''} "
        f"{args.threads} thread(s); python {platform.python_version()}, "
        f"torch {torch.__version__}, numpy {np.__version__}, Pillow {PIL.__version__}; "
        f"protocol functions: {PROTOCOL_SOURCE}; offset {args.offset}, "
        f"depth_weight {args.depth_weight}, lambda 0.24, adjustment every iteration"
    )
    print("command: " + " ".join(shlex.quote(a) for a in sys.argv))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", choices=sorted(DATASETS), default="middlebury")
    p.add_argument("--scales", default="4,8,16")
    p.add_argument("--k", default="0.03", help="comma-separated K values")
    p.add_argument("--iters", default="2000", help="comma-separated N snapshots")
    p.add_argument("--depth-weight", type=float, default=1.0)
    p.add_argument("--offset", type=float, default=1.0)
    p.add_argument("--limit", type=int, default=None, help="first N images only")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--verbose", action="store_true")
    run(p.parse_args())


if __name__ == "__main__":
    main()
