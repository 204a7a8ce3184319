"""The fusion model table: entries hold plain scalar architectures; registration errors."""

import pytest

from xmodal.fusion_zoo import FUSION_TABLE, FusionEntry, get_fusion_entry, register_fusion_entry
from xmodal.registry import MODELS


def test_entries_build_and_only_ivifnet_ships_a_file():
    for entry in FUSION_TABLE.values():
        assert MODELS.build(dict(entry.arch)).__class__.__name__ == entry.arch["type"]
        assert entry.recipe.startswith("recipes/ivif/")
    shipped = FUSION_TABLE["ivifnet"].weights
    assert shipped is not None and len(shipped.sha256) == 64
    assert FUSION_TABLE["ivif_plain"].weights is None


def test_registration_refuses_non_scalar_args_and_duplicates():
    with pytest.raises(TypeError, match="not plain scalars"):
        register_fusion_entry(FusionEntry("x", dict(type="IVIFNet", block=dict(type="LDA"))))
    with pytest.raises(ValueError, match="'type' string"):
        register_fusion_entry(FusionEntry("x", dict(channels=8)))
    with pytest.raises(ValueError, match="already in the table"):
        register_fusion_entry(FUSION_TABLE["ivifnet"])
    with pytest.raises(TypeError, match="FusionEntry"):
        register_fusion_entry(dict(name="x"))
    with pytest.raises(ValueError, match="fusion model must be one of ivifnet"):
        get_fusion_entry("nope")
    assert "x" not in FUSION_TABLE
