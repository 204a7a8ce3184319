"""Where the data lives: ``data_root``, ``XMODAL_DATA`` or the embedded sample.

A data folder holds ``<task>/<dataset>/...`` (``gdsr/middlebury``,
``ivif/vif_benchmark``, ``refsr/ttsr_demo``: the layout of the sample embedded
in ``xmodal/data``). A dataset given ``data_root=...`` reads that folder and no
other; without it the folder is found by :func:`resolve_data_root` in:

1. the ``XMODAL_DATA`` environment variable (the folder that holds ``gdsr/``,
   ``ivif/``, ``refsr/``); when set it is the only place looked at;
2. otherwise the small sample embedded in the package (``xmodal/data``).

The data layout and where to download each benchmark are described in the
documentation's datasets page.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EMBEDDED_DATA", "candidate_data_dirs", "resolve_data_root", "resolve_gdsr_root"]

#: The sample shipped inside the package (6 Middlebury, 3 NYUv2, 12 RGB-D-D pairs).
EMBEDDED_DATA = Path(__file__).resolve().parent.parent / "data"


def candidate_data_dirs() -> list[Path]:
    """Data folders to search, in order (see the module docstring).

    Returns:
        ``[Path($XMODAL_DATA)]`` when the variable is set, else ``[<package>/data]``.
    """
    env = os.environ.get("XMODAL_DATA")
    if env:
        return [Path(env).expanduser()]
    return [EMBEDDED_DATA]


def resolve_data_root(task: str, names: str | list[str], layout: str) -> Path:
    """Find ``<data>/<task>/<name>`` over :func:`candidate_data_dirs` (the one data-root rule).

    Only that the folder exists is checked, not its content.

    Args:
        task: the task folder: ``'gdsr'``, ``'ivif'`` or ``'refsr'``.
        names: dataset sub-folder(s) of ``<task>/`` to try, in order (e.g.
            ``['nyuv2', 'nyuv2_samples']``).
        layout: a human-readable description of the expected files, used in the error.

    Returns:
        The first existing ``<data>/<task>/<name>``.

    Raises:
        FileNotFoundError: naming every path tried and the expected layout.

    Example:
        >>> resolve_data_root("gdsr", "middlebury", "rgb/ and depth/").name
        'middlebury'
    """
    if isinstance(names, str):
        names = [names]
    tried = []
    for base in candidate_data_dirs():
        for name in names:
            root = base / task / name
            if root.is_dir():
                return root
            tried.append(str(root))
    raise FileNotFoundError(
        f"no {task} data folder found; tried {tried}. Expected layout: {layout}. "
        f"Set XMODAL_DATA to the folder that holds {task}/, or pass data_root=..."
    )


def resolve_gdsr_root(names: str | list[str], layout: str) -> Path:
    """Find the root folder of a GDSR dataset: :func:`resolve_data_root` for ``'gdsr'``.

    Args:
        names: sub-folder(s) of ``gdsr/`` to try, in order.
        layout: a human-readable description of the expected files, used in the error.

    Returns:
        The first existing ``<data>/gdsr/<name>``.

    Raises:
        FileNotFoundError: naming every path tried and the expected layout.
    """
    return resolve_data_root("gdsr", names, layout)
