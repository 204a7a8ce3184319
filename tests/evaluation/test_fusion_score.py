"""The combined checkpoint score of the fusion recipes."""

import pytest

from xmodal.evaluation.fusion_score import SCORE_METRICS, fusion_score


def test_fusion_score_is_the_geometric_mean_of_ratios():
    base = {n: 2.0 for n in SCORE_METRICS}
    assert fusion_score(dict(base), base) == pytest.approx(1.0)
    doubled = dict(base, MI=4.0, VIF=4.0)
    halved = dict(doubled, SD=1.0, SF=1.0)
    assert fusion_score(doubled, base) == pytest.approx(2 ** (2 / 8))
    assert fusion_score(halved, base) == pytest.approx(1.0)  # gains cannot buy losses
    copy_like = dict(doubled, SCD=-0.5)  # negative SCD floored at 1e-3 of the baseline
    assert fusion_score(copy_like, base) == pytest.approx(2 ** (2 / 8) * 1e-3 ** (1 / 8))
    with pytest.raises(ValueError, match="baseline SCD must be finite and > 0"):
        fusion_score(base, dict(base, SCD=0.0))
    with pytest.raises(KeyError):
        fusion_score({"EN": 1.0}, base)
