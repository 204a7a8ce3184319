"""Cheap checks of the documentation sources (the full build runs separately in CI).

The HTML build itself (``sphinx-build -W -b html docs docs/_build/html``, ~40 s)
is not run here; these tests check what it relies on in well under a second.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the docs extra is not installed (pip install -e '.[docs]')")

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import xmodal_autolists  # noqa: E402


def test_registry_directive_lists_the_blocks():
    names = {row[0] for row in xmodal_autolists.registry_rows("MODELS")}
    for block in ("LDA", "DGA", "DDA", "GatedConv", "PixelAttentionFusion", "MFA", "D2A2"):
        assert block in names
    targets = {k: t for k, t, _ in xmodal_autolists.registry_rows("MODELS")}
    public = xmodal_autolists._public_target(targets["LDA"])
    assert public == "xmodal.align.LearnableDomainAlignment"


def test_recipe_list_skips_base_and_reads_comments():
    rows = dict(xmodal_autolists.recipe_rows())
    assert "recipes/d2a2_sample_x4.py" in rows
    assert not any("_base_" in path for path in rows)
    assert "quick-start" in rows["recipes/d2a2_sample_x4.py"]


def test_every_benchmark_script_has_a_docstring():
    docs = xmodal_autolists.benchmark_docs()
    assert docs, "no benchmarks/bench_*.py found"
    assert all(doc.strip() for _, doc in docs), [p for p, d in docs if not d.strip()]


def test_figures_referenced_by_the_pages_exist():
    refs = []
    for page in DOCS.rglob("*.md"):
        if "_build" in page.parts:
            continue
        for ref in re.findall(r"```\{figure\} (\S+)", page.read_text(encoding="utf-8")):
            refs.append((page.parent / ref).resolve())
    assert len(refs) >= 5
    missing = [str(r) for r in refs if not r.is_file()]
    assert not missing, missing


def test_conf_does_not_fetch_intersphinx_by_default(monkeypatch):
    monkeypatch.delenv("XMODAL_DOCS_INTERSPHINX", raising=False)
    spec = importlib.util.spec_from_file_location("xmodal_docs_conf", DOCS / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert "sphinx.ext.intersphinx" in conf.extensions
    assert conf.intersphinx_mapping == {}
    monkeypatch.setenv("XMODAL_DOCS_INTERSPHINX", "1")
    spec.loader.exec_module(conf)
    assert {"torch", "mmengine", "numpy"} <= set(conf.intersphinx_mapping)
