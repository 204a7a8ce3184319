"""xmodal.apis.upsample: input kinds, units, holes, sizes, tiling, LR consistency, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from xmodal.apis import upsample
from xmodal.datasets.protocol import upsample_bicubic_pil


def test_bicubic_matches_protocol_bicubic(pair):
    rgb, depth = pair
    out, info = upsample(rgb, depth, model="bicubic", return_info=True)
    assert out.shape == (64, 80) and out.dtype == np.float32
    np.testing.assert_allclose(out, upsample_bicubic_pil(depth, 4), rtol=1e-5)
    assert info["scale"] == 4 and info["n_invalid_lr"] == 0 and not info["padded"]


def test_tensor_inputs_give_tensor_of_same_layout(pair, d2a2_tiny):
    rgb, depth = pair
    guide = torch.from_numpy(rgb).permute(2, 0, 1).float() / 255
    out = upsample(guide[None], torch.from_numpy(depth)[None, None], model=d2a2_tiny)
    assert isinstance(out, torch.Tensor) and out.shape == (1, 1, 64, 80)
    ref = upsample(rgb, depth, model=d2a2_tiny)  # uint8 numpy guide: same numbers
    np.testing.assert_allclose(out[0, 0].numpy(), ref, rtol=1e-5)


def test_units_round_trip_mm_vs_metres(pair, d2a2_tiny):
    rgb, depth_mm = pair
    out_mm = upsample(rgb, depth_mm, model=d2a2_tiny, depth_unit="mm")
    out_m = upsample(rgb, depth_mm / 1000.0, model=d2a2_tiny, depth_unit="m")
    np.testing.assert_allclose(out_m * 1000.0, out_mm, rtol=1e-5)


def test_holes_masked_filled_and_kept_invalid(pair, bicubic_torch):
    rgb, depth = pair
    holed = depth.copy()
    holed[4:9, 5:11] = 0.0        # a 5x6 hole: its 3x4 interior has no valid neighbour
    holed[0, 19] = np.nan
    holed[15, 0] = np.inf
    holed[12, 12] = 0.0  # an isolated hole
    out, info = upsample(rgb, holed, model=bicubic_torch, return_info=True)
    assert info["n_invalid_lr"] == 30 + 3
    # min/max of the valid pixels only
    assert info["depth_min"] == float(np.nanmin(np.where(holed > 0, holed, np.nan)))
    hole_hr = np.isnan(out)
    assert info["n_invalid_hr"] == hole_hr.sum() == (3 * 4) * 16
    assert hole_hr[5 * 4:8 * 4, 6 * 4:10 * 4].all()
    # isolated holes are filled; far from the holes the output is the hole-free one
    assert np.isfinite(out[0:4, 76:80]).all() and np.isfinite(out[48:52, 48:52]).all()
    ref = upsample(rgb, depth, model=bicubic_torch)
    np.testing.assert_allclose(out[44:64, 20:40], ref[44:64, 20:40], rtol=1e-5)
    # filled values lie within the valid range (up to bicubic overshoot)
    lo, hi = info["depth_min"], info["depth_max"]
    assert np.nanmin(out) > lo - 10 and np.nanmax(out) < hi + 10


@pytest.mark.parametrize("bad", [0.0, np.nan, np.inf])
def test_no_valid_pixel_is_an_error(pair, bad):
    rgb, depth = pair
    with pytest.raises(ValueError, match="no valid pixel"):
        upsample(rgb, np.full_like(depth, bad), model="bicubic")


def test_guide_checks(pair):
    rgb, depth = pair
    rgba = np.concatenate([rgb, rgb[..., :1]], axis=-1)
    with pytest.raises(ValueError, match="RGB array, got 4 channels"):
        upsample(rgba, depth, model="bicubic")
    nan_guide = torch.rand(3, 64, 80)
    nan_guide[0, 0, 0] = torch.nan
    with pytest.raises(ValueError, match="NaN"):
        upsample(nan_guide, depth, model="bicubic")
    with pytest.raises(TypeError, match="rgb must be"):
        upsample([[1, 2, 3]], depth, model="bicubic")


def test_sizes_not_a_multiple_need_resize_guide(pair):
    rgb, depth = pair
    rgb_odd = np.ascontiguousarray(rgb[:58, :72])  # 58 / 16 = 3.625, 72 / 20 = 3.6
    with pytest.raises(ValueError, match="resize_guide"):
        upsample(rgb_odd, depth, model="bicubic")
    out, info = upsample(rgb_odd, depth, model="bicubic", resize_guide=True, return_info=True)
    assert out.shape == (58, 72) and info["resized_guide"] and info["scale"] == 4
    with pytest.raises(ValueError, match="differ in aspect ratio"):  # would be stretched
        upsample(np.ascontiguousarray(rgb[:, :70]), depth, model="bicubic", resize_guide=True)
    with pytest.raises(ValueError, match="cannot be combined"):
        upsample(rgb_odd, depth, model="bicubic", resize_guide=True, consistent=True)


def _boxes(h: int, w: int) -> np.ndarray:
    """(h, w) float32 depth in mm: a 1000 mm wall with three nearer boxes."""
    depth = np.full((h, w), 1000.0, np.float32)
    for y, x, d in ((10, 12, 600.0), (40, 60, 750.0), (70, 20, 500.0)):
        depth[y:y + 20, x:x + 28] = d
    return depth


def _area4(depth: np.ndarray) -> np.ndarray:
    """x4 LR by 4x4 block means (the block's centre is the LR pixel's centre)."""
    h, w = depth.shape
    return depth.reshape(h // 4, 4, w // 4, 4).mean(axis=(1, 3))


def test_register_moves_a_misregistered_lr_onto_the_guide(caplog):
    hr = _boxes(96, 120)
    rgb = np.repeat(((hr - 400) / 3)[..., None], 3, axis=-1).astype(np.uint8)  # same edges
    lr = _area4(np.roll(hr, (4, -8), (0, 1)))  # the sensor sits 4 / 8 HR px off the guide
    plain = upsample(rgb, lr, model="bicubic")
    out, info = upsample(rgb, lr, model="bicubic", register=10, return_info=True)
    assert info["registration_shift"] == (-4, 8) and out.shape == hr.shape
    inner = (slice(12, -12), slice(12, -12))
    err, err_plain = np.abs(out - hr)[inner].mean(), np.abs(plain - hr)[inner].mean()
    assert err < 0.3 * err_plain
    # a shift at the search limit is reported as doubtful
    with caplog.at_level("INFO", logger="xmodal.apis"):
        assert upsample(rgb, lr, model="bicubic", register=8, return_info=True)[1][
            "registration_shift"] == (-4, 8)
    assert "search limit" in caplog.text and "registered by (dy, dx) = (-4, 8)" in caplog.text
    # without register nothing moves, and the info says so
    assert upsample(rgb, lr, model="bicubic", return_info=True)[1]["registration_shift"] is None


def test_register_keeps_an_aligned_lr_in_place_and_moves_holes_along(pair):
    hr = _boxes(96, 120)
    rgb = np.repeat(((hr - 400) / 3)[..., None], 3, axis=-1).astype(np.uint8)
    lr = _area4(hr)
    out, info = upsample(rgb, lr, model="bicubic", register=6, return_info=True)
    assert info["registration_shift"] == (0, 0)
    np.testing.assert_allclose(out, upsample(rgb, lr, model="bicubic"), rtol=1e-6)
    moved = _area4(np.roll(hr, (0, 8), (0, 1)))  # 2 LR px off: holes move along
    moved[5:9, 3:7] = 0.0
    out, info = upsample(rgb, moved, model="bicubic", register=10, return_info=True)
    assert info["registration_shift"] == (0, -8) and info["n_invalid_lr"] == 16
    hole = np.isnan(out)
    assert hole.any() and hole[:, :8 * 4].any() and not hole[:, 7 * 4:].any()


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_register_must_be_a_non_negative_integer(pair, bad):
    rgb, depth = pair
    with pytest.raises(ValueError, match="max_shift must be an integer >= 0"):
        upsample(rgb, depth, model="bicubic", register=bad)


@pytest.mark.parametrize(("lr_shape", "hr_shape"), [((17, 21), (66, 82)), ((16, 20), (66, 82))])
def test_any_hr_size_is_padded_and_cropped(lr_shape, hr_shape, d2a2_tiny):
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (*hr_shape, 3), dtype=np.uint8)
    depth = rng.uniform(1, 2, lr_shape).astype(np.float32)
    out, info = upsample(rgb, depth, model=d2a2_tiny, return_info=True)
    assert out.shape == hr_shape and np.isfinite(out).all() and info["padded"]


@pytest.mark.parametrize("with_holes", [False, True])
def test_consistent_output_average_pools_to_lr(pair, d2a2_tiny, with_holes):
    rgb, depth_mm = pair
    depth = depth_mm / 1000.0  # metres
    if with_holes:
        depth[3:5, 3:5] = 0.0
    out = upsample(rgb, depth, model=d2a2_tiny, consistent=True)
    pooled = F.avg_pool2d(torch.from_numpy(out)[None, None], 4)[0, 0].numpy()
    valid = depth > 0
    np.testing.assert_allclose(pooled[valid], depth[valid], atol=1e-5, rtol=0)
    plain = upsample(rgb, depth, model=d2a2_tiny)
    pooled_plain = F.avg_pool2d(torch.from_numpy(np.nan_to_num(plain))[None, None], 4)[0, 0]
    assert np.abs(pooled_plain.numpy()[valid] - depth[valid]).max() > 1e-4  # it did something


def test_tiled_api_equals_untiled_for_local_model(pair, bicubic_torch):
    rgb, depth = pair
    ref = upsample(rgb, depth, model=bicubic_torch)
    out, info = upsample(rgb, depth, model=bicubic_torch, tile=48, overlap=32, return_info=True)
    assert info["tiles"] > 1
    np.testing.assert_allclose(out, ref, rtol=1e-6)


def test_model_scale_and_device_errors(pair):
    rgb, depth = pair
    small = np.ascontiguousarray(depth[:8, :10])
    with pytest.raises(FileNotFoundError, match="--weights PATH"):
        upsample(rgb, small, model="dsrdiff")  # x8: no shipped weights
    with pytest.raises(ValueError, match="x4/x8/x16"):
        upsample(rgb, np.zeros((32, 40), np.float32) + 1, model="d2a2")  # x2
    with pytest.raises(ValueError, match="no default model at x2"):
        upsample(rgb, np.zeros((32, 40), np.float32) + 1)
    with pytest.raises(ValueError, match="model must be"):
        upsample(rgb, depth, model="dkn")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="fp16 needs a CUDA device"):
            upsample(rgb, depth, model="bicubic", fp16=True)
        with pytest.raises(ValueError, match="CUDA is not available"):
            upsample(rgb, depth, model="bicubic", device="cuda")
