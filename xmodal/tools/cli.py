"""The ``xmodal`` command: ``xmodal upsample``, ``xmodal evaluate``, ``xmodal export``,
``xmodal fuse``.

Each command is a module of :mod:`xmodal.tools` with a ``main(argv)`` (see
:mod:`xmodal.tools.upsample`, :mod:`xmodal.tools.evaluate`); adding one is one
line of :data:`COMMANDS`. Training and testing keep their own commands
(``xmodal-train``, ``xmodal-test``).
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["COMMANDS", "main"]

#: command -> (module with ``main(argv)``, one-line description).
COMMANDS: dict[str, tuple[str, str]] = {
    "upsample": ("xmodal.tools.upsample",
                 "guided depth super-resolution of your own RGB + LR depth"),
    "evaluate": ("xmodal.tools.evaluate",
                 "benchmark RMSE of a pretrained model beside bicubic"),
    "export": ("xmodal.tools.export", "export a model to ONNX or torch.export (.pt2)"),
    "fuse": ("xmodal.tools.fuse", "infrared-visible fusion of your own IR + visible pairs"),
}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``xmodal COMMAND [ARGS]``; prints the commands on ``-h`` or none.

    Args:
        argv: arguments without the program name (None: ``sys.argv[1:]``).

    Returns:
        The command's exit status (errors raise ``SystemExit``).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        lines = [f"  {name:10s} {doc}" for name, (_, doc) in COMMANDS.items()]
        print("usage: xmodal COMMAND [ARGS]\n\ncommands:\n" + "\n".join(lines))
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        print(f"xmodal: error: unknown command {argv[0]!r} (commands: {', '.join(COMMANDS)})",
              file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
