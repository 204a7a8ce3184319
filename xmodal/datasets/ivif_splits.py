"""Fixed train / validation / test lists of infrared-visible fusion.

The standard IR-visible test splits are the 25 TNO and 50 RoadScene pairs of
CDDFuse's published table (Zhao et al., CVPR 2023, Tab. 1). Four of the twelve
VIF-Benchmark pairs are frames of those splits (:data:`VIF_BENCHMARK_TEST`,
under both names :data:`TEST_SPLIT_FRAMES`): they are never trained on or used
to choose a checkpoint, and may only be reported, as the ``'test'`` list. The
other eight are the validation list (:data:`VIF_BENCHMARK_VAL`). Training uses
the ``roadscene_train`` pairs (RoadScene minus its standard test split and minus
the two validation frames below), which the training split re-checks against
both lists by name.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["VIF_BENCHMARK_TEST", "TEST_SPLIT_FRAMES", "VIF_BENCHMARK_VAL", "ROADSCENE_NAMES",
           "FIXED_LISTS", "SPLITS", "split_conflicts"]

#: VIF-Benchmark name -> RoadScene name of the same frame, so that a RoadScene-named
#: training folder is checked against the validation and test lists too.
ROADSCENE_NAMES: dict[str, str] = {"049": "FLIR_04598", "175": "FLIR_08835",
                                   "108": "FLIR_06570"}

#: The test list: the four VIF-Benchmark pairs that are frames of the standard TNO-25 /
#: RoadScene-50 test splits, ``17``, ``21``, ``36`` (TNO) and ``108`` (RoadScene
#: ``FLIR_06570``). Reported only: never trained on, never used to choose.
VIF_BENCHMARK_TEST: tuple[str, ...] = ("108", "17", "21", "36")

#: Names (file stems) of the frames of the standard test splits present in this data: the
#: test list under its VIF-Benchmark and its RoadScene names.
TEST_SPLIT_FRAMES: frozenset[str] = frozenset(VIF_BENCHMARK_TEST) | {
    ROADSCENE_NAMES[n] for n in VIF_BENCHMARK_TEST if n in ROADSCENE_NAMES}

#: The validation list: the eight VIF-Benchmark pairs that are not test-split frames
#: (six MSRS frames, two RoadScene frames).
VIF_BENCHMARK_VAL: tuple[str, ...] = (
    "00537D", "00556D", "00633D", "00858N", "00881N", "01023N", "049", "175")

_VAL_FRAMES = frozenset(VIF_BENCHMARK_VAL) | {
    ROADSCENE_NAMES[n] for n in VIF_BENCHMARK_VAL if n in ROADSCENE_NAMES}

#: Split name -> its fixed list of VIF-Benchmark pairs (``'train'`` has none: every pair of
#: its folder).
FIXED_LISTS: dict[str, tuple[str, ...]] = {"val": VIF_BENCHMARK_VAL, "test": VIF_BENCHMARK_TEST}

#: Split name -> frames it must not contain (``'val'``: the test frames; ``'test'``: the
#: validation frames; ``'train'``: both, under both names).
SPLITS: dict[str, frozenset[str]] = {
    "val": TEST_SPLIT_FRAMES,
    "test": _VAL_FRAMES,
    "train": TEST_SPLIT_FRAMES | _VAL_FRAMES,
}


def split_conflicts(names: Iterable[str], split: str) -> list[str]:
    """The names that a split must not hold (sorted; empty when the list is clean).

    Args:
        names: file stems of the pairs of a split.
        split: ``'train'``, ``'val'`` or ``'test'`` (:data:`SPLITS`).

    Returns:
        The sorted stems of ``names`` that the split must not hold: test-split frames
        for ``'val'``, validation frames for ``'test'``, both for ``'train'``.

    Raises:
        ValueError: unknown split.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, got {split!r}")
    return sorted(set(names) & SPLITS[split])
