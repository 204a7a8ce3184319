"""mmengine training wrappers of the two DSR-Diff stages.

Stage 1 (Shi et al., DSR-Diff, arXiv 2311.09919; DiffIR's "S1"): the GGN
compresses HR RGB + HR depth + LR depth into the guidance and the DSRN is
trained end to end with it under the depth L1 loss. Stage 2: the DSRN (and the
GGN, now the teacher) are frozen; the GRN learns to recover the teacher's
guidance from the LR inputs (L1 on the guidance vector, through all reverse
steps as DiffIR) and the depth L1 is back-propagated through the frozen DSRN
into the GRN. Inference uses only GRN + DSRN (:class:`DSRDiff`).

Where the DSR-Diff paper gives no detail, these wrappers follow DiffIR's
two-stage pattern (Xia et al., ICCV 2023, stage-1 and stage-2 training) and
say so here:

- stage-1 loss: the depth L1 only, no extra term on the guidance vector (as
  DiffIR's S1 with an L1 pixel loss);
- stage-2 start point: the teacher guidance noised to the last step
  ``q(x_{T-1} | z)``, then all T reverse steps run in training so that the
  guidance L1 trains the whole chain (DiffIR runs all its denoising iterations
  in training);
- stage-2 loss weights: guidance L1 and depth L1 summed with weight 1 each
  (no weights are given; both are ``loss_weight`` in the recipes);
- freezing: xmodal freezes the SR network in stage 2 by default
  (``freeze_dsrn=True``); DiffIR fine-tunes its restoration network jointly,
  which ``freeze_dsrn=False`` reproduces;
- inference: the reverse chain starts from Gaussian noise drawn with the GRN's
  fixed ``sample_seed`` (deterministic outputs; xmodal's choice).

Both wrappers keep the checkpoint keys ``ggn.*`` and ``generator.dsrn.*``, so
the stage-2 recipe's ``load_from`` takes the stage-1 checkpoint as it is, and a
stage-2 checkpoint loads into ``GDSRModel(generator=dict(type='DSRDiff', ...))``
(the ``ggn.*`` keys are then unused).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ...registry import MODELS, build_block
from ..gdsr_model import GDSRModel

__all__ = ["DSRDiffStage1Model", "DSRDiffStage2Model"]


@MODELS.register_module()
class DSRDiffStage1Model(GDSRModel):
    """Stage 1: GGN (HR depth seen) + DSRN, trained with the depth L1.

    Every mode needs ``gt_depth`` (the GGN reads it), so validation of stage 1
    is an *oracle* evaluation; the deployable model is stage 2's. Where the paper
    is silent (the loss) DiffIR's S1 is followed; see the module docstring.

    Args:
        generator: config of :class:`DSRDiff` (``grn`` may be None here).
        ggn: config of the :class:`GuidanceGenerationNet`.
        pixel_loss: depth loss (``dict(type='L1Loss')``); None for test-only.
        data_preprocessor: default ``GDSRDataPreprocessor``.
        init_cfg: mmengine initialisation config.

    Modes (``forward(inputs, data_samples, mode)``): ``'tensor'`` -> (B, 1, H, W);
    ``'loss'`` -> ``{'loss': L1}``; ``'predict'`` -> data samples with ``pred_depth``.

    Raises:
        ValueError: unknown mode; data samples without ``gt_depth``; no pixel loss in
            ``'loss'`` mode.
    """

    def __init__(self, generator: dict | nn.Module, ggn: dict | nn.Module,
                 pixel_loss: dict | nn.Module | None = None,
                 data_preprocessor: dict | nn.Module | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(generator, pixel_loss, data_preprocessor, init_cfg)
        self.ggn = build_block(ggn)

    def forward_tensor(self, inputs: dict, data_samples: list | None = None) -> Tensor:
        lr, guide = inputs["lr"], inputs["guide"]
        gt = self._gt(data_samples).to(guide)
        return self.generator(lr, guide, guidance=self.ggn(lr, guide, gt))

    def loss(self, inputs: dict, data_samples: list | None) -> dict:
        pixel_loss = self.loss_module_or_raise()
        pred = self.forward_tensor(inputs, data_samples)
        return {"loss": pixel_loss(pred, self._gt(data_samples).to(pred))}


@MODELS.register_module()
class DSRDiffStage2Model(GDSRModel):
    """Stage 2: GRN trained to recover the frozen GGN's guidance; DSRN frozen.

    Where the paper is silent (start point of the training chain, steps unrolled,
    loss weights, sampling noise) DiffIR's S2 is followed; see the module docstring.

    Args:
        generator: config of :class:`DSRDiff` with both ``dsrn`` and ``grn``.
        ggn: config of the teacher :class:`GuidanceGenerationNet` (frozen).
        pixel_loss: depth loss through the frozen DSRN (``L1Loss``); None to
            train the GRN on the guidance loss only.
        guidance_loss: loss between recovered and teacher guidance
            (``dict(type='L1Loss')``).
        freeze_dsrn: freeze the DSRN (True, the paper's stage 2). The GGN is
            always frozen. Frozen parts stay in eval mode (no BatchNorm
            statistics updates) and get no gradients.
        data_preprocessor: default ``GDSRDataPreprocessor``.
        init_cfg: mmengine initialisation config.

    Modes: ``'loss'`` -> ``{'loss_guidance', 'loss_pixel'}`` (needs ``gt_depth``);
    ``'tensor'`` / ``'predict'`` run GRN + DSRN from seeded noise (no HR depth).

    Raises:
        ValueError: unknown mode; ``'loss'`` without ``gt_depth``; no GRN in the
            generator.
    """

    def __init__(self, generator: dict | nn.Module, ggn: dict | nn.Module,
                 pixel_loss: dict | nn.Module | None = None,
                 guidance_loss: dict | nn.Module | None = None,
                 freeze_dsrn: bool = True,
                 data_preprocessor: dict | nn.Module | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(generator, pixel_loss, data_preprocessor, init_cfg)
        if getattr(self.generator, "grn", None) is None:
            raise ValueError("stage 2 needs a generator with a GRN (DSRDiff(dsrn=..., grn=...))")
        self.ggn = build_block(ggn)
        self.guidance_loss = build_block(guidance_loss or dict(type="L1Loss"))
        self.freeze_dsrn = freeze_dsrn
        for module in self._frozen():
            module.requires_grad_(False)

    def _frozen(self) -> list[nn.Module]:
        return [self.ggn, self.generator.dsrn] if self.freeze_dsrn else [self.ggn]

    def train(self, mode: bool = True) -> DSRDiffStage2Model:
        super().train(mode)
        for module in self._frozen():
            module.eval()
        return self

    def forward_tensor(self, inputs: dict, data_samples: list | None = None) -> Tensor:
        return self.generator(inputs["lr"], inputs["guide"])

    def loss(self, inputs: dict, data_samples: list | None) -> dict:
        lr, guide = inputs["lr"], inputs["guide"]
        gt = self._gt(data_samples).to(guide)
        with torch.no_grad():
            teacher = self.ggn(lr, guide, gt)
        guidance = self.generator.grn(lr, guide, teacher=teacher)
        losses = {"loss_guidance": self.guidance_loss(guidance, teacher)}
        if self.pixel_loss is not None:
            pred = self.generator.dsrn(lr, guide, guidance)
            losses["loss_pixel"] = self.pixel_loss(pred, gt)
        return losses
