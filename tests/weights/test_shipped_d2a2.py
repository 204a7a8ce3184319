"""The shipped D2A2 weights load safely and beat Pillow bicubic on real frames they were
not trained on (the model card's Middlebury claim, checked on 2 embedded frames)."""

from pathlib import Path

import pytest

import xmodal
from xmodal.datasets import MiddleburyDataset
from xmodal.evaluation import evaluate_generator
from xmodal.weights import build_generator
from xmodal.zoo import get_model_entry

SAMPLE = Path(xmodal.__file__).resolve().parent / "data" / "gdsr" / "middlebury"
SCALES = sorted(get_model_entry("d2a2").weights)
#: frames of the embedded Middlebury sample scored here (2 of its 6)
FRAMES = [0, 3]
#: the smallest gain over Pillow bicubic a shipped weight must show on them (measured on
#: these frames: 41.4 % / 39.2 % / 19.8 %)
MIN_GAIN = {4: 0.30, 8: 0.30, 16: 0.12}


@pytest.fixture(scope="module", params=SCALES, ids=lambda s: f"x{s}")
def scored(request):
    scale = request.param
    net, meta = build_generator("d2a2", scale)  # weights_only loader, hash-checked
    ds = MiddleburyDataset(data_root=SAMPLE, scale=scale)
    assert meta["path"].endswith(f"d2a2_rgbdd_x{scale}.pth")
    return scale, evaluate_generator(net, ds, indices=FRAMES)


def test_beats_bicubic_on_frames_it_was_not_trained_on(scored):
    scale, true = scored
    gain = 1 - true["rmse"] / true["bicubic_rmse"]
    assert gain >= MIN_GAIN[scale], (scale, true["rmse"], true["bicubic_rmse"])

