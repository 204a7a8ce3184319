"""Sphinx extension: the model table of :mod:`xmodal.zoo`, rendered at build time.

``xmodal-model-table`` emits one summary table (model, scales, default at which
scales, shipped weights with their pinned sha256, licence) and one paragraph per
model (description, evaluation preset, inputs, CPU and GPU notes, architecture
config).
It reads :data:`xmodal.zoo.MODEL_TABLE`, the same table the API, the
``xmodal upsample`` choices and the weights loader read, so the page cannot
disagree with the code.

Usage in a page (MyST)::

    ```{xmodal-model-table}
    ```
"""

from __future__ import annotations

from docutils import nodes
from docutils.core import publish_doctree
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _weights_cell(entry) -> str:  # noqa: ANN001
    if entry.init_model is not None:
        return f"those of ``{entry.init_model}`` (it runs first)"
    if not entry.weights:
        return "none shipped" + (" (pass ``--weights``)" if entry.needs_weights else "")
    cells = []
    for scale, wf in entry.weights.items():
        digest = f"sha256 ``{wf.sha256[:12]}...``" if wf.sha256 else "sha256 not pinned yet"
        cells.append(f"x{scale}: ``{wf.file}`` ({digest})")
    return "; ".join(cells)


def _cell(text: str) -> str:
    return " ".join(text.split()) or "-"


def _text(text: str) -> str:
    """Free text of the table, with reStructuredText's markup characters escaped."""
    for char in "\\*|`":
        text = text.replace(char, "\\" + char)
    return _cell(text)


def model_table_rst() -> str:
    """The reStructuredText of the summary table and the per-model paragraphs."""
    from xmodal.zoo import MODEL_TABLE, default_model, default_scales

    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 10 8 8 12 12 9 25 16", "",
             "   * - model", "     - scales", "     - default at",
             "     - validation: RGB-D-D val list, RMSE cm (selects the default)",
             "     - test: Middlebury RMSE, 8-bit", "     - test: RGB-D-D real-world RMSE, cm",
             "     - shipped weights", "     - licence"]
    for e in MODEL_TABLE.values():
        default = ", ".join(f"x{s}" for s in default_scales() if default_model(s) == e.name)
        default = default or "-"
        val = ", ".join(f"x{s} {v:.3f}" for s, v in sorted(e.val_rmse_cm.items()))
        measured = ", ".join(f"x{s} {v:.3f}" for s, v in sorted(e.middlebury_rmse.items()))
        real = "-" if e.realworld_rmse_cm is None else f"x4 {e.realworld_rmse_cm:.3f}"
        if e.realworld_registered_rmse_cm is not None:
            real += f"; registered {e.realworld_registered_rmse_cm:.3f}"
        lines += [f"   * - ``{e.name}``", f"     - {e.scales_text()}", f"     - {default}",
                  f"     - {val or '-'}", f"     - {measured or '-'}", f"     - {real}",
                  f"     - {_cell(_weights_cell(e))}",
                  f"     - {_text(e.licence)}"]
    for e in MODEL_TABLE.values():
        scale = e.scales[0] if e.scales else 4
        lines += ["", f"``{e.name}``", "   " + _text(e.description), "",
                  f"   *Evaluation preset:* ``{e.preset}``. *Inputs:* {_text(e.protocol)}. "
                  f"*CPU:* {_text(e.cpu_notes)}. "
                  f"*GPU:* {_text(e.gpu_notes)}. *Architecture at x{scale}:* "
                  f"``{e.arch(scale)!r}``."]
    return "\n".join(lines) + "\n"


class XmodalModelTableDirective(SphinxDirective):
    """Emit the model table of :mod:`xmodal.zoo`."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # parsed as reStructuredText whatever the page's own parser (MyST here)
        doctree = publish_doctree(model_table_rst(), settings_overrides={"report_level": 2})
        return list(doctree.children)


def setup(app: Sphinx) -> dict:
    app.add_directive("xmodal-model-table", XmodalModelTableDirective)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
