"""Architecture configs from untrusted sources: weights files and ``xmodal export --arch``.

A weights file, or a JSON config typed on the command line, is data. The mmengine
registry would import any dotted ``type`` and call it with the config's
arguments, and a sub-config (``align=dict(type=...)``) would be built the same
way, so neither is ever passed to the registry as it is:

- :func:`merge_file_arch` starts from the model table's architecture of the
  entry and scale and takes from the file only the plain scalar arguments
  (int/float/bool/str/None) the entry lists in :attr:`xmodal.zoo.ModelEntry.file_args`,
  each checked against the constructor's signature and its allowed range; any
  other value must equal what the table builds anyway.
- :func:`build_untrusted_config` (``xmodal export --arch``) accepts a type
  registered in xmodal's own registry (looked up without importing anything)
  with plain scalar arguments of its constructor within generic bounds, and
  checks the parameter count on the ``meta`` device (no memory allocated)
  before the real build.

Every refusal is a one-line :class:`ValueError` naming the source and the argument.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

import torch
from torch import nn

from xmodal.zoo import ArchArg

__all__ = ["PLAIN_TYPES", "MAX_PARAMETERS", "registered_class", "merge_file_arch",
           "check_untrusted_config", "build_untrusted_config"]

#: the value types an untrusted config may hold
PLAIN_TYPES = (bool, int, float, str, type(None))
#: largest parameter count an untrusted config may build (float32: 1 GiB)
MAX_PARAMETERS = 2**28
_MAX_INT = 4096        # generic bound of an int argument of ``--arch``
_MAX_CHANNELS = 1024   # generic bound of a width (``*channels*``, ``*dim``) of ``--arch``
_MAX_FLOAT = 1e6
_MAX_STR = 64


def _describe(value: object) -> str:
    """A one-line description of ``value`` (containers by type, scalars by a short repr)."""
    if isinstance(value, PLAIN_TYPES):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return f"a {type(value).__name__}"


def registered_class(name: object) -> type | None:
    """The class registered as ``name`` in xmodal's model registry, or None.

    Only the names xmodal registers itself are looked up (no dotted name, no
    parent registry, nothing imported because of ``name``).

    Args:
        name: a registry type name, e.g. ``'D2A2'``.
    """
    import xmodal.align  # noqa: F401  (register xmodal's modules)
    import xmodal.fuse  # noqa: F401
    import xmodal.models  # noqa: F401
    import xmodal.refine  # noqa: F401
    from xmodal.registry import MODELS

    if not isinstance(name, str):
        return None
    return MODELS.module_dict.get(name)


def _parameters(cls: type) -> Mapping[str, inspect.Parameter]:
    return inspect.signature(cls).parameters


def _same(a: object, b: object) -> bool:
    """Equal values of the same kind (a list equals the tuple of the same items)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and isinstance(a, PLAIN_TYPES) and a == b


def _check_spec(name: str, value: object, spec: ArchArg, where: str) -> None:
    """``value`` is of the spec's kind, within its range or choices."""
    if value is None and spec.optional:
        return
    kind_ok = type(value) is spec.kind or (spec.kind is float and type(value) is int)
    if not kind_ok:
        expected = spec.kind.__name__ + (" or None" if spec.optional else "")
        raise ValueError(f"{where}: arch argument {name} must be {expected}, "
                         f"got {_describe(value)}")
    if spec.kind in (int, float):
        low = -math.inf if spec.low is None else spec.low
        high = math.inf if spec.high is None else spec.high
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"{where}: arch argument {name}={_describe(value)} is outside "
                             f"[{spec.low}, {spec.high}], refused before building anything")
    if spec.choices is not None and value not in spec.choices:
        raise ValueError(f"{where}: arch argument {name} must be one of "
                         f"{', '.join(spec.choices)}, got {_describe(value)}")


def _check_type(value: object, expected: str, name: str, where: str) -> None:
    """The file's ``type`` of a sub-config is the table's (or another name of that class)."""
    if value == expected:
        return
    own = registered_class(value)
    if own is None or own is not registered_class(expected):
        raise ValueError(f"{where}: arch {name} is {_describe(value)}, the model table builds "
                         f"{expected!r} here (a weights file cannot choose what is built)")


def merge_file_arch(table: dict, file_arch: object, allowed: Mapping[str, ArchArg],
                    where: str, prefix: str = "") -> dict:
    """The table's config with the file's allowed scalar arguments (nothing else) applied.

    Args:
        table: the model table's registry config of the entry at the scale (trusted).
        file_arch: the ``arch`` of a weights file (untrusted).
        allowed: :attr:`xmodal.zoo.ModelEntry.file_args` of the entry.
        where: names the file in errors.
        prefix: dotted path of a sub-config (``'dsrn.'``), for the recursion.

    Returns:
        A new config: ``table`` where the file sets allowed arguments.

    Raises:
        ValueError: ``file_arch`` is not a dict; a key that is not an argument of the
            table's constructor; another ``type``; a value that is not the table's and
            not an allowed scalar within its range (a sub-block config, a list, a
            callable's name, a size beyond the bound, ...).
    """
    if not isinstance(file_arch, dict):
        raise ValueError(f"{where}: arch{' ' + prefix[:-1] if prefix else ''} must be a "
                         f"dict, got {_describe(file_arch)}")
    params = _parameters(registered_class(table["type"]))
    out = dict(table)
    for key, value in file_arch.items():
        name = f"{prefix}{key}"
        if key == "type":
            _check_type(value, table["type"], name, where)
        elif not isinstance(key, str) or key not in params or key in ("self", "kwargs"):
            raise ValueError(f"{where}: arch argument {_describe(name)} is not an argument "
                             f"of {table['type']}")
        elif isinstance(table.get(key), dict):
            out[key] = merge_file_arch(table[key], value, allowed, where, prefix=name + ".")
        elif not _same(value, table.get(key, params[key].default)):
            spec = allowed.get(name)
            if spec is None:
                raise ValueError(
                    f"{where}: arch argument {name}={_describe(value)} is not one a weights "
                    f"file may set (allowed: {', '.join(allowed) or 'none'}): a weights file "
                    "is data, it cannot configure sub-blocks or name code")
            _check_spec(name, value, spec, where)
            out[key] = value
    return out


def _annotation_names(param: inspect.Parameter) -> set[str] | None:
    """The plain type names of a parameter's annotation (None: not annotated)."""
    ann = param.annotation
    if ann is inspect.Parameter.empty:
        return None
    text = ann if isinstance(ann, str) else getattr(ann, "__name__", str(ann))
    return {part.strip() for part in text.split("|")}


def _generic_spec(key: str, value: object) -> ArchArg:
    """The generic range of an ``--arch`` argument of ``value``'s kind."""
    if type(value) is int:
        width = "channels" in key or key.endswith("dim")
        return ArchArg(int, 0 if width else -_MAX_INT, _MAX_CHANNELS if width else _MAX_INT)
    if type(value) is float:
        return ArchArg(float, -_MAX_FLOAT, _MAX_FLOAT)
    return ArchArg(type(value), optional=value is None)


def _check_plain(key: str, value: object, param: inspect.Parameter, owner: str,
                 where: str) -> None:
    """A plain scalar the constructor's annotation takes, within the generic bounds."""
    if not isinstance(value, PLAIN_TYPES):
        raise ValueError(f"{where}: argument {key} must be a plain int, float, bool, str or "
                         f"None, got {_describe(value)} (sub-block configs are refused)")
    names = _annotation_names(param)
    kind = "None" if value is None else type(value).__name__
    takes = names is None or kind in names or (kind == "int" and "float" in names)
    if not takes:
        raise ValueError(f"{where}: argument {key} of {owner} takes {param.annotation}, "
                         f"got {_describe(value)}")
    if isinstance(value, str) and (len(value) > _MAX_STR or "." in value):
        raise ValueError(f"{where}: argument {key} must be a short name without dots, "
                         f"got {_describe(value)}")
    if value is not None and not isinstance(value, str):
        _check_spec(key, value, _generic_spec(key, value), where)


def check_untrusted_config(cfg: object, where: str = "--arch") -> dict:
    """Check a registry config from an untrusted source (``xmodal export --arch``).

    Args:
        cfg: ``{'type': NAME, ARG: VALUE, ...}``.
        where: names the source in errors.

    Returns:
        A copy of ``cfg``.

    Raises:
        ValueError: not a dict with a ``type``; a type that xmodal does not register
            itself (a dotted name is never imported); an argument the constructor
            does not take; a value that is not a plain scalar of the annotated kind
            or is beyond the generic bounds (ints within +-4096, widths within 1024).
    """
    if not isinstance(cfg, dict) or "type" not in cfg:
        raise ValueError(f"{where} must be a config dict with a 'type', got {_describe(cfg)}")
    cls = registered_class(cfg["type"])
    if cls is None:
        raise ValueError(f"{where}: type {_describe(cfg['type'])} is not a model or block "
                         "registered by xmodal (dotted names are never imported)")
    params = _parameters(cls)
    for key, value in cfg.items():
        if key == "type":
            continue
        if not isinstance(key, str) or key not in params or key in ("self", "kwargs"):
            raise ValueError(f"{where}: {_describe(key)} is not an argument of {cfg['type']}")
        _check_plain(key, value, params[key], cfg["type"], where)
    return dict(cfg)


def build_untrusted_config(cfg: object, where: str = "--arch") -> nn.Module:
    """Build a checked untrusted config (:func:`check_untrusted_config`) with random weights.

    The module is first built on the ``meta`` device (no memory allocated) and refused
    when it has more than :data:`MAX_PARAMETERS` parameters.

    Args:
        cfg: the config.
        where: names the source in errors.

    Returns:
        The module (float32, CPU).

    Raises:
        ValueError: as :func:`check_untrusted_config`; too many parameters; the
            constructor refuses the arguments.
    """
    from xmodal.registry import MODELS

    checked = check_untrusted_config(cfg, where)
    with torch.device("meta"):
        probe = MODELS.build(dict(checked))
    count = sum(p.numel() for p in probe.parameters())
    if count > MAX_PARAMETERS:
        raise ValueError(f"{where}: {checked['type']} would have {count:,} parameters "
                         f"({count * 4 / 2**30:.1f} GiB in float32), over the limit of "
                         f"{MAX_PARAMETERS:,}")
    return MODELS.build(checked)
