"""XmodalRunner's switches: backend, SyncBN, bf16 autocast, gradient accumulation, global batch."""

from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from _tiny import write_config, write_crops
from mmengine.config import Config
from mmengine.model import convert_sync_batchnorm
from torch import nn

from xmodal.engine import (
    AutocastOptimWrapper,
    XmodalRunner,
    global_batch_size,
    init_cpu_process_group,
    resolve_backend,
)
from xmodal.registry import MODELS
from xmodal.tools import train as train_tool

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
NO_CUDA = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU behaviour")


@NO_CUDA
def test_auto_backend_is_gloo_without_cuda():
    assert resolve_backend("auto") == resolve_backend(None) == "gloo"
    assert resolve_backend("nccl") == "nccl"  # an explicit choice is kept
    with pytest.raises(ValueError, match="torchrun"):
        init_cpu_process_group("slurm")
    with pytest.raises(ValueError, match="nccl"):
        init_cpu_process_group("pytorch", backend="nccl")


def test_sync_bn_converts_the_gatedconv_batchnorms():
    model = MODELS.build(Config.fromfile(str(RECIPES / "d2a2_rgbdd_x4.py")).model)
    synced = convert_sync_batchnorm(model, "torch")  # what mmengine does with sync_bn='torch'
    names = [n for n, m in synced.named_modules() if isinstance(m, nn.SyncBatchNorm)]
    assert names == [f"generator.fusions.{i}.fuse.gate.norm" for i in range(3)]


@NO_CUDA
def test_sync_bn_on_cpu_is_a_clear_error():
    runner = SimpleNamespace(distributed=True, cfg={"sync_bn": "torch"})
    with pytest.raises(ValueError, match="SyncBatchNorm runs on CUDA only"):
        XmodalRunner.wrap_model(runner, None, nn.Linear(2, 2))


def test_load_checkpoint_refuses_integer_weights_for_float_parameters(tmp_path):
    model = nn.Linear(2, 2)
    state = {"weight": model.weight.detach().round().to(torch.int8), "bias": model.bias.detach()}
    torch.save({"state_dict": state, "meta": {}}, tmp_path / "int8.pth")
    runner = SimpleNamespace(model=model, call_hook=lambda *a, **k: None)
    before = model.weight.detach().clone()
    with pytest.raises(ValueError, match=r"int8.pth: weight is int8, the model holds float32") \
            as err:
        XmodalRunner.load_checkpoint(runner, str(tmp_path / "int8.pth"))
    assert "\n" not in str(err.value)
    assert torch.equal(model.weight, before)  # refused before anything is copied


def test_autocast_wrapper_runs_the_forward_in_bfloat16():
    model = nn.Linear(4, 4)
    wrapper = AutocastOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with wrapper.optim_context(model):
        out = model(torch.randn(2, 4))
    assert out.dtype == torch.bfloat16
    assert model(torch.randn(2, 4)).dtype == torch.float32  # only inside the context
    with pytest.raises(ValueError, match="dtype"):
        AutocastOptimWrapper(dtype="float8", optimizer=torch.optim.SGD(model.parameters(), lr=1))


@NO_CUDA
def test_amp_flag_picks_bf16_autocast_on_cpu():
    cfg = train_tool.build_config(train_tool.parse_args([str(RECIPES / "d2a2_sample_x4.py"),
                                                         "--amp"]))
    assert cfg.optim_wrapper.type == "AutocastOptimWrapper"


def test_every_training_recipe_states_its_global_batch():
    recipes = [p for p in sorted(RECIPES.rglob("*.py")) if "_base_" not in p.parts]
    checked = 0
    for path in recipes:
        cfg = Config.fromfile(str(path))
        if cfg.get("train_dataloader") is None:
            continue  # parameter-free baselines
        assert cfg.get("auto_scale_lr", {}).get("base_batch_size") == global_batch_size(cfg), path
        checked += 1
    assert checked >= 30


@pytest.mark.slow  # two short training runs: ~27 s on 2 busy cores
def test_gradient_accumulation_equals_the_larger_batch(tmp_path):
    cfg = write_config(write_crops(tmp_path))
    common = ["train_cfg.max_iters=4", "default_hooks.checkpoint.interval=2"]
    train_tool.main([str(cfg), "--work-dir", str(tmp_path / "b2"), "--cfg-options", *common[1:],
                     "train_cfg.max_iters=2"])
    train_tool.main([str(cfg), "--work-dir", str(tmp_path / "acc"), "--cfg-options", *common,
                     "train_dataloader.batch_size=1", "optim_wrapper.accumulative_counts=2"])
    a = torch.load(tmp_path / "b2" / "iter_2.pth", weights_only=True)["state_dict"]
    b = torch.load(tmp_path / "acc" / "iter_4.pth", weights_only=True)["state_dict"]
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=1e-6, msg=key)
    half = torch.load(tmp_path / "acc" / "iter_2.pth", weights_only=True)["state_dict"]
    assert any(not torch.equal(half[k], b[k]) for k in b)  # the second update moved weights
