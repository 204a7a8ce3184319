"""Input checks shared by the alignment and fusion blocks."""

from __future__ import annotations

from torch import Tensor


def check_feature(x: object, name: str, channels: int | None = None) -> None:
    """Raise TypeError/ValueError unless ``x`` is a (B, C, H, W) tensor with C == channels."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() != 4:
        raise ValueError(f"{name} must be (B, C, H, W), got shape {tuple(x.shape)}")
    if channels is not None and x.shape[1] != channels:
        raise ValueError(f"{name} must have {channels} channels, got shape {tuple(x.shape)}")


def check_pair(
    target: object, guide: object, channels: int | None, same_size: bool = True
) -> None:
    """Check a (target, guide) feature pair: both (B, C, H, W), same batch (and size)."""
    check_feature(target, "target", channels)
    check_feature(guide, "guide", channels)
    if target.shape[0] != guide.shape[0]:
        raise ValueError(
            f"target and guide must have the same batch size, got {tuple(target.shape)} "
            f"and {tuple(guide.shape)}"
        )
    if same_size and target.shape[-2:] != guide.shape[-2:]:
        raise ValueError(
            f"target and guide must have the same (H, W), got {tuple(target.shape)} "
            f"and {tuple(guide.shape)}"
        )
