"""The DSR-Diff inference generator: guidance recovery (GRN) + depth SR (DSRN).

Shi et al., DSR-Diff, arXiv 2311.09919: at test time the guidance is recovered
from the LR inputs by the latent diffusion model and fed to the SR network; the
HR depth (and the GGN) are not used. This module has the xmodal generator
signature ``forward(lr, guide)`` so that :class:`xmodal.models.GDSRModel`, the
GDSR datasets and :class:`xmodal.evaluation.GDSRMetric` evaluate it.
"""

from __future__ import annotations

from torch import Tensor, nn

from ...registry import MODELS, build_block

__all__ = ["DSRDiff"]


@MODELS.register_module()
class DSRDiff(nn.Module):
    """GRN + DSRN: ``dsrn(lr, guide, grn(lr, guide))``.

    Args:
        dsrn: config (or module) of the :class:`DepthSRNet`.
        grn: config (or module) of the :class:`GuidanceRecoveryNet`; None for
            the stage-1 model, which feeds the GGN's guidance explicitly.

    Shape:
        lr (B, 1, h, w), guide (B, 3, h*scale, w*scale), optional guidance (B, D)
        -> (B, 1, h*scale, w*scale) normalised depth.

    Raises:
        ValueError: no ``guidance`` given and no GRN built; the sub-networks'
            input checks; GRN and DSRN guidance lengths differ.
    """

    def __init__(self, dsrn: dict | nn.Module, grn: dict | nn.Module | None = None) -> None:
        super().__init__()
        self.dsrn = build_block(dsrn)
        self.grn = build_block(grn) if grn is not None else None
        if self.grn is not None and self.grn.guidance_dim != self.dsrn.guidance_dim:
            raise ValueError(f"grn.guidance_dim ({self.grn.guidance_dim}) must equal "
                             f"dsrn.guidance_dim ({self.dsrn.guidance_dim})")

    @property
    def scale(self) -> int:
        """The super-resolution factor (the DSRN's)."""
        return self.dsrn.scale

    def forward(self, lr: Tensor, guide: Tensor, guidance: Tensor | None = None) -> Tensor:
        if guidance is None:
            if self.grn is None:
                raise ValueError("this DSRDiff has no GRN: pass guidance (e.g. from the GGN)")
            guidance = self.grn(lr, guide)
        return self.dsrn(lr, guide, guidance)
