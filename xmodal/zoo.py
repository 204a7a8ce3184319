"""The model table: every named model ``xmodal upsample`` and :mod:`xmodal.apis` can run.

One :class:`ModelEntry` per model name (timm's pretrained-config pattern,
``timm/models/_pretrained.py``): its architecture config per scale factor (a
registry config built with :data:`xmodal.registry.MODELS`), its shipped weights
file and sha256 per scale, licence, input protocol, CPU/GPU notes, its
RMSE per scale on the RGB-D-D validation list (the lowest makes the default
model at each scale) and its test figures (Middlebury, real-world frames:
reported, never used to choose). Everything else reads this table: the
inference API (:class:`xmodal.apis.GDSRInferencer`), the ``--model`` choices of
``xmodal upsample``, the weights loader (:func:`xmodal.weights.build_generator`)
and the model-zoo page of the documentation. Adding a model is one
:func:`register_model_entry` call plus its architecture (a module registered in
:data:`xmodal.registry.MODELS` with ``forward(lr, guide) -> hr`` on normalised
depth).

Importing this module only fills this module's own table; it imports no
network code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "ArchArg",
    "WeightsFile", "ModelEntry", "MODEL_TABLE", "register_model_entry", "get_model_entry",
    "model_names", "default_model", "default_scales", "runs_without_files", "DADA_SETTINGS",
]


@dataclass(frozen=True)
class WeightsFile:
    """A weights file of a model at one scale.

    Args:
        file: file name inside :data:`xmodal.weights.WEIGHTS_DIR`, or an absolute path.
        sha256: hex digest the file must have, or None while it is not pinned (then
            the loader checks nothing). The table is the only place the hash lives.
    """

    file: str
    sha256: str | None = None


@dataclass(frozen=True)
class ArchArg:
    """A plain scalar architecture argument a weights file may set, and its allowed values.

    A weights file is data: its ``arch`` may only change the entry's arguments that
    are listed in :attr:`ModelEntry.file_args`, each to a value of ``kind`` within
    ``[low, high]`` (or one of ``choices``), so that no file chooses a sub-block, a
    callable or an allocation size outside the range.

    Args:
        kind: ``int``, ``float``, ``bool`` or ``str`` (an int is accepted for ``float``;
            a bool never for ``int``).
        low, high: inclusive bounds of an ``int`` / ``float`` value (None: unbounded).
        choices: the allowed values of a ``str`` argument (None: any short string).
        optional: None is allowed too.
    """

    kind: type
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    optional: bool = False


@dataclass(frozen=True)
class ModelEntry:
    """One named model: what it is, how to build it per scale and where its weights are.

    Args:
        name: the model name (``--model NAME``, ``upsample(model=NAME)``).
        arch: scale factor -> registry config of the generator, e.g.
            ``lambda s: dict(type='D2A2', scale=s)``. The generator maps
            ``(lr (B, 1, h, w), guide (B, 3, s*h, s*w))``, both normalised (depth
            min-max, guide in [0, 1]), to the HR depth (B, 1, s*h, s*w).
        scales: integer scale factors the model runs at; None: any positive integer.
        weights: scale -> shipped :class:`WeightsFile` (empty: none shipped).
        needs_weights: True when the architecture is useless without trained weights
            (a weights file must be shipped or passed); False for learning-free models.
        val_rmse_cm: scale -> measured RMSE in cm on the 45 frames of the RGB-D-D
            validation list (:mod:`xmodal.datasets.splits`; D2A2 preset, ``clamp=False``).
            The only figure anything is chosen on: at each scale the runnable entry
            with the lowest one is the default model of :func:`xmodal.apis.upsample`
            and ``xmodal upsample`` (:func:`default_model`); entries without one are
            not candidates.
        middlebury_rmse: scale -> measured RMSE on the 30 Middlebury frames (D2A2
            preset, ``clamp=False``, 8-bit units; ``xmodal evaluate --model NAME
            --dataset middlebury``): a test figure, reported, never used to choose.
        realworld_rmse_cm: mean masked RMSE in cm of the x4 model over the 3 frames of
            the RGB-D-D real-world branch (real sensor LR, ``xmodal upsample
            --resize-guide``; ``benchmarks/bench_shipped_weights.py``); None: not
            measured. Reported, not used to choose the default.
        realworld_registered_rmse_cm: the same with ``--register 10`` (the LR first
            moved onto the guide by :class:`xmodal.align.GuideRegistration`), against
            the same ground truth; None: not measured.
        licence: licence terms of the weights (and of the data they come from).
        preset: the evaluation preset its figures are measured under: ``'d2a2'`` (the
            D2A2/DCTNet preset of the GDSR papers) or ``'dada'`` (the DADA preset).
        protocol: how the inference inputs are normalised and the output returned.
        cpu_notes: how it runs on CPU (fast path, measured time).
        gpu_notes: how it runs on CUDA.
        description: one paragraph for the model-zoo page.
        no_weights_hint: what to do when no weights are shipped for a scale.
        init_model: name of another table model that runs first, with its own
            weights (shipped, or the file passed), as this model's ``init_generator``
            (e.g. D2A2's estimate refined by DADA's diffusion); None for a standalone
            model. Such an entry ships no files of its own.
        file_args: argument -> :class:`ArchArg` a weights file's ``arch`` may set
            (``'dsrn.channels'`` for an argument of the sub-config ``dsrn`` the
            entry's ``arch`` defines); every other file value must equal what the
            entry builds anyway (empty: the file may set nothing).
    """

    name: str
    arch: Callable[[int], dict]
    scales: tuple[int, ...] | None
    weights: dict[int, WeightsFile] = field(default_factory=dict)
    needs_weights: bool = False
    val_rmse_cm: dict[int, float] = field(default_factory=dict)
    middlebury_rmse: dict[int, float] = field(default_factory=dict)
    realworld_rmse_cm: float | None = None
    realworld_registered_rmse_cm: float | None = None
    licence: str = ""
    preset: str = "d2a2"
    protocol: str = ""
    cpu_notes: str = ""
    gpu_notes: str = ""
    description: str = ""
    no_weights_hint: str = ""
    init_model: str | None = None
    file_args: dict[str, ArchArg] = field(default_factory=dict)

    def supports(self, scale: int) -> bool:
        """Whether the model runs at the integer ``scale``."""
        return self.scales is None or scale in self.scales

    def scales_text(self) -> str:
        """``'x4/x8/x16'``, or ``'any integer scale'``."""
        if self.scales is None:
            return "any integer scale"
        return "/".join(f"x{s}" for s in self.scales)


#: name -> :class:`ModelEntry`, in the order of the docs table and ``--model`` choices.
MODEL_TABLE: dict[str, ModelEntry] = {}


def register_model_entry(entry: ModelEntry, force: bool = False) -> ModelEntry:
    """Add ``entry`` to :data:`MODEL_TABLE` (``force=True`` replaces an entry of that name).

    Args:
        entry: the model's :class:`ModelEntry`; its architecture must be registered in
            :data:`xmodal.registry.MODELS` (under the ``type`` its ``arch`` gives).
        force: replace an entry of the same name.

    Returns:
        ``entry``.

    Raises:
        TypeError: ``entry`` is not a :class:`ModelEntry`.
        ValueError: the name is taken (without ``force``), or a ``val_rmse_cm`` /
            ``middlebury_rmse`` / ``weights`` scale the model does not run at.
    """
    if not isinstance(entry, ModelEntry):
        raise TypeError(f"entry must be a ModelEntry, got {type(entry).__name__}")
    if entry.name in MODEL_TABLE and not force:
        raise ValueError(f"model {entry.name!r} is already in the model table; "
                         "pass force=True to replace it")
    if entry.init_model is not None and (entry.init_model not in MODEL_TABLE or entry.weights):
        raise ValueError(f"model {entry.name!r}: init_model must name a model already in the "
                         f"table and the entry ships no files, got {entry.init_model!r}")
    for s in (*entry.val_rmse_cm, *entry.middlebury_rmse, *entry.weights):
        if not entry.supports(s):
            raise ValueError(f"model {entry.name!r}: scale x{s} is not one of its "
                             f"scales {entry.scales_text()}")
    MODEL_TABLE[entry.name] = entry
    return entry


def model_names() -> tuple[str, ...]:
    """The names in :data:`MODEL_TABLE`, in table order."""
    return tuple(MODEL_TABLE)


def get_model_entry(name: str) -> ModelEntry:
    """The :class:`ModelEntry` of ``name``.

    Args:
        name: a model name of :data:`MODEL_TABLE`.

    Raises:
        ValueError: unknown name (the message lists the table's names).
    """
    entry = MODEL_TABLE.get(name) if isinstance(name, str) else None
    if entry is None:
        raise ValueError(f"model must be one of {', '.join(MODEL_TABLE)} or an nn.Module, "
                         f"got {name!r}")
    return entry


def runs_without_files(entry: ModelEntry, scale: int) -> bool:
    """Whether ``entry`` runs at ``scale`` with what xmodal ships (no weights file to pass).

    Args:
        entry: a :class:`ModelEntry`; one with an ``init_model`` runs when that model does.
        scale: integer scale factor.

    Returns:
        True when the scale is supported and its weights are shipped (or none are needed).
    """
    if entry.init_model is not None:
        return runs_without_files(MODEL_TABLE[entry.init_model], scale)
    return entry.supports(scale) and (scale in entry.weights or not entry.needs_weights)


def _candidates(scale: int) -> list[ModelEntry]:
    """Entries with a validation figure at ``scale`` that run there without extra files."""
    return [e for e in MODEL_TABLE.values()
            if scale in e.val_rmse_cm and runs_without_files(e, scale)]


def default_model(scale: int) -> str:
    """Name of the default model at ``scale``: the lowest validation RMSE (``val_rmse_cm``).

    Args:
        scale: integer scale factor.

    Raises:
        ValueError: no entry has a validation figure at ``scale`` (the message says which
            scales have a default and which models run at any scale).
    """
    candidates = _candidates(scale)
    if candidates:
        return min(candidates, key=lambda e: e.val_rmse_cm[scale]).name
    anywhere = [e.name for e in MODEL_TABLE.values() if e.scales is None]
    raise ValueError(f"no default model at x{scale} (defaults exist at "
                     f"{'/'.join(f'x{s}' for s in default_scales())}): pass a scale the "
                     f"default covers (--resize-guide), or a model that runs at any scale "
                     f"({', '.join(anywhere)})")


def default_scales() -> tuple[int, ...]:
    """Sorted scales that have a default model."""
    measured = {s for e in MODEL_TABLE.values() for s in e.val_rmse_cm}
    return tuple(sorted(s for s in measured if _candidates(s)))


_RGBDD_LICENCE = (
    "weights derived from RGB-D-D (He et al., CVPR 2021), distributed by its authors for "
    "non-commercial research: research use only, cite the dataset; xmodal code Apache-2.0"
)
_MINMAX = ("D2A2 preset: LR depth min-max normalised with its valid min/max, holes filled, "
           "RGB / 255; output de-normalised to the input's unit")

register_model_entry(ModelEntry(
    name="d2a2",
    arch=lambda s: dict(type="D2A2", scale=s),
    scales=(4, 8, 16),
    # a new file's hash: python -c "from xmodal.weights import *; print(file_sha256(
    # WEIGHTS_DIR / NAME))" (the recipes of recipes/d2a2/ and their export: model card)
    weights={
        4: WeightsFile("d2a2_rgbdd_x4.pth",
                       "3799d94de45e944d25bea4bc371379e8531b4dd029284e92ea9a90710da5462b"),
        8: WeightsFile("d2a2_rgbdd_x8.pth",
                       "12461262c429360ce4eb1141ad58a66fc9e72b5bd4560b02619be7cee482ede7"),
        16: WeightsFile("d2a2_rgbdd_x16.pth",
                        "4ae6ac383485c4f74a911c8c92a9803ab4c9870b1a3192fab506dca0b33ead2e")},
    needs_weights=True,
    file_args=dict(channels=ArchArg(int, 8, 256), num_resblocks=ArchArg(int, 1, 16),
                   negative_slope=ArchArg(float, 0.0, 1.0), zero_init_tail=ArchArg(bool),
                   guide_init=ArchArg(str, choices=("default", "kaiming"))),
    # the shipped files' own figures (their meta["val_rmse_cm"] and ["middlebury_rmse"]; a
    # test checks them): validation list (chooses), Middlebury (test, reported)
    val_rmse_cm={4: 0.9178, 8: 1.5722, 16: 2.7866},
    middlebury_rmse={4: 1.0771, 8: 2.2177, 16: 4.3796},
    realworld_rmse_cm=7.731,
    realworld_registered_rmse_cm=4.931,
    licence=_RGBDD_LICENCE,
    protocol=_MINMAX,
    cpu_notes="3x3 convolutions on NNPACK's Winograd kernels (channels-last without "
              "NNPACK); x4 at 640x480 about 4.0 s on 2 cores",
    gpu_notes="float16 autocast with --fp16; mmcv's CUDA deformable convolution when "
              "installed, else torchvision's",
    description="D2A2 (Jiang et al., arXiv 2401.08123): dynamic dual alignment (LDA + DGA) "
                "and mask-to-pixel fusion (GC + PA); x4 inside, x8/x16 first bicubic-upsample "
                "the LR by scale / 4. float16 weights trained on RGB-D-D crops on the CPU "
                "(model card: D2A2 weights).",
))

#: what a DSR-Diff weights file may set (the DSRN and GRN arguments of the recipes)
_DSRDIFF_FILE_ARGS = {
    "dsrn.channels": ArchArg(int, 8, 256), "dsrn.guidance_dim": ArchArg(int, 8, 1024),
    "dsrn.num_heads": ArchArg(int, 1, 16), "dsrn.ffn_expansion": ArchArg(float, 0.5, 8.0),
    "dsrn.fusion": ArchArg(str, choices=("ffm", "dda+mfa")),
    "dsrn.zero_init_tail": ArchArg(bool),
    "grn.guidance_dim": ArchArg(int, 8, 1024), "grn.channels": ArchArg(int, 8, 256),
    "grn.num_resblocks": ArchArg(int, 1, 16), "grn.denoiser_blocks": ArchArg(int, 1, 16),
    "grn.num_steps": ArchArg(int, 1, 1000), "grn.beta_start": ArchArg(float, 0.0, 1.0),
    "grn.beta_end": ArchArg(float, 0.0, 1.0),
    "grn.beta_schedule": ArchArg(str, choices=("linear", "scaled_linear")),
    "grn.sample_seed": ArchArg(int, 0, 2**63 - 1, optional=True),
    "grn.parameterization": ArchArg(str, choices=("x0", "eps")),
}

register_model_entry(ModelEntry(
    name="dsrdiff",
    arch=lambda s: dict(type="DSRDiff", dsrn=dict(type="DSRN", scale=s),
                        grn=dict(type="GRN", scale=s)),
    scales=(4, 8, 16),
    needs_weights=True,
    file_args=_DSRDIFF_FILE_ARGS,
    licence="no weights shipped; a weights file you pass carries its own terms",
    protocol=_MINMAX,
    cpu_notes="the GRN draws its starting noise from a fixed seed (deterministic output)",
    gpu_notes="float16 autocast with --fp16",
    description="DSR-Diff (arXiv 2311.09919): a latent-diffusion guidance recovery network "
                "(GRN) and the SR network (DSRN). Inference generator only.",
    no_weights_hint="no dsrdiff weights are shipped with xmodal (GRN + DSRN are 6.9 MB in "
                    "float16, over the package's 5 MB limit): pass a DSR-Diff stage-2 weights "
                    "file with --weights PATH (weights=PATH), e.g. made by `python -m "
                    "xmodal.tools.export_weights RECIPE CHECKPOINT OUT.pth`",
))

register_model_entry(ModelEntry(
    name="bicubic",
    arch=lambda s: dict(type="Bicubic", scale=s, backend="pil"),
    scales=None,
    licence="no weights",
    protocol="Pillow bicubic resize of the hole-filled LR depth (the protocol's baseline)",
    cpu_notes="milliseconds per frame",
    gpu_notes="runs on the CPU (Pillow) whatever the device",
    description="The bicubic row of every GDSR table: no guide, no parameters.",
    val_rmse_cm={4: 1.6092, 8: 2.7288, 16: 4.4249},
    middlebury_rmse={4: 2.2810, 8: 3.9830, 16: 6.3744},
    realworld_rmse_cm=7.650,
    realworld_registered_rmse_cm=4.933,
))

#: learning-free DADA settings: K and N tuned on RGB-D-D x8, then measured once on
#: Middlebury with benchmarks/bench_dada_learning_free.py (the entry's middlebury_rmse).
DADA_SETTINGS = dict(k=0.03, num_iters=1000, adjust_every=1, lam=0.24, depth_offset=1.0)


def _dada_arch(scale: int, **extra: object) -> dict:
    """Learning-free DADA's config at ``scale`` (:data:`DADA_SETTINGS`), plus ``extra`` keys."""
    st = DADA_SETTINGS
    return dict(type="DADA", scale=scale, feature_extractor=dict(type="GuideDepthFeatures"),
                diffusion=dict(k=st["k"], learn_k=False, num_iters=st["num_iters"],
                               adjust_every=st["adjust_every"], lam=st["lam"]),
                depth_offset=st["depth_offset"], **extra)


register_model_entry(ModelEntry(
    name="dada",
    arch=lambda s: _dada_arch(s),
    scales=None,
    middlebury_rmse={4: 1.563, 8: 2.865, 16: 4.968},
    realworld_rmse_cm=7.716,
    realworld_registered_rmse_cm=4.912,
    licence="no weights (learning-free)",
    protocol=_MINMAX + "; LR-consistent by construction (average-pooling the output gives "
             "back the LR)",
    cpu_notes="1000 diffusion iterations, each a 4-neighbour update plus the adjustment: "
              "2-4 s per 368x410 Middlebury frame on 1 CPU thread (x16 to x4)",
    gpu_notes="elementwise updates: fast on CUDA",
    description="Learning-free DADA (Metzger et al., CVPR 2023, 'RGB' variant): torch-bicubic "
                "initial estimate, conductances g = 1 / (1 + |grad f|^2 / K^2) on "
                "f = cat(guide, bicubic depth), K = 0.03, lambda = 0.24, N = 1000 iterations, "
                "each followed by the LR-consistency adjustment.",
))

register_model_entry(ModelEntry(
    name="d2a2_diffusion",
    arch=lambda s: _dada_arch(s, init_generator=dict(type="D2A2", scale=s)),
    scales=(4, 8, 16),
    init_model="d2a2",
    # measured with benchmarks/bench_shipped_weights.py on the shipped d2a2 files
    middlebury_rmse={4: 1.274, 8: 2.544, 16: 4.658},
    realworld_rmse_cm=7.706,
    realworld_registered_rmse_cm=4.912,
    licence=_RGBDD_LICENCE + " (the d2a2 weights)",
    protocol=_MINMAX + "; LR-consistent by construction (average-pooling the output gives "
             "back the LR)",
    cpu_notes="D2A2, then the 1000 iterations of learning-free DADA: about 3 s per "
              "Middlebury frame on 2 CPU threads",
    gpu_notes="as d2a2, then elementwise updates",
    description="D2A2 with its shipped weights as the initial estimate of learning-free DADA "
                "(the dada entry's settings; conductances from cat(guide, D2A2 depth)): the "
                "guide's edges sharpen the network's estimate and the output average-pools "
                "back to the LR. An xmodal combination, not a published model; d2a2's "
                "weights, no weights of its own (--weights takes a d2a2 file).",
))
