"""The ``xmodal`` command: ``xmodal upsample ...`` (see :mod:`xmodal.tools.upsample`).

Training and testing keep their own commands (``xmodal-train``, ``xmodal-test``).
"""

from __future__ import annotations

import sys

__all__ = ["main"]

COMMANDS = {"upsample": "guided depth super-resolution of your own RGB + LR depth"}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``xmodal COMMAND [ARGS]``; prints the commands on ``-h`` or none.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).

    Returns:
        The command's exit status (errors raise ``SystemExit``).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        lines = [f"  {name:10s} {doc}" for name, doc in COMMANDS.items()]
        print("usage: xmodal COMMAND [ARGS]\n\ncommands:\n" + "\n".join(lines))
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        print(f"xmodal: error: unknown command {argv[0]!r} (commands: {', '.join(COMMANDS)})",
              file=sys.stderr)
        raise SystemExit(2)
    from xmodal.tools.upsample import main as upsample_main

    return upsample_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
