"""``XmodalRunner``: mmengine's Runner with safe checkpoints and CPU data parallelism.

Every recipe selects it (``runner_type = 'XmodalRunner'`` in
``recipes/_base_/default_runtime.py``); the train and test tools build it with
:func:`build_runner`. Compared with ``mmengine.runner.Runner`` it

- reads ``resume`` / ``load_from`` checkpoints only through
  :func:`xmodal.engine.load_checkpoint` (``weights_only=True`` with a small
  allow-list, in force during that call only);
- writes checkpoints whose message hub is plain tensors
  (:class:`~xmodal.engine.PortableCheckpointHook`, registered here);
- resolves ``env_cfg.dist_cfg.backend='auto'`` to NCCL with CUDA and gloo
  without, and starts CPU process groups itself (mmengine's launcher calls
  ``torch.cuda.set_device``), wrapping the model in DDP without ``device_ids``;
- logs the global batch size (per-process batch x processes x
  ``accumulative_counts``).

Importing this module registers the class in xmodal's ``RUNNERS`` and patches
nothing in torch or mmengine.
"""

from __future__ import annotations

import copy
from pathlib import Path

import torch
from mmengine.dist import is_distributed
from mmengine.model import is_model_wrapper
from mmengine.registry import MODEL_WRAPPERS
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model
from torch.nn.parallel import DistributedDataParallel

from xmodal.registry import RUNNERS
from xmodal.weights import FORMAT as WEIGHTS_FORMAT

from .checkpoint import check_checkpoint_fits, load_checkpoint
from .dist import init_cpu_process_group, resolve_backend
from .hooks import PortableCheckpointHook

__all__ = ["XmodalRunner", "build_runner", "global_batch_size", "weights_file_as_checkpoint"]


def global_batch_size(cfg, world_size: int = 1) -> int:
    """Samples per optimiser update: ``batch_size x world_size x accumulative_counts``.

    Args:
        cfg: an mmengine ``Config`` (or dict) with ``train_dataloader`` (a config
            with ``batch_size``, or a built ``DataLoader``) and optionally
            ``optim_wrapper.accumulative_counts``.
        world_size: number of training processes (GPUs).

    Returns:
        The global batch size.
    """
    loader = cfg["train_dataloader"]
    batch = loader["batch_size"] if isinstance(loader, dict) else loader.batch_size
    wrapper = cfg.get("optim_wrapper") or {}
    accumulate = wrapper.get("accumulative_counts", 1) if isinstance(wrapper, dict) else 1
    return int(batch) * int(world_size) * int(accumulate)


def weights_file_as_checkpoint(weights: dict) -> dict:
    """An xmodal weights file as an mmengine checkpoint of the model holding its generator.

    Args:
        weights: the loaded file (``format``, ``arch``, ``state_dict``, ``meta``).

    Returns:
        ``{'state_dict': {'generator.<key>': float32 tensor}, 'meta': {}}`` (float16
        entries cast to float32, the training precision).
    """
    state = {f"generator.{k}": v.float() if v.is_floating_point() else v
             for k, v in weights["state_dict"].items()}
    return {"state_dict": state, "meta": {}}


def build_runner(cfg) -> Runner:
    """Build the Runner a config asks for (``runner_type``, default mmengine's ``Runner``).

    Args:
        cfg: an mmengine ``Config``.

    Returns:
        The Runner (an :class:`XmodalRunner` for every xmodal recipe).
    """
    if "runner_type" not in cfg:
        return Runner.from_cfg(cfg)
    return RUNNERS.build(cfg)


@RUNNERS.register_module()
class XmodalRunner(Runner):
    """mmengine ``Runner`` with weights-only checkpoint loading and CPU DDP (see the module doc).

    Args:
        *args: positional arguments of ``mmengine.runner.Runner``.
        **kwargs: its keyword arguments. Usually built from a config with
            ``XmodalRunner.from_cfg(cfg)`` or :func:`build_runner`.

    Raises:
        ValueError: ``sync_bn`` with distributed training on CPU (torch's
            ``SyncBatchNorm`` has CUDA kernels only), or a launcher other than
            ``pytorch`` on CPU.
        FileNotFoundError, xmodal.engine.CheckpointError: from ``resume`` /
            ``load_from`` (missing, corrupt or unsafe checkpoint file).
    """

    def setup_env(self, env_cfg: dict) -> None:
        """Resolve the ``'auto'`` backend, start a CPU process group, then mmengine's set-up."""
        env_cfg = copy.deepcopy(dict(env_cfg))
        dist_cfg = dict(env_cfg.get("dist_cfg") or {})
        dist_cfg["backend"] = resolve_backend(dist_cfg.get("backend"))
        env_cfg["dist_cfg"] = dist_cfg
        if self.distributed and not is_distributed() and not torch.cuda.is_available():
            init_cpu_process_group(self.launcher, **dist_cfg)
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg: dict | None, model: torch.nn.Module):
        """mmengine's wrapping; on CPU, DDP without ``device_ids`` and no SyncBN."""
        if self.distributed and not torch.cuda.is_available():
            if self.cfg.get("sync_bn") is not None:
                raise ValueError("sync_bn: torch's SyncBatchNorm runs on CUDA only; remove "
                                 "sync_bn for CPU training (each process then normalises "
                                 "with its own batch statistics)")
            model_wrapper_cfg = dict(model_wrapper_cfg or {})
            model_wrapper_cfg.setdefault("type", "MMDistributedDataParallel")
            if issubclass(MODEL_WRAPPERS.get(model_wrapper_cfg["type"]), DistributedDataParallel):
                model_wrapper_cfg["device_ids"] = None
                model_wrapper_cfg.setdefault("broadcast_buffers", False)
                model_wrapper_cfg.setdefault(
                    "find_unused_parameters", self.cfg.get("find_unused_parameters", False))
        return super().wrap_model(model_wrapper_cfg, model)

    def register_hooks(self, default_hooks=None, custom_hooks=None) -> None:
        """mmengine's hooks plus :class:`~xmodal.engine.PortableCheckpointHook`."""
        super().register_hooks(default_hooks, custom_hooks)
        self.register_hook(PortableCheckpointHook())

    def load_checkpoint(self, filename: str, map_location="cpu", strict: bool = False,
                        revise_keys: list = [(r"^module.", "")]):  # noqa: B006 (mmengine's)
        """Load ``filename`` into the model through :func:`xmodal.engine.load_checkpoint`.

        Same arguments and return value as ``mmengine.runner.Runner.load_checkpoint``,
        for local files only. Another model's checkpoint is refused before anything is
        copied (:func:`~xmodal.engine.checkpoint.check_checkpoint_fits`: unexpected keys
        or other shapes; missing keys too when ``strict`` or under :meth:`test`), and so
        is an integer tensor (e.g. int8) where the model holds floats (or the reverse):
        a one-line :class:`~xmodal.engine.CheckpointError` (a ``ValueError``) naming the
        key, never a silent cast.
        An xmodal weights file (``xmodal/weights/*.pth``, e.g.
        ``load_from`` of a shipped file to fine-tune it) is read as the checkpoint of
        a model whose ``generator`` it is, loaded strictly (every key must match).
        """
        checkpoint = load_checkpoint(filename, map_location=map_location)
        if isinstance(checkpoint, dict) and checkpoint.get("format") == WEIGHTS_FORMAT:
            checkpoint, strict = weights_file_as_checkpoint(checkpoint), True
        self.call_hook("after_load_checkpoint", checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        check_checkpoint_fits(model, checkpoint, filename, revise_keys, allow_missing=not (
            strict or getattr(self, "_load_every_key", False)))
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f"Load checkpoint from {filename}")
        return checkpoint

    def save_checkpoint(self, out_dir: str, filename: str, *args, **kwargs) -> None:
        """mmengine's save, written to a temporary in ``out_dir`` then renamed to ``filename``.

        A kill or a full disk during the save leaves no truncated ``iter_N.pth`` (the
        earlier checkpoints stay whole; :mod:`xmodal.apis.atomic`). Same arguments as
        ``mmengine.runner.Runner.save_checkpoint``.
        """
        from mmengine.dist import is_main_process

        from xmodal.apis.atomic import atomic_outputs

        if not is_main_process():  # mmengine saves on the main process only
            return super().save_checkpoint(out_dir, filename, *args, **kwargs)
        target = Path(out_dir) / filename
        with atomic_outputs([target]) as outputs:
            super().save_checkpoint(out_dir, outputs.temporary(target).name, *args, **kwargs)

    def test(self) -> dict:
        """mmengine's test; the checkpoint loaded first must hold every key of the model."""
        self._load_every_key = True
        return super().test()

    def train(self) -> torch.nn.Module:
        """Log the global batch size, then mmengine's training."""
        batch = global_batch_size(dict(train_dataloader=self._train_dataloader,
                                       optim_wrapper=self.cfg.get("optim_wrapper")),
                                  self.world_size)
        base = (self.cfg.get("auto_scale_lr") or {}).get("base_batch_size")
        self.logger.info(
            f"global batch: {batch} samples per update (batch_size x {self.world_size} "
            f"process(es) x accumulative_counts); the recipe states {base}")
        return super().train()
