"""retain_freed_memory: freed large blocks are reused without new page faults (glibc)."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

SCRIPT = """
import resource, sys, torch
from xmodal.apis import retain_freed_memory
if sys.argv[1] == "retain":
    assert retain_freed_memory() is True
def faults_of_one_alloc():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t = torch.ones(64, 480, 640)  # 78 MB, touched
    del t
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
faults_of_one_alloc()
print(min(faults_of_one_alloc() for _ in range(3)))
"""

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
    reason="mallopt is a glibc (Linux) setting",
)


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.split()[-1])


@glibc
def test_retained_memory_is_reused_without_page_faults():
    default, retained = _faults("default"), _faults("retain")
    pages = 64 * 480 * 640 * 4 // 4096  # 19,200 pages of 4 KiB
    assert default > pages // 2, f"default allocator: expected fresh pages, got {default} faults"
    assert retained < pages // 20, f"retained: expected reuse, got {retained} faults"
