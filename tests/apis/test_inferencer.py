"""GDSRInferencer: its three steps, its own model copy, and the last check before writing."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from gadget_weights import arch_gadgets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from xmodal.apis import GDSRInferencer, colourise, upsample


def test_a_user_module_is_never_changed(pair, d2a2_tiny):
    rgb, depth = pair
    ref_net = copy.deepcopy(d2a2_tiny).eval()
    net = d2a2_tiny.train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    convs = [type(m) for m in net.modules()]
    out = upsample(rgb, depth, model=net, device="cpu")
    assert net.training and all(m.training for m in net.modules())
    assert [type(m) for m in net.modules()] == convs  # no NNPACK conversion
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k]) and v.is_contiguous(), k
    ref = upsample(rgb, depth, model=ref_net, device="cpu")
    np.testing.assert_allclose(out, ref, rtol=1e-5)  # the copy ran in eval mode


def test_the_three_steps(pair, bicubic_torch):
    rgb, depth = pair
    infer = GDSRInferencer(bicubic_torch, device="cpu")
    batch = infer.preprocess(rgb, depth)
    assert batch.scale == 4 and tuple(batch.lr.shape) == (1, 1, 16, 20)
    assert float(batch.lr.min()) == 0.0 and float(batch.lr.max()) == 1.0
    pred = infer.forward(batch)
    out, info = infer.postprocess(pred, batch, return_info=True)
    np.testing.assert_allclose(out, upsample(rgb, depth, model=bicubic_torch), rtol=1e-6)
    assert info["model"] == "module" and not info["padded"]
    assert infer.network(4) is infer.network(4) and infer.network(4) is not bicubic_torch


class _Constant(nn.Module):
    def forward(self, lr, guide):
        return torch.zeros(lr.shape[0], 1, *guide.shape[-2:])


class _NaN(nn.Module):
    def forward(self, lr, guide):
        out = torch.zeros(lr.shape[0], 1, *guide.shape[-2:]) + lr.mean()
        out[..., 3, 5] = float("nan")
        return out


def test_nan_or_constant_outputs_are_refused(pair):
    rgb, depth = pair
    with pytest.raises(RuntimeError, match="1 NaN/inf pixels where the LR depth is valid"):
        upsample(rgb, depth, model=_NaN(), scale=4)
    with pytest.raises(RuntimeError, match="constant output .* non-constant LR depth"):
        upsample(rgb, depth, model=_Constant(), scale=4)
    flat = np.full_like(depth, 1200.0)  # a constant input may give a constant output
    assert np.all(upsample(rgb, flat, model=_Constant(), scale=4) == 1200.0)


def test_one_lr_pixel_is_too_small_for_d2a2(d2a2_tiny):
    rgb = np.full((4, 4, 3), 128, np.uint8)
    with pytest.raises(ValueError, match=r"cannot run on an LR depth of 1x1.*H \* W > 1"):
        upsample(rgb, np.full((1, 1), 1500.0, np.float32), model=d2a2_tiny, device="cpu")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(h=st.integers(1, 4), w=st.integers(1, 4), seed=st.integers(0, 3))
def test_tiny_inputs_give_a_clear_error_or_a_finite_output(d2a2_tiny, h, w, seed):
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (4 * h, 4 * w, 3), dtype=np.uint8)
    depth = rng.uniform(500, 900, (h, w)).astype(np.float32)
    try:
        out = upsample(rgb, depth, model=d2a2_tiny, device="cpu")
    except ValueError as err:
        assert "too small" in str(err) and h * w == 1
    else:
        assert out.shape == (4 * h, 4 * w) and np.isfinite(out).all()


def test_constructor_checks():
    with pytest.raises(TypeError, match="model must be a model name, None or an nn.Module"):
        GDSRInferencer(model=3)
    with pytest.raises(ValueError, match="model must be one of"):
        GDSRInferencer(model="dkn")


def test_dada_is_lr_consistent(pair):
    rgb, depth = pair
    out, info = upsample(rgb, depth, model="dada", device="cpu", return_info=True)
    pooled = out.reshape(16, 4, 20, 4).mean(axis=(1, 3))
    np.testing.assert_allclose(pooled, depth, rtol=1e-4)
    assert info["model"] == "dada"


@pytest.mark.parametrize("scale", [4, 8, 16])
def test_the_default_model_runs_at_every_default_scale_without_weights_argument(scale):
    from xmodal.zoo import default_model

    rng = np.random.default_rng(scale)
    rgb = rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)
    lr = rng.uniform(800, 1600, (64 // scale, 96 // scale)).astype(np.float32)
    out, info = upsample(rgb, lr, device="cpu", return_info=True)
    assert info["model"] == default_model(scale) and info["scale"] == scale
    assert out.shape == (64, 96) and np.isfinite(out).all()


def test_visualize_shares_one_colour_scale_and_maps_the_error(pair):
    rgb, depth = pair
    holed = depth.copy()
    holed[0, 0] = 0.0
    out, info = upsample(rgb, holed, model="bicubic", return_info=True)
    gt = np.full_like(out, float(np.nanmean(out)))
    images = GDSRInferencer.visualize(out, holed, info, gt, "viridis", error_factor=0.1)
    assert list(images) == ["sr_color", "lr_color", "error"]
    assert images["sr_color"].shape == (64, 80, 3) and images["lr_color"].shape == (16, 20, 3)
    assert images["lr_color"][0, 0].tolist() == [0, 0, 0]  # a hole is black
    # one scale: the smallest valid LR value gets the colormap's low end
    lowest = np.unravel_index(np.argmin(np.where(holed > 0, holed, np.inf)), holed.shape)
    low_end = colourise(np.array([[0.0]]), 0.0, 1.0, "viridis")[0, 0]
    assert images["lr_color"][lowest].tolist() == low_end.tolist()
    only_error = GDSRInferencer.visualize(out, holed, info, gt, colormap=None)
    assert list(only_error) == ["error"]
    with pytest.raises(ValueError, match="unknown matplotlib colormap"):
        GDSRInferencer.visualize(out, holed, info, colormap="nope")


def test_own_copies_run_the_in_place_block_forwards(pair, d2a2_tiny):
    from xmodal.align import LDA

    infer = GDSRInferencer(d2a2_tiny, device="cpu")
    infer(*pair)
    ldas = [m for m in infer.network(4).modules() if isinstance(m, LDA)]
    assert ldas and all(type(m) is not LDA for m in ldas)  # converted subclasses
    assert all(type(m) is LDA for m in d2a2_tiny.modules() if isinstance(m, LDA))


def test_weights_arch_naming_code_runs_nothing(tmp_path, pair):
    rgb, depth = pair
    marker = tmp_path / "PWNED"
    for path in arch_gadgets(tmp_path, marker):
        infer = GDSRInferencer("d2a2", weights=path, device="cpu")
        with pytest.raises(ValueError) as exc:
            infer(rgb, depth)
        assert "\n" not in str(exc.value) and "arch argument" in str(exc.value)
    assert not marker.exists()


class _HalfSize(nn.Module):
    def forward(self, lr, guide):
        return torch.zeros(lr.shape[0], 1, guide.shape[-2] // 2, guide.shape[-1] // 2) + lr.mean()


class _OutOfMemory(nn.Module):
    def forward(self, lr, guide):
        raise RuntimeError("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not "
                           "enough memory: you tried to allocate 1099511627776 bytes.")


def test_a_module_returning_another_size_is_refused_not_resized(pair):
    rgb, depth = pair
    with pytest.raises(RuntimeError, match=r"returned \(1, 1, 32, 40\), expected .*\(1, 1, 64, "
                                           r"80\)"):
        upsample(rgb, depth, model=_HalfSize(), scale=4)


def test_out_of_memory_is_one_line_with_the_tile_hint(pair):
    rgb, depth = pair
    with pytest.raises(RuntimeError, match=r"ran out of memory on a 80x64 output: pass --tile "
                                           r"512") as exc:
        upsample(rgb, depth, model=_OutOfMemory(), scale=4)
    assert "alloc_cpu" not in str(exc.value)


def test_a_read_only_array_gives_no_torch_warning(pair, bicubic_torch):
    import warnings

    rgb, depth = pair
    rgb.flags.writeable = False
    depth.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        upsample(rgb, depth, model=bicubic_torch, scale=4)


def test_a_run_beyond_free_memory_is_refused_before_compute(pair, monkeypatch):
    from xmodal.apis import inferencer

    rgb, depth = pair
    monkeypatch.setattr(inferencer, "available_memory", lambda device: 1000)
    with pytest.raises(RuntimeError, match=r"needs at least 0\.0 GiB for a 80x64 output, 0\.0 "
                                           r"GiB are free: pass --tile 512"):
        upsample(rgb, depth, model=_OutOfMemory(), scale=4)  # refused before it runs
    assert inferencer.available_memory(torch.device("cpu")) > 0
