"""WarmupEMA's decay schedule and the RNG states a checkpoint carries."""

import io
import random

import numpy as np
import pytest
import torch
from torch import nn

from xmodal.engine import WarmupEMA, get_rng_state, set_rng_state


def test_warmup_ema_follows_the_warmup_decay():
    model = nn.Linear(1, 1, bias=False)
    nn.init.zeros_(model.weight)
    ema = WarmupEMA(model, momentum=0.002)
    expected = 0.0
    for n, value in enumerate([1.0, 2.0, 3.0]):
        model.weight.data.fill_(value)
        ema.update_parameters(model)
        if n == 0:  # mmengine copies the weights on the first update
            expected = value
        else:
            decay = min(0.998, (1.0 + n) / (10.0 + n))
            expected = decay * expected + (1 - decay) * value
        assert ema.module.weight.item() == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="momentum"):
        WarmupEMA(model, momentum=0.0)


def test_rng_state_round_trips_through_a_weights_only_checkpoint():
    random.seed(1)
    np.random.seed(2)
    torch.manual_seed(3)
    buf = io.BytesIO()
    torch.save({"rng_state": get_rng_state()}, buf)
    draws = (random.random(), np.random.rand(), torch.rand(1).item())
    buf.seek(0)
    set_rng_state(torch.load(buf, weights_only=True)["rng_state"])
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == draws
