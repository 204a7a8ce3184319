"""xmodal.apis: super-resolve your own sensor depth with an RGB guide.

``upsample(rgb, depth_lr, scale=None, model='d2a2', ...)`` is the Python API
(:mod:`xmodal.apis.inference`); ``upsample_file`` and ``pair_inputs`` are the
file-level helpers used by the ``xmodal upsample`` command
(:mod:`xmodal.apis.files`); :mod:`xmodal.apis.depth_io` reads and writes the
depth formats, :mod:`xmodal.apis.holes` handles invalid pixels and
:mod:`xmodal.apis.tiling` runs large inputs tile by tile;
:func:`retain_freed_memory` (:mod:`xmodal.apis.cpu_runtime`) is an opt-in
allocator setting for CPU inference processes.
"""

from .cpu_runtime import retain_freed_memory
from .depth_io import DEPTH_UNITS, colourise, read_depth, read_rgb, write_depth
from .files import bicubic_baseline, pair_inputs, upsample_file
from .holes import fill_invalid, invalid_mask, invalid_support_hr
from .inference import upsample
from .tiling import tiled_forward

__all__ = [
    "DEPTH_UNITS", "bicubic_baseline", "colourise", "fill_invalid", "invalid_mask",
    "invalid_support_hr", "pair_inputs", "read_depth", "read_rgb", "retain_freed_memory",
    "tiled_forward", "upsample",
    "upsample_file", "write_depth",
]
