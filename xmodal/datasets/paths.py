"""Where the GDSR data lives: ``XMODAL_DATA``, ``../shared/data`` or the embedded sample.

The data folder holds ``gdsr/<dataset>/...`` (the layout of the project's shared
data and of the sample embedded in ``xmodal/data``). Resolution order:

1. the ``XMODAL_DATA`` environment variable (the folder that holds ``gdsr/``);
   when set it is the only place looked at;
2. ``../shared/data`` relative to the current working directory;
3. the small sample embedded in the package (``xmodal/data``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EMBEDDED_DATA", "candidate_data_dirs", "resolve_gdsr_root"]

#: The sample shipped inside the package (6 Middlebury, 3 NYUv2, 12 RGB-D-D pairs).
EMBEDDED_DATA = Path(__file__).resolve().parent.parent / "data"


def candidate_data_dirs() -> list[Path]:
    """Data folders to search, in order (see the module docstring).

    Returns:
        ``[Path($XMODAL_DATA)]`` when the variable is set, else
        ``[cwd/../shared/data, <package>/data]``.
    """
    env = os.environ.get("XMODAL_DATA")
    if env:
        return [Path(env).expanduser()]
    return [Path.cwd().parent / "shared" / "data", EMBEDDED_DATA]


def resolve_gdsr_root(names: str | list[str], layout: str) -> Path:
    """Find the root folder of a GDSR dataset.

    Args:
        names: sub-folder(s) of ``gdsr/`` to try, in order (e.g.
            ``['nyuv2', 'nyuv2_samples']``).
        layout: a human-readable description of the expected files, used in the error.

    Returns:
        The first existing ``<data>/gdsr/<name>`` over :func:`candidate_data_dirs`.

    Raises:
        FileNotFoundError: naming every path tried and the expected layout.
    """
    if isinstance(names, str):
        names = [names]
    tried = []
    for base in candidate_data_dirs():
        for name in names:
            root = base / "gdsr" / name
            if root.is_dir():
                return root
            tried.append(str(root))
    raise FileNotFoundError(
        f"no GDSR data folder found; tried {tried}. Expected layout: {layout}. "
        "Set XMODAL_DATA to the folder that holds gdsr/, or pass data_root=..."
    )
