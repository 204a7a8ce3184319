"""D2A2 speed and memory: inference latency, peak memory, training-step throughput.

Inference: ``xmodal.models.D2A2(scale)`` at output size ``--size`` (H x W of the
guide / output; the LR input is ``size / scale``), batch 1, random inputs in
[0, 1], median of ``--repeat`` forwards after ``--warmup`` under
``torch.inference_mode``, the blocks converted to their in-place inference forwards
(:func:`xmodal.models.convert_inplace`, as the inferencer does; ``--plain-blocks``
leaves them plain). Peak memory: CUDA ``max_memory_allocated`` above the
resident model; CPU the process' peak RSS above the RSS before the call.
Every row is compared with the *official configuration* measured in the same
run, same scale (torchvision DCN, fp32, NCHW, eager): ``speed-up`` = its median
/ this row's; ``corr`` and ``drmse%`` = Pearson correlation of the outputs and
the relative change of the RMSE to a fixed random target (the issue's accuracy
criteria: >= 0.999 and < 1%). Without an official row, the first row is the
reference and ``speed-up`` is ``-``.

Training: ``D2A2(scale=4)`` on 256x256 guides (64x64 LR), L1 loss to a random
target, Adam (lr 1e-4); median step time after warm-up, samples/s, and the speed-up
against the official row (torchvision, fp32) of the same batch when that row ran
first (the default order of ``--backend`` and ``--train-variants``).

Variants (``--variants``): ``fp32`` (the official configuration: NCHW, eager),
``fp16`` / ``bf16`` (``torch.autocast``), ``cl`` (channels_last fp32),
``bf16-cl``, ``fp16-cl``, ``compile`` (``torch.compile`` fp32),
``bf16-cl-compile``, ``nnpack`` (NCHW fp32 with every 3x3 convolution on
NNPACK's Winograd kernels, :class:`xmodal.ops.NNPACKConv2d`; CPU only). CPU
runs fp32, cl and nnpack by default (autocast on CPU is bf16, emulated here).

``--backend`` sets the DCN backend of every DGA block (``torchvision`` is the
official one; ``auto`` is ``native`` on CPU, mmcv's CUDA op if it imports,
else torchvision). Several backends give one row each.

CPU: ``--threads`` sets torch's thread count; ``--malloc retain`` makes glibc
keep freed memory (no page faults on every full-size tensor; see
``_common.retain_freed_memory``); the banner prints both and the load average.

Default CPU run (a few minutes on 2 cores): output 240x320 (a quarter of the
640x480 frame; pass ``--size 480x640`` for the full frame, ~4x longer),
scales 4/8/16, backends torchvision and auto, variants fp32, cl and nnpack, no training
(``--train`` adds it: one step takes tens of seconds on 2 cores). The issue's
CPU target row: ``python benchmarks/bench_d2a2.py --size 480x640 --scales 4``.
CUDA: ``python benchmarks/bench_d2a2.py --device cuda`` (640x480, all variants,
training at batch 4 and 16).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import (  # noqa: E402
    format_table,
    parse_size,
    peak_memory,
    print_banner,
    retain_freed_memory,
    time_median,
)

from xmodal.align.dga import DeformableGeometricAlign  # noqa: E402
from xmodal.models import D2A2, convert_inplace  # noqa: E402
from xmodal.ops import NNPACKConv2d, nnpack_available, resolve_backend  # noqa: E402

VARIANTS = (
    "fp32", "fp16", "bf16", "cl", "fp16-cl", "bf16-cl", "compile", "bf16-cl-compile", "nnpack",
)


def build_net(scale: int, backend: str, device: torch.device, offset_std: float) -> D2A2:
    """D2A2 with every DGA block on ``backend``; offset heads perturbed by ``offset_std``."""
    torch.manual_seed(0)
    net = D2A2(scale=scale)
    for m in net.modules():
        if isinstance(m, DeformableGeometricAlign):
            m.backend = backend
            if offset_std > 0:  # zero-initialised head -> small random offsets, as after training
                torch.nn.init.normal_(m.offset_mask.weight, std=offset_std)
    return net.to(device)


def variant_setup(
    net: torch.nn.Module, variant: str, device: torch.device
) -> tuple[Callable, Callable[[], contextlib.AbstractContextManager], bool]:
    """Return (callable model, autocast context factory, channels_last flag) for a variant."""
    parts = set(variant.split("-"))
    cl = "cl" in parts
    if cl:
        net = net.to(memory_format=torch.channels_last)
    if "nnpack" in parts:  # NCHW fp32; 3x3 convs on NNPACK's Winograd kernels (CPU inference)
        if device.type != "cpu" or not nnpack_available():
            raise RuntimeError("the nnpack variant needs a CPU device and a torch with NNPACK")
        net = NNPACKConv2d.convert(net)
    dtype = torch.float16 if "fp16" in parts else torch.bfloat16 if "bf16" in parts else None

    def ctx() -> contextlib.AbstractContextManager:
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device.type, dtype=dtype)

    model = torch.compile(net) if "compile" in parts else net
    return model, ctx, cl


def make_inputs(batch: int, size: tuple[int, int], scale: int, device: torch.device, cl: bool):
    gen = torch.Generator().manual_seed(1)
    h, w = size
    lr = torch.rand(batch, 1, h // scale, w // scale, generator=gen)
    guide = torch.rand(batch, 3, h, w, generator=gen)
    target = torch.rand(batch, 1, h, w, generator=gen)
    lr, guide, target = (t.to(device) for t in (lr, guide, target))
    if cl:
        guide = guide.contiguous(memory_format=torch.channels_last)
    return lr, guide, target


def corr_and_drmse(out: torch.Tensor, ref: torch.Tensor, target: torch.Tensor):
    a, b = out.double().flatten(), ref.double().flatten()
    corr = torch.corrcoef(torch.stack((a, b)))[0, 1].item()
    t = target.double().flatten()
    r_out, r_ref = (a - t).pow(2).mean().sqrt(), (b - t).pow(2).mean().sqrt()
    return corr, 100 * (r_out / r_ref - 1).item()


OFFICIAL = ("torchvision", "fp32")  # the official configuration: torchvision DCN, fp32 NCHW eager


def bench_inference(args, device, backends, headers_out: list) -> list[list[object]]:
    """One row per (scale, backend, variant); speed-up and accuracy vs the official row."""
    rows = []
    for scale in args.scales:
        measured = []  # (row, median s, output) of this scale
        for backend in backends:
            for variant in args.variants:
                net = build_net(scale, backend, device, args.offset_std).eval()
                if not args.plain_blocks:
                    net = convert_inplace(net)
                model, ctx, cl = variant_setup(net, variant, device)
                lr, guide, target = make_inputs(1, args.size, scale, device, cl)

                def fwd(model=model, ctx=ctx, lr=lr, guide=guide):
                    with torch.inference_mode(), ctx():
                        return model(lr, guide)

                try:
                    med, _ = time_median(fwd, args.repeat, args.warmup, device)
                    mem = None if args.no_memory else peak_memory(fwd, device)
                    out = fwd().float()
                except Exception as exc:  # noqa: BLE001 - report and go on with the table
                    rows.append([f"x{scale}", backend, variant, f"failed: {type(exc).__name__}",
                                 "-", "-", "-", "-"])
                    print(f"x{scale} {backend} {variant} failed: {exc}", flush=True)
                    continue
                row = [f"x{scale}", backend, variant, f"{med * 1e3:.1f}",
                       "n/a" if mem is None else f"{mem / 2**20:.0f}"]
                measured.append((row, med, out, target))
                print(format_table(headers_out, [row + ["", "", ""]]).splitlines()[-1],
                      flush=True)
                del net, model
        # speed-up and accuracy against the official row of the same scale, same run
        official = next((m for m in measured if tuple(m[0][1:3]) == OFFICIAL), None)
        ref_out = official[2] if official else measured[0][2] if measured else None
        for row, med, out, target in measured:
            corr, drmse = corr_and_drmse(out, ref_out, target)
            speedup = f"{official[1] / med:.2f}x" if official else "-"
            rows.append(row + [speedup, f"{corr:.6f}", f"{drmse:+.3f}"])
    return rows


def bench_training(args, device, backends, headers_out: list) -> list[list[object]]:
    """One row per (backend, batch, variant); speed-up vs the official row of the same batch."""
    rows, official_s = [], {}
    for backend in backends:
        for batch in args.train_batches:
            for variant in args.train_variants:
                net = build_net(4, backend, device, args.offset_std).train()
                model, ctx, cl = variant_setup(net, variant, device)
                opt = torch.optim.Adam(net.parameters(), lr=1e-4)
                lr, guide, target = make_inputs(batch, (256, 256), 4, device, cl)
                scaler_needed = "fp16" in variant and device.type == "cuda"
                scaler = torch.amp.GradScaler(device.type) if scaler_needed else None

                def step(model=model, ctx=ctx, opt=opt, lr=lr, guide=guide, target=target,
                         scaler=scaler):
                    opt.zero_grad(set_to_none=True)
                    with ctx():
                        loss = F.l1_loss(model(lr, guide).float(), target)
                    if scaler is None:
                        loss.backward()
                        opt.step()
                    else:
                        scaler.scale(loss).backward()
                        scaler.step(opt)
                        scaler.update()
                    return loss

                try:
                    med, _ = time_median(step, args.train_repeat, args.train_warmup, device)
                    mem = None if args.no_memory else peak_memory(step, device)
                except Exception as exc:  # noqa: BLE001
                    rows.append([backend, variant, batch, f"failed: {type(exc).__name__}",
                                 "-", "-", "-"])
                    print(f"train {backend} {variant} b{batch} failed: {exc}", flush=True)
                    continue
                if (backend, variant) == OFFICIAL:
                    official_s[batch] = med
                rows.append([
                    backend, variant, batch, f"{med * 1e3:.1f}", f"{batch / med:.1f}",
                    "n/a" if mem is None else f"{mem / 2**20:.0f}",
                    f"{official_s[batch] / med:.2f}x" if batch in official_s else "-",
                ])
                print(format_table(headers_out, rows[-1:]).splitlines()[-1], flush=True)
                del net, model, opt
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--device", default="cpu", help="cpu | cuda (default cpu)")
    p.add_argument("--backend", nargs="+", default=["torchvision", "auto"],
                   help="DCN backend(s): torchvision native mmcv auto (default: torchvision auto)")
    p.add_argument("--size", type=parse_size, default=None,
                   help="output HxW (default 240x320 on CPU, 480x640 on CUDA)")
    p.add_argument("--scales", nargs="+", type=int, default=[4, 8, 16])
    p.add_argument("--variants", nargs="+", choices=VARIANTS, default=None,
                   help="inference variants (default fp32 cl on CPU, all on CUDA)")
    p.add_argument("--threads", type=int, default=None,
                   help="torch.set_num_threads (default: torch's, one per core)")
    p.add_argument("--malloc", choices=["default", "retain"], default="default",
                   help="'retain': glibc keeps freed memory (no per-tensor mmap/page faults), "
                        "see _common.retain_freed_memory")
    p.add_argument("--repeat", type=int, default=None, help="default 3 (CPU) / 20 (CUDA)")
    p.add_argument("--warmup", type=int, default=None, help="default 1 (CPU) / 5 (CUDA)")
    p.add_argument("--offset-std", type=float, default=0.01,
                   help="std of the DGA offset-head weights (official init is 0, i.e. zero "
                        "offsets; default 0.01 gives sub-pixel random offsets like a trained net)")
    p.add_argument("--no-inference", action="store_true")
    p.add_argument("--plain-blocks", action="store_true",
                   help="inference without xmodal.models.convert_inplace (the blocks' plain "
                        "autograd-safe forwards), to see what the in-place forwards save")
    p.add_argument("--train", action="store_true", help="add training steps (default on CUDA)")
    p.add_argument("--train-batches", nargs="+", type=int, default=[4, 16])
    p.add_argument("--train-variants", nargs="+", choices=VARIANTS, default=None,
                   help="default fp32 (CPU); fp32 bf16 bf16-cl bf16-cl-compile (CUDA)")
    p.add_argument("--train-repeat", type=int, default=None, help="default 2 (CPU) / 20 (CUDA)")
    p.add_argument("--train-warmup", type=int, default=None, help="default 1 (CPU) / 5 (CUDA)")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    args = p.parse_args(argv)

    device = torch.device(args.device)
    cuda = device.type == "cuda"
    if cuda and not torch.cuda.is_available():
        p.error("--device cuda but torch.cuda.is_available() is False")
    args.size = args.size or ((480, 640) if cuda else (240, 320))
    if any(s % 16 for s in args.size):
        p.error(f"--size must be a multiple of 16 in both dimensions, got {args.size}")
    args.variants = args.variants or (
        [v for v in VARIANTS if v != "nnpack"] if cuda else ["fp32", "cl", "nnpack"]
    )
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.malloc == "retain" and not retain_freed_memory():
        p.error("--malloc retain needs glibc (mallopt was refused or libc.so.6 is missing)")
    args.repeat = args.repeat or (20 if cuda else 3)
    args.warmup = args.warmup if args.warmup is not None else (5 if cuda else 1)
    args.train = args.train or cuda
    args.train_variants = args.train_variants or (
        ["fp32", "bf16", "bf16-cl", "bf16-cl-compile"] if cuda else ["fp32"]
    )
    args.train_repeat = args.train_repeat or (20 if cuda else 2)
    args.train_warmup = args.train_warmup if args.train_warmup is not None else (5 if cuda else 1)
    probe = torch.empty(0, device=device)
    backends = []
    for name in args.backend:
        try:
            concrete = resolve_backend(name, probe)
        except (ValueError, RuntimeError) as exc:
            p.error(str(exc))
        if concrete not in backends:
            backends.append(concrete)

    print_banner(device=device)
    n_params = sum(p.numel() for p in D2A2(scale=4).parameters())
    print(f"D2A2 default configuration ({n_params:,} parameters); DCN backends {backends} "
          f"({' '.join(args.backend)} requested); offset-head std {args.offset_std}", flush=True)
    if not args.no_inference:
        h, w = args.size
        print(f"\nInference: output {h}x{w}, batch 1, median of {args.repeat} after "
              f"{args.warmup} warm-up", flush=True)
        headers = ["scale", "backend", "variant", "median ms", "peak MiB", "speed-up",
                   "corr", "drmse %"]
        print(format_table(headers, []), flush=True)
        rows = bench_inference(args, device, backends, headers)
        print()
        print(format_table(headers, rows), flush=True)
    if args.train:
        print(f"\nTraining step: D2A2 x4, 256x256, L1 + Adam, median of {args.train_repeat} "
              f"after {args.train_warmup} warm-up", flush=True)
        headers = ["backend", "variant", "batch", "median ms", "samples/s", "peak MiB",
                   "speed-up"]
        print(format_table(headers, []), flush=True)
        rows = bench_training(args, device, backends, headers)
        print()
        print(format_table(headers, rows), flush=True)


if __name__ == "__main__":
    main()
