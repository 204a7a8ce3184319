"""Atomic file writes: a temporary file in the target's folder, then ``os.replace``.

A reader (or a crash, or a full disk) never sees a half-written output: either
the previous file stays as it was, or the new one is complete. Errors name the
target file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write"]


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write ``path`` atomically: ``write(fh)`` fills a temporary file that then replaces it.

    The temporary file ``.<name>.<random>.tmp`` is created in the target's folder
    (same file system, so ``os.replace`` is atomic) with the usual permissions.

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
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OSError(f"cannot write {path}: {err.strerror or err}") from None
        raise
    return path
