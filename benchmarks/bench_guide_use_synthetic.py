"""Does a D2A2 learn to use its guide? A synthetic task that only the guide can solve.

Each sample is a scene of random rectangles drawn twice: once into the RGB
guide (a random colour per rectangle) and once into the HR depth (a random
depth per rectangle), so every depth edge has an RGB edge at the same place.
The LR depth is the HR area-averaged by the scale: from it alone the edges
cannot be placed to the pixel. A network that uses its guide gets below
bicubic; one that ignores it does not, and feeding it another sample's guide
(**shuffled**) changes nothing.

The script trains a D2A2 (zero-initialised tail, Adam) from scratch with
PyTorch's default initialisation and with ``guide_init='kaiming'``
(:meth:`xmodal.models.D2A2.reset_guide_parameters`), and prints every
``--every`` iterations the mean absolute error (normalised depth) on a fixed
held-out batch with the true guide, with the shuffled guide and of bicubic.

Usage::

    python benchmarks/bench_guide_use_synthetic.py [--iters 300] [--scale 8] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from _common import format_table, print_banner

from xmodal.models import D2A2


def rectangles(batch: int, size: int, scale: int, gen: torch.Generator) -> tuple:
    """-> lr (B, 1, size/s, size/s), guide (B, 3, size, size), hr (B, 1, size, size)."""
    guide, hr = torch.empty(batch, 3, size, size), torch.empty(batch, 1, size, size)
    for i in range(batch):
        hr[i] = torch.rand(1, generator=gen)
        guide[i] = torch.rand(3, 1, 1, generator=gen)
        for _ in range(6):
            y, x = torch.randint(0, size - 8, (2,), generator=gen).tolist()
            h, w = torch.randint(4, size // 2, (2,), generator=gen).tolist()
            hr[i, :, y:y + h, x:x + w] = torch.rand(1, generator=gen)
            guide[i, :, y:y + h, x:x + w] = torch.rand(3, 1, 1, generator=gen)
    return F.avg_pool2d(hr, scale), guide, hr


@torch.no_grad()
def score(net: D2A2, held_out: tuple) -> tuple[float, float, float]:
    """(true guide, shuffled guide, bicubic) mean absolute error on ``held_out``."""
    lr, guide, hr = held_out
    net.eval()
    true = (net(lr, guide) - hr).abs().mean().item()
    shuffled = (net(lr, guide.roll(1, dims=0)) - hr).abs().mean().item()
    bicubic = (F.interpolate(lr, size=hr.shape[-2:], mode="bicubic") - hr).abs().mean().item()
    net.train()
    return true, shuffled, bicubic


def train(guide_init: str, args: argparse.Namespace) -> list[list[object]]:
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    held_out = rectangles(8, args.size, args.scale, torch.Generator().manual_seed(12345))
    net = D2A2(scale=args.scale, zero_init_tail=True, guide_init=guide_init)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    rows, start = [], time.time()
    for it in range(args.iters + 1):
        if it % args.every == 0:
            true, shuffled, bicubic = score(net, held_out)
            rows.append([guide_init, it, f"{true:.4f}", f"{shuffled:.4f}", f"{bicubic:.4f}",
                         f"{time.time() - start:.0f}"])
        if it < args.iters:
            lr, guide, hr = rectangles(args.batch, args.size, args.scale, gen)
            loss = (net(lr, guide) - hr).abs().mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--iters", type=int, default=300)
    p.add_argument("--every", type=int, default=50)
    p.add_argument("--scale", type=int, default=8, choices=D2A2.SCALES)
    p.add_argument("--size", type=int, default=48, help="HR side (a multiple of the scale)")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print_banner()
    rows = train("default", args) + train("kaiming", args)
    print(format_table(["guide init", "iteration", "MAE true guide", "MAE shuffled guide",
                        "MAE bicubic", "seconds"], rows))


if __name__ == "__main__":
    main()
