"""Accuracy table (RMSE) of GDSR baselines and models on Middlebury and RGB-D-D, x4/x8/x16.

Protocol: the D2A2/DCTNet preset (DESIGN.md section 3) through the project's own
datasets (:class:`xmodal.datasets.MiddleburyDataset`, :class:`~xmodal.datasets.RGBDDDataset`,
default test pipeline: mod-crop keeping the top-left, LR by PIL bicubic, HR min-max)
and :class:`xmodal.evaluation.GDSRMetric` with ``clamp=False`` (D2A2's convention):
RMSE per image, mean over images; Middlebury in 0-255 file units, RGB-D-D in cm,
no border crop, no valid mask. (DADA-preset numbers are never printed here.)

Methods:

- ``bicubic``: :class:`xmodal.models.Bicubic` (PIL), the protocol's baseline;
- ``dada-lf``: learning-free DADA, :class:`xmodal.models.DADA` with
  :class:`~xmodal.refine.GuideDepthFeatures` (coefficients from the RGB guide in [0, 1]
  and the bicubic depth), K = ``--dada-k``, N = ``--dada-iters`` diffusion +
  average-pooling adjustment iterations (K = 0.03, N = 250 were tuned on the first 12
  RGB-D-D test images at x8 by ``bench_dada_learning_free.py``). The LR here is made by
  bicubic, so the avg-pool adjustment is a modelling choice, not the degradation;
- ``guided-filter``: kornia's ``guided_blur`` (He et al., ECCV 2010) of the PIL-bicubic
  depth guided by the RGB guide, ``kernel_size = 2 r + 1`` and ``eps`` tuned once on
  RGB-D-D x8 (``--tune-gf``: the last ``--tune-images`` frames, disjoint from the first
  ``--limit-rgbdd`` evaluated ones); needs ``pip install kornia``, skipped otherwise;
- ``--checkpoint 4=PATH`` (repeatable): a D2A2 generator per scale (xmodal weights file,
  bare state dict or mmengine ``GDSRModel`` checkpoint), and the same followed by
  :class:`xmodal.models.LRConsistentGenerator`'s adjustment.

Usage::

    OMP_NUM_THREADS=2 python benchmarks/bench_accuracy.py --limit-rgbdd 40
    python benchmarks/bench_accuracy.py --methods bicubic,guided-filter --tune-gf
    python benchmarks/bench_accuracy.py --checkpoint 4=work_dirs/d2a2/iter_50000.pth

Figures are measured when the script runs; seconds per image are wall time on the
device given by ``--device`` (CPU timings are noisy on a shared machine).

Measured (2-core shared CPU, 1 thread, torch 2.14.1, kornia 0.9.0; command
``python benchmarks/bench_accuracy.py --threads 1 --tune-gf --limit-rgbdd 40``):
Middlebury all 30 images (0-255 units), RGB-D-D the first 40 of 405 by file name (cm;
their bicubic RMSE is above the full-set 1.92 / 3.20 / 5.14). Guided filter tuned on
RGB-D-D x8 frames 385..404 (bicubic 4.474 cm there): r in {1, 2, 4, 8} x eps in {1e-6,
1e-5, 1e-4, 1e-3}, best r = 4, eps = 1e-4 (4.386 cm), an interior optimum.

| method | mb x4 | mb x8 | mb x16 | rgbdd x4 | rgbdd x8 | rgbdd x16 |
|---|---|---|---|---|---|---|
| bicubic (PIL) | 2.281 | 3.983 | 6.374 | 2.314 | 3.815 | 6.068 |
| DADA learning-free K=0.03 N=250 | 1.536 | 2.849 | 5.076 | 2.062 | 3.103 | 4.831 |
| guided filter r=4 eps=1e-4 (kornia) | 2.328 | 3.679 | 6.135 | 2.791 | 3.766 | 5.911 |

Seconds per image: learning-free DADA 1.5-2.5, guided filter 0.1-0.6, bicubic < 0.01.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, print_banner  # noqa: E402

from xmodal.datasets import MiddleburyDataset, RGBDDDataset  # noqa: E402
from xmodal.evaluation import GDSRMetric  # noqa: E402
from xmodal.models import DADA, Bicubic, LRConsistentGenerator  # noqa: E402
from xmodal.registry import MODELS  # noqa: E402

DATASETS = {"middlebury": (MiddleburyDataset, "0-255"), "rgbdd": (RGBDDDataset, "cm")}
#: Guided-filter settings chosen by ``--tune-gf`` on RGB-D-D x8 (the last 20 frames).
GF_RADIUS, GF_EPS = 4, 1e-4


class GuidedFilter(torch.nn.Module):
    """PIL-bicubic up-sampling then kornia's guided filter, guided by the RGB (He et al. 2010).

    Args:
        scale: up-sampling factor.
        radius: window radius r (kernel 2 r + 1).
        eps: regulariser, in squared guide units (guide in [0, 1]).
    """

    def __init__(self, scale: int, radius: int, eps: float) -> None:
        super().__init__()
        import kornia.filters  # noqa: F401  (fails early when kornia is missing)

        self.bicubic = Bicubic(scale)
        self.radius, self.eps = radius, eps

    def forward(self, lr: torch.Tensor, guide: torch.Tensor) -> torch.Tensor:
        from kornia.filters import guided_blur

        up = self.bicubic(lr, guide)
        return guided_blur(guide, up, 2 * self.radius + 1, self.eps)


def load_d2a2(path: str, scale: int) -> torch.nn.Module:
    """A D2A2 generator from an xmodal weights file, a state dict or a GDSRModel checkpoint."""
    obj = torch.load(path, map_location="cpu", weights_only=True)
    arch = dict(type="D2A2", scale=scale)
    if isinstance(obj, dict) and isinstance(obj.get("arch"), dict):
        arch = dict(obj["arch"], scale=scale)
    state = obj.get("state_dict", obj) if isinstance(obj, dict) else obj
    if any(k.startswith("generator.") for k in state):
        state = {k[len("generator."):]: v for k, v in state.items() if k.startswith("generator.")}
    net = MODELS.build(arch)
    net.load_state_dict({k: v.float() for k, v in state.items()})
    return net.eval()


def make_methods(args: argparse.Namespace, scale: int) -> dict[str, torch.nn.Module]:
    """The generators to score at ``scale``, by row name."""
    methods: dict[str, torch.nn.Module] = {}
    wanted = args.methods.split(",")
    if "bicubic" in wanted:
        methods["bicubic (PIL)"] = Bicubic(scale)
    if "dada-lf" in wanted:
        methods[f"DADA learning-free K={args.dada_k:g} N={args.dada_iters}"] = DADA(
            scale, diffusion=dict(k=args.dada_k, learn_k=False, num_iters=args.dada_iters))
    if "guided-filter" in wanted and args.kornia:
        methods[f"guided filter r={args.gf_radius} eps={args.gf_eps:g} (kornia)"] = \
            GuidedFilter(scale, args.gf_radius, args.gf_eps)
    for name, path in args.checkpoints.get(scale, []):
        net = load_d2a2(path, scale)
        methods[f"D2A2 {name}"] = net
        methods[f"D2A2 {name} + LR-consistency"] = LRConsistentGenerator(net)
    return methods


@torch.no_grad()
def score(method: torch.nn.Module, dataset, device: torch.device) -> tuple[float, float, int]:
    """Mean RMSE of ``method`` over ``dataset`` (GDSRMetric, clamp=False) and s / image."""
    metric = GDSRMetric(clamp=False)
    method.to(device).eval()
    seconds = 0.0
    for i in range(len(dataset)):
        item = dataset[i]
        lr = item["inputs"]["lr"][None].to(device)
        guide = item["inputs"]["guide"][None].to(device)
        t0 = time.perf_counter()
        pred = method(lr, guide)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds += time.perf_counter() - t0
        sample = item["data_samples"]
        sample.pred_depth = pred[0].cpu()
        metric.process(None, [sample])
    return metric.evaluate(len(dataset))["rmse"], seconds / len(dataset), len(dataset)


def tune_guided_filter(args: argparse.Namespace, device: torch.device) -> None:
    """Grid-search (r, eps) on the last ``--tune-images`` RGB-D-D frames at x8; set args."""
    full = RGBDDDataset(scale=8)
    n = len(full)
    ds = RGBDDDataset(scale=8, indices=list(range(n - args.tune_images, n)))
    bicubic, _, _ = score(Bicubic(8), ds, device)
    rows, best = [], (np.inf, None)
    for r in (1, 2, 4, 8):
        for eps in (1e-6, 1e-5, 1e-4, 1e-3):
            rmse, _, _ = score(GuidedFilter(8, r, eps), ds, device)
            rows.append([r, f"{eps:g}", f"{rmse:.3f}"])
            best = min(best, (rmse, (r, eps)), key=lambda t: t[0])
    print(f"\nguided-filter tuning on RGB-D-D x8, frames {n - args.tune_images}..{n - 1} "
          f"(RMSE cm; PIL bicubic {bicubic:.3f}):")
    print(format_table(["radius", "eps", "RMSE"], rows))
    args.gf_radius, args.gf_eps = best[1]
    print(f"chosen: r={args.gf_radius}, eps={args.gf_eps:g}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", default="middlebury,rgbdd")
    p.add_argument("--scales", default="4,8,16")
    p.add_argument("--methods", default="bicubic,dada-lf,guided-filter")
    p.add_argument("--limit-middlebury", type=int, default=None, help="first N images only")
    p.add_argument("--limit-rgbdd", type=int, default=None, help="first N images only")
    p.add_argument("--dada-k", type=float, default=0.03)
    p.add_argument("--dada-iters", type=int, default=250)
    p.add_argument("--gf-radius", type=int, default=GF_RADIUS)
    p.add_argument("--gf-eps", type=float, default=GF_EPS)
    p.add_argument("--tune-gf", action="store_true", help="tune r/eps on RGB-D-D x8 first")
    p.add_argument("--tune-images", type=int, default=20)
    p.add_argument("--checkpoint", action="append", default=[], metavar="SCALE=PATH",
                   help="D2A2 weights for one scale, e.g. 4=iter_50000.pth (repeatable)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    args.checkpoints = {}
    for spec in args.checkpoint:
        scale, _, path = spec.partition("=")
        if not path or not scale.isdigit():
            p.error(f"--checkpoint expects SCALE=PATH, got {spec!r}")
        args.checkpoints.setdefault(int(scale), []).append((Path(path).stem, path))
    try:
        import kornia

        args.kornia = True
        kornia_version = kornia.__version__
    except ImportError:
        args.kornia, kornia_version = False, "not installed (guided filter skipped)"

    print_banner(device=device)
    print(f"kornia      : {kornia_version}")
    if args.tune_gf and args.kornia and "guided-filter" in args.methods:
        tune_guided_filter(args, device)
    scales = [int(s) for s in args.scales.split(",")]
    results: dict[str, dict[tuple[str, int], tuple[float, float]]] = {}
    counts: dict[str, int] = {}
    for name in args.datasets.split(","):
        cls, _ = DATASETS[name]
        limit = getattr(args, f"limit_{name}")
        for s in scales:
            ds = cls(scale=s, indices=limit) if limit else cls(scale=s)
            for method, net in make_methods(args, s).items():
                rmse, sec, n = score(net, ds, device)
                counts[name] = n
                results.setdefault(method, {})[(name, s)] = (rmse, sec)
                print(f"  {name} x{s} {method}: RMSE {rmse:.4f} ({sec:.2f} s/img, {n} images)",
                      flush=True)
    cols = [(d, s) for d in args.datasets.split(",") for s in scales]
    headers = ["method"] + [f"{d} x{s} ({DATASETS[d][1]})" for d, s in cols]
    rows = [[m] + [f"{r[c][0]:.3f}" if c in r else "-" for c in cols] for m, r in results.items()]
    print("\nRMSE, D2A2/DCTNet preset, GDSRMetric(clamp=False), mean over images; images: "
          + ", ".join(f"{d} {n}" for d, n in counts.items()))
    print(format_table(headers, rows))
    rows = [[m] + [f"{r[c][1]:.2f}" if c in r else "-" for c in cols] for m, r in results.items()]
    print(f"\nseconds per image ({device})")
    print(format_table(headers, rows))


if __name__ == "__main__":
    main()
