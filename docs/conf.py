"""Sphinx configuration of the xmodal documentation.

Build (offline, warnings as errors)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Intersphinx links to PyTorch, mmengine and NumPy need the network, so they are
off unless ``XMODAL_DOCS_INTERSPHINX=1`` is set (a networked build then fetches
the inventories; an offline build never tries). The block figures in
``_static/figures`` are committed and made by ``python docs/make_figures.py``;
the build does not regenerate them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # the xmodal package from this checkout
sys.path.insert(0, str(DOCS / "_ext"))

import xmodal  # noqa: E402

project = "xmodal"
author = "xmodal contributors"
copyright = "2026, xmodal contributors"  # noqa: A001
release = xmodal.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "myst_parser",
    "xmodal_autolists",  # docs/_ext: registry contents, recipes, benchmark scripts
    "xmodal_model_zoo",  # docs/_ext: the model table of xmodal.zoo
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "make_figures.py"]
templates_path: list[str] = []

# -- MyST -------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- autodoc / napoleon -----------------------------------------------------
autodoc_mock_imports = ["mmcv"]  # optional CUDA ops; xmodal imports it lazily
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autoclass_content = "class"
autodoc_class_signature = "separated"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_custom_sections = [("Shape", "notes_style")]

# -- intersphinx (network only on request) ----------------------------------
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
if os.environ.get("XMODAL_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "torch": ("https://docs.pytorch.org/docs/stable", None),
        "torchvision": ("https://docs.pytorch.org/vision/stable", None),
        "mmengine": ("https://mmengine.readthedocs.io/en/latest", None),
        "numpy": ("https://numpy.org/doc/stable", None),
    }

# -- HTML -------------------------------------------------------------------
html_theme = "furo"
html_title = f"xmodal {release}"
html_static_path = ["_static"]
html_theme_options = {"navigation_with_keys": True}


API_PACKAGES = ("align", "fuse", "ops", "models", "refine", "datasets", "evaluation", "apis")


def _append_module_data(app, docname, source):  # noqa: ANN001
    """Add ``autodata`` entries for the constants in a package's ``__all__``.

    ``automodule :members:`` documents classes and functions re-exported through
    ``__all__`` but skips re-exported constants (autodoc only documents data it
    finds assigned in the module's own source), so ``api/<pkg>`` pages get them
    appended here: every public name then appears in the API reference.
    """
    pkg = docname.split("/", 1)[1] if docname.startswith("api/") else ""
    if pkg not in API_PACKAGES:
        return
    import importlib
    import inspect

    try:
        module = importlib.import_module(f"xmodal.{pkg}")
    except ImportError:
        return
    names = [
        n for n in getattr(module, "__all__", ())
        if not (inspect.isclass(getattr(module, n)) or inspect.isroutine(getattr(module, n))
                or inspect.ismodule(getattr(module, n)))
    ]
    if names:
        entries = "".join(_data_entry(module, n) for n in names)
        source[0] += "\nConstants\n---------\n" + entries


def _data_entry(module, name: str) -> str:  # noqa: ANN001
    """A ``py:data`` entry: value, defining sub-module and its ``#:`` comment if any."""
    import importlib
    import pkgutil

    from sphinx.pycode import ModuleAnalyzer

    obj = getattr(module, name)
    value = repr(obj)
    if len(value) > 120 or "\n" in value:
        value = f"{type(obj).__name__} (see the source)"
    where, doc = module.__name__, []
    for info in pkgutil.iter_modules(module.__path__):
        sub = importlib.import_module(f"{module.__name__}.{info.name}")
        if sub.__dict__.get(name) is obj:
            where = sub.__name__
            try:
                doc = ModuleAnalyzer.for_module(where).find_attr_docs().get(("", name), [])
            except Exception:  # noqa: BLE001 - no source: no comment
                doc = []
            break
    body = "\n".join(f"   {line}" for line in doc if line.strip())
    return (
        f"\n.. py:data:: {name}\n   :module: {module.__name__}\n   :value: {value}\n\n"
        + (body + "\n\n" if body else "")
        + f"   Defined in ``{where}``.\n"
    )


def setup(app):  # noqa: ANN001
    app.connect("source-read", _append_module_data)
