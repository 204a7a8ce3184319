"""The combined validation score that chooses fusion checkpoints (an xmodal criterion).

One number from the eight metrics of the published tables, relative to a
baseline (average fusion in xmodal's recipes), so that ``CheckpointHook`` can
keep the best checkpoint without favouring one metric. Not a published metric.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SCORE_METRICS", "fusion_score"]


#: The eight metrics of the published tables (CDDFuse, Tab. 1), the terms of :func:`fusion_score`.
SCORE_METRICS: tuple[str, ...] = ("EN", "SD", "SF", "MI", "SCD", "VIF", "Qabf", "SSIM")

#: Floor of each ratio in :func:`fusion_score` (a zero or negative metric, e.g. SCD of an
#: output that copies one source, counts as 1/1000 of the baseline instead of -inf).
_SCORE_FLOOR = 1e-3


def fusion_score(model: dict[str, float], baseline: dict[str, float],
                 names: Sequence[str] = SCORE_METRICS) -> float:
    """Combined fusion score: geometric mean of the model-to-baseline ratios of ``names``.

    ``score = exp(mean_k log(max(m_k / b_k, 1e-3)))``, ``m_k`` the model's mean metric
    and ``b_k`` the baseline's (average fusion, in xmodal's recipes). 1.0 means "as
    good as the baseline on average". A unit-free mean of ratios weighs each metric
    equally; being a log-average, doubling one metric cannot buy a halving of
    another, so an output that copies a source (high MI / VIF / Qabf, but an SCD
    near 0) scores low. An xmodal criterion for choosing checkpoints, not a
    published metric.

    Args:
        model: ``{name: value}`` of the model (at least ``names``).
        baseline: ``{name: value}`` of the baseline, every value > 0.
        names: the metrics combined (default :data:`SCORE_METRICS`).

    Returns:
        The score (> 0).

    Raises:
        KeyError: a name missing from ``model`` or ``baseline``.
        ValueError: empty ``names``, or a baseline value <= 0 or not finite.
    """
    names = list(names)
    if not names:
        raise ValueError("names: at least one metric is needed")
    logs = []
    for n in names:
        b = float(baseline[n])
        if not np.isfinite(b) or b <= 0:
            raise ValueError(f"baseline {n} must be finite and > 0 to form a ratio, got {b}")
        logs.append(np.log(max(float(model[n]) / b, _SCORE_FLOOR)))
    return float(np.exp(np.mean(logs)))
