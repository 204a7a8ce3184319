import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from xmodal.align import GuideRegistration, estimate_translation, gradient_magnitude, translate
from xmodal.registry import MODELS


def scene(h: int = 64, w: int = 64, seed: int = 0) -> torch.Tensor:
    """(1, 1, h, w) piecewise-constant 'depth' of a few random rectangles."""
    g = torch.Generator().manual_seed(seed)
    img = torch.zeros(1, 1, h, w)
    for _ in range(4):
        y, x = torch.randint(4, h - 24, (2,), generator=g).tolist()
        img[..., y:y + 18, x:x + 14] += float(torch.rand(1, generator=g)) + 0.2
    return img


@settings(max_examples=25, deadline=None)
@given(dy=st.integers(-5, 5), dx=st.integers(-5, 5), seed=st.integers(0, 50))
def test_estimate_recovers_a_known_whole_pixel_shift(dy, dx, seed):
    fixed = scene(seed=seed)
    moving = torch.roll(fixed, shifts=(-dy, -dx), dims=(-2, -1))  # content moved by -(dy, dx)
    shift = estimate_translation(moving, fixed.repeat(1, 3, 1, 1), max_shift=6)
    assert shift.dtype == torch.int64 and shift.tolist() == [[dy, dx]]


def test_estimate_works_across_modalities_and_batches():
    # the guide's intensities are unrelated to depth (inverted, offset, per channel); edges agree
    fixed = torch.cat([scene(seed=s) for s in (1, 2)])
    guide = torch.cat([1 - fixed, 0.3 * fixed + 0.5, fixed.square()], dim=1)
    moving = torch.stack([torch.roll(fixed[0], (2, -3), (-2, -1)),
                          torch.roll(fixed[1], (-4, 1), (-2, -1))])
    assert estimate_translation(moving, guide, 5).tolist() == [[-2, 3], [4, -1]]


def test_flat_input_gives_zero_shift():
    flat = torch.ones(2, 1, 32, 32)
    assert estimate_translation(flat, torch.rand(2, 3, 32, 32), 4).tolist() == [[0, 0], [0, 0]]
    assert estimate_translation(torch.rand(1, 1, 16, 16), torch.rand(1, 1, 16, 16), 0).tolist() \
        == [[0, 0]]


def test_translate_whole_pixels_copies_and_repeats_the_border():
    x = torch.arange(2 * 1 * 6 * 7, dtype=torch.float32).reshape(2, 1, 6, 7)
    out = translate(x, torch.tensor([[2, -1], [0, 3]]))
    torch.testing.assert_close(out[0, :, 2:, :-1], x[0, :, :-2, 1:])
    torch.testing.assert_close(out[0, :, :2, :-1], x[0, :, :1, 1:].expand(1, 2, 6))  # top row
    torch.testing.assert_close(out[1, :, :, 3:], x[1, :, :, :-3])
    torch.testing.assert_close(translate(x, torch.zeros(2, 2)), x)


def test_translate_half_pixel_is_the_mean_of_neighbours():
    x = torch.rand(1, 2, 5, 8, dtype=torch.float64)
    out = translate(x, torch.tensor([[0.0, 0.5]]))
    assert out.dtype == torch.float64
    torch.testing.assert_close(out[..., 1:], (x[..., 1:] + x[..., :-1]) / 2, atol=1e-6,
                               rtol=1e-6)


def test_gradient_magnitude_is_zero_on_flat_and_positive_on_an_edge():
    x = torch.zeros(1, 3, 8, 8)
    assert gradient_magnitude(x).abs().max() == 0
    x[..., 4:] = 1.0
    g = gradient_magnitude(x)
    assert g.shape == (1, 1, 8, 8) and g[..., 3:5].min() > 0 and g[..., :2].max() == 0


def test_module_registers_an_lr_depth_to_a_non_integer_guide_size():
    hr = scene(96, 128, seed=3)
    guide = F.interpolate(hr, size=(72, 96), mode="area").repeat(1, 3, 1, 1)  # 72x96 guide
    misregistered = torch.roll(hr, (-8, 12), (-2, -1))  # 6 and 9 guide pixels
    lr = F.interpolate(misregistered, size=(27, 36), mode="area")  # ratio 72 / 27 = 2.67
    reg = MODELS.build(dict(type="GuideRegistration", max_shift=10))
    out, shift = reg(lr, guide)
    assert shift.tolist() == [[6, -9]] and out.shape == lr.shape
    truth = F.interpolate(hr, size=(27, 36), mode="area")
    inner = (slice(None), slice(None), slice(4, -4), slice(4, -4))
    assert (out - truth)[inner].abs().mean() < 0.5 * (lr - truth)[inner].abs().mean()


@pytest.mark.parametrize("call, match", [
    (lambda: estimate_translation(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 9), 1), "same"),
    (lambda: estimate_translation(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 8), 4), "larger"),
    (lambda: estimate_translation(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 8), -1),
     "max_shift"),
    (lambda: estimate_translation(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 8), 1.5),
     "max_shift"),
    (lambda: translate(torch.rand(2, 1, 4, 4), torch.zeros(1, 2)), "shift must be"),
    (lambda: translate(torch.rand(4, 4), torch.zeros(1, 2)), "x must be"),
    (lambda: GuideRegistration(max_shift=-2), "max_shift"),
    (lambda: GuideRegistration()(torch.rand(1, 2, 8, 8), torch.rand(1, 3, 32, 32)), "lr must"),
    (lambda: GuideRegistration()(torch.rand(2, 1, 8, 8), torch.rand(1, 3, 32, 32)), "batch"),
])
def test_bad_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_tensor_inputs_raise_type_error():
    with pytest.raises(TypeError, match="moving"):
        estimate_translation([[0.0]], torch.rand(1, 1, 8, 8), 1)
    with pytest.raises(TypeError, match="shift"):
        translate(torch.rand(1, 1, 4, 4), [0, 0])
