"""Sphinx extension: lists made at build time from the checkout, so they cannot go stale.

* ``xmodal-registry``: what xmodal's registries hold (below).
* ``xmodal-recipes``: every recipe under ``recipes/`` (not ``_base_``) with its
  leading comment.
* ``xmodal-benchmarks``: every ``benchmarks/bench_*.py`` with its module docstring.

``xmodal-registry``

The directive imports the packages named in each registry's ``locations`` (what
``MODELS.build`` would import) and emits one table per registry with every
registered name, the class it builds and the module that defines it. The table
is made at build time from ``Registry.module_dict``, so it cannot go stale.

Usage in a page (MyST)::

    ```{xmodal-registry}
    ```

Options: ``:registries: MODELS DATASETS`` restricts the list (default: MODELS,
DATASETS, TRANSFORMS, METRICS).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

DEFAULT_REGISTRIES = ("MODELS", "DATASETS", "TRANSFORMS", "METRICS")


def registry_rows(name: str) -> list[tuple[str, str, str]]:
    """Return ``(registered name, qualified class name, summary)`` for one registry."""
    from xmodal import registry as xreg

    reg = getattr(xreg, name)
    for location in reg._locations:  # what mmengine imports before a build
        importlib.import_module(location)
    rows = []
    for key, obj in sorted(reg.module_dict.items(), key=lambda kv: kv[0].lower()):
        target = f"{obj.__module__}.{obj.__qualname__}"
        doc = (obj.__doc__ or "").strip().splitlines()
        rows.append((key, target, doc[0] if doc else ""))
    return rows


def _public_target(target: str) -> str:
    """Map ``xmodal.align.lda.LearnableDomainAlignment`` to the public package path."""
    parts = target.split(".")
    if len(parts) >= 3 and parts[0] == "xmodal":
        package = importlib.import_module(".".join(parts[:2]))
        if parts[-1] in getattr(package, "__all__", ()):
            return f"{parts[0]}.{parts[1]}.{parts[-1]}"
    return target


class XmodalRegistryDirective(SphinxDirective):
    """Emit one table per registry with its registered names."""

    has_content = False
    option_spec = {"registries": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        names = self.options.get("registries", "").split() or list(DEFAULT_REGISTRIES)
        out: list[nodes.Node] = []
        for name in names:
            rows = registry_rows(name)
            section = nodes.section(ids=[f"registry-{name.lower()}"])
            section += nodes.title(text=f"{name} ({len(rows)} entries)")
            table = nodes.table()
            group = nodes.tgroup(cols=3)
            table += group
            for width in (20, 35, 45):
                group += nodes.colspec(colwidth=width)
            head = nodes.thead()
            group += head
            head += self._row(["type=", "class", "summary"], literal=False)
            body = nodes.tbody()
            group += body
            for key, target, summary in rows:
                body += self._row([key, _public_target(target), summary], literal=True)
            section += table
            out.append(section)
        return out

    def _row(self, cells: list[str], literal: bool) -> nodes.row:
        row = nodes.row()
        for i, text in enumerate(cells):
            entry = nodes.entry()
            para = nodes.paragraph()
            if literal and i == 0:
                para += nodes.literal(text=repr(text))
            elif literal and i == 1:
                # a cross-reference to the API page; unresolved names stay plain text
                ref = nodes.literal(text=text)
                xref = self._xref(text, ref)
                para += xref
            else:
                para += nodes.Text(text)
            entry += para
            row += entry
        return row

    def _xref(self, target: str, inner: nodes.Node) -> nodes.Node:
        from sphinx.addnodes import pending_xref

        ref = pending_xref(
            "", refdomain="py", reftype="class", reftarget=target, refexplicit=True,
            refwarn=False,
        )
        ref += inner
        return ref


ROOT = Path(__file__).resolve().parents[2]


def recipe_rows(root: Path = ROOT) -> list[tuple[str, str]]:
    """Return ``(path relative to the repo, leading comment)`` for each recipe."""
    rows = []
    for path in sorted((root / "recipes").rglob("*.py")):
        rel = path.relative_to(root)
        if "_base_" in rel.parts:
            continue
        comment = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("#").strip())
        rows.append((rel.as_posix(), " ".join(c for c in comment if c)))
    return rows


def benchmark_docs(root: Path = ROOT) -> list[tuple[str, str]]:
    """Return ``(path relative to the repo, module docstring)`` for each benchmark script."""
    out = []
    for path in sorted((root / "benchmarks").glob("bench_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out.append((path.relative_to(root).as_posix(), ast.get_docstring(tree) or ""))
    return out


class XmodalRecipesDirective(SphinxDirective):
    """A table of every recipe and its leading comment."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        table = nodes.table()
        group = nodes.tgroup(cols=2)
        table += group
        for width in (35, 65):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body
        for i, (rel, comment) in enumerate([("recipe", "what it trains / tests")]
                                           + recipe_rows()):
            row = nodes.row()
            for j, text in enumerate((rel, comment)):
                entry = nodes.entry()
                para = nodes.paragraph()
                para += nodes.literal(text=text) if (i and j == 0) else nodes.Text(text)
                entry += para
                row += entry
            (head if i == 0 else body).append(row)
        return [table]


class XmodalBenchmarksDirective(SphinxDirective):
    """One rubric + literal block per benchmark script (its module docstring)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for rel, doc in benchmark_docs():
            section = nodes.section(ids=[f"bench-{Path(rel).stem}"])
            section += nodes.title(text=rel)
            block = nodes.literal_block(doc, doc)
            block["language"] = "text"
            section += block
            out.append(section)
        return out


def setup(app: Sphinx) -> dict:
    app.add_directive("xmodal-registry", XmodalRegistryDirective)
    app.add_directive("xmodal-recipes", XmodalRecipesDirective)
    app.add_directive("xmodal-benchmarks", XmodalBenchmarksDirective)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
