"""The one data-root rule: XMODAL_DATA alone when set, else the embedded sample."""

from __future__ import annotations

import pytest

from xmodal.datasets import resolve_ivif_root, resolve_refsr_root
from xmodal.datasets.paths import EMBEDDED_DATA, candidate_data_dirs, resolve_data_root


def test_env_alone_when_set_else_embedded(monkeypatch, tmp_path):
    (tmp_path / "ivif" / "pairs").mkdir(parents=True)
    (tmp_path / "refsr" / "demo").mkdir(parents=True)
    monkeypatch.setenv("XMODAL_DATA", str(tmp_path))
    assert candidate_data_dirs() == [tmp_path]
    assert resolve_ivif_root("pairs") == tmp_path / "ivif" / "pairs"
    assert resolve_refsr_root("demo") == tmp_path / "refsr" / "demo"
    monkeypatch.delenv("XMODAL_DATA")
    assert candidate_data_dirs() == [EMBEDDED_DATA]  # no ../shared/data or cwd lookup
    assert resolve_data_root("gdsr", ["nope", "middlebury"], "x") == \
        EMBEDDED_DATA / "gdsr" / "middlebury"


def test_missing_folder_names_every_path_and_the_layout(monkeypatch, tmp_path):
    monkeypatch.setenv("XMODAL_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"no ivif data folder found; tried .*ivif/a.*"
                                                r"ivif/b.*Expected layout: L\. Set XMODAL_DATA"):
        resolve_data_root("ivif", ["a", "b"], "L")
