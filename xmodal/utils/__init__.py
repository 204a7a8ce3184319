"""Helpers shared across the package: input checks (:mod:`xmodal.utils.checks`)."""

from .checks import check_feature, check_lr_guide, check_pair, check_positive_int

__all__ = ["check_feature", "check_lr_guide", "check_pair", "check_positive_int"]
