"""Every function in the package is at most 80 lines long (one job per function)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "xmodal"
MAX_LINES = 80
# Known exception, being reworked with the ONNX export path; remove it once split.
ALLOWED = {"xmodal/ops/native_deform_conv.py native_modulated_deform_conv2d"}


def long_functions(root: Path = PACKAGE, limit: int = MAX_LINES) -> list[str]:
    """``path:line name (n lines)`` for every (async) function longer than ``limit`` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > limit:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name} "
                                 f"({n} lines)")
    return found


def test_no_function_longer_than_80_lines():
    found = long_functions()
    assert [f for f in found if _key(f) not in ALLOWED] == []


def _key(row: str) -> str:
    path_line, name = row.split(" ")[:2]
    return f"{path_line.rsplit(':', 1)[0]} {name}"


def test_the_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(85))
    (tmp_path / "m.py").write_text(f"def f():\n{body}\n", encoding="utf-8")
    assert long_functions(tmp_path) == [f"{tmp_path.name}/m.py:1 f (86 lines)"]
