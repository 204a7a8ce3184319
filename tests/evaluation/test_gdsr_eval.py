"""evaluate_generator: protocol RMSE of a generator, with its own or a mismatched guide."""

from pathlib import Path

import pytest
from torch import nn

import xmodal
from xmodal.datasets import MiddleburyDataset
from xmodal.evaluation import evaluate_generator, guide_effect
from xmodal.models import Bicubic

SAMPLE = Path(xmodal.__file__).resolve().parent / "data" / "gdsr" / "middlebury"


class GuideCopy(nn.Module):
    """A 'model' that returns the guide's first channel: only the guide matters."""

    def forward(self, lr, guide):
        return guide[:, :1]


@pytest.fixture(scope="module")
def dataset():
    return MiddleburyDataset(data_root=SAMPLE, scale=8)


def test_bicubic_model_scores_the_bicubic_baseline_whatever_the_guide(dataset):
    true = evaluate_generator(Bicubic(scale=8), dataset, indices=[0, 1])
    other = evaluate_generator(Bicubic(scale=8), dataset, guide="mismatched", indices=[0, 1])
    assert true["rmse"] == pytest.approx(true["bicubic_rmse"], rel=1e-12)
    assert other["rmse"] == true["rmse"]
    assert guide_effect(true["rmse"], other["rmse"]) == 0.0
    assert [name for name, _, _ in true["per_image"]] == [dataset[i]["data_samples"].img_name
                                                           for i in (0, 1)]


def test_mismatched_guide_changes_a_guide_driven_output(dataset):
    true = evaluate_generator(GuideCopy(), dataset, indices=[0], fast=False)
    other = evaluate_generator(GuideCopy(), dataset, guide="mismatched", indices=[0], fast=False)
    assert other["rmse"] != pytest.approx(true["rmse"], rel=1e-3)


def test_generator_passed_in_is_not_modified(dataset):
    net = Bicubic(scale=8).train()
    evaluate_generator(net, dataset, indices=[0])
    assert net.training


def test_bad_arguments(dataset):
    with pytest.raises(ValueError, match="guide must be one of"):
        evaluate_generator(Bicubic(scale=8), dataset, guide="shuffled")
    with pytest.raises(ValueError, match="at least 2 frames"):
        evaluate_generator(Bicubic(scale=8), [dataset[0]], guide="mismatched")


def test_guide_effect_is_the_share_the_true_guide_saves():
    assert guide_effect(0.9, 1.0) == pytest.approx(0.1)
    assert guide_effect(1.2, 1.0) == pytest.approx(-0.2)  # the wrong guide scored better
    assert guide_effect(0.0, 2.0) == 1.0


@pytest.mark.parametrize(("true", "mismatched", "name"), [
    (-0.1, 1.0, "rmse_true"), (float("nan"), 1.0, "rmse_true"),
    (1.0, 0.0, "rmse_mismatched"), (1.0, float("inf"), "rmse_mismatched"),
])
def test_guide_effect_rejects_impossible_errors(true, mismatched, name):
    with pytest.raises(ValueError, match=name):
        guide_effect(true, mismatched)
