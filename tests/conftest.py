"""Shared test settings: thread count, hypothesis profile for 2-core CI, the real data folder.

The library finds data through ``data_root``, ``XMODAL_DATA`` or its embedded sample
only. Tests read the real benchmark files through ``XMODAL_DATA``: taken from the
environment when set, else set here to ``<repo>/../shared/data`` when that folder
exists (a developer's checkout); tests that need real files skip with a reason when
the folder they read is absent.
"""

import os
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import settings

torch.set_num_threads(int(os.environ.get("XMODAL_TEST_THREADS", "2")))
settings.register_profile("xmodal", max_examples=10, deadline=None)
settings.load_profile("xmodal")

REPO = Path(__file__).resolve().parents[1]
_DEV_DATA = REPO.parent / "shared" / "data"
if not os.environ.get("XMODAL_DATA") and _DEV_DATA.is_dir():
    os.environ["XMODAL_DATA"] = str(_DEV_DATA)


def real_data(*parts: str) -> Path:
    """``$XMODAL_DATA/<parts>``, or skip the calling test when it does not exist."""
    env = os.environ.get("XMODAL_DATA")
    path = Path(env, *parts) if env else None
    if path is None or not path.exists():
        pytest.skip(f"real data {'/'.join(parts)} not found: set XMODAL_DATA to the folder "
                    "that holds gdsr/, ivif/, refsr/ (tests default to <repo>/../shared/data)")
    return path


@pytest.fixture
def real_data_dir():
    """The ``real_data`` function as a fixture: ``real_data_dir('gdsr', 'middlebury')``."""
    return real_data

# The tiny DSR-Diff configs (tests/models/dsrdiff/dsrdiff_tiny.py) serve every test folder.
sys.path.insert(0, str(Path(__file__).parent / "models" / "dsrdiff"))
