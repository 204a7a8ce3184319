import pytest
import torch

from xmodal import registry
from xmodal.registry import DATASETS, METRICS, MODELS, TRANSFORMS


@pytest.mark.parametrize("cfg", [
    dict(type="LDA", channels=8), dict(type="DGA", channels=8, deform_groups=2),
    dict(type="DDA", channels=8, geometric_align=dict(type="DGA", deform_groups=2)),
    dict(type="GatedConv", in_channels=8), dict(type="PixelAttentionFusion", channels=8),
    dict(type="MFA", channels=8), dict(type="D2A2", scale=8),
])
def test_blocks_build_from_config_dicts(cfg):
    module = MODELS.build(cfg)
    assert isinstance(module, torch.nn.Module)
    assert type(module).__name__ in MODELS.module_dict


def test_scope_and_parents():
    for reg in (MODELS, DATASETS, TRANSFORMS, METRICS, registry.LOOPS, registry.HOOKS):
        assert reg.scope == "xmodal" and reg.parent is not None and reg.parent.scope == "mmengine"


def test_other_registries_are_reachable():
    DATASETS.import_from_location()
    METRICS.import_from_location()
    assert "MiddleburyDataset" in DATASETS.module_dict
    assert "PackGDSRInputs" in TRANSFORMS.module_dict
    assert "GDSRMetric" in METRICS.module_dict
    # an mmengine optimiser is found through the xmodal scope
    opt = registry.OPTIMIZERS.build(dict(type="Adam", params=[torch.nn.Parameter(torch.ones(1))]))
    assert isinstance(opt, torch.optim.Adam)
