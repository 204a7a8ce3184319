"""Fixed train / validation lists of infrared-visible fusion, held out from the test splits.

The standard IR-visible test splits are the 25 TNO and 50 RoadScene pairs of
CDDFuse's published table (Zhao et al., CVPR 2023, Tab. 1). Four of the twelve
VIF-Benchmark pairs are frames of those splits (:data:`TEST_SPLIT_FRAMES`):
they stay metric fixtures and are never trained on or used to choose a
checkpoint. The other eight are the validation list
(:data:`VIF_BENCHMARK_VAL`). Training uses the ``roadscene_train`` pairs
(RoadScene minus its standard test split and minus the two validation frames
below), which the training split re-checks against both lists by name.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["TEST_SPLIT_FRAMES", "VIF_BENCHMARK_VAL", "ROADSCENE_NAMES", "SPLITS",
           "split_conflicts"]

#: Names (file stems) of frames of the standard TNO-25 / RoadScene-50 test splits present in
#: this data: VIF-Benchmark ``17``, ``21``, ``36`` (TNO) and ``108`` (RoadScene
#: ``FLIR_06570``), also listed under its RoadScene name.
TEST_SPLIT_FRAMES: frozenset[str] = frozenset({"17", "21", "36", "108", "FLIR_06570"})

#: The validation list: the eight VIF-Benchmark pairs that are not test-split frames
#: (six MSRS frames, two RoadScene frames).
VIF_BENCHMARK_VAL: tuple[str, ...] = (
    "00537D", "00556D", "00633D", "00858N", "00881N", "01023N", "049", "175")

#: VIF-Benchmark name -> RoadScene name of the same frame, so that a RoadScene-named
#: training folder is checked against the validation and test lists too.
ROADSCENE_NAMES: dict[str, str] = {"049": "FLIR_04598", "175": "FLIR_08835",
                                   "108": "FLIR_06570"}

#: Split name -> frames it must not contain (``'val'``: the test frames; ``'train'``: the
#: test frames and every validation frame, under both names).
SPLITS: dict[str, frozenset[str]] = {
    "val": TEST_SPLIT_FRAMES,
    "train": TEST_SPLIT_FRAMES | set(VIF_BENCHMARK_VAL)
    | {ROADSCENE_NAMES[n] for n in VIF_BENCHMARK_VAL if n in ROADSCENE_NAMES},
}


def split_conflicts(names: Iterable[str], split: str) -> list[str]:
    """The names that a split must not hold (sorted; empty when the list is clean).

    Args:
        names: file stems of the pairs of a split.
        split: ``'train'`` or ``'val'`` (:data:`SPLITS`).

    Returns:
        The sorted stems of ``names`` that are test-split frames (or, for ``'train'``,
        validation frames).

    Raises:
        ValueError: unknown split.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, got {split!r}")
    return sorted(set(names) & SPLITS[split])
