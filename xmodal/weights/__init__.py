"""Pretrained generator weights shipped in the package, and their loader.

Which file belongs to which model and scale, and its sha256, is written in one
place: the model table (:mod:`xmodal.zoo`). A weights file is a
``torch.save``\\ d dict read back by :func:`xmodal.engine.load_checkpoint`
(``torch.load(..., weights_only=True)``: no pickled code runs; a file that needs
other objects is refused with a one-line error naming it)::

    {'format': 'xmodal-weights-v1',
     'arch': dict(type='D2A2', scale=4, ...),     # the generator's scalar arguments
     'state_dict': {name: float16 tensor},
     'meta': {...}}                               # data, schedule, figures (model card)

The file is data: :func:`build_generator` builds the model table's architecture
for the entry and scale, and takes from the file's ``arch`` at most the plain
scalar arguments the entry allows (:attr:`xmodal.zoo.ModelEntry.file_args`,
checked against the constructor's signature and a range), never a sub-block
config or a dotted ``type`` (:mod:`xmodal.weights.arch`). Tensors must be finite
and floating point where the model's are (no silent cast of an int8 file).

:func:`build_generator` also accepts a bare state dict (the table's architecture
is assumed) and an mmengine training checkpoint of ``GDSRModel`` (its
``generator.`` entries are used). A shipped file whose sha256 differs from the
table's is refused (a corrupt or replaced file).

A model with no shipped file at a scale (DSR-Diff at every scale: GRN + DSRN
exceed the package's size limit) takes a weights file; the table entry's
``no_weights_hint`` says how to make one. A DSR-Diff file must hold the GRN (a
stage-2 weights file or checkpoint; a stage-1 checkpoint is refused), and a
file without an architecture gets the table's (the recipe defaults).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from torch import nn

from xmodal.zoo import ModelEntry, get_model_entry

__all__ = ["WEIGHTS_DIR", "FORMAT", "shipped_path", "default_arch", "file_sha256",
           "verify_sha256", "load_weights_file", "load_state_dict_strict", "build_generator",
           "save_weights"]

#: Folder of the shipped weight files (file names: :data:`xmodal.zoo.MODEL_TABLE`).
WEIGHTS_DIR = Path(__file__).resolve().parent

#: ``format`` field of an xmodal weights file.
FORMAT = "xmodal-weights-v1"


def default_arch(model: str, scale: int) -> dict:
    """Registry config of ``model`` at ``scale`` from the model table (:mod:`xmodal.zoo`).

    Args:
        model: a model name of :data:`xmodal.zoo.MODEL_TABLE`.
        scale: integer scale factor.

    Raises:
        ValueError: unknown model.
    """
    return dict(get_model_entry(model).arch(scale))


def _arch_scale(arch: dict) -> object:
    if arch.get("type") == "DSRDiff":
        dsrn = arch.get("dsrn")
        return dsrn.get("scale") if isinstance(dsrn, dict) else None
    return arch.get("scale")


def shipped_path(model: str, scale: int) -> Path:
    """Path of the shipped weights of ``model`` at ``scale`` (from the model table).

    Args:
        model: a model name of :data:`xmodal.zoo.MODEL_TABLE`.
        scale: integer scale factor.

    Raises:
        ValueError: unknown model.
        FileNotFoundError: none shipped for that pair (the message says how to pass a
            weights file instead), or the table's file is missing from the install.
    """
    entry = get_model_entry(model)
    wf = entry.weights.get(scale)
    if wf is None:
        have = ", ".join(f"x{s}" for s in entry.weights) or "none"
        raise FileNotFoundError(
            entry.no_weights_hint or
            f"no pretrained {model} x{scale} weights are shipped with xmodal (shipped: {have}); "
            f"pass a {model} x{scale} weights file with --weights PATH (weights=PATH), "
            f"or use --model bicubic")
    path = Path(wf.file) if Path(wf.file).is_absolute() else WEIGHTS_DIR / wf.file
    if not path.is_file():
        raise FileNotFoundError(f"weights: the model table lists {path} for {model} x{scale} "
                                "but the file is missing (reinstall xmodal, or pass "
                                "--weights PATH)")
    return path


def file_sha256(path: str | Path) -> str:
    """Hex sha256 digest of a file (read in 1 MB blocks).

    Args:
        path: the file.

    Returns:
        64 lower-case hex digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: str | Path, expected: str | None) -> None:
    """Check a file against its pinned sha256 (None: not pinned, nothing checked).

    Args:
        path: the file.
        expected: hex digest from the model table (any case), or None.

    Raises:
        ValueError: the digest differs (the message names the file and both digests).
    """
    if expected is None:
        return
    got = file_sha256(path)
    if got != expected.lower():
        raise ValueError(f"weights: {path} has sha256 {got}, the model table pins {expected}: "
                         "the file is corrupt or was replaced (reinstall xmodal, or pass "
                         "--weights PATH)")


def load_weights_file(path: str | Path) -> dict:
    """Read a weights file safely and normalise its layout.

    The file is read by :func:`xmodal.engine.load_checkpoint`, xmodal's one reader of
    checkpoints (``torch.load(weights_only=True)`` with a minimal allow-list in force
    during that call only).

    Args:
        path: an xmodal weights file, a bare generator state dict, or an mmengine
            checkpoint of ``GDSRModel``.

    Returns:
        ``{'arch': dict | None, 'state_dict': dict[str, Tensor], 'meta': dict}``.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: the file is not a readable torch file (also a pickle that would
            run code or build other objects: nothing of it runs), holds no state dict,
            a state dict with non-tensor values or NaN/inf tensors, or an ``arch`` that
            is not a dict.
    """
    from xmodal.engine.checkpoint import CheckpointError, load_checkpoint

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"weights: file not found: {path}")
    try:
        obj = load_checkpoint(path)
    except CheckpointError as err:
        raise ValueError(f"weights: {err}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"weights: expected a dict in {path}, got {type(obj).__name__}")
    if obj.get("format") == FORMAT:
        arch, meta = obj.get("arch"), obj.get("meta", {})
        if arch is not None and not isinstance(arch, dict):
            raise ValueError(f"weights: the arch of {path} must be a dict, got "
                             f"{type(arch).__name__}")
        state = _check_state(obj.get("state_dict"), path)
        return {"arch": arch, "state_dict": state, "meta": meta if isinstance(meta, dict) else {}}
    state = _check_state(obj.get("state_dict", obj), path)
    if any(k.startswith("generator.") for k in state):  # mmengine GDSRModel checkpoint
        state = {k[len("generator."):]: v for k, v in state.items() if k.startswith("generator.")}
    return {"arch": None, "state_dict": state, "meta": {}}


def _check_state(state: object, path: Path) -> dict:
    """A non-empty dict of str -> finite floating-point tensors, or a one-line ValueError."""
    if not isinstance(state, dict) or not state:
        raise ValueError(f"weights: no state dict in {path}")
    for key, value in state.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise ValueError(f"weights: the state dict of {path} holds a "
                             f"{type(value).__name__} at {str(key)[:60]!r}, not a tensor")
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ValueError(f"weights: {path}: tensor {key} holds NaN or infinite values")
    return state


def _resolve_file(entry: ModelEntry, scale: int, weights: str | Path | None) -> Path | None:
    """The weights file to load (the shipped one, hash-checked) or None (learning-free)."""
    if weights is not None:
        if not entry.needs_weights and not entry.weights:
            raise ValueError(f"model {entry.name!r} takes no weights file, got {weights}")
        return Path(weights)
    if scale not in entry.weights and not entry.needs_weights:
        return None
    path = shipped_path(entry.name, scale)
    verify_sha256(path, entry.weights[scale].sha256)
    return path


def _file_arch(loaded: dict, entry: ModelEntry, scale: int, path: Path) -> dict:
    """The table's architecture of the entry at ``scale``, with the file's allowed arguments.

    Nothing of the file's ``arch`` is built as it is: only the plain scalar arguments
    the entry lists in ``file_args`` are taken (:func:`xmodal.weights.arch.merge_file_arch`).
    """
    from xmodal.weights.arch import merge_file_arch

    table = entry.arch(scale)
    arch = loaded["arch"] if loaded["arch"] is not None else table
    expected_type = table["type"]
    if arch.get("type") != expected_type:
        shown = str(arch.get("type"))[:60]
        raise ValueError(f"weights: {path} holds a {shown} model, not {expected_type} "
                         f"(--model {entry.name})")
    own = _arch_scale(arch)
    if own is not None and own != scale:
        raise ValueError(f"weights: {path} is a x{str(own)[:20]} model, x{scale} was asked for")
    if expected_type == "DSRDiff" and (arch.get("grn") is None or not any(
            k.startswith("grn.") for k in loaded["state_dict"])):
        raise ValueError(f"weights: {path} has no GRN (a DSR-Diff stage-1 checkpoint?): "
                         "inference needs the stage-2 weights")
    return merge_file_arch(table, arch, entry.file_args, f"weights: {path}")


def build_generator(
    model: str = "d2a2", scale: int = 4, weights: str | Path | None = None
) -> tuple[nn.Module, dict]:
    """Build a model of the table (:mod:`xmodal.zoo`) at ``scale``, in eval mode on the CPU.

    Args:
        model: a name of :data:`xmodal.zoo.MODEL_TABLE` (``'d2a2'``, ``'dsrdiff'``,
            ``'bicubic'``, ``'dada'``, ...).
        scale: an integer scale the model runs at.
        weights: weights file, or None for the shipped one (checked against the
            table's sha256); learning-free models take none. For an entry with an
            ``init_model`` this is that model's file (its meta is returned).

    Returns:
        ``(generator, meta)``: the generator (float32, eval mode) and the file's
        metadata (with ``'path'`` added; ``{}`` for a learning-free model).

    Raises:
        FileNotFoundError: no shipped weights for ``(model, scale)`` and none given
            (always for ``'dsrdiff'`` without ``weights``).
        ValueError: unknown model or scale, a shipped file whose sha256 differs from
            the table's, weights given to a learning-free model, the file's
            architecture is another model or has another scale, an ``arch`` value
            the entry does not allow (a sub-block config, a dotted type, a size out
            of range: nothing of it is built), a DSR-Diff file without GRN (stage-1
            checkpoint), a non-finite or integer tensor where the model holds floats,
            or the state dict does not fit (strict: missing or extra keys).
    """
    from xmodal.registry import MODELS

    entry = get_model_entry(model)
    if not entry.supports(scale):
        raise ValueError(f"{model} runs at {entry.scales_text()}, not x{scale}: use one of "
                         "those scales, or a model that runs at any scale (bicubic, dada)")
    if entry.init_model is not None:
        init, meta = build_generator(entry.init_model, scale, weights)
        arch = dict(entry.arch(scale), init_generator=init)
        return MODELS.build(arch).eval(), meta
    path = _resolve_file(entry, scale, weights)
    if path is None:
        return MODELS.build(entry.arch(scale)).eval(), {}
    loaded = load_weights_file(path)
    arch = _file_arch(loaded, entry, scale, path)
    generator = MODELS.build(arch)
    load_state_dict_strict(generator, loaded["state_dict"],
                           f"{path} does not fit {arch['type']} x{scale}")
    return generator.eval(), dict(loaded["meta"], path=str(path))


def load_state_dict_strict(module: nn.Module, state: dict[str, torch.Tensor], what: str) -> None:
    """Load ``state`` into ``module`` strictly: every key and shape, and no integer-to-float cast.

    The keys and shapes must match exactly
    (:func:`xmodal.engine.checkpoint.state_mismatch`: no missing or unexpected key),
    and each tensor must be floating point exactly where the module's is
    (:func:`xmodal.engine.checkpoint.dtype_mismatch`: an int8 or other integer file
    is refused, never cast into float parameters). Floating tensors (float16 of a
    weights file) are loaded as float32; integer buffers as they are. Nothing is
    copied unless everything fits. The loader of :func:`build_generator` and of the
    fusion weights (:func:`xmodal.apis.build_fusion_model`).

    Args:
        module: the network to fill (its ``state_dict()`` sets keys, shapes, dtypes).
        state: name -> tensor, e.g. ``load_weights_file(path)['state_dict']``.
        what: what is being loaded into what, for the message (e.g.
            ``'w.pth does not fit D2A2 x4'``).

    Raises:
        ValueError: one line ``'weights: <what>: <problem>'``: counts of missing,
            unexpected and other-shape keys with an example of each, or the first key
            whose tensor is integer where the module's is floating (or the reverse).
    """
    from xmodal.engine.checkpoint import dtype_mismatch, state_mismatch

    own = module.state_dict()
    problem = state_mismatch(own, state) or dtype_mismatch(own, state)
    if problem is not None:
        raise ValueError(f"weights: {what}: {problem}")
    module.load_state_dict({k: v.float() if v.is_floating_point() else v
                            for k, v in state.items()})


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
        The path written (atomically: an earlier file of that name stays whole until
        the new one is complete).

    Raises:
        OSError: the folder is missing or not writable, the disk is full (the message
            names ``path``; nothing is left under it).
    """
    state = {k: (v.half() if fp16 and v.is_floating_point() else v).clone()
             for k, v in generator.state_dict().items()}
    from xmodal.apis.atomic import atomic_write

    obj = {"format": FORMAT, "arch": dict(arch), "state_dict": state, "meta": dict(meta or {})}
    return atomic_write(path, lambda fh: torch.save(obj, fh))
