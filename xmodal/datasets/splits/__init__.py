"""Fixed, listed frame splits of the GDSR training data, read by the recipes and the evaluation.

The RGB-D-D frames xmodal trains on are the 405 pairs of RGB-D-D's synthetic
test folder (He et al., CVPR 2021), the set distributed with DCTNet's
``RawDatasets/RGBDD``. Weights trained on them are *selected* on a validation
list drawn from the same frames and *reported* only on other data. The split
file ``rgbdd_d2a2.json`` beside this module lists, by capture id:

- ``val``: 45 frames, drawn once by :func:`draw_rgbdd_split` (seed 0) from the
  405 ids minus ``test_realworld``: the only frames checkpoints are chosen on;
- ``test_realworld``: the 3 frames of RGB-D-D's real-world branch in the data
  folder (their HR files are byte-identical to these synthetic-test frames), so
  they are a test set and never trained on;
- ``train``: the other 357 frames.

Middlebury (30), Lu (6), NYUv2's test split and the real-world frames are test
sets: reported, never used to choose anything. NYUv2 is split by frame index
(``xmodal.datasets.nyuv2.NYUV2_SPLITS``): 0..949 train, 950..999 validation,
1000..1448 test; ``'trainval'`` (0..999) is the paper's training set.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["SPLIT_FILE", "SUBSETS", "rgbdd_split", "rgbdd_subset_ids", "draw_rgbdd_split"]

#: The package's RGB-D-D split file (JSON: ``train``, ``val``, ``test_realworld`` id lists).
SPLIT_FILE = Path(__file__).resolve().parent / "rgbdd_d2a2.json"

#: Names of the subsets in :data:`SPLIT_FILE`.
SUBSETS = ("train", "val", "test_realworld")


@lru_cache(maxsize=1)
def _load() -> dict[str, tuple[str, ...]]:
    data = json.loads(SPLIT_FILE.read_text())
    return {name: tuple(data[name]) for name in SUBSETS}


def rgbdd_split() -> dict[str, tuple[str, ...]]:
    """The RGB-D-D split: subset name -> sorted frame ids (capture time stamps).

    Returns:
        ``{'train': (...), 'val': (...), 'test_realworld': (...)}``, disjoint.
    """
    return dict(_load())


def rgbdd_subset_ids(subset: str) -> tuple[str, ...]:
    """Frame ids of one subset of the RGB-D-D split.

    Args:
        subset: ``'train'``, ``'val'`` or ``'test_realworld'``.

    Raises:
        ValueError: unknown ``subset``.
    """
    if subset not in SUBSETS:
        raise ValueError(f"subset must be one of {SUBSETS}, got {subset!r}")
    return _load()[subset]


def draw_rgbdd_split(ids: Sequence[str], held_out: Sequence[str], num_val: int = 45,
                     seed: int = 0) -> dict[str, list[str]]:
    """Draw the validation list the way :data:`SPLIT_FILE` was made.

    Args:
        ids: every frame id of the training folder.
        held_out: ids that are test frames (never train, never validation).
        num_val: size of the validation list.
        seed: seed of :class:`random.Random`.

    Returns:
        ``{'train': [...], 'val': [...], 'test_realworld': [...]}``, each sorted.

    Raises:
        ValueError: ``num_val`` larger than the frames left after ``held_out``.
    """
    pool = sorted(set(ids) - set(held_out))
    if not 0 < num_val < len(pool):
        raise ValueError(f"num_val must be in 1..{len(pool) - 1}, got {num_val}")
    val = sorted(random.Random(seed).sample(pool, num_val))
    return {"train": sorted(set(pool) - set(val)), "val": val,
            "test_realworld": sorted(set(held_out))}
