"""The model-zoo page's table (docs/_ext/xmodal_model_zoo.py) is made from xmodal.zoo."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from xmodal.zoo import MODEL_TABLE, ModelEntry, WeightsFile

pytest.importorskip("sphinx", reason="the docs extra is not installed (pip install -e '.[docs]')")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

import xmodal_model_zoo  # noqa: E402


def test_every_entry_and_shipped_file_is_on_the_page():
    text = xmodal_model_zoo.model_table_rst()
    for entry in MODEL_TABLE.values():
        assert f"* - ``{entry.name}``" in text and entry.scales_text() in text
        for wf in entry.weights.values():
            assert f"``{wf.file}``" in text
        if entry.realworld_rmse_cm is not None:
            assert f"x4 {entry.realworld_rmse_cm:.3f}" in text
        if entry.realworld_registered_rmse_cm is not None:
            assert f"registered {entry.realworld_registered_rmse_cm:.3f}" in text
    assert "N = 1000 iterations" in text  # learning-free DADA states its settings


def test_the_table_parses_as_restructuredtext_without_warnings():
    from docutils import nodes
    from docutils.core import publish_doctree

    warnings = io.StringIO()
    doctree = publish_doctree(xmodal_model_zoo.model_table_rst(),
                              settings_overrides={"report_level": 1, "warning_stream": warnings})
    assert not warnings.getvalue()
    assert not list(doctree.findall(nodes.system_message))
    assert len(list(doctree.findall(nodes.table))) == 1


def test_a_new_entry_appears_without_editing_the_page(monkeypatch):
    entry = ModelEntry(name="toy", arch=lambda s: dict(type="ToyGDSR", scale=s), scales=(2,),
                       weights={2: WeightsFile("toy_x2.pth", "ab" * 32)}, licence="MIT",
                       description="A toy model.")
    monkeypatch.setitem(MODEL_TABLE, "toy", entry)
    text = xmodal_model_zoo.model_table_rst()
    assert "* - ``toy``" in text and "``toy_x2.pth`` (sha256 ``abababababab...``)" in text
    assert "A toy model." in text and "{'type': 'ToyGDSR', 'scale': 2}" in text
