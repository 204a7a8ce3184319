"""Make the block figures of the documentation from a real Middlebury frame.

Run from the repository root (a few minutes on 2 CPU cores)::

    OMP_NUM_THREADS=2 python docs/make_figures.py

It writes PNGs into ``docs/_static/figures/`` (committed; the Sphinx build does
not run this script) and a ``figures.json`` with the numbers quoted in the
captions. Every figure comes from the frame ``FRAME`` of the sample embedded in
the package (``xmodal/data/gdsr/middlebury``) under the D2A2/DCTNet protocol
(:mod:`xmodal.datasets.protocol`):

* ``dga_offsets.png``: no trained DGA checkpoint ships with xmodal and an
  untrained DGA predicts zero offsets, so the figure shows a DGA *fitted on
  this frame* for ``DGA_STEPS`` Adam steps to undo a known synthetic shift of
  the guide (target = the normalised depth, guide = the grey-level RGB moved by
  ``SHIFT`` pixels; loss = L1 to the unshifted grey level). The arrows are the
  predicted offsets of the centre kernel point; the caption compares their
  median with the true shift.
* ``gc_gate_map.png`` / ``pa_map.png``: the GatedConv gate and the pixel
  attention map of the full-resolution fusion of a D2A2 at *initialisation*
  (seed 0, no training) on this frame: they show the shape and range of the
  maps on real inputs, not learned attention.
* ``dada_vs_bicubic.png``: learning-free DADA (guided anisotropic diffusion +
  LR-consistency adjustment, K = 0.03, N = 250, the setting of
  ``benchmarks/bench_dada_learning_free.py``) vs PIL bicubic at x8, with the
  RMSE of each on this frame (8-bit file units, no crop, no clamp).
* ``bench_dada_middlebury.png``: the Middlebury table recorded in
  ``benchmarks/bench_dada_learning_free.py``'s docstring, plotted (parsed from
  the file, not re-measured).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from xmodal.align import DGA  # noqa: E402
from xmodal.datasets.protocol import (  # noqa: E402
    make_lr_bicubic,
    minmax_normalise,
    mod_crop,
    upsample_bicubic_pil,
)
from xmodal.models import D2A2  # noqa: E402
from xmodal.refine import guide_depth_features, guided_anisotropic_diffusion  # noqa: E402

SAMPLE = ROOT / "xmodal" / "data" / "gdsr" / "middlebury"
OUT = ROOT / "docs" / "_static" / "figures"
FRAME = "Middlebury_03"
SHIFT = (3, -2)  # (dy, dx) pixels: guide[p] = grey[p - SHIFT]
DGA_STEPS = 300
DADA_SCALE, DADA_K, DADA_ITERS = 8, 0.03, 250
DPI = 90


def save(fig: matplotlib.figure.Figure, name: str) -> None:
    """Save ``fig`` as a small palette PNG (256 colours) under ``OUT``."""
    path = OUT / name
    fig.savefig(path, dpi=DPI)
    compress_png(path)


def compress_png(path: Path) -> None:
    """Quantise a PNG to 256 colours in place (figures stay well under 200 kB)."""
    img = Image.open(path).convert("RGB")
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def load_frame(scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the mod-cropped RGB (H, W, 3) uint8 and depth (H, W) float32 (0-255 units)."""
    rgb = np.asarray(Image.open(SAMPLE / "rgb" / f"{FRAME}_output_color.png").convert("RGB"))
    depth = np.asarray(Image.open(SAMPLE / "depth" / f"{FRAME}_output_depth.png"), np.float32)
    return mod_crop(rgb, scale), mod_crop(depth, scale)


def to_tensor(a: np.ndarray) -> torch.Tensor:
    """(H, W) or (H, W, C) array -> (1, C, H, W) float32 tensor."""
    t = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
    return t[None, None] if t.ndim == 2 else t.permute(2, 0, 1)[None]


def rmse(pred: np.ndarray, gt: np.ndarray) -> float:
    d = pred.astype(np.float64) - gt.astype(np.float64)
    return float(np.sqrt(np.mean(d * d)))


def shift_image(x: torch.Tensor, shift: tuple[int, int]) -> torch.Tensor:
    """Move ``x`` by ``shift`` = (dy, dx) pixels (replicate padding at the border)."""
    dy, dx = shift
    pad = (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0))
    big = F.pad(x, pad, mode="replicate")
    h, w = x.shape[-2:]
    # out[p] = x[p - shift]: start the window at (pad_top - dy, pad_left - dx)
    y0 = pad[2] - dy
    x0 = pad[0] - dx
    return big[..., y0 : y0 + h, x0 : x0 + w]


def fig_dga(rgb: np.ndarray, depth: np.ndarray) -> dict:
    """Fit a DGA to undo a known shift of the guide; draw the centre-tap offsets."""
    torch.manual_seed(0)
    grey = to_tensor(rgb.mean(axis=2) / 255.0)
    dn = to_tensor(minmax_normalise(depth, float(depth.min()), float(depth.max())))
    guide = shift_image(grey, SHIFT)
    dga = DGA(channels=1, deform_groups=1, offset_channels=32, backend="auto")
    with torch.no_grad():  # centre-tap identity: output = mask * guide(p + offset_centre)
        dga.weight.zero_()
        dga.weight[0, 0, 1, 1] = 2.0  # the mask starts at 0.5
    dga.weight.requires_grad_(False)
    opt = torch.optim.Adam([p for p in dga.parameters() if p.requires_grad], lr=2e-3)
    # train on random 96x96 crops, away from the replicated border
    h, w = grey.shape[-2:]
    margin, size = 8, 96
    gen = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for _ in range(DGA_STEPS):
        y = int(torch.randint(margin, h - size - margin, (1,), generator=gen))
        x = int(torch.randint(margin, w - size - margin, (1,), generator=gen))
        sl = (..., slice(y, y + size), slice(x, x + size))
        out = dga(dn[sl], guide[sl])
        loss = (out - grey[sl]).abs()[..., 4:-4, 4:-4].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    fit_s = time.perf_counter() - t0
    with torch.no_grad():
        offset, mask = dga.predict_offsets(dn, guide)
        out = dga(dn, guide)
    # centre kernel point k = 4 of a 3x3 kernel: channels (2k, 2k + 1) = (dy, dx)
    dy, dx = offset[0, 8].numpy(), offset[0, 9].numpy()
    inner = (slice(margin, -margin), slice(margin, -margin))
    med = (float(np.median(dy[inner])), float(np.median(dx[inner])))
    err_before = float((guide - grey).abs()[..., 8:-8, 8:-8].mean())
    err_after = float((out - grey).abs()[..., 8:-8, 8:-8].mean())

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.9))
    axes[0].imshow(rgb)
    axes[0].set_title("guide (RGB)")
    axes[1].imshow(dn[0, 0], cmap="viridis")
    axes[1].set_title("target: depth (normalised)")
    axes[2].imshow((guide[0, 0] - grey[0, 0]).abs(), cmap="gray_r", vmin=0, vmax=0.5)
    step = 16
    ys, xs = np.mgrid[step // 2 : h : step, step // 2 : w : step]
    # arrows point from p to the sampled position p + offset (image coordinates)
    axes[2].quiver(xs, ys, dx[ys, xs], dy[ys, xs], color="tab:red", angles="xy",
                   scale_units="xy", scale=0.25, width=0.004)
    axes[2].set_title(f"DGA offsets (x4 length), true shift {SHIFT}")
    for ax in axes:
        ax.set_axis_off()
    fig.tight_layout()
    save(fig, "dga_offsets.png")
    plt.close(fig)
    return dict(shift_dy_dx=list(SHIFT), median_offset_dy_dx=[round(v, 3) for v in med],
                l1_before=round(err_before, 4), l1_after=round(err_after, 4),
                steps=DGA_STEPS, fit_seconds=round(fit_s, 1),
                mean_mask_centre=round(float(mask[0, 4].mean()), 3))


def fig_gc_pa(rgb: np.ndarray, depth: np.ndarray, scale: int = 4) -> dict:
    """Gate map of GatedConv and the PA map inside an untrained D2A2 (seed 0)."""
    torch.manual_seed(0)
    dmin, dmax = float(depth.min()), float(depth.max())
    lr = make_lr_bicubic(np.ascontiguousarray(depth), scale)
    lr_t = to_tensor(minmax_normalise(lr, dmin, dmax))
    guide = to_tensor(rgb / 255.0)
    net = D2A2(scale=scale).eval()
    mfa = net.fusions[-1].fuse  # full-resolution fusion
    maps: dict[str, torch.Tensor] = {}

    def gate_hook(module, inputs, output):
        maps["gate"] = module.gate_map(inputs[0])

    def pa_hook(module, inputs, output):
        maps["pa"] = module.attention_map(*inputs)

    h1 = mfa.gate.register_forward_hook(gate_hook)
    h2 = mfa.attention.register_forward_hook(pa_hook)
    with torch.no_grad():
        net(lr_t, guide)
    h1.remove()
    h2.remove()
    stats = {}
    for key, fname, title in (
        ("gate", "gc_gate_map.png", "GatedConv gate sigmoid(conv_gate(x))"),
        ("pa", "pa_map.png", "pixel-attention map"),
    ):
        m = maps[key][0]
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.9))
        axes[0].imshow(rgb)
        axes[0].set_title("guide (RGB)")
        # colour range = the data range (at initialisation the maps stay near 0.5)
        im = axes[1].imshow(m.mean(0), cmap="magma")
        axes[1].set_title(f"{title}\nmean over {m.shape[0]} channels", fontsize=10)
        fig.colorbar(im, ax=axes[1], fraction=0.04)
        c = int(m.flatten(1).std(1).argmax())
        im = axes[2].imshow(m[c], cmap="magma")
        axes[2].set_title(f"channel {c} (largest spread)", fontsize=10)
        fig.colorbar(im, ax=axes[2], fraction=0.04)
        for ax in axes:
            ax.set_axis_off()
        fig.suptitle("D2A2 at initialisation (seed 0, untrained): full-resolution MFA", y=0.99)
        fig.tight_layout()
        save(fig, fname)
        plt.close(fig)
        stats[key] = dict(min=round(float(m.min()), 3), max=round(float(m.max()), 3),
                          mean=round(float(m.mean()), 3), channel_shown=c)
    return stats


def fig_dada(rgb: np.ndarray, depth: np.ndarray) -> dict:
    """Learning-free DADA vs PIL bicubic at x8 on the frame (bench_dada_learning_free)."""
    s = DADA_SCALE
    dmin, dmax = float(depth.min()), float(depth.max())
    span = max(dmax - dmin, 1e-6)
    lr = make_lr_bicubic(np.ascontiguousarray(depth), s)
    bic = upsample_bicubic_pil(lr, s)
    guide = to_tensor(rgb / 255.0)
    init = (to_tensor(bic) - dmin) / span
    lr_t = (to_tensor(lr) - dmin) / span
    feats = guide_depth_features(guide, init)
    t0 = time.perf_counter()
    with torch.no_grad():  # +1: positive depth for the multiplicative adjustment
        u = guided_anisotropic_diffusion(init + 1, lr_t + 1, feats, DADA_K, num_iters=DADA_ITERS,
                                         scale=s, zero_invalid=False)
    secs = time.perf_counter() - t0
    dada = ((u - 1) * span + dmin)[0, 0].numpy()
    r_bic, r_dada = rmse(bic, depth), rmse(dada, depth)
    err_max = float(np.percentile(np.abs(bic - depth), 99))

    fig, axes = plt.subplots(2, 3, figsize=(12, 7.2))
    panels = [
        (rgb, "guide (RGB)", None),
        (depth, "ground truth (8-bit units)", "viridis"),
        (np.kron(lr, np.ones((s, s))), f"LR input x{s} (PIL bicubic)", "viridis"),
        (bic, f"bicubic: RMSE {r_bic:.2f}", "viridis"),
        (dada, f"learning-free DADA: RMSE {r_dada:.2f}", "viridis"),
        (np.abs(dada - depth) - np.abs(bic - depth), "|err DADA| - |err bicubic|", "coolwarm"),
    ]
    for ax, (img, title, cmap) in zip(axes.flat, panels):
        if cmap == "viridis":
            ax.imshow(img, cmap=cmap, vmin=dmin, vmax=dmax)
        elif cmap == "coolwarm":
            im = ax.imshow(img, cmap=cmap, vmin=-err_max, vmax=err_max)
            fig.colorbar(im, ax=ax, fraction=0.04)
        else:
            ax.imshow(img)
        ax.set_title(title)
        ax.set_axis_off()
    fig.tight_layout()
    save(fig, "dada_vs_bicubic.png")
    plt.close(fig)
    return dict(scale=s, k=DADA_K, iters=DADA_ITERS, rmse_bicubic=round(r_bic, 4),
                rmse_dada=round(r_dada, 4), seconds=round(secs, 1))


def parse_bench_table(path: Path) -> tuple[list[str], dict[str, list[float]]]:
    """Parse the first markdown table of a benchmark script's docstring."""
    text = path.read_text(encoding="utf-8")
    rows = [ln.strip() for ln in text.splitlines() if re.match(r"^\s*\|", ln)]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    data = {}
    for ln in rows[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        data[cells[0]] = [float(v) for v in cells[1:]]
    return header[1:], data


def fig_bench() -> dict:
    cols, data = parse_bench_table(ROOT / "benchmarks" / "bench_dada_learning_free.py")
    fig, ax = plt.subplots(figsize=(7, 3.6))
    n = len(data)
    width = 0.8 / n
    x = np.arange(len(cols))
    for i, (name, vals) in enumerate(data.items()):
        bars = ax.bar(x + (i - (n - 1) / 2) * width, vals, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x, cols)
    ax.set_ylabel("RMSE (8-bit units)")
    ax.set_title("Middlebury (30 frames), recorded in bench_dada_learning_free.py")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "bench_dada_middlebury.png")
    plt.close(fig)
    return dict(columns=cols, rows=data)


FIGURES = ("dada", "gc_pa", "dga", "bench")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Make the docs' block figures.")
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=list(FIGURES),
                        help="figures to (re)make; the others and their numbers are kept")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    record = OUT / "figures.json"
    info: dict = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    rgb, depth = load_frame(8)
    info.update(frame=FRAME, frame_size_hw=list(depth.shape), torch=torch.__version__)
    makers = dict(dada=lambda: fig_dada(rgb, depth), gc_pa=lambda: fig_gc_pa(rgb, depth),
                  dga=lambda: fig_dga(rgb, depth), bench=fig_bench)
    for name in args.only:
        info[name] = makers[name]()
        print(name, info[name], flush=True)
    record.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
