"""Shared helpers of the benchmark scripts: the machine/versions banner, timing, peak memory.

Every benchmark prints :func:`print_banner` first, so a table always carries the
machine, the library versions and the command that reproduces it. Figures are
measured when the script runs; nothing here is hard-coded.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

__all__ = [
    "add_data_argument",
    "command_line",
    "cpu_model",
    "format_table",
    "mmcv_version",
    "parse_size",
    "peak_memory",
    "print_banner",
    "require_data",
    "retain_freed_memory",
    "sync",
    "time_median",
]


def add_data_argument(p: argparse.ArgumentParser, holds: str) -> None:
    """``--data``: the data folder, default ``$XMODAL_DATA`` (check with :func:`require_data`)."""
    p.add_argument("--data", type=Path, default=os.environ.get("XMODAL_DATA") or None,
                   help=f"folder that holds {holds} (default: $XMODAL_DATA)")


def require_data(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Exit with a usage error when neither ``--data`` nor ``XMODAL_DATA`` names a folder."""
    if args.data is None:
        p.error("--data is required (or set XMODAL_DATA)")


def cpu_model() -> str:
    """CPU model name from ``/proc/cpuinfo`` (Linux), else :func:`platform.processor`."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def mmcv_version() -> str:
    """mmcv's version and whether its compiled ops import (``'not installed'`` if absent)."""
    try:
        mmcv = importlib.import_module("mmcv")
    except Exception:  # noqa: BLE001 - any import failure means "not usable"
        return "not installed"
    try:
        importlib.import_module("mmcv.ops")
        ops = "with ops"
    except Exception:  # noqa: BLE001
        ops = "without ops"
    return f"{getattr(mmcv, '__version__', '?')} ({ops})"


_MALLOC_STATE = {"retained": False}


def retain_freed_memory() -> bool:
    """:func:`xmodal.apis.retain_freed_memory`, remembered for the banner and peak memory."""
    from xmodal.apis import retain_freed_memory as _retain

    _MALLOC_STATE["retained"] = _retain()
    return _MALLOC_STATE["retained"]


def _allocator_line() -> str:
    env = [f"{k}={v}" for k, v in sorted(os.environ.items())
           if k.startswith("MALLOC_") or k == "THP_MEM_ALLOC_ENABLE"]  # glibc / torch settings
    preload = os.environ.get("LD_PRELOAD")
    parts = ["glibc mallopt(M_MMAP_MAX=0, M_TRIM_THRESHOLD=2G)" if _MALLOC_STATE["retained"]
             else "default"]
    parts += env + ([f"LD_PRELOAD={preload}"] if preload else [])
    return ", ".join(parts)


def parse_size(text: str) -> tuple[int, int]:
    """``'480x640'`` -> (480, 640) (height x width)."""
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"size must look like 480x640, got {text!r}") from exc
    return h, w


def command_line() -> str:
    """The command that reproduces this run: python + script + arguments, shell-quoted."""
    return " ".join(shlex.quote(a) for a in ["python", *sys.argv])


def print_banner(command: str | None = None, device: str | torch.device = "cpu") -> None:
    """Print machine, CPU count, versions, device and the command to reproduce.

    Args:
        command: the command line to print; ``None`` rebuilds it from ``sys.argv``.
        device: the device the benchmark runs on; for CUDA the GPU name, its
            memory and the CUDA / cuDNN versions are added.
    """
    import torchvision

    device = torch.device(device)
    lines = [
        f"machine     : {platform.node()} | {platform.platform()} | {cpu_model()}",
        f"cpus        : os.cpu_count()={os.cpu_count()}, torch threads={torch.get_num_threads()}"
        f", OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}",
        f"load        : 1/5/15-min load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        " (other processes on these cores slow every figure)",
        f"allocator   : {_allocator_line()}",
        f"python      : {platform.python_version()} ({sys.executable})",
        f"torch       : {torch.__version__} (CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()})",
        f"torchvision : {torchvision.__version__}",
        f"mmcv        : {mmcv_version()}",
    ]
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        lines.append(
            f"device      : cuda | {props.name}, {props.total_memory / 2**30:.1f} GiB, "
            f"sm_{props.major}{props.minor} | CUDA {torch.version.cuda}, "
            f"cuDNN {torch.backends.cudnn.version()}"
        )
    else:
        lines.append(f"device      : {device}")
    lines.append(f"command     : {command if command is not None else command_line()}")
    width = max(len(s) for s in lines)
    print("=" * width)
    print("\n".join(lines))
    print("=" * width, flush=True)


def sync(device: str | torch.device) -> None:
    """Wait for queued work on ``device`` (CUDA synchronise; no-op on CPU)."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def time_median(
    fn: Callable[[], object], repeat: int, warmup: int, device: str | torch.device = "cpu"
) -> tuple[float, list[float]]:
    """Median wall time of ``fn()`` in seconds over ``repeat`` runs after ``warmup`` runs.

    Returns:
        ``(median_s, all_times_s)``.

    Raises:
        ValueError: ``repeat < 1`` or ``warmup < 0``.
    """
    if repeat < 1 or warmup < 0:
        raise ValueError(f"need repeat >= 1 and warmup >= 0, got {repeat}, {warmup}")
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def _rss_bytes(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    # Writing 5 to clear_refs resets the VmHWM high-water mark (Linux >= 4.0).
    try:
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_memory(fn: Callable[[], object], device: str | torch.device = "cpu") -> float | None:
    """Peak memory in bytes that one call of ``fn()`` adds on ``device``.

    CUDA: ``torch.cuda.max_memory_allocated`` above what was allocated before.
    CPU (Linux): the process' peak resident set (VmHWM, reset through
    ``/proc/self/clear_refs``) above the resident set before the call; it
    counts every allocation of the process, so run it with nothing else going on.
    Not measurable on CPU after :func:`retain_freed_memory` or with ``MALLOC_*``
    variables set (freed memory stays resident, so the peak hides).

    Returns:
        bytes, or None where the platform or the allocator settings cannot measure it.
    """
    device = torch.device(device)
    if device.type == "cuda":
        sync(device)
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
        fn()
        sync(device)
        return float(torch.cuda.max_memory_allocated(device) - base)
    if _MALLOC_STATE["retained"] or any(k.startswith("MALLOC_") for k in os.environ):
        return None
    if not _reset_peak_rss():
        return None
    base = _rss_bytes("VmRSS")
    fn()
    peak = _rss_bytes("VmHWM")
    if base is None or peak is None:
        return None
    return float(max(0, peak - base))


def format_table(headers: list[str], rows: list[list[object]]) -> str:
    """Plain-text table (markdown pipe syntax) with columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *[line(r) for r in cells[1:]]])
