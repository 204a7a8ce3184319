"""Exponential moving average of the weights with a warm-up, for mmengine's ``EMAHook``."""

from __future__ import annotations

from mmengine.model import ExponentialMovingAverage
from torch import Tensor, nn

from xmodal.registry import MODELS
from xmodal.utils.checks import check_positive_int

__all__ = ["WarmupEMA"]


@MODELS.register_module()
class WarmupEMA(ExponentialMovingAverage):
    """EMA whose decay grows from 0.1 to ``1 - momentum``: ``min(1 - m, (1 + n) / (10 + n))``.

    After ``n`` updates the averaged weights move towards the model's by
    ``1 - decay_n`` with ``decay_n = min(1 - momentum, (1 + n) / (10 + n))``
    (the warm-up of TensorFlow's ``ExponentialMovingAverage(num_updates=n)``),
    so the first updates follow the model closely and the average does not keep
    the initial weights for thousands of iterations. Used as
    ``custom_hooks = [dict(type='EMAHook', ema_type='WarmupEMA', momentum=0.002)]``.

    Args:
        model: the model to average.
        momentum: ``1 - decay`` once warmed up, in (0, 0.5] (0.002: decay 0.998).
        interval: update every ``interval`` training iterations (>= 1).
        device: where the averaged copy is kept (None: the model's device).
        update_buffers: also average the buffers (BatchNorm statistics).

    Raises:
        ValueError: ``momentum`` outside (0, 0.5] or ``interval`` not a positive int.
    """

    def __init__(self, model: nn.Module, momentum: float = 0.002, interval: int = 1,
                 device=None, update_buffers: bool = False) -> None:
        if not 0.0 < momentum <= 0.5:
            raise ValueError(f"momentum must be in (0, 0.5], got {momentum}")
        check_positive_int(interval, "interval")
        super().__init__(model, momentum, interval, device, update_buffers)

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """Move ``averaged_param`` towards ``source_param`` by ``1 - decay_steps`` (in place)."""
        decay = min(1.0 - self.momentum, (1.0 + steps) / (10.0 + steps))
        averaged_param.lerp_(source_param, 1.0 - decay)
