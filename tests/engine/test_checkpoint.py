"""xmodal.engine.checkpoint: weights-only loading with a call-scoped allow-list, portable saving."""

import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from xmodal.engine import (
    CheckpointError,
    checkpoint_safe_globals,
    from_portable,
    load_checkpoint,
    to_portable,
)


def _hub_state() -> dict:
    hub = MessageHub.get_instance("xmodal-checkpoint-test")
    for i in range(3):
        hub.update_scalar("train/loss", float(i))
    hub.update_info("iter", 3)
    hub.update_info("eta", np.float64(1.5))
    return hub.state_dict()


class _Crafted:
    """Unpickles by running code that creates ``marker`` (what an attacker's .pth does)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def test_portable_checkpoint_loads_with_plain_weights_only():
    ckpt = {"meta": {"iter": 3}, "message_hub": _hub_state(), "state_dict": {"w": torch.ones(2)}}
    buf = io.BytesIO()
    torch.save(to_portable(ckpt), buf)
    buf.seek(0)
    loaded = from_portable(torch.load(buf, weights_only=True))  # no allow-list at all
    hist = loaded["message_hub"]["log_scalars"]["train/loss"]
    assert isinstance(hist, HistoryBuffer) and hist.mean() == pytest.approx(1.0)
    assert hist.statistics("max") == 2.0  # the default statistics methods still work
    assert loaded["message_hub"]["runtime_info"]["eta"] == 1.5


def test_checkpoint_of_earlier_xmodal_loads_through_the_allow_list(tmp_path):
    # earlier xmodal wrote HistoryBuffer objects (without statistics methods) and numpy
    hist = HistoryBuffer([1.0, 2.0], [1, 1])
    state = {k: v for k, v in vars(hist).items() if k != "statistics_methods"}
    legacy = HistoryBuffer.__new__(HistoryBuffer)
    legacy.__dict__.update(state)
    path = tmp_path / "legacy.pth"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(HistoryBuffer, "__getstate__", lambda self: dict(self.__dict__))
        torch.save({"message_hub": {"log_scalars": OrderedDict(loss=legacy)},
                    "arr": np.arange(3.0)}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)  # torch alone refuses it
    loaded = load_checkpoint(path)
    assert loaded["message_hub"]["log_scalars"]["loss"].mean() == pytest.approx(1.5)
    np.testing.assert_array_equal(loaded["arr"], np.arange(3.0))


def _allowed_outside_torch() -> set:
    # torch adds its own classes (DTensor...) when its submodules are first imported; torch
    # keeps the allow-list in a set, so its list order may change after an add and remove
    return {g for g in torch.serialization.get_safe_globals()
            if not getattr(g, "__module__", "").startswith("torch")}


def test_allow_list_applies_only_inside_the_call(tmp_path):
    before = _allowed_outside_torch()
    torch.save({"a": np.arange(2)}, tmp_path / "np.pth")
    load_checkpoint(tmp_path / "np.pth")
    assert _allowed_outside_torch() == before
    assert getattr not in checkpoint_safe_globals() and exec not in checkpoint_safe_globals()


def test_crafted_pickle_is_refused_without_running(tmp_path):
    marker, path = tmp_path / "pwned", tmp_path / "crafted.pth"
    torch.save({"state_dict": {}, "x": _Crafted(marker)}, path)
    torch.load(path, weights_only=False)  # the file really runs code when trusted
    assert marker.exists()
    marker.unlink()
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    assert not marker.exists()
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and "exec" in msg


def test_truncated_and_missing_files_are_named(tmp_path):
    path = tmp_path / "cut.pth"
    torch.save({"w": torch.zeros(1000)}, path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CheckpointError, match="cut.pth") as err:
        load_checkpoint(path)
    assert "\n" not in str(err.value)
    with pytest.raises(FileNotFoundError, match="nope.pth"):
        load_checkpoint(tmp_path / "nope.pth")


def test_numeric_numpy_loads_and_other_objects_are_named(tmp_path):
    path = tmp_path / "np.pth"
    torch.save({k: np.arange(3).astype(k) for k in ("float32", "int64", "bool", "uint8")}, path)
    assert load_checkpoint(path)["uint8"].dtype == np.uint8
    torch.save({"when": np.datetime64("2026-01-01")}, path)  # outside the allow-list
    with pytest.raises(CheckpointError, match=r"np.pth: .*allow-list \(numpy.*DateTime64DType"):
        load_checkpoint(path)


def test_torch_advice_to_load_unsafely_never_reaches_the_user():
    from xmodal.engine.checkpoint import _reason

    text = ("Weights only load failed. This file can still be loaded, to do so you have two "
            "options, do those steps only if you trust the source of the checkpoint.\n\t(1) "
            "Re-running `torch.load` with `weights_only` set to `False` will likely succeed\n"
            "\tWeightsUnpickler error: Unsupported operand 149. Please file an issue")
    reason = _reason(pickle.UnpicklingError(text))
    assert reason == "Unsupported operand 149; refused without running it"


def test_integer_weights_for_float_parameters_are_named():
    from xmodal.engine.checkpoint import check_checkpoint_fits, dtype_mismatch

    model = torch.nn.BatchNorm1d(3)  # float weight/bias/stats, int64 num_batches_tracked
    own = model.state_dict()
    assert dtype_mismatch(own, own) is None
    assert dtype_mismatch(own, dict(own, weight=own["weight"].half())) is None  # floats fit
    int8 = dict(own, weight=own["weight"].to(torch.int8))
    assert dtype_mismatch(own, int8) == "weight is int8, the model holds float32 there"
    steps = dict(own, num_batches_tracked=own["num_batches_tracked"].float())
    assert dtype_mismatch(own, steps) == ("num_batches_tracked is float32, the model holds "
                                          "int64 there")
    with pytest.raises(CheckpointError, match="bn.pth: weight is int8, the model holds float32"):
        check_checkpoint_fits(model, {"state_dict": int8}, "bn.pth")
