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

from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

__all__ = ["MODELS", "DATASETS", "TRANSFORMS", "METRICS"]

MODELS = Registry(
    "model",
    parent=MMENGINE_MODELS,
    scope="xmodal",
    locations=["xmodal.align", "xmodal.fuse", "xmodal.models", "xmodal.refine"],
)
DATASETS = Registry(
    "dataset",
    parent=MMENGINE_DATASETS,
    scope="xmodal",
    locations=["xmodal.datasets"],
)
TRANSFORMS = Registry(
    "transform",
    parent=MMENGINE_TRANSFORMS,
    scope="xmodal",
    locations=["xmodal.datasets"],
)
METRICS = Registry(
    "metric",
    parent=MMENGINE_METRICS,
    scope="xmodal",
    locations=["xmodal.evaluation"],
)
