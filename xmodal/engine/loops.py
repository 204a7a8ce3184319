"""A validation loop that also scores test sets, logged beside the validation metrics."""

from __future__ import annotations

from collections.abc import Mapping

import torch
from mmengine.runner import ValLoop

from xmodal.registry import LOOPS

__all__ = ["ValWithTestSetsLoop"]


@LOOPS.register_module()
class ValWithTestSetsLoop(ValLoop):
    """mmengine's ``ValLoop`` on the validation set, then each test set under its own name.

    The validation metrics keep their keys (e.g. ``val/rmse`` with the metric's
    ``prefix='val'``), the ones checkpoints are chosen on
    (``CheckpointHook(save_best='val/rmse')``). Each test set's metrics are added as
    ``<name>/<key>`` (``middlebury/rmse``...): logged with the same weights (the
    EMA ones under ``EMAHook``) so a curve shows them, and never a selection target.

    Args:
        runner: the Runner.
        dataloader: the validation dataloader (config or object).
        evaluator: the validation evaluator (config or object).
        test_sets: ``{name: dict(dataloader=..., evaluator=...)}`` (a dict, so a child
            config overrides one key, e.g. the dataset's scale); names should differ
            from the validation metrics' prefix. Empty: plain validation.
        fp16: as ``ValLoop``.

    Raises:
        ValueError: ``test_sets`` not a dict, or a test set without ``dataloader`` or
            ``evaluator``.
    """

    def __init__(self, runner, dataloader, evaluator, test_sets: Mapping[str, dict] | None = None,
                 fp16: bool = False) -> None:
        super().__init__(runner, dataloader, evaluator, fp16)
        if not isinstance(test_sets, (Mapping, type(None))):
            raise ValueError(f"test_sets must be a dict name -> dict(dataloader=..., "
                             f"evaluator=...), got {type(test_sets).__name__}")
        self.test_sets = []
        for name, ts in (test_sets or {}).items():
            if "dataloader" not in ts or "evaluator" not in ts:
                raise ValueError(f"test_sets: {name!r} needs 'dataloader' and 'evaluator'")
            loader = runner.build_dataloader(ts["dataloader"], seed=runner.seed)
            evaluator_ = runner.build_evaluator(ts["evaluator"])
            evaluator_.dataset_meta = getattr(loader.dataset, "metainfo", None)
            self.test_sets.append((name, loader, evaluator_))

    @torch.no_grad()
    def _score(self, loader, evaluator) -> dict:
        for data_batch in loader:
            evaluator.process(data_samples=self.runner.model.val_step(data_batch),
                              data_batch=data_batch)
        return evaluator.evaluate(len(loader.dataset))

    def run(self) -> dict:
        """Validate, score the test sets, call the hooks with all metrics; returns them."""
        self.runner.call_hook("before_val")
        self.runner.call_hook("before_val_epoch")
        self.runner.model.eval()
        self.val_loss.clear()
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        for name, loader, evaluator in self.test_sets:
            metrics.update({f"{name}/{k.split('/')[-1]}": v
                            for k, v in self._score(loader, evaluator).items()})
        self.runner.call_hook("after_val_epoch", metrics=metrics)
        self.runner.call_hook("after_val")
        return metrics
