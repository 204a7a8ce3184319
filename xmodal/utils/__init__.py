"""Helpers shared across the package: input checks and the RGB image reader."""

from .checks import check_feature, check_lr_guide, check_pair, check_positive_int
from .images import read_rgb_image

__all__ = ["check_feature", "check_lr_guide", "check_pair", "check_positive_int",
           "read_rgb_image"]
