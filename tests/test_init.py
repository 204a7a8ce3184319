"""Importing xmodal (or a layer package) changes nothing global in torch or mmengine."""

import subprocess
import sys

import pytest

# torch allow-lists its own classes (DTensor...) when its submodules are first imported:
# only entries from other modules count.
PROBE = """
import torch, mmengine.logging.history_buffer as hb
def snapshot():
    allowed = [g for g in torch.serialization.get_safe_globals()
               if not getattr(g, '__module__', '').startswith('torch')]
    return (sorted(map(repr, allowed)),
            sorted((k, repr(v)) for k, v in vars(hb.HistoryBuffer).items()))
before = snapshot()
import {module}
assert snapshot() == before, "import {module} changed torch's safe globals or HistoryBuffer"
print("unchanged")
"""


@pytest.mark.parametrize("module", ["xmodal.align", "xmodal", "xmodal.engine"])
def test_import_changes_no_global_state(module):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(module=module)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "unchanged" in proc.stdout, proc.stderr[-2000:]
