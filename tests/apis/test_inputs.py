"""Input checks of the inference path (xmodal.apis.inputs): one clear error per bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xmodal.apis import upsample
from xmodal.apis.inputs import check_tiling, depth_tensor, guide_tensor, pick_scale


def test_bool_guides_and_depths_are_type_errors(pair):
    rgb, depth = pair
    with pytest.raises(TypeError, match="rgb must be a uint8 or float array, got dtype bool"):
        guide_tensor(rgb > 127)
    with pytest.raises(TypeError, match="rgb must be a uint8 or float tensor"):
        guide_tensor(torch.from_numpy(rgb > 127).permute(2, 0, 1))
    with pytest.raises(TypeError, match="depth_lr must be numeric, got dtype bool"):
        depth_tensor(depth > 1500)


def test_channels_first_numpy_guide_is_named_as_such(pair):
    rgb, depth = pair
    with pytest.raises(ValueError, match=r"channels last.*\(3, 64, 80\).*transpose"):
        upsample(np.ascontiguousarray(rgb.transpose(2, 0, 1)), depth, model="bicubic")


def test_negative_stride_arrays_work_like_their_copies(pair):
    rgb, depth = pair
    flipped = upsample(rgb[::-1, ::-1], depth[::-1, ::-1], model="bicubic")
    ref = upsample(np.ascontiguousarray(rgb[::-1, ::-1]),
                   np.ascontiguousarray(depth[::-1, ::-1]), model="bicubic")
    np.testing.assert_array_equal(flipped, ref)


def test_negative_depth_is_refused_with_count_and_minimum(pair):
    rgb, depth = pair
    bad = depth.copy()
    bad[0, :3] = -5.0
    with pytest.raises(ValueError, match=r"3 negative values \(min -5\).*>= 0"):
        upsample(rgb, bad, model="bicubic")


def test_unknown_depth_unit_lists_the_units(pair):
    rgb, depth = pair
    with pytest.raises(ValueError, match="depth_unit must be one of mm, m, disparity"):
        upsample(rgb, depth, model="bicubic", depth_unit="furlong")


def test_empty_inputs():
    with pytest.raises(ValueError, match="depth_lr is empty"):
        depth_tensor(np.zeros((0, 4), np.float32))
    with pytest.raises(ValueError, match="rgb is empty"):
        guide_tensor(np.zeros((0, 4, 3), np.uint8))


@pytest.mark.parametrize(("tile", "overlap", "scale", "match"), [
    (0, 0, None, "tile must be a positive integer"),
    (-8, 0, None, "tile must be a positive integer"),
    (32, 32, None, r"overlap \(32\) must be smaller than tile \(32\)"),
    (32, -4, None, "overlap must be a non-negative"),
    (30, 8, 4, r"multiples of the scale 4"),
    (32, 6, 4, r"multiples of the scale 4"),
])
def test_tile_and_overlap_messages(tile, overlap, scale, match):
    with pytest.raises(ValueError, match=match):
        check_tiling(tile, overlap, scale)


def test_tile_equal_overlap_in_the_api_is_a_clear_error(pair):
    rgb, depth = pair
    with pytest.raises(ValueError, match="must be smaller than tile"):
        upsample(rgb, depth, model="bicubic", tile=32, overlap=32)


def test_a_guide_smaller_than_the_depth_is_never_resized_down():
    with pytest.raises(ValueError, match="smaller than the depth.*never shrunk"):
        pick_scale((12, 16), (24, 32), None, None, resize_guide=True)
    assert pick_scale((24, 32), (24, 32), None, (4, 8), resize_guide=True) == 4
    assert pick_scale((50, 62), (16, 20), None, None, resize_guide=True) == 4


def test_resize_guide_refuses_an_aspect_mismatch():
    with pytest.raises(ValueError, match=r"rgb 1280x480 and depth 320x240 differ in aspect "
                                         r"ratio by 100 %"):
        pick_scale((480, 1280), (240, 320), None, (4, 8, 16), resize_guide=True)
    # a few pixels off (a real sensor's crop) is still resized
    assert pick_scale((480, 640), (144, 194), None, (4, 8, 16), resize_guide=True) == 4
