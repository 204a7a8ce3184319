"""Process-level CPU settings for inference processes (opt-in, never applied on import).

:func:`retain_freed_memory` stops glibc from returning every large freed block
to the operating system. By default glibc serves each block above 32 MB with a
fresh ``mmap`` and unmaps it on ``free``, so every full-size feature map of a
network (78 MB for 64 channels at 640x480 in fp32) is page-faulted in again on
each allocation: on 2 cores that was a quarter of a D2A2 forward
(``benchmarks/bench_d2a2.py --malloc retain`` shows the difference). It is the
run-time equivalent of starting Python with
``MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647``, and plays the role
jemalloc / tcmalloc play in PyTorch's CPU performance-tuning guide (loaded
through ``LD_PRELOAD``) without installing another allocator.
"""

from __future__ import annotations

import ctypes

__all__ = ["retain_freed_memory"]

_M_TRIM_THRESHOLD = -1  # <malloc.h>
_M_MMAP_MAX = -4


def retain_freed_memory() -> bool:
    """Make glibc keep freed memory in the process for reuse (``mallopt``).

    Sets ``M_MMAP_MAX = 0`` (large blocks come from the heap, not from fresh
    ``mmap`` s) and ``M_TRIM_THRESHOLD = 2**31 - 1`` (freed heap memory is not
    returned). Affects the whole process from then on: the resident memory stays
    at its peak instead of shrinking after each forward, and freed blocks are
    reused without page faults (unless the kernel itself reclaims idle pages, as
    the VM these figures come from sometimes does: then some faults remain).
    Meant for inference / benchmark processes that own their process (the
    ``xmodal upsample`` command, ``benchmarks/``), not for code that imports
    xmodal into a larger application.

    Returns:
        True if glibc accepted both settings; False where there is no glibc
        (macOS, Windows, musl), in which case nothing changed.

    Example:
        >>> from xmodal.apis import retain_freed_memory
        >>> isinstance(retain_freed_memory(), bool)
        True
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))
