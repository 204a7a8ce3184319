"""The fusion model table: every named infrared-visible fusion model ``xmodal fuse`` runs.

The counterpart of :mod:`xmodal.zoo` (the depth models, one architecture per
scale) for fusion, which has one architecture per model and no scale. One
:class:`FusionEntry` per name: the network's registry config (plain scalar
arguments only), its shipped weights file and sha256 (:class:`xmodal.zoo.WeightsFile`;
None until trained weights are shipped), the recipe that trains it and the
licence of its training data. :func:`xmodal.apis.fusion.build_fusion_model`
builds only this table's architecture, never one read from a weights file.

Shipping a file: train the recipe, export the best checkpoint with
``python -m xmodal.tools.export_weights RECIPE CHECKPOINT xmodal/weights/NAME.pth``,
then set the entry's ``weights=WeightsFile('NAME.pth', '<sha256>')``
(``xmodal.weights.file_sha256``).

Importing this module imports no network code.
"""

from __future__ import annotations

from dataclasses import dataclass

from xmodal.zoo import WeightsFile

__all__ = ["FusionEntry", "FUSION_TABLE", "register_fusion_entry", "get_fusion_entry"]


#: Types an architecture argument of a fusion entry may have (plain scalars only: the weights
#: loader builds the table's architecture, never one read from a file).
_PLAIN = (bool, int, float, str)


@dataclass(frozen=True)
class FusionEntry:
    """One named infrared-visible fusion model (``xmodal fuse --model NAME``).

    Args:
        name: the model name.
        arch: registry config of the network (``type`` plus plain scalar arguments),
            with ``forward(ir (B, 1, H, W), vis (B, 3, H, W)) -> fused luma`` and
            ``fuse_rgb(ir, vis, fused_y) -> (B, 3, H, W)``, all in [0, 1].
        weights: the shipped :class:`WeightsFile`, or None while none is shipped (a
            weights file is then passed with ``--weights``).
        recipe: the training recipe the architecture comes from.
        licence: licence terms of the weights and of their training data.
        description: one paragraph for the docs.
    """

    name: str
    arch: dict
    weights: WeightsFile | None = None
    recipe: str = ""
    licence: str = ""
    description: str = ""


#: name -> :class:`FusionEntry` (``xmodal fuse --model`` choices, in table order).
FUSION_TABLE: dict[str, FusionEntry] = {}


def register_fusion_entry(entry: FusionEntry, force: bool = False) -> FusionEntry:
    """Add ``entry`` to :data:`FUSION_TABLE` (``force=True`` replaces an entry of that name).

    Raises:
        TypeError: not a :class:`FusionEntry`, or an ``arch`` value that is not a plain
            scalar (bool, int, float, str).
        ValueError: the name is taken (without ``force``), or ``arch`` has no ``type``.
    """
    if not isinstance(entry, FusionEntry):
        raise TypeError(f"entry must be a FusionEntry, got {type(entry).__name__}")
    if entry.name in FUSION_TABLE and not force:
        raise ValueError(f"fusion model {entry.name!r} is already in the table; pass force=True")
    if not isinstance(entry.arch.get("type"), str):
        raise ValueError(f"fusion model {entry.name!r}: arch needs a 'type' string")
    bad = [k for k, v in entry.arch.items() if not isinstance(v, _PLAIN)]
    if bad:
        raise TypeError(f"fusion model {entry.name!r}: arch arguments {bad} are not plain "
                        "scalars (bool, int, float, str)")
    FUSION_TABLE[entry.name] = entry
    return entry


def get_fusion_entry(name: str) -> FusionEntry:
    """The :class:`FusionEntry` of ``name``; ValueError listing the table for an unknown one."""
    entry = FUSION_TABLE.get(name) if isinstance(name, str) else None
    if entry is None:
        raise ValueError(f"fusion model must be one of {', '.join(FUSION_TABLE)}, got {name!r}")
    return entry


_ROADSCENE_LICENCE = (
    "trained on RoadScene (Xu et al., FusionDN AAAI 2020 / U2Fusion TPAMI 2022; frames of the "
    "FLIR ADAS videos), distributed for research use without a licence file: research use "
    "only, cite the dataset; xmodal code Apache-2.0")

register_fusion_entry(FusionEntry(
    name="ivifnet",
    arch=dict(type="IVIFNet", channels=32, num_resblocks=2, deform_groups=4,
              per_channel_lda=False, zero_init_tail=True),
    # recipes/ivif/ivif_xmodal_roadscene_ssim_ft.py (from the cpu1k recipe's file), best
    # validation score (iteration 125)
    weights=WeightsFile("ivifnet_roadscene.pth",
                        "638116498b5cb25f262647dcaf28f8b56f1001ad93b5e60ad387d8cdec696389"),
    recipe="recipes/ivif/ivif_xmodal_roadscene_ssim_ft.py",
    licence=_ROADSCENE_LICENCE,
    description="IVIFNet: the D2A2 blocks (LDA, DGA, GatedConv, PixelAttentionFusion) fusing "
                "the IR image with the visible luma; colour from the visible Cb/Cr.",
))

register_fusion_entry(FusionEntry(
    name="ivif_plain",
    arch=dict(type="IVIFPlainNet", channels=32, num_resblocks=2, hidden=60, num_convs=4,
              zero_init_tail=True),
    weights=None,
    recipe="recipes/ivif/ivif_xmodal_roadscene_plain.py",
    licence=_ROADSCENE_LICENCE,
    description="The ablation of ivifnet: the D2A2 blocks replaced by a plain concat + conv "
                "fusion of about the same parameter count.",
))
