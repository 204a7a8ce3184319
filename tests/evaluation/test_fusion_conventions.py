"""Choosing a convention's metric table and scoring one image in it."""

import numpy as np
import pytest

from xmodal.evaluation.fusion_cddfuse import CDDFUSE_METRICS
from xmodal.evaluation.fusion_conventions import CONVENTIONS, fusion_metrics, metric_table
from xmodal.evaluation.fusion_metrics import FUSION_METRICS

TEX = np.random.default_rng(0).integers(0, 256, (48, 48)).astype(np.float64)


def test_metric_table_per_convention():
    assert CONVENTIONS == ("cddfuse", "standard")
    assert metric_table() is CDDFUSE_METRICS
    assert metric_table("standard") is FUSION_METRICS
    with pytest.raises(ValueError, match="convention"):
        metric_table("vifb")


def test_unknown_metric_name():
    with pytest.raises(ValueError, match="unknown"):
        fusion_metrics(TEX, TEX, TEX, names=["PSNR"])
