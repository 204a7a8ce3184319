"""Plot the D2A2 CPU training campaign's learning curve for the docs.

Reads the campaign's ``curve.csv`` (written by ``python -m xmodal.tools.campaign``;
a copy is committed as ``docs/_static/campaign/curve.csv``) and writes
``docs/_static/figures/campaign_curve.png``: Middlebury RMSE (30 frames, 8-bit
units, standard protocol, ``clamp=False``) of the EMA weights against training
CPU hours, one panel per scale, with Pillow bicubic, the library's learning-free
DADA and the campaign's targets as horizontal lines. It also prints the curve as
a Markdown table. Run from the repository root::

    python docs/make_campaign_figure.py [--csv work_dirs/campaign/curve.csv]
    python docs/make_campaign_figure.py --out docs/_static/figures/campaign_stage3.png \
        --csv docs/_static/campaign/stage3_x8.csv docs/_static/campaign/stage3_x16.csv

With ``--sweep LABEL=CSV ...`` it plots instead the settings sweep (one curve per
run of the campaign, Middlebury RMSE at one scale against CPU core-hours) into
``docs/_static/figures/campaign_sweep.png`` and prints its table::

    python docs/make_campaign_figure.py --scale 4 \
        --sweep "crop norm=docs/_static/campaign/sweep_A.csv" ...

With ``--lineage CSV`` it plots one scale's shipped files, one point per stage,
against the CPU core-hours of their whole lineage (the stages each file descends
from; columns ``stage``, ``scale``, ``cpu_hours``, ``rmse``, ``mismatched_rmse``,
``bicubic_rmse``), into ``docs/_static/figures/campaign_lineage_x16.png``::

    python docs/make_campaign_figure.py --lineage docs/_static/campaign/lineage_x16.csv

With ``--tradeoff LABEL=CSV ...`` it plots every evaluation of the given runs at one
scale as a point (guide effect, Middlebury RMSE), the guide effect being
``1 - RMSE / RMSE with a mismatched guide``, with the region the campaign asks for
(RMSE at or below the target, guide effect at least 10 %) shaded, into
``docs/_static/figures/campaign_tradeoff_x{scale}.png``, and prints per run its
start, then its lowest RMSE, its largest guide effect and how many evaluations
met both::

    python docs/make_campaign_figure.py --scale 4 \
        --tradeoff "stage 5=docs/_static/campaign/stage5_x4_from_x16_c128.csv" ...
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402

from xmodal.evaluation import guide_effect  # noqa: E402
from xmodal.zoo import get_model_entry  # noqa: E402

ROOT = Path(__file__).resolve().parent
#: Learning-free DADA's measured Middlebury RMSE, read from the model table (its one
#: source), and the campaign's targets, 8-bit units.
DADA_LF = get_model_entry("dada").middlebury_rmse
TARGET = {4: 1.25, 8: 2.40, 16: 4.40}
#: the smallest guide effect the campaign asks of a shipped file, per scale
MIN_GUIDE_EFFECT = 0.10


def read_curve(path: Path) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = defaultdict(list)
    with path.open() as f:
        for row in csv.DictReader(f):
            rows[int(row["scale"])].append(
                {k: float(v) if v else float("nan") for k, v in row.items()})
    return dict(rows)


def _references(ax, bicubic: float, scale: int, title: str, xlabel: str) -> None:
    """Bicubic, learning-free DADA and target lines, title, labels and grid of one panel."""
    ax.axhline(bicubic, color="grey", ls="--", label="bicubic (PIL)")
    ax.axhline(DADA_LF[scale], color="tab:orange", ls=":", label="learning-free DADA (N=1000)")
    ax.axhline(TARGET[scale], color="tab:green", ls="-.", label="target")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Middlebury RMSE (8-bit)")
    ax.grid(alpha=0.3)


def _save(fig, out: Path) -> None:
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def plot(curve: dict[int, list[dict]], out: Path) -> None:
    fig, axes = plt.subplots(1, len(curve), figsize=(4 * len(curve), 3.4), squeeze=False)
    axes = axes[0]
    for ax, (scale, rows) in zip(axes, sorted(curve.items())):
        hours = [r["cpu_hours"] for r in rows]
        ax.plot(hours, [r["rmse"] for r in rows], "o-", label="D2A2 (EMA)")
        mismatched = [r.get("mismatched_rmse", math.nan) for r in rows]
        if not all(math.isnan(v) for v in mismatched):
            ax.plot(hours, mismatched, "x--", color="tab:blue", alpha=0.6,
                    label="D2A2, mismatched guide")
        _references(ax, rows[0]["bicubic_rmse"], scale, f"x{scale}", "training CPU core-hours")
    axes[0].legend(fontsize=7)
    _save(fig, out)


def table(curve: dict[int, list[dict]]) -> str:
    """One row per evaluation, per scale (curves of different runs are not aligned)."""
    lines = ["| scale | iteration | CPU hours | RMSE | mismatched guide | bicubic (PIL) |",
             "|---|---|---|---|---|---|"]
    for scale, rows in sorted(curve.items()):
        for r in rows:
            lines.append(f"| x{scale} | {int(r['iter'])} | {r['cpu_hours']:.2f} | "
                         f"{r['rmse']:.3f} | {r.get('mismatched_rmse', math.nan):.3f} | "
                         f"{r['bicubic_rmse']:.3f} |")
    return "\n".join(lines)


def plot_sweep(runs: dict[str, list[dict]], scale: int, out: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for label, rows in runs.items():
        ax.plot([r["cpu_hours"] for r in rows], [r["rmse"] for r in rows], "o-", label=label)
    _references(ax, next(iter(runs.values()))[0]["bicubic_rmse"], scale,
                f"settings sweep, x{scale}", "training CPU core-hours (from the run's start)")
    ax.legend(fontsize=7)
    _save(fig, out)


def sweep_table(runs: dict[str, list[dict]]) -> str:
    lines = ["| setting | iterations | CPU hours | s / iteration | start | best | last |",
             "|---|---|---|---|---|---|---|"]
    for label, rows in runs.items():
        last = rows[-1]
        per_iter = last["wall_s"] / max(1.0, last["iter"])
        lines.append(f"| {label} | {int(last['iter'])} | {last['cpu_hours']:.2f} | "
                     f"{per_iter:.2f} | {rows[0]['rmse']:.3f} | "
                     f"{min(r['rmse'] for r in rows):.3f} | {last['rmse']:.3f} |")
    return "\n".join(lines)


def plot_lineage(rows: list[dict], out: Path) -> None:
    """Shipped files of one scale against their lineage's core-hours, stages labelled."""
    scale = int(rows[0]["scale"])
    hours = [r["cpu_hours"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(hours, [r["rmse"] for r in rows], "o-", label="shipped D2A2 file (EMA)")
    ax.plot(hours, [r["mismatched_rmse"] for r in rows], "x--", color="tab:blue", alpha=0.6,
            label="same file, mismatched guide")
    for r in rows:
        ax.annotate(f"stage {int(r['stage'])}", (r["cpu_hours"], r["rmse"]),
                    textcoords="offset points", xytext=(4, 6), fontsize=7)
    _references(ax, rows[0]["bicubic_rmse"], scale, f"x{scale} lineage",
                "CPU core-hours of the file's whole lineage")
    ax.legend(fontsize=7)
    _save(fig, out)


def _effect(row: dict) -> float:
    return guide_effect(row["rmse"], row["mismatched_rmse"])


def lineage_table(rows: list[dict]) -> str:
    lines = ["| stage | lineage core-hours | RMSE | mismatched guide | guide effect |",
             "|---|---|---|---|---|"]
    for r in rows:
        effect = 100 * _effect(r)
        lines.append(f"| {int(r['stage'])} | {r['cpu_hours']:.2f} | {r['rmse']:.3f} | "
                     f"{r['mismatched_rmse']:.3f} | {effect:.1f} % |")
    return "\n".join(lines)


def plot_tradeoff(runs: dict[str, list[dict]], scale: int, out: Path) -> None:
    """Each run's evaluations as (guide effect, RMSE) points, in training order."""
    fig, ax = plt.subplots(figsize=(9.0, 4.4))
    for label, rows in runs.items():
        ax.plot([100 * _effect(r) for r in rows], [r["rmse"] for r in rows], "o-", ms=3,
                lw=0.8, label=label)
    x_max = max(ax.get_xlim()[1], 100 * MIN_GUIDE_EFFECT + 2)
    ax.fill_between([100 * MIN_GUIDE_EFFECT, x_max], 0, TARGET[scale], color="tab:green",
                    alpha=0.15, label="asked: RMSE <= target, guide effect >= 10 %")
    ax.set_xlim(ax.get_xlim()[0], x_max)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ticker.ScalarFormatter())
    ax.yaxis.set_minor_formatter(ticker.FormatStrFormatter("%.1f"))
    ax.set_ylim(0.9 * min(r["rmse"] for rows in runs.values() for r in rows), None)
    ax.axhline(TARGET[scale], color="tab:green", ls="-.")
    ax.set_title(f"x{scale}: guide use against error, every evaluation of each run")
    ax.set_xlabel("guide effect, % (1 - RMSE / RMSE with a mismatched guide)")
    ax.set_ylabel("Middlebury RMSE (8-bit, log scale)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _save(fig, out)


def tradeoff_table(runs: dict[str, list[dict]], scale: int) -> str:
    """Per run: its start, then the lowest RMSE and the largest guide effect after it."""
    lines = ["| run | start: RMSE (guide effect) | evaluations after it | lowest RMSE "
             "(its guide effect) | largest guide effect (its RMSE) | meeting both |",
             "|---|---|---|---|---|---|"]
    for label, (start, *rows) in runs.items():
        low = min(rows, key=lambda r: r["rmse"])
        most = max(rows, key=_effect)
        both = sum(r["rmse"] <= TARGET[scale] and _effect(r) >= MIN_GUIDE_EFFECT for r in rows)
        lines.append(f"| {label} | {start['rmse']:.3f} ({100 * _effect(start):.1f} %) | "
                     f"{len(rows)} | {low['rmse']:.3f} ({100 * _effect(low):.1f} %) | "
                     f"{100 * _effect(most):.1f} % ({most['rmse']:.3f}) | {both} |")
    return "\n".join(lines)


def _runs(items: list[str], scale: int, mismatched: bool = False) -> dict[str, list[dict]]:
    """``LABEL=CSV`` items -> each run's rows at ``scale``; with ``mismatched``, a run
    without the ``mismatched_rmse`` column is a ``ValueError``."""
    runs = {}
    for item in items:
        label, _, path = item.rpartition("=")
        runs[label] = read_curve(Path(path))[scale]
        if mismatched and "mismatched_rmse" not in runs[label][0]:
            raise ValueError(f"--tradeoff: {path} has no mismatched_rmse column (its "
                             "campaign ran without --guide-check)")
    return runs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--csv", type=Path, nargs="+",
                   default=[ROOT / "_static" / "campaign" / "curve.csv"],
                   help="one or more curve files (e.g. one per scale), one panel per scale")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--sweep", nargs="+", default=None, metavar="LABEL=CSV")
    p.add_argument("--scale", type=int, default=4, help="the sweep's or the trade-off's scale")
    p.add_argument("--lineage", type=Path, default=None, metavar="CSV")
    p.add_argument("--tradeoff", nargs="+", default=None, metavar="LABEL=CSV")
    args = p.parse_args()
    figures = ROOT / "_static" / "figures"
    if args.lineage:
        rows = next(iter(read_curve(args.lineage).values()))
        out = args.out or figures / f"campaign_lineage_x{int(rows[0]['scale'])}.png"
        plot_lineage(rows, out)
        print(lineage_table(rows))
        return
    if args.tradeoff:
        runs = _runs(args.tradeoff, args.scale, mismatched=True)
        plot_tradeoff(runs, args.scale,
                      args.out or figures / f"campaign_tradeoff_x{args.scale}.png")
        print(tradeoff_table(runs, args.scale))
        return
    if args.sweep:
        runs = _runs(args.sweep, args.scale)
        plot_sweep(runs, args.scale, args.out or figures / "campaign_sweep.png")
        print(sweep_table(runs))
        return
    curve = {scale: rows for path in args.csv for scale, rows in read_curve(path).items()}
    plot(curve, args.out or figures / "campaign_curve.png")
    print(table(curve))


if __name__ == "__main__":
    main()
