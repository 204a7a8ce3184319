"""Find a dataset's sub-folders and pair its files by image id, as the sets are distributed.

The GDSR test sets circulate with different folder cases and file-name endings
(``RGB/`` or ``rgb/``; ``Middlebury_07_output_color.png`` beside
``Middlebury_07_output_depth.png``; Lu's misspelt ``RGBD_01_ouput_color.png``
beside ``RGBD_01_output_depth.png``). The datasets therefore find sub-folders
case-insensitively and pair a guide with a depth map by their **image id**:
the file name without one of the known endings (``Middlebury_07``,
``RGBD_01``, ``20200509113453``, ``1000``). Every file whose id has no partner
is listed in the error, so a missing or extra file never shifts the pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["find_subdir", "image_id", "is_hidden_metadata", "list_by_id", "match_ids"]

#: How many unpaired or ambiguous files an error message lists before "... and N more".
_MAX_LISTED = 20


def find_subdir(root: str | Path, names: str | Sequence[str], who: str, layout: str = "") -> Path:
    """Return the sub-folder of ``root`` named one of ``names``, compared case-insensitively.

    Args:
        root: the folder to look in.
        names: accepted names, in order of preference (e.g. ``'rgb'`` or
            ``('depth_hr', 'depth')``); ``'rgb'`` finds ``RGB/``, ``Rgb/``...
        who: the caller's name, for the error message (e.g. ``'LuDataset'``).
        layout: a description of the expected layout, appended to the error.

    Returns:
        The existing sub-folder (its name spelt as on disk).

    Raises:
        FileNotFoundError: no sub-folder matches; the message names ``root``, the
            names tried and the sub-folders that exist.
        ValueError: two sub-folders differ only in case (e.g. ``rgb/`` and ``RGB/``).
    """
    root = Path(root)
    names = [names] if isinstance(names, str) else list(names)
    subdirs = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for name in names:
        hits = [p for p in subdirs if p.name.lower() == name.lower()]
        if len(hits) > 1:
            raise ValueError(f"{who}: {root} has several folders named {name!r} up to case: "
                             f"{[p.name for p in hits]}")
        if hits:
            return hits[0]
    expected = f" Expected layout: {layout}" if layout else ""
    raise FileNotFoundError(f"{who}: no folder {' or '.join(map(repr, names))} (any case) in "
                            f"{root}; it holds {[p.name for p in subdirs]}.{expected}")


def is_hidden_metadata(path: str | Path) -> bool:
    """Whether ``path`` is a macOS AppleDouble file (``._name``: resource fork, not an image)."""
    return Path(path).name.startswith("._")


def image_id(file_name: str, suffixes: Sequence[str]) -> str | None:
    """Strip the longest matching ending (case-insensitive) from ``file_name``.

    Args:
        file_name: a file name without folder (``'RGBD_01_ouput_color.png'``).
        suffixes: accepted endings (``('_output_color.png', '_ouput_color.png')``).

    Returns:
        The image id (``'RGBD_01'``), or ``None`` if no ending matches or nothing
        would be left.
    """
    low = file_name.lower()
    for suffix in sorted(suffixes, key=len, reverse=True):
        if low.endswith(suffix.lower()) and len(file_name) > len(suffix):
            return file_name[: len(file_name) - len(suffix)]
    return None


def list_by_id(folder: str | Path, suffixes: Sequence[str], who: str) -> dict[str, Path]:
    """Map image id -> file for the files of ``folder`` that end with one of ``suffixes``.

    Args:
        folder: the folder to list (not recursive; other files and macOS AppleDouble
            ``._*`` files are ignored).
        suffixes: accepted endings, compared case-insensitively.
        who: the caller's name, for the error messages.

    Returns:
        ``{image_id: path}``, sorted by id.

    Raises:
        FileNotFoundError: no file of ``folder`` has one of the endings.
        ValueError: two files give the same id (e.g. ``a.png`` and ``a.PNG``); all
            such files are listed.
    """
    folder = Path(folder)
    by_id: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        hidden = is_hidden_metadata(path)
        key = image_id(path.name, suffixes) if path.is_file() and not hidden else None
        if key is not None:
            by_id.setdefault(key, []).append(path)
    if not by_id:
        raise FileNotFoundError(f"{who}: no file ending with {list(suffixes)} in {folder}")
    clashes = [str(p) for paths in by_id.values() if len(paths) > 1 for p in paths]
    if clashes:
        raise ValueError(f"{who}: several files of {folder} have the same image id: "
                         f"{_listing(clashes)}")
    return {key: paths[0] for key, paths in sorted(by_id.items())}


def match_ids(groups: Mapping[str, Mapping[str, Path]], who: str, where: str | Path) -> list[str]:
    """Check that every group holds the same image ids and return them, sorted.

    Args:
        groups: ``{role: {image_id: path}}``, e.g. ``{'guide': ..., 'depth': ...}``
            (a third group such as the real LR depth is checked the same way).
        who: the caller's name, for the error message.
        where: the dataset root, for the error message.

    Returns:
        The sorted image ids common to all groups.

    Raises:
        ValueError: some ids are missing from some group; the message lists, per
            role, the files whose id has no partner.
    """
    all_ids = set().union(*(set(g) for g in groups.values()))
    common = set.intersection(*(set(g) for g in groups.values()))
    if all_ids != common:
        unpaired = {role: [str(paths[k]) for k in sorted(set(paths) - common)]
                    for role, paths in groups.items()}
        parts = [f"{role}: {_listing(files)}" for role, files in unpaired.items() if files]
        counts = ", ".join(f"{len(g)} {role}" for role, g in groups.items())
        raise ValueError(f"{who}: files in {where} do not pair up by image id ({counts}); "
                         f"unpaired {'; '.join(parts)}")
    return sorted(common)


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f" ... and {more} more" if more > 0 else "")
