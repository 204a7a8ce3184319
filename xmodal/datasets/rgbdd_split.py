"""RGB-D-D frames of one subset of the package's split (train / val / test_realworld)."""

from __future__ import annotations

from typing import Any

from mmengine.logging import print_log

from ..registry import DATASETS
from .folder_pair import RGBDDDataset
from .splits import rgbdd_subset_ids

__all__ = ["RGBDDSplitDataset"]


@DATASETS.register_module()
class RGBDDSplitDataset(RGBDDDataset):
    """:class:`RGBDDDataset` restricted to one subset of :mod:`xmodal.datasets.splits`.

    The folder is RGB-D-D's synthetic test set as distributed (flat layout,
    405 pairs; :class:`RGBDDDataset`); ``subset`` picks the frames by capture id
    from the package's split file, so a training run never sees a validation or
    test frame, whatever else the folder holds.

    Args:
        subset: ``'train'`` (357 frames), ``'val'`` (45, the frames checkpoints are
            chosen on) or ``'test_realworld'`` (the 3 ids of the real-world branch).
        allow_missing: False (default): every listed frame must be in the folder.
            True: a folder with part of the set (e.g. the package's 12-frame sample)
            gives the listed frames it has, and the log says how many are missing;
            frames outside the subset are never read either way.
        **kwargs: :class:`RGBDDDataset` arguments (``data_root``, ``scale``,
            ``pipeline``, ``test_mode``...; ``split`` is ``'test'``, the folder's).

    Raises:
        ValueError: unknown ``subset``; without ``allow_missing``, the folder lacks
            frames the subset lists (named); no listed frame at all; plus
            :class:`RGBDDDataset`'s errors.
    """

    def __init__(self, subset: str, allow_missing: bool = False, **kwargs: Any) -> None:
        self.subset_ids = rgbdd_subset_ids(subset)
        self.subset, self.allow_missing = subset, bool(allow_missing)
        super().__init__(**kwargs)

    def load_data_list(self) -> list[dict]:
        """The folder's pairs whose id is in the subset, in sorted id order."""
        items = {item["img_name"]: item for item in super().load_data_list()}
        missing = [i for i in self.subset_ids if i not in items]
        if missing and self.allow_missing and len(missing) < len(self.subset_ids):
            have = len(self.subset_ids) - len(missing)
            print_log(f"RGBDDSplitDataset: {self.data_root} holds {have} of the "
                      f"{len(self.subset_ids)} frames of subset "
                      f"{self.subset!r} (allow_missing=True)", logger="current")
            return [items[i] for i in self.subset_ids if i in items]
        if missing:
            raise ValueError(
                f"RGBDDSplitDataset: {self.data_root} lacks {len(missing)} of the "
                f"{len(self.subset_ids)} frames of subset {self.subset!r} (first: {missing[0]}); "
                "it must be RGB-D-D's full synthetic test folder (405 pairs)")
        return [items[i] for i in self.subset_ids]
