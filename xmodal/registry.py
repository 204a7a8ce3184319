"""mmengine registries of xmodal (scope ``xmodal``).

Each registry is a child of mmengine's root registry of the same kind, so a
config with ``default_scope = 'xmodal'`` can build both xmodal classes
(``dict(type='D2A2', scale=8)``) and mmengine's own (``dict(type='Adam')``).
``locations`` lists the modules that register into each registry; mmengine
imports them the first time a registry is used to build something, so

>>> from xmodal.registry import MODELS
>>> net = MODELS.build(dict(type='LDA', channels=64))

works without importing ``xmodal.align`` first.
"""

import copy

from mmengine import registry as _mm
from mmengine.registry import Registry
from torch import nn

__all__ = [
    "build_block", "MODELS", "DATASETS", "TRANSFORMS", "METRICS", "RUNNERS", "RUNNER_CONSTRUCTORS",
    "LOOPS", "HOOKS", "LOG_PROCESSORS", "OPTIMIZERS", "OPTIM_WRAPPERS",
    "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "DATA_SAMPLERS", "EVALUATOR",
    "VISUALIZERS", "VISBACKENDS", "WEIGHT_INITIALIZERS", "MODEL_WRAPPERS", "FUNCTIONS",
]

MODELS = Registry(
    "model",
    parent=_mm.MODELS,
    scope="xmodal",
    locations=["xmodal.align", "xmodal.fuse", "xmodal.models", "xmodal.refine", "xmodal.engine"],
)
DATASETS = Registry(
    "dataset",
    parent=_mm.DATASETS,
    scope="xmodal",
    locations=["xmodal.datasets"],
)
TRANSFORMS = Registry(
    "transform",
    parent=_mm.TRANSFORMS,
    scope="xmodal",
    locations=["xmodal.datasets"],
)
METRICS = Registry(
    "metric",
    parent=_mm.METRICS,
    scope="xmodal",
    locations=["xmodal.evaluation"],
)

# Children of the remaining mmengine roots, so that a config with
# default_scope='xmodal' finds mmengine's loops, hooks, samplers, optimisers...
# through the xmodal scope (without mmengine's "failed to search registry" warnings).
# xmodal.engine adds XmodalRunner, its hooks and loops, WarmupEMA and AutocastOptimWrapper.
RUNNERS = Registry("runner", parent=_mm.RUNNERS, scope="xmodal", locations=["xmodal.engine"])
RUNNER_CONSTRUCTORS = Registry(
    "runner constructor", parent=_mm.RUNNER_CONSTRUCTORS, scope="xmodal")
LOOPS = Registry("loop", parent=_mm.LOOPS, scope="xmodal", locations=["xmodal.engine"])
HOOKS = Registry("hook", parent=_mm.HOOKS, scope="xmodal", locations=["xmodal.engine"])
LOG_PROCESSORS = Registry("log_processor", parent=_mm.LOG_PROCESSORS, scope="xmodal")
OPTIMIZERS = Registry("optimizer", parent=_mm.OPTIMIZERS, scope="xmodal")
OPTIM_WRAPPERS = Registry(
    "optim_wrapper", parent=_mm.OPTIM_WRAPPERS, scope="xmodal", locations=["xmodal.engine"])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    "optimizer wrapper constructor", parent=_mm.OPTIM_WRAPPER_CONSTRUCTORS, scope="xmodal")
PARAM_SCHEDULERS = Registry("parameter scheduler", parent=_mm.PARAM_SCHEDULERS, scope="xmodal")
DATA_SAMPLERS = Registry("data sampler", parent=_mm.DATA_SAMPLERS, scope="xmodal")
EVALUATOR = Registry("evaluator", parent=_mm.EVALUATOR, scope="xmodal")
VISUALIZERS = Registry("visualizer", parent=_mm.VISUALIZERS, scope="xmodal")
VISBACKENDS = Registry("vis_backend", parent=_mm.VISBACKENDS, scope="xmodal")
WEIGHT_INITIALIZERS = Registry(
    "weight initializer", parent=_mm.WEIGHT_INITIALIZERS, scope="xmodal")
MODEL_WRAPPERS = Registry("model_wrapper", parent=_mm.MODEL_WRAPPERS, scope="xmodal")
FUNCTIONS = Registry("function", parent=_mm.FUNCTIONS, scope="xmodal")


def build_block(cfg: dict | nn.Module | None, **defaults) -> nn.Module | None:
    """Build a module from a config dict of :data:`MODELS`, filling unset keys from ``defaults``.

    A ready ``nn.Module`` is returned as is and ``None`` stays ``None``, so every
    constructor argument that takes a sub-block accepts a config, a module or None.

    Raises:
        TypeError: ``cfg`` is neither a dict, an ``nn.Module`` nor None.
    """
    if cfg is None or isinstance(cfg, nn.Module):
        return cfg
    if not isinstance(cfg, dict):
        raise TypeError(f"a block config must be a dict, nn.Module or None, got {type(cfg)}")
    cfg = copy.deepcopy(dict(cfg))
    for key, value in defaults.items():
        cfg.setdefault(key, value)
    return MODELS.build(cfg)
