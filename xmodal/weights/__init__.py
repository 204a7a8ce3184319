"""Pretrained generator weights shipped in the package, and their loader.

A weights file is a ``torch.save``\\ d dict read back with ``torch.load(...,
weights_only=True)`` (no pickled code)::

    {'format': 'xmodal-weights-v1',
     'arch': dict(type='D2A2', scale=4, ...),     # registry config of the generator
     'state_dict': {name: float16 tensor},
     'meta': {...}}                               # data, schedule, figures (model card)

:func:`build_generator` also accepts a bare state dict (D2A2 with default
arguments is assumed) and an mmengine training checkpoint of ``GDSRModel``
(its ``generator.`` entries are used). What is shipped and how it was trained:
``docs/model_card_d2a2.md``.

DSR-Diff (``model='dsrdiff'``): no weights are shipped (the inference
generator GRN + DSRN at the recipe defaults has 3.44M parameters, 6.9 MB in
float16, over the 5 MB the package allows itself), so a weights file is always
passed: an xmodal weights file made by ``python -m xmodal.tools.export_weights``
from a stage-2 checkpoint, or the stage-2 mmengine checkpoint itself (recipe
default architecture assumed). A stage-1 checkpoint has no GRN and is refused.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

__all__ = ["WEIGHTS_DIR", "SHIPPED", "MODELS_WITH_WEIGHTS", "shipped_path", "default_arch",
           "load_weights_file", "build_generator", "save_weights"]

#: Folder of the shipped weight files.
WEIGHTS_DIR = Path(__file__).resolve().parent

#: (model, scale) -> file name in :data:`WEIGHTS_DIR`. x8 / x16 are not shipped yet
#: (they need a GPU training run; see the model card).
SHIPPED: dict[tuple[str, int], str] = {("d2a2", 4): "d2a2_rgbdd_x4_cpu-short.pth"}

#: Models :func:`build_generator` builds from weights files.
MODELS_WITH_WEIGHTS = ("d2a2", "dsrdiff")

FORMAT = "xmodal-weights-v1"


def default_arch(model: str, scale: int) -> dict:
    """Registry config assumed for a weights file without one (the recipes' defaults).

    Raises:
        ValueError: unknown model.
    """
    if model == "d2a2":
        return dict(type="D2A2", scale=scale)
    if model == "dsrdiff":
        return dict(type="DSRDiff", dsrn=dict(type="DSRN", scale=scale),
                    grn=dict(type="GRN", scale=scale))
    raise ValueError(f"model must be one of {MODELS_WITH_WEIGHTS}, got {model!r}")


def _arch_scale(arch: dict) -> int | None:
    if arch.get("type") == "DSRDiff":
        return (arch.get("dsrn") or {}).get("scale")
    return arch.get("scale")


def _with_scale(arch: dict, scale: int) -> dict:
    arch = dict(arch)
    if arch.get("type") == "DSRDiff":
        arch["dsrn"] = dict(arch["dsrn"], scale=scale)
        if arch.get("grn") is not None:
            arch["grn"] = dict(arch["grn"], scale=scale)
        return arch
    arch["scale"] = scale
    return arch


def shipped_path(model: str, scale: int) -> Path:
    """Path of the shipped weights of ``model`` at ``scale``.

    Raises:
        FileNotFoundError: none shipped for that pair; the message lists what is
            shipped and how to pass a weights file instead.
    """
    name = SHIPPED.get((model, scale))
    if model == "dsrdiff":
        raise FileNotFoundError(
            f"no pretrained dsrdiff weights are shipped with xmodal (GRN + DSRN are 6.9 MB in "
            f"float16, over the package's 5 MB limit): pass a DSR-Diff x{scale} stage-2 weights "
            "file with --weights PATH (weights=PATH), e.g. made by `python -m "
            "xmodal.tools.export_weights recipes/dsrdiff/dsrdiff_stage2_rgbdd_x4.py "
            "iter_N.pth out.pth`, or use --model d2a2 / --model bicubic"
        )
    if name is None or not (WEIGHTS_DIR / name).is_file():
        have = ", ".join(f"{m} x{s}" for (m, s) in SHIPPED) or "none"
        raise FileNotFoundError(
            f"no pretrained {model} x{scale} weights are shipped with xmodal (shipped: {have}); "
            f"pass a {model} x{scale} weights file with --weights PATH (weights=PATH), "
            f"or use --model bicubic"
        )
    return WEIGHTS_DIR / name


def load_weights_file(path: str | Path) -> dict:
    """Read a weights file safely (``weights_only=True``) and normalise its layout.

    Args:
        path: an xmodal weights file, a bare generator state dict, or an mmengine
            checkpoint of ``GDSRModel``.

    Returns:
        ``{'arch': dict | None, 'state_dict': dict[str, Tensor], 'meta': dict}``.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if the file is not a readable torch file or holds no state dict.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"weights: file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a bad file
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"weights: not a readable torch weights file: {path} ({first})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"weights: expected a dict in {path}, got {type(obj).__name__}")
    if obj.get("format") == FORMAT:
        return {"arch": obj.get("arch"), "state_dict": obj["state_dict"],
                "meta": obj.get("meta", {})}
    state = obj.get("state_dict", obj)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"weights: no state dict of tensors in {path}")
    if any(k.startswith("generator.") for k in state):  # mmengine GDSRModel checkpoint
        state = {k[len("generator."):]: v for k, v in state.items() if k.startswith("generator.")}
    return {"arch": None, "state_dict": state, "meta": {}}


def build_generator(
    model: str = "d2a2", scale: int = 4, weights: str | Path | None = None
) -> tuple[nn.Module, dict]:
    """Build a generator with pretrained weights, in eval mode on the CPU.

    Args:
        model: ``'d2a2'`` or ``'dsrdiff'`` (DSR-Diff's inference generator GRN + DSRN,
            :class:`xmodal.models.dsrdiff.DSRDiff`; no weights shipped).
        scale: 4, 8 or 16.
        weights: weights file, or None for the shipped one (:data:`SHIPPED`).

    Returns:
        ``(generator, meta)``: the generator (float32) and the file's metadata
        (with ``'path'`` added).

    Raises:
        FileNotFoundError: no shipped weights for ``(model, scale)`` and none given
            (always for ``'dsrdiff'`` without ``weights``).
        ValueError: unknown model, the file's architecture is another model or has
            another scale, a DSR-Diff file without GRN (stage-1 checkpoint), or the
            state dict does not fit the architecture.
    """
    import xmodal.models  # noqa: F401  (registers D2A2, DSRDiff)
    from xmodal.registry import MODELS

    if model not in MODELS_WITH_WEIGHTS:
        raise ValueError(f"pretrained weights exist for models {MODELS_WITH_WEIGHTS}, "
                         f"got {model!r}")
    path = Path(weights) if weights is not None else shipped_path(model, scale)
    loaded = load_weights_file(path)
    arch = dict(loaded["arch"] or default_arch(model, scale))
    expected_type = default_arch(model, scale)["type"]
    if arch.get("type") != expected_type:
        raise ValueError(f"weights: {path} holds a {arch.get('type')} model, not {expected_type} "
                         f"(--model {model})")
    own = _arch_scale(arch)
    if own is not None and own != scale:
        raise ValueError(f"weights: {path} is a x{own} model, x{scale} was asked for")
    if model == "dsrdiff" and (arch.get("grn") is None or not any(
            k.startswith("grn.") for k in loaded["state_dict"])):
        raise ValueError(f"weights: {path} has no GRN (a DSR-Diff stage-1 checkpoint?): "
                         "inference needs the stage-2 weights")
    arch = _with_scale(arch, scale)
    generator = MODELS.build(arch)
    try:
        generator.load_state_dict({k: v.float() for k, v in loaded["state_dict"].items()})
    except RuntimeError as err:
        first = str(err).strip().splitlines()[0]
        raise ValueError(f"weights: {path} does not fit {arch['type']} x{scale}: {first}") from None
    meta = dict(loaded["meta"], path=str(path))
    return generator.eval(), meta


def save_weights(
    generator: nn.Module, path: str | Path, arch: dict, meta: dict | None = None,
    fp16: bool = True,
) -> Path:
    """Save a generator as an xmodal weights file (float16 by default).

    Args:
        generator: the trained network.
        path: output file (``.pth``).
        arch: its registry config (rebuilt by :func:`build_generator`).
        meta: free metadata (plain Python types).
        fp16: store float tensors as float16 (halves the size).

    Returns:
        The path written.
    """
    state = {k: (v.half() if fp16 and v.is_floating_point() else v).clone()
             for k, v in generator.state_dict().items()}
    path = Path(path)
    torch.save({"format": FORMAT, "arch": dict(arch), "state_dict": state,
                "meta": dict(meta or {})}, path)
    return path
