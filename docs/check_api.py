"""Check the API reference against the packages' public names.

After ``sphinx-build -b html docs docs/_build/html``, run::

    python docs/check_api.py [docs/_build/html]

For every name in ``__all__`` of the documented packages it checks that the
built API page has an anchor ``id="xmodal.<package>.<name>"``, and it lists
public classes/functions whose docstring is missing or lacks an ``Args``
section (when they take arguments), a ``Returns`` section (callable classes,
such as data transforms, whose constructor takes no argument: their docstring
must say what a call reads and gives back) or a ``Shape`` section (tensor
modules of the strict packages).
Exit status 1 if a name is missing from the built pages or a docstring gap is
found, so that neither can come back unnoticed (CI runs this script).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

PACKAGES = ("align", "fuse", "models", "ops", "refine", "datasets", "evaluation", "apis", "zoo",
            "weights", "engine", "deploy", "utils")
STRICT = ("align", "fuse", "models")  # must carry Args + Shape per the issue


def docstring_gaps(pkg: str, name: str, obj: object) -> list[str]:
    """Return the docstring problems of one public object."""
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return []
    doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and obj.__doc__ is None:
        doc = ""
    if not doc.strip():
        return ["no docstring"]
    gaps = []
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = [p for p in inspect.signature(target).parameters if p not in ("self",)]
    except (TypeError, ValueError):
        params = []
    if target is object.__init__:  # no constructor of its own: (*args, **kwargs) is not real
        params = []
    if params and "Args:" not in doc:
        gaps.append("no Args section")
    if inspect.isclass(obj) and not params and "__call__" in vars(obj) and "Returns:" not in doc:
        gaps.append("no Returns section (argument-less callable class)")
    if pkg in STRICT and inspect.isclass(obj):
        import torch

        if issubclass(obj, torch.nn.Module) and "Shape" not in doc:
            gaps.append("no Shape section")
    return gaps


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    html = Path(argv[0]) if argv else root / "docs" / "_build" / "html"
    missing, gaps = [], []
    for pkg in PACKAGES:
        module = importlib.import_module(f"xmodal.{pkg}")
        page = (html / "api" / f"{pkg}.html").read_text(encoding="utf-8")
        seen = set()
        for name in module.__all__:
            obj = getattr(module, name)
            if f'id="xmodal.{pkg}.{name}"' not in page:
                missing.append(f"xmodal.{pkg}.{name}")
            if id(obj) in seen:  # an alias: its docstring is the class's
                continue
            seen.add(id(obj))
            for gap in docstring_gaps(pkg, name, obj):
                gaps.append(f"xmodal.{pkg}.{name}: {gap}")
    print(f"public names missing from the built API pages: {len(missing)}")
    for name in missing:
        print("  MISSING", name)
    print(f"docstring gaps: {len(gaps)}")
    for gap in gaps:
        print("  GAP", gap)
    return 1 if missing or gaps else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
