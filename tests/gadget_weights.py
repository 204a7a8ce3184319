"""Weights files that ``torch.load(weights_only=True)`` accepts but whose ``arch`` names code.

The registry would import a dotted ``type`` and call it with the file's arguments;
every loader must refuse these files without building anything from their ``arch``.
"""

from __future__ import annotations

from pathlib import Path

import torch

__all__ = ["SHIPPED_X4", "arch_gadgets", "dsrdiff_gadgets", "gadget_configs"]

SHIPPED_X4 = Path(__file__).resolve().parents[1] / "xmodal" / "weights" / "d2a2_rgbdd_x4.pth"


def gadget_configs(marker: Path) -> list[dict]:
    """Sub-block configs that create the folder ``marker`` when the registry builds them."""
    expr = f"__import__('os').makedirs({str(marker)!r})"
    return [dict(type="sympy.simplify", expr=expr),
            dict(type="os.makedirs", name=str(marker))]


def arch_gadgets(folder: Path, marker: Path) -> list[Path]:
    """The shipped d2a2 x4 file with a code-naming ``align``, and one at an allocation size."""
    base = torch.load(SHIPPED_X4, weights_only=True)
    arches = [dict(type="D2A2", scale=4, align=cfg) for cfg in gadget_configs(marker)]
    arches.append(dict(type="D2A2", scale=4, channels=10**7))
    files = []
    for i, arch in enumerate(arches):
        path = folder / f"gadget{i}.pth"
        torch.save(dict(base, arch=arch), path)
        files.append(path)
    return files


def dsrdiff_gadgets(folder: Path, marker: Path, state: dict) -> list[Path]:
    """DSR-Diff files (``state``: a GRN + DSRN state dict) whose sub-configs name code."""
    grn = dict(type="GRN", scale=4)
    cfgs = gadget_configs(marker)
    arches = [dict(type="DSRDiff", dsrn=dict(type="DSRN", scale=4, fusion="dda+mfa",
                                             align=cfgs[0]), grn=grn),
              dict(type="DSRDiff", dsrn=dict(type="DSRN", scale=4), grn=cfgs[1]),
              dict(type="DSRDiff", dsrn=dict(type="DSRN", scale=4, channels=10**7), grn=grn)]
    files = []
    for i, arch in enumerate(arches):
        path = folder / f"dsrdiff_gadget{i}.pth"
        torch.save({"format": "xmodal-weights-v1", "arch": arch, "state_dict": state,
                    "meta": {}}, path)
        files.append(path)
    return files
