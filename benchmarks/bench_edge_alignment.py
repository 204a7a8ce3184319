"""How closely the HR depth's edges follow the RGB guide's edges, per GDSR dataset.

A guided network can only gain from the RGB where depth edges and RGB edges
coincide. This script measures that coincidence on the HR ground truth of each
dataset (no network involved), to compare the training data with the
validation data:

- edges: per frame, the pixels whose gradient magnitude (Sobel, scipy) lies in
  the top ``--top`` share of the frame (depth: min-max normalised HR depth,
  pixels within 2 px of an invalid (<= 0) depth left out; RGB: luminance), so
  every frame has the same edge density;
- **aligned**: the share of depth-edge pixels that have an RGB-edge pixel
  within ``--radius`` pixels (RGB edges dilated by a square of side
  2 * radius + 1);
- **chance**: the same share with the RGB of the frame half the dataset away
  (resized to this frame's size with Pillow; not the next frame, which in
  RGB-D-D is often the same scene);
- **lift**: aligned / chance, mean over frames. 1.0: the RGB says nothing
  about where depth edges are.

Usage (``XMODAL_DATA`` or ``--data``: the folder that holds ``gdsr/``)::

    python benchmarks/bench_edge_alignment.py --data ../shared/data [--top 0.05 --radius 1]
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import add_data_argument, format_table, print_banner, require_data
from PIL import Image
from scipy import ndimage

from xmodal.datasets import MiddleburyDataset, RGBDDDataset


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_argument(p, "gdsr/ (middlebury, rgbdd)")
    p.add_argument("--top", type=float, default=0.05,
                   help="share of each frame's pixels taken as edges (0 < top < 1)")
    p.add_argument("--radius", type=int, default=1, help="match distance in pixels (>= 0)")
    args = p.parse_args()
    require_data(p, args)
    if not 0 < args.top < 1:
        p.error(f"--top must lie in (0, 1), got {args.top}")
    if args.radius < 0:
        p.error(f"--radius must be >= 0, got {args.radius}")
    return args


def edges(image: np.ndarray, top: float) -> np.ndarray:
    """Boolean (H, W): the ``top`` share of pixels with the largest Sobel gradient."""
    image = image.astype(np.float64)
    magnitude = np.hypot(ndimage.sobel(image, axis=0), ndimage.sobel(image, axis=1))
    return magnitude > np.quantile(magnitude, 1 - top)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 -> (H, W) float luminance (ITU-R BT.601)."""
    return rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def aligned_share(depth_edges: np.ndarray, rgb: np.ndarray, top: float, radius: int) -> float:
    """Share of ``depth_edges`` pixels within ``radius`` px of an edge of ``rgb``."""
    near = ndimage.binary_dilation(edges(luminance(rgb), top),
                                   structure=np.ones((2 * radius + 1,) * 2, bool))
    return float(near[depth_edges].mean())


def frame_depth_edges(depth: np.ndarray, top: float) -> np.ndarray:
    valid = depth > 0
    lo, hi = depth[valid].min(), depth[valid].max()
    normalised = np.where(valid, (depth - lo) / max(hi - lo, 1e-12), 0.0)
    keep = ~ndimage.binary_dilation(~valid, structure=np.ones((5, 5), bool))
    return edges(normalised, top) & keep


def measure(dataset, top: float, radius: int) -> tuple[int, float, float]:  # noqa: ANN001
    """-> (frames, mean aligned share, mean chance share) over ``dataset``."""
    pairs = [dataset.load_pair(dataset.get_data_info(i)) for i in range(len(dataset))]
    aligned, chance = [], []
    for i, (rgb, depth) in enumerate(pairs):
        depth_edges = frame_depth_edges(depth, top)
        other = pairs[(i + len(pairs) // 2) % len(pairs)][0]
        other = np.asarray(Image.fromarray(other).resize(rgb.shape[1::-1], Image.BILINEAR))
        aligned.append(aligned_share(depth_edges, rgb, top, radius))
        chance.append(aligned_share(depth_edges, other, top, radius))
    return len(pairs), float(np.mean(aligned)), float(np.mean(chance))


def main() -> None:
    args = parse_args()
    print("Depth-edge / RGB-edge alignment of the HR ground truth")
    print_banner()
    gdsr = args.data / "gdsr"
    rows = []
    for name, dataset in (("Middlebury", MiddleburyDataset(data_root=gdsr / "middlebury")),
                          ("RGB-D-D", RGBDDDataset(data_root=gdsr / "rgbdd"))):
        n, aligned, chance = measure(dataset, args.top, args.radius)
        rows.append([name, str(n), f"{aligned:.3f}", f"{chance:.3f}", f"{aligned / chance:.2f}"])
    print(f"edges: top {args.top:.0%} of Sobel magnitude per frame; match radius {args.radius} px")
    print(format_table(["dataset", "frames", "aligned", "chance (another frame's RGB)", "lift"],
                       rows))


if __name__ == "__main__":
    main()
