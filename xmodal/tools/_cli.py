"""One-line error reporting shared by the file commands (``xmodal upsample``, ``xmodal fuse``)."""

from __future__ import annotations

import sys

__all__ = ["first_line", "print_error", "exit_if_failed"]


def first_line(err: BaseException) -> str:
    """The first line of an exception's message (its type name when the message is empty)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def print_error(prog: str, msg: str) -> None:
    """Print ``<prog>: error: <msg>`` on stderr (one line per failure)."""
    print(f"{prog}: error: {msg}", file=sys.stderr)


def exit_if_failed(prog: str, failed: int, total: int) -> None:
    """Exit with status 1 when ``failed`` of ``total`` inputs failed (a count line if several).

    Args:
        prog: the command's name for the count line.
        failed: inputs that failed (each already reported on its own line).
        total: inputs attempted.

    Raises:
        SystemExit: status 1 when ``failed`` > 0.
    """
    if failed:
        if total > 1:
            print_error(prog, f"{failed} of {total} input(s) failed")
        raise SystemExit(1)
