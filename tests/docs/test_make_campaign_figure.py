"""The campaign figure script's trade-off summary (``docs/make_campaign_figure.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from script_module import load_script

pytest.importorskip("matplotlib",
                    reason="the docs extra is not installed (pip install -e '.[docs]')")

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "make_campaign_figure.py"
HEADER = "iter,wall_s,cpu_hours,scale,rmse,bicubic_rmse,mismatched_rmse\n"


@pytest.fixture(scope="module")
def fig():
    return load_script(SCRIPT)


def _csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_tradeoff_table_counts_evaluations_in_the_asked_region(fig, tmp_path):
    # start 1.2 / 1.21 (0.8 %); then 1.20 / 1.40 (14.3 %, meets both at x4's 1.25),
    # 1.30 / 1.62 (19.8 %, RMSE too high), 1.10 / 1.11 (0.9 %, guide effect too low)
    rows = "0,0,0,4,1.2,2.281,1.21\n10,1,0.1,4,1.20,2.281,1.40\n" \
           "20,2,0.2,4,1.30,2.281,1.62\n30,3,0.3,4,1.10,2.281,1.11\n"
    runs = fig._runs([f"run a=b={_csv(tmp_path, 'a.csv', HEADER + rows)}"], 4, mismatched=True)
    assert list(runs) == ["run a=b"]  # the label may hold "=", the path is after the last
    line = fig.tradeoff_table(runs, 4).splitlines()[-1]
    assert line == ("| run a=b | 1.200 (0.8 %) | 3 | 1.100 (0.9 %) | 19.8 % (1.300) | 1 |")


def test_tradeoff_needs_the_mismatched_column(fig, tmp_path):
    path = _csv(tmp_path, "old.csv", "iter,wall_s,cpu_hours,scale,rmse,bicubic_rmse\n"
                "0,0,0,4,1.7,2.281\n")
    with pytest.raises(ValueError, match="old.csv has no mismatched_rmse"):
        fig._runs([f"old={path}"], 4, mismatched=True)


def test_tradeoff_plot_is_written(fig, tmp_path):
    rows = "0,0,0,4,1.2,2.281,1.21\n10,1,0.1,4,1.1,2.281,1.3\n"
    runs = fig._runs([f"r={_csv(tmp_path, 'r.csv', HEADER + rows)}"], 4, mismatched=True)
    out = tmp_path / "t.png"
    fig.plot_tradeoff(runs, 4, out)
    assert out.stat().st_size > 1000
