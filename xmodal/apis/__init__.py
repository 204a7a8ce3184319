"""xmodal.apis: super-resolve your own sensor depth with an RGB guide.

:class:`GDSRInferencer` (:mod:`xmodal.apis.inferencer`) runs a model of the
model table (:mod:`xmodal.zoo`) or your own generator module through
preprocess / forward / postprocess; ``upsample(rgb, depth_lr, scale=None,
model=None, ...)`` (:mod:`xmodal.apis.inference`) is the one-call function over
it. ``upsample_file`` and ``pair_inputs`` are the file-level helpers used by the
``xmodal upsample`` command (:mod:`xmodal.apis.files`); :mod:`xmodal.apis.inputs`
checks the inputs, :mod:`xmodal.apis.depth_io` reads and writes the depth formats
(atomically, :mod:`xmodal.apis.atomic`), :mod:`xmodal.apis.holes` handles invalid
pixels and :mod:`xmodal.apis.tiling` runs large inputs tile by tile;
:func:`retain_freed_memory` (:mod:`xmodal.apis.cpu_runtime`) is an opt-in
allocator setting for CPU inference processes. ``fuse(ir, vis, model='ivifnet')``
(:mod:`xmodal.apis.fusion`) fuses an infrared / visible pair; ``fuse_file`` is
the file-level helper of ``xmodal fuse``.
"""

from .atomic import atomic_write
from .cpu_runtime import retain_freed_memory
from .depth_io import DEPTH_UNITS, colourise, read_depth, read_rgb, write_depth
from .files import bicubic_baseline, pair_files, pair_inputs, upsample_file
from .fusion import build_fusion_model, fuse, fuse_file
from .holes import fill_invalid, invalid_mask, invalid_support_hr
from .inference import upsample
from .inferencer import GDSRBatch, GDSRInferencer, resolve_device
from .tiling import tiled_forward

__all__ = [
    "DEPTH_UNITS", "GDSRBatch", "GDSRInferencer", "atomic_write", "bicubic_baseline",
    "build_fusion_model", "fuse", "fuse_file", "pair_files",
    "colourise", "fill_invalid", "invalid_mask", "invalid_support_hr", "pair_inputs",
    "read_depth", "read_rgb", "resolve_device", "retain_freed_memory", "tiled_forward",
    "upsample", "upsample_file", "write_depth",
]
