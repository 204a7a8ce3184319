"""Locate the real GDSR data for the dataset tests (skip with a reason when absent)."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]



def shared_gdsr() -> Path | None:
    """``$XMODAL_DATA/gdsr`` when it exists (tests/conftest.py sets the variable), else None."""
    env = os.environ.get("XMODAL_DATA")
    root = Path(env or ".") / "gdsr"
    return root if env and root.is_dir() else None


@pytest.fixture
def gdsr_root() -> Path:
    root = shared_gdsr()
    if root is None:
        pytest.skip("real GDSR data not found (set XMODAL_DATA)")
    return root
