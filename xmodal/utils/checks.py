"""Input checks shared by the layers, models, datasets and tools (one message per rule).

Each check raises a TypeError (wrong type) or ValueError (wrong value) whose
message names the argument, what was expected and what was received, and is
called with one line at the top of the function it guards, as kornia's
``core/check.py``.
"""

from __future__ import annotations

import numbers

from torch import Tensor

__all__ = ["check_positive_int", "check_non_negative_int", "check_feature", "check_pair",
           "check_lr_guide"]


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 1 (bool refused).

    Args:
        value: the value to check (Python or numpy integer).
        name: the argument named in the message.

    Returns:
        int: ``value``.

    Raises:
        ValueError: ``value`` is not an integer >= 1.

    Example:
        >>> check_positive_int(4, "scale")
        4
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_non_negative_int(value: object, name: str) -> int:
    """As :func:`check_positive_int`, for an integer >= 0 (ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def check_feature(x: object, name: str, channels: int | None = None) -> None:
    """Check that ``x`` is a (B, C, H, W) tensor, with C == ``channels`` when given.

    Args:
        x: the value to check.
        name: the argument named in the message.
        channels: the expected C, or None for any.

    Raises:
        TypeError: ``x`` is not a ``torch.Tensor``.
        ValueError: ``x`` is not 4-D or has another channel count.
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() != 4:
        raise ValueError(f"{name} must be (B, C, H, W), got shape {tuple(x.shape)}")
    if channels is not None and x.shape[1] != channels:
        plural = "" if channels == 1 else "s"
        raise ValueError(f"{name} must have {channels} channel{plural}, (B, {channels}, H, W), "
                         f"got shape {tuple(x.shape)}")


def check_pair(
    target: object, guide: object, channels: int | None, same_size: bool = True
) -> None:
    """Check a (target, guide) feature pair: both (B, C, H, W), same batch (and H, W).

    Args:
        target: (B, C, H, W) tensor.
        guide: (B, C, H', W') tensor.
        channels: the expected C of both, or None for any.
        same_size: also require (H, W) == (H', W').

    Raises:
        TypeError / ValueError: as :func:`check_feature`, or the batch sizes (or
            spatial sizes when ``same_size``) differ.
    """
    check_feature(target, "target", channels)
    check_feature(guide, "guide", channels)
    for what, differs in (("batch size", target.shape[0] != guide.shape[0]),
                          ("(H, W)", same_size and target.shape[-2:] != guide.shape[-2:])):
        if differs:
            raise ValueError(f"target and guide must have the same {what}, got "
                             f"{tuple(target.shape)} and {tuple(guide.shape)}")


def check_lr_guide(lr: object, guide: object, scale: int, guide_channels: int | None = 3) -> None:
    """Check a GDSR input pair: LR depth (B, 1, h, w) and guide (B, C_g, h*scale, w*scale).

    Args:
        lr: the low-resolution depth.
        guide: the high-resolution guide (RGB: ``guide_channels=3``).
        scale: the scale factor between them.
        guide_channels: the expected C_g, or None for any.

    Raises:
        TypeError: a non-tensor input.
        ValueError: wrong rank or channels, a different batch size, or a guide that
            is not ``scale`` times the LR size.

    Example:
        >>> import torch
        >>> check_lr_guide(torch.zeros(1, 1, 4, 4), torch.zeros(1, 3, 16, 16), 4)
    """
    check_feature(lr, "lr", 1)
    check_feature(guide, "guide", guide_channels)
    h, w = lr.shape[-2:]
    if lr.shape[0] != guide.shape[0] or tuple(guide.shape[-2:]) != (h * scale, w * scale):
        c = "C" if guide_channels is None else guide_channels
        raise ValueError(f"guide must be ({lr.shape[0]}, {c}, {h * scale}, {w * scale}) for lr "
                         f"{tuple(lr.shape)} at scale {scale}, got {tuple(guide.shape)}")
