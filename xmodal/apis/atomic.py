"""Atomic file writes: temporary files in the targets' folder, then ``os.replace``.

A reader (or a crash, or a full disk) never sees a half-written output: either
the previous file stays as it was, or the new one is complete. Errors name the
target file. The one writer of xmodal's outputs (depth maps, PNGs, ``rmse.json``,
exports, weights files, training checkpoints):

- :func:`atomic_write`: one file from a write callback.
- :func:`atomic_outputs`: a set of files written all-or-nothing. Every member is
  written to its temporary first; only when all are complete are they renamed
  over their targets (renames do not fail on a full disk), and members of an
  earlier set that the new one does not write (``remove``) are deleted, so the
  folder never holds outputs of two different runs. :func:`atomic_write` calls
  inside the block join the set.
- Temporaries are named ``.<name>.<8 hex>.tmp``; one left by a killed run is
  removed the next time its target is written (:func:`clean_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write", "atomic_outputs", "OutputSet", "temporary_path",
           "clean_stale_temporaries"]

_ACTIVE: contextvars.ContextVar[OutputSet | None] = contextvars.ContextVar(
    "xmodal_output_set", default=None)


def temporary_path(path: str | Path) -> Path:
    """A fresh temporary name for ``path``: ``.<name>.<8 hex>.tmp`` in the same folder."""
    path = Path(path)
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def clean_stale_temporaries(paths: Iterable[str | Path]) -> list[Path]:
    """Remove the temporaries a killed run left for the targets ``paths``.

    Args:
        paths: target files; in each one's folder, files ``.<name>.<8 hex>.tmp`` go.

    Returns:
        The files removed.
    """
    removed = []
    for path in map(Path, paths):
        pattern = re.compile(rf"\.{re.escape(path.name)}\.[0-9a-f]{{8}}\.tmp")
        if not path.parent.is_dir():
            continue
        for tmp in path.parent.iterdir():
            if pattern.fullmatch(tmp.name) and tmp.is_file():
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _os_error(path: Path, err: OSError) -> OSError:
    return OSError(f"cannot write {path}: {err.strerror or err}")


class OutputSet:
    """The files of one :func:`atomic_outputs` block (see there).

    Args:
        targets: the files of the set.
    """

    def __init__(self, targets: Iterable[str | Path]) -> None:
        self.targets = [Path(p) for p in targets]
        self._tmp: dict[Path, Path] = {}

    def temporary(self, target: str | Path) -> Path:
        """The temporary to write ``target`` to (for writers that take a path).

        Raises:
            ValueError: ``target`` is not a member of the set.
        """
        target = Path(target)
        if target not in self.targets:
            raise ValueError(f"{target} is not one of the outputs of this set")
        return self._tmp.setdefault(target, temporary_path(target))

    def write(self, target: str | Path, write: Callable[[BinaryIO], None]) -> Path:
        """Fill the temporary of ``target`` with ``write(fh)`` (renamed on commit)."""
        tmp = self.temporary(target)
        with open(tmp, "xb") as fh:
            write(fh)
        return Path(target)

    def _commit(self, remove: Iterable[str | Path]) -> None:
        missing = [t for t in self.targets if t not in self._tmp or not self._tmp[t].is_file()]
        if missing:
            raise OSError(f"cannot write {missing[0]}: nothing was written to it")
        for target in self.targets:
            _fsync(self._tmp[target])
        for target in self.targets:
            os.replace(self._tmp[target], target)
        for old in map(Path, remove):
            if old not in self.targets:
                old.unlink(missing_ok=True)

    def _target_of(self, err: OSError) -> Path:
        """The target whose temporary (or itself) ``err`` is about: errors name targets."""
        name = Path(err.filename) if getattr(err, "filename", None) else None
        if name in self.targets:
            return name
        for target, tmp in self._tmp.items():
            if name == tmp:
                return target
        return self.targets[0] if self.targets else Path(".")

    def _discard(self) -> None:
        for tmp in self._tmp.values():
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_outputs(targets: Iterable[str | Path],
                   remove: Iterable[str | Path] = ()) -> Iterator[OutputSet]:
    """Write a set of files all-or-nothing.

    Inside the block, write each target through :meth:`OutputSet.write`, a path from
    :meth:`OutputSet.temporary`, or :func:`atomic_write` (which joins the set). On a
    normal exit every temporary is synced and renamed over its target, then the
    files of ``remove`` that are not targets are deleted; on an exception every
    temporary is removed and the targets are left as they were.

    Args:
        targets: the files of the set; their folders must exist.
        remove: files of an earlier set that this one replaces (deleted on commit).

    Yields:
        The :class:`OutputSet`.

    Raises:
        OSError: a member cannot be written or was not written (the message names it;
            nothing of the set is renamed).
    """
    outputs = OutputSet(targets)
    clean_stale_temporaries(outputs.targets)
    token = _ACTIVE.set(outputs)
    try:
        yield outputs
        outputs._commit(remove)
    except OSError as err:
        outputs._discard()
        raise (err if str(err).startswith("cannot write") else
               _os_error(outputs._target_of(err), err)) from None
    except BaseException:
        outputs._discard()
        raise
    finally:
        _ACTIVE.reset(token)


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write ``path`` atomically: ``write(fh)`` fills a temporary file that then replaces it.

    The temporary file ``.<name>.<random>.tmp`` is created in the target's folder
    (same file system, so ``os.replace`` is atomic) with the usual permissions;
    temporaries a killed run left for ``path`` are removed first. Inside an
    :func:`atomic_outputs` block whose targets include ``path`` the file joins that
    set (renamed when the whole set is complete).

    Args:
        path: the target file; its folder must exist.
        write: called once with a binary file handle open for writing.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        OSError: the folder is missing or not writable, the disk is full, ... (the
            message names ``path``; the temporary file is removed and an existing
            ``path`` is left unchanged).
    """
    path = Path(path)
    active = _ACTIVE.get()
    if active is not None and path in active.targets:
        try:
            return active.write(path, write)
        except OSError as err:
            raise _os_error(path, err) from None
    with atomic_outputs([path]) as outputs:
        outputs.write(path, write)
    return path
