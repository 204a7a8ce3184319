"""Full networks (architectures) and their mmengine training wrappers."""

from .d2a2 import D2A2, CrossModalFusion
from .encoders import DepthEncoder, GuideEncoder, ResBlock

__all__ = ["D2A2", "CrossModalFusion", "DepthEncoder", "GuideEncoder", "ResBlock"]
