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
    "xmodal_registry",  # docs/_ext/xmodal_registry.py: registry contents, listed at build time
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
