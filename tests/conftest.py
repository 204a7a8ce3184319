"""Shared test settings: small thread count and a hypothesis profile for 2-core CI."""

import os
import sys
from pathlib import Path

import torch
from hypothesis import settings

torch.set_num_threads(int(os.environ.get("XMODAL_TEST_THREADS", "2")))
settings.register_profile("xmodal", max_examples=10, deadline=None)
settings.load_profile("xmodal")

# The tiny DSR-Diff configs (tests/models/dsrdiff/dsrdiff_tiny.py) serve every test folder.
sys.path.insert(0, str(Path(__file__).parent / "models" / "dsrdiff"))
