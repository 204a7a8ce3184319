import io
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import xmodal  # noqa: F401  (applies the allow-list)
from xmodal.engine import allow_mmengine_checkpoint_globals


def _roundtrip(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def test_message_hub_state_loads_weights_only():
    hub = MessageHub.get_instance("xmodal-test")
    for i in range(3):
        hub.update_scalar("train/loss", float(i))
    hub.update_info("iter", 3)
    state = {"message_hub": hub.state_dict(), "arr": np.arange(3.0), "f": np.float64(1.5)}
    loaded = _roundtrip(state)
    buf = loaded["message_hub"]["log_scalars"]["train/loss"]
    assert isinstance(buf, HistoryBuffer) and buf.mean() == pytest.approx(1.0)
    assert buf.statistics("max") == 2.0  # default statistics restored on load
    np.testing.assert_array_equal(loaded["arr"], np.arange(3.0))


def test_arbitrary_globals_are_still_refused():
    allow_mmengine_checkpoint_globals()

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    buf = io.BytesIO()
    torch.save({"x": Evil()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(buf, weights_only=True)


def test_getattr_not_needed_and_not_allowed():
    allowed = allow_mmengine_checkpoint_globals()
    assert getattr not in allowed
    assert allow_mmengine_checkpoint_globals() is allowed  # idempotent
