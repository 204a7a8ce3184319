"""Interruptible CPU training campaign for the shipped D2A2 weights (one network, x4/x8/x16).

D2A2 works at x4 inside and bicubic-upsamples an x8 / x16 LR by ``scale / 4``
first (:class:`xmodal.models.D2A2`), so the x4, x8 and x16 models have the same
parameters. The campaign trains **one** network on a mix of the three scales
(each batch draws its scale in turn), validates an exponential moving average
(EMA) of its weights on the 30 Middlebury frames at every scale (standard
protocol, ``clamp=False``, 8-bit units) and exports, per scale, the best EMA
weights so far as a float16 xmodal weights file (:func:`xmodal.weights.save_weights`).

It is built to be stopped at any time and resumed:

- ``WORK_DIR/last.pth`` (model, EMA, optimizer, iteration, wall time, RNG) is
  written atomically every ``--ckpt-min`` minutes; ``--resume`` continues it;
- ``--init WEIGHTS`` starts from a weights file (e.g. the committed ones) with a
  fresh optimizer when no checkpoint exists;
- ``WORK_DIR/curve.csv`` gets one row per evaluation and scale (iteration, wall
  time, CPU hours, Middlebury RMSE of the EMA weights and of Pillow bicubic).
- with ``--guide-check --min-guide-effect F`` an export also needs the EMA
  weights to use their guide: RMSE with the own guide at least ``F`` below the
  RMSE with mismatched guides (a resume under a changed ``F`` forgets the
  checkpoint's best, which was chosen under another rule).

Data: every frame of an RGB-D-D folder (:class:`xmodal.datasets.RGBDDDataset`),
random square crops of ``--crop`` pixels, LR by the protocol's Pillow bicubic,
min-max with the crop's HR min/max, random flips and transposes (the official
D2A2 training pipeline). Loss L1 on the normalised depth, Adam, linear warm-up
then a constant learning rate (``--lr``).

Settings compared in the model card's sweep: ``--norm frame`` (min-max with the
frame's HR min/max, as a whole test image is normalised, instead of stretching
each small crop to [0, 1]; ``MakeLRDepth(range_from="frame")``), ``--hard-crops K``
(keep the crop of K that bicubic up-sampling misses most: depth edges over flat
walls), ``--loss charbonnier``, ``--loss rmse`` (per-sample RMSE, the metric's
form),
``--bf16`` (autocast), ``--cosine-iters T`` (cosine decay to 2 % at T),
``--lr-noise SIGMA`` (Gaussian noise on the normalised LR crops, as a real
sensor's LR has: flat regions can only be denoised edge-aware with the guide),
``--lr-blur SIGMA`` (LR made from a Gaussian-blurred HR crop: edges the LR no
longer places must come from the guide), ``--lr-shift PIXELS`` (LR made from a
shifted HR crop, as a misregistered sensor's: only the guide knows where the
edges are; ``--lr-shift-prob P`` shifts only that share of the crops) and
``--grad-weight W`` (plus W times
an L1 on the depth's finite differences, which weighs edges).

Usage (``XMODAL_DATA``: the folder that holds ``gdsr/rgbdd`` and ``gdsr/middlebury``;
the commands and the measured curve are in ``docs/model_card_d2a2.md``)::

    XMODAL_DATA=/data setsid nice -n 10 python -m xmodal.tools.campaign \\
        --work-dir work_dirs/campaign --resume --export-dir xmodal/weights \\
        > work_dirs/campaign.log 2>&1 &

On a shared machine ``--threads 1`` is faster than 2: OpenMP threads that wait
for each other under oversubscription measured 3x slower per iteration here.
"""

from __future__ import annotations

import argparse
import copy
import csv
import math
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
from torch.optim.swa_utils import AveragedModel

from xmodal.apis import retain_freed_memory
from xmodal.datasets import MiddleburyDataset, RGBDDDataset
from xmodal.datasets.protocol import resize_bicubic_pil
from xmodal.datasets.transforms import (
    MakeLRDepth,
    PackGDSRInputs,
    RandomCropPair,
    RandomFlipTranspose,
)
from xmodal.evaluation import evaluate_generator, guide_effect
from xmodal.models import D2A2, gradient_l1_loss
from xmodal.weights import load_weights_file, save_weights

from .lr_degradations import add_lr_noise, degrade_lr

SCALES = (4, 8, 16)
NORMS = ("crop", "frame")
#: Training losses on the normalised depth (B, 1, H, W): L1, Charbonnier (eps 1e-3),
#: and the root-mean-square error of each sample averaged over the batch (the form
#: of the benchmark metric, which averages per-frame RMSE: large errors weigh more).
LOSSES = {
    "l1": lambda pred, gt: (pred - gt).abs().mean(),
    "charbonnier": lambda pred, gt: ((pred - gt).square() + 1e-6).sqrt().mean(),
    "rmse": lambda pred, gt: ((pred - gt).square().flatten(1).mean(1) + 1e-12).sqrt().mean(),
}
CURVE_FIELDS = ("iter", "wall_s", "cpu_hours", "scale", "rmse", "bicubic_rmse",
                "mismatched_rmse")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The campaign's options (``python -m xmodal.tools.campaign -h``).

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).

    Returns:
        The parsed options.
    """
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--work-dir", type=Path, default=Path("work_dirs/campaign"))
    p.add_argument("--train-root", type=Path, default=None,
                   help="RGB-D-D folder (rgb/, depth/); default: the data search path")
    p.add_argument("--val-root", type=Path, default=None, help="Middlebury folder")
    p.add_argument("--export-dir", type=Path, default=None,
                   help="write the best EMA weights per scale here (float16)")
    p.add_argument("--resume", action="store_true", help="continue WORK_DIR/last.pth")
    p.add_argument("--init", type=Path, default=None,
                   help="weights file to start from when there is no checkpoint")
    p.add_argument("--crop", type=int, default=96, help="HR crop side (multiple of 16)")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=4e-4)
    p.add_argument("--warmup", type=int, default=200, help="linear warm-up iterations")
    p.add_argument("--ema", type=float, default=0.998, help="EMA decay per iteration")
    p.add_argument("--scales", type=int, nargs="+", default=list(SCALES))
    p.add_argument("--max-minutes", type=float, default=60.0, help="wall time of this run")
    p.add_argument("--ckpt-min", type=float, default=5.0)
    p.add_argument("--eval-min", type=float, default=20.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--norm", choices=NORMS, default="crop",
                   help="min-max of each crop with the crop's HR min/max (official D2A2) "
                        "or with its frame's (the statistics a whole test image has)")
    p.add_argument("--hard-crops", type=int, default=1, metavar="K",
                   help="draw K crops, train on the one bicubic up-sampling misses most")
    p.add_argument("--reset-guide", action="store_true",
                   help="start the guide path Kaiming-normal (D2A2.reset_guide_parameters), "
                        "also after --init; not on --resume")
    p.add_argument("--guide-check", action="store_true",
                   help="also score every evaluation with mismatched guides (the next "
                        "frame's RGB): does the model use its guide?")
    p.add_argument("--min-guide-effect", type=float, default=0.0, metavar="F",
                   help="export only weights whose guide effect (1 - RMSE with the own "
                        "guide / RMSE with a mismatched one) is at least F, e.g. 0.1 "
                        "(needs --guide-check; 0: the lowest RMSE alone decides)")
    p.add_argument("--loss", choices=tuple(LOSSES), default="l1")
    p.add_argument("--grad-weight", type=float, default=0.0, metavar="W",
                   help="add W times the L1 of the depth's finite differences "
                        "(xmodal.models.gradient_l1_loss), which weighs depth edges "
                        "(0: the pixel loss alone)")
    p.add_argument("--bf16", action="store_true", help="bfloat16 autocast on the CPU")
    p.add_argument("--lr-noise", type=float, default=0.0, metavar="SIGMA",
                   help="add Gaussian noise to each normalised LR crop, its standard "
                        "deviation drawn uniformly in [0, SIGMA] per crop (0: clean LR)")
    p.add_argument("--lr-blur", type=float, default=0.0, metavar="SIGMA",
                   help="make each LR crop from its HR crop blurred with a Gaussian, its "
                        "standard deviation (HR pixels) drawn uniformly in [0, SIGMA] per "
                        "crop, then the protocol's bicubic down-sampling (0: bicubic only)")
    p.add_argument("--lr-shift", type=int, default=0, metavar="PIXELS",
                   help="make each LR crop from its HR crop shifted by a whole number of HR "
                        "pixels, drawn uniformly in [-PIXELS, PIXELS] per crop and axis, "
                        "so the LR edges are misregistered with the guide (0: aligned)")
    p.add_argument("--lr-shift-prob", type=float, default=1.0, metavar="P",
                   help="share of the crops that --lr-shift moves, in [0, 1] (the others "
                        "keep their LR registered with the guide)")
    p.add_argument("--cosine-iters", type=int, default=0, metavar="T",
                   help="cosine decay of the learning rate to 2%% of --lr at iteration T "
                        "(0: constant after the warm-up)")
    args = p.parse_args(argv)
    _check_args(p, args)
    return args


def _check_args(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Exit through ``p.error`` on an option value out of its range."""
    if args.hard_crops < 1:
        p.error(f"--hard-crops must be >= 1, got {args.hard_crops}")
    if not 0.0 <= args.min_guide_effect < 1.0:
        p.error(f"--min-guide-effect must be in [0, 1), got {args.min_guide_effect}")
    if args.min_guide_effect and not args.guide_check:
        p.error("--min-guide-effect needs --guide-check (the mismatched-guide RMSE)")
    if not 0.0 <= args.lr_shift_prob <= 1.0:
        p.error(f"--lr-shift-prob must be in [0, 1], got {args.lr_shift_prob}")
    for name in ("lr_noise", "lr_blur", "lr_shift", "grad_weight"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be >= 0, got {getattr(args, name)}")


class CropSampler:
    """Random training batches from frames held in memory (the D2A2 training pipeline).

    Args:
        dataset: the training frames (read once, kept in memory).
        crop: HR crop side in pixels (a multiple of every scale used).
        norm: ``'crop'`` min-max normalises with the crop's HR min/max (official
            D2A2 loader); ``'frame'`` with the whole frame's HR min/max, so a
            crop of a flat wall keeps its small range instead of having its
            sensor noise stretched to [0, 1].
        hard_crops: K >= 1: draw K crops and keep the one whose PIL-bicubic
            up-sampling misses the normalised HR most (mean absolute error).
    """

    def __init__(self, dataset: RGBDDDataset, crop: int, norm: str = "crop",
                 hard_crops: int = 1) -> None:
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        self.frames = [dataset.load_pair(dataset.get_data_info(i)) for i in range(len(dataset))]
        self.crop, self.norm, self.hard_crops = crop, norm, hard_crops
        self.meta = dict(unit_scale=dataset.unit_scale, unit=dataset.unit, border=0,
                         dataset=dataset.dataset_name)
        self.steps = [RandomCropPair(crop), MakeLRDepth("frame" if norm == "frame" else "hr"),
                      RandomFlipTranspose(), PackGDSRInputs()]

    def _sample(self, scale: int) -> dict:
        while True:  # a crop of constant depth cannot be min-max normalised: draw again
            guide, depth = self.frames[random.randrange(len(self.frames))]
            results = dict(self.meta, guide=guide, hr_depth=depth, scale=scale, img_name="")
            try:
                for step in self.steps:
                    results = step(results)
                return results
            except ValueError:
                continue

    def _hard(self, scale: int) -> dict:
        items = [self._sample(scale) for _ in range(self.hard_crops)]
        if len(items) == 1:
            return items[0]
        return max(items, key=bicubic_miss)

    def batch(self, size: int, scale: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """-> lr (B, 1, crop/s, crop/s), guide (B, 3, crop, crop), gt (B, 1, crop, crop)."""
        items = [self._hard(scale) for _ in range(size)]
        lr = torch.stack([it["inputs"]["lr"] for it in items])
        guide = torch.stack([it["inputs"]["guide"] for it in items])
        gt = torch.stack([it["data_samples"].gt_depth for it in items])
        return lr, guide, gt


def bicubic_miss(item: dict) -> float:
    """Mean absolute error of the PIL-bicubic up-sampled LR of a packed crop (normalised units)."""
    lr = item["inputs"]["lr"][0].numpy()
    gt = item["data_samples"].gt_depth[0].numpy()
    up = resize_bicubic_pil(lr, gt.shape)
    return float(np.abs(up - gt).mean())


def run_at_scale(net: torch.nn.Module, scale: int, lr: torch.Tensor,
                 guide: torch.Tensor) -> torch.Tensor:
    """Run a D2A2 at ``scale``: the parameters do not depend on it, only the input size."""
    net.scale = scale
    return net(lr, guide)


def at_scale(net: D2A2, scale: int) -> D2A2:
    """A copy of ``net`` that runs at ``scale`` (same parameters)."""
    net = copy.deepcopy(net)
    net.scale = scale
    return net


def evaluate(net: D2A2, datasets: dict[int, MiddleburyDataset],
             guide: str = "true") -> dict[int, dict]:
    """Middlebury RMSE (8-bit units, ``clamp=False``) of ``net`` per scale, beside bicubic.

    ``guide='mismatched'`` feeds each frame the next frame's RGB
    (:func:`xmodal.evaluation.evaluate_generator`).
    """
    return {scale: evaluate_generator(at_scale(net, scale), ds, guide=guide)
            for scale, ds in datasets.items()}


def ema_fn(decay: float):
    """EMA update with a warm-up: decay ``min(decay, (1 + n) / (10 + n))`` after n updates."""

    def avg(averaged: torch.Tensor, current: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        d = min(decay, (1.0 + float(n)) / (10.0 + float(n)))
        return averaged * d + current * (1.0 - d)

    return avg


def curve_fields(curve: Path) -> tuple[str, ...]:
    """The columns of an existing ``curve.csv`` (older runs have fewer), else the full set."""
    if not curve.is_file():
        return CURVE_FIELDS
    with curve.open(newline="") as f:
        return tuple(next(csv.reader(f)))


def learning_rate(args: argparse.Namespace, iteration: int) -> float:
    """``--lr`` after a linear warm-up, constant or cosine-decayed to 2 % at ``--cosine-iters``."""
    warm = min(1.0, (iteration + 1) / max(1, args.warmup))
    if args.cosine_iters <= 0:
        return args.lr * warm
    progress = min(1.0, iteration / args.cosine_iters)
    return args.lr * warm * (0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def save_atomic(obj: dict, path: Path) -> None:
    """``torch.save`` to a temporary file beside ``path``, then rename (never half a file).

    Args:
        obj: what to save (tensors and plain Python types).
        path: the file to write or replace.
    """
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


class Campaign:
    """State of one campaign: network, EMA, optimizer, counters, best RMSE per scale."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.net = D2A2(scale=4, zero_init_tail=True)
        self.ema = AveragedModel(self.net, avg_fn=ema_fn(args.ema), use_buffers=True)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=args.lr)
        self.iter, self.wall, self.cpu = 0, 0.0, 0.0
        self.best: dict[int, float] = {}
        self.evaluated_at = -1  # iteration of this run's last evaluation
        self.ckpt = args.work_dir / "last.pth"

    def restore(self) -> str:
        """Resume ``last.pth``, or start from ``--init`` / scratch (then ``--reset-guide``)."""
        if self.args.resume and self.ckpt.is_file():
            return self._resume()
        start = self._start()
        if self.args.reset_guide:
            self.net.reset_guide_parameters()
            self.ema.module.load_state_dict(self.net.state_dict())
            start += "; guide path re-initialised (Kaiming)"
        return start

    def _resume(self) -> str:
        state = torch.load(self.ckpt, map_location="cpu", weights_only=True)
        self.net.load_state_dict(state["net"])
        self.ema.load_state_dict(state["ema"])
        self.opt.load_state_dict(state["opt"])
        self.iter, self.wall, self.cpu = state["iter"], state["wall"], state["cpu"]
        self.best = {int(k): v for k, v in state["best"].items()}
        if state["args"].get("min_guide_effect", 0.0) != self.args.min_guide_effect:
            self.best = {}  # its best was chosen under another export rule
        return f"resumed {self.ckpt} at iteration {self.iter}"

    def _start(self) -> str:
        if self.args.init is not None:
            weights = load_weights_file(self.args.init)["state_dict"]
            self.net.load_state_dict({k: v.float() for k, v in weights.items()})
            self.ema.module.load_state_dict(self.net.state_dict())
            return f"initialised from {self.args.init} (fresh optimizer)"
        return "from scratch (zero-initialised tail: starts at its bicubic skip)"

    def save(self) -> None:
        save_atomic(dict(net=self.net.state_dict(), ema=self.ema.state_dict(),
                         opt=self.opt.state_dict(), iter=self.iter, wall=self.wall,
                         cpu=self.cpu, best={str(k): v for k, v in self.best.items()},
                         args={k: str(v) if isinstance(v, Path) else v
                               for k, v in vars(self.args).items()}),
                    self.ckpt)

    def step(self, sampler: CropSampler) -> float:
        scales = self.args.scales
        scale = scales[self.iter % len(scales)]
        lr, guide, gt = sampler.batch(self.args.batch, scale)
        lr = degrade_lr(gt, lr, scale, self.args.lr_blur, self.args.lr_shift,
                        self.args.lr_shift_prob)
        lr = add_lr_noise(lr, self.args.lr_noise)
        for group in self.opt.param_groups:
            group["lr"] = learning_rate(self.args, self.iter)
        self.net.train()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.args.bf16):
            pred = run_at_scale(self.net, scale, lr, guide)
        pred = pred.float()
        loss = LOSSES[self.args.loss](pred, gt)
        if self.args.grad_weight:
            loss = loss + self.args.grad_weight * gradient_l1_loss(pred, gt)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.ema.update_parameters(self.net)
        self.iter += 1
        return loss.item()

    def evaluate_and_export(self, val: dict[int, MiddleburyDataset], log) -> None:
        self.evaluated_at = self.iter
        results = evaluate(self.ema.module, val)
        wrong = evaluate(self.ema.module, val, "mismatched") if self.args.guide_check else {}
        curve = self.args.work_dir / "curve.csv"
        fields = curve_fields(curve)
        with curve.open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
            if fields is CURVE_FIELDS:
                writer.writeheader()
            for scale, m in results.items():
                mismatched = round(wrong[scale]["rmse"], 4) if scale in wrong else ""
                writer.writerow(dict(iter=self.iter, wall_s=round(self.wall, 1),
                                     cpu_hours=round(self.cpu / 3600, 4), scale=scale,
                                     rmse=round(m["rmse"], 4),
                                     bicubic_rmse=round(m["bicubic_rmse"], 4),
                                     mismatched_rmse=mismatched))
                log(f"eval iter {self.iter} x{scale}: rmse {m['rmse']:.4f} "
                    f"(bicubic {m['bicubic_rmse']:.4f}, mismatched guide {mismatched or '-'})")
                if self.exportable(scale, m, wrong.get(scale)):
                    self.best[scale] = m["rmse"]
                    self.export(scale, m)

    def exportable(self, scale: int, own: dict, mismatched: dict | None) -> bool:
        """A new lowest RMSE for ``scale``, with at least ``--min-guide-effect`` guide use."""
        if own["rmse"] >= self.best.get(scale, float("inf")):
            return False
        if not self.args.min_guide_effect:
            return True
        return guide_effect(own["rmse"], mismatched["rmse"]) >= self.args.min_guide_effect

    def export(self, scale: int, metrics: dict) -> None:
        if self.args.export_dir is None:
            return
        meta = dict(data="RGB-D-D (405 frames), random crops", iterations=self.iter,
                    crop=self.args.crop, batch=self.args.batch, lr=self.args.lr,
                    ema=self.args.ema, scales=list(self.args.scales), loss=self.args.loss,
                    norm=self.args.norm, hard_crops=self.args.hard_crops,
                    bf16=self.args.bf16, cosine_iters=self.args.cosine_iters,
                    lr_noise=self.args.lr_noise, lr_blur=self.args.lr_blur,
                    lr_shift=self.args.lr_shift, lr_shift_prob=self.args.lr_shift_prob,
                    grad_weight=self.args.grad_weight,
                    wall_hours=round(self.wall / 3600, 3),
                    cpu_hours=round(self.cpu / 3600, 3),
                    middlebury_rmse=round(metrics["rmse"], 4),
                    middlebury_bicubic_rmse=round(metrics["bicubic_rmse"], 4))
        path = self.args.export_dir / f"d2a2_rgbdd_x{scale}.pth"
        tmp = path.with_name(path.name + ".tmp")
        save_weights(self.ema.module, tmp, arch=dict(type="D2A2", scale=scale), meta=meta)
        os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    """Run the campaign for ``--max-minutes`` (module docstring); logs to stdout.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).

    Raises:
        FileNotFoundError: no training or validation data found.
    """
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    retain_freed_memory()
    torch.manual_seed(args.seed)
    args.work_dir.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(time.strftime("%H:%M:%S"), msg, flush=True)

    camp = Campaign(args)
    log(camp.restore())
    random.seed(args.seed + camp.iter)  # a resumed run draws new crops, not the first ones again
    np.random.seed(args.seed + camp.iter)
    train = RGBDDDataset(data_root=args.train_root, scale=4, split="test", pipeline=[])
    sampler = CropSampler(train, args.crop, args.norm, args.hard_crops)
    val = {s: MiddleburyDataset(data_root=args.val_root, scale=s) for s in args.scales}
    log(f"{len(sampler.frames)} training frames from {train.data_root}, "
        f"{len(val[args.scales[0]])} Middlebury frames from {val[args.scales[0]].data_root}")
    if not camp.best:
        camp.evaluate_and_export(val, log)
    start = last_ckpt = last_eval = time.time()
    losses: list[float] = []
    while time.time() - start < args.max_minutes * 60:
        t0, c0 = time.time(), time.process_time()
        losses.append(camp.step(sampler))
        camp.wall += time.time() - t0
        camp.cpu += time.process_time() - c0
        if camp.iter % 50 == 0:
            log(f"iter {camp.iter} loss {np.mean(losses):.5f} wall {camp.wall / 60:.1f} min")
            losses.clear()
        if time.time() - last_eval > args.eval_min * 60:
            camp.evaluate_and_export(val, log)
            last_eval = time.time()
        if time.time() - last_ckpt > args.ckpt_min * 60:
            camp.save()
            last_ckpt = time.time()
    if camp.evaluated_at != camp.iter:  # no second evaluation of the same weights
        camp.evaluate_and_export(val, log)
    camp.save()
    log(f"stopped after {args.max_minutes} min at iteration {camp.iter}; best {camp.best}")


if __name__ == "__main__":
    main()
