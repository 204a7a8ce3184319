"""Helpers shared across the package: input checks, the RGB reader, the invalid-depth rule."""

from .checks import check_feature, check_lr_guide, check_pair, check_positive_int
from .depth import invalid_depth
from .images import ir_to_unit, read_ir_image, read_rgb_image, read_visible_image

__all__ = ["check_feature", "check_lr_guide", "check_pair", "check_positive_int",
           "read_rgb_image", "read_ir_image", "read_visible_image", "ir_to_unit",
           "invalid_depth"]
