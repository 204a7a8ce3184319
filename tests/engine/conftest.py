"""Make the engine test helpers (``_tiny``, ``_kill_hook``) importable."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
