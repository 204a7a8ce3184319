"""Weights files that would run code when unpickled, for the tests of every loader."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch

__all__ = ["crafted_pickles"]


class _Payload:
    """Unpickling this calls ``call(*args)``: code a weights file must never run."""

    def __init__(self, call, args) -> None:
        self.call, self.args = call, args

    def __reduce__(self):
        return self.call, self.args


def crafted_pickles(folder: Path, marker: Path) -> list[Path]:
    """Files that create ``marker`` when unpickled: raw pickles and torch.save zips."""
    payloads = [_Payload(open, (str(marker), "w")),
                _Payload(os.system, (f"touch {marker}",))]
    files = []
    for i, payload in enumerate(payloads):
        raw = folder / f"raw{i}.pth"
        raw.write_bytes(pickle.dumps({"state_dict": payload}, protocol=2))
        zipped = folder / f"zip{i}.pth"
        torch.save({"format": "xmodal-weights-v1", "state_dict": payload}, zipped)
        files += [raw, zipped]
    return files
