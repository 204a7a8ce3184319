"""The two fusion metric conventions, and scoring one fused image in either.

``'cddfuse'`` is CDDFuse's evaluator (the published tables,
:mod:`xmodal.evaluation.fusion_cddfuse`); ``'standard'`` the metrics' own papers
(:mod:`xmodal.evaluation.fusion_metrics`). This module picks a convention's
metric table, checks metric names and applies the convention's preprocessing
(the min-max stretch of 'cddfuse') before calling the per-metric functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .fusion_cddfuse import CDDFUSE_METRICS, stretch_to_255
from .fusion_metrics import FUSION_METRICS

__all__ = ["CONVENTIONS", "metric_table", "fusion_metrics"]


#: The metric conventions: 'cddfuse' (the published tables' evaluator) and 'standard'.
CONVENTIONS = ("cddfuse", "standard")


def metric_table(convention: str = "cddfuse") -> dict[str, tuple[Callable[..., float], bool]]:
    """The metric functions of a convention, ``{name: (function, needs the sources)}``.

    Args:
        convention: ``'cddfuse'`` (:data:`~xmodal.evaluation.fusion_cddfuse.CDDFUSE_METRICS`,
            CDDFuse's evaluator) or ``'standard'``
            (:data:`~xmodal.evaluation.fusion_metrics.FUSION_METRICS`, the definitions of
            the metrics' papers).

    Returns:
        The nine metrics in table order (EN, SD, SF, AG, MI, SCD, VIF, Qabf, SSIM).

    Raises:
        ValueError: unknown convention.
    """
    if convention == "standard":
        return FUSION_METRICS
    if convention == "cddfuse":
        return CDDFUSE_METRICS
    raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")


def _check_names(names: Sequence[str] | None) -> list[str]:
    """``names`` as a list (default: all nine); ValueError naming any unknown metric."""
    names = list(FUSION_METRICS) if names is None else list(names)
    unknown = [n for n in names if n not in FUSION_METRICS]
    if unknown:
        raise ValueError(f"names: unknown metrics {unknown}; expected {list(FUSION_METRICS)}")
    return names


def fusion_metrics(ir: Any, vis: Any, fused: Any, names: Sequence[str] | None = None,
                   convention: str = "cddfuse") -> dict[str, float]:
    """All (or the named) fusion metrics of one fused image, in one convention.

    ``convention='cddfuse'`` (default) gives the numbers of the published tables:
    ``fused`` is first min-max stretched to 0-255 and rounded
    (:func:`~xmodal.evaluation.fusion_cddfuse.stretch_to_255`, as CDDFuse's test
    script saves its outputs), then scored with CDDFuse's evaluator formulas
    (:mod:`xmodal.evaluation.fusion_cddfuse`). ``convention='standard'`` scores
    ``fused`` as given with the definitions of :mod:`xmodal.evaluation.fusion_metrics`.

    Args:
        ir, vis: (H, W) grey sources on the 8-bit scale (integer levels 0..255).
        fused: (H, W) fused image: 8-bit scale for 'standard', any scale for
            'cddfuse' (it is stretched).
        names: subset of :data:`~xmodal.evaluation.fusion_metrics.FUSION_METRICS`
            (default: all nine, in table order).
        convention: ``'cddfuse'`` or ``'standard'``.

    Returns:
        ``{name: value}`` (MI in nats under 'cddfuse', in bits under 'standard').

    Raises:
        ValueError: unknown metric name or convention, shapes differ, a constant
            fused image under 'cddfuse'.
    """
    names, table = _check_names(names), metric_table(convention)
    if convention == "cddfuse":
        fused = stretch_to_255(fused)
    out = {}
    for n in names:
        fn, pair = table[n]
        out[n] = fn(ir, vis, fused) if pair else fn(fused)
    return out
