"""One-line error reporting shared by the file commands (``xmodal upsample``, ``xmodal fuse``)."""

from __future__ import annotations

import sys

__all__ = ["first_line", "print_error"]


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type name when the message is empty)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def print_error(prog: str, msg: str) -> None:
    """Print ``<prog>: error: <msg>`` on stderr (one line per failure)."""
    print(f"{prog}: error: {msg}", file=sys.stderr)
