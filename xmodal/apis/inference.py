"""Super-resolve a user's own LR sensor depth with an RGB guide in one call: :func:`upsample`.

A thin function over :class:`xmodal.apis.GDSRInferencer` (what each step does is
written there). Inferencers of named models are kept per (model, weights,
device, fp16), so repeated calls load the weights once; a module passed in gets
a fresh inferencer (and a fresh copy) per call.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch import Tensor, nn

from .inferencer import GDSRInferencer, resolve_device

__all__ = ["upsample"]

_INFERENCERS: dict[tuple, GDSRInferencer] = {}


def _inferencer(model: str | nn.Module | None, weights: str | Path | None, device: str,
                fp16: bool) -> GDSRInferencer:
    if isinstance(model, nn.Module):
        return GDSRInferencer(model, weights, device, fp16)
    key = (model, None if weights is None else str(weights), str(resolve_device(device)), fp16)
    if key not in _INFERENCERS:
        _INFERENCERS[key] = GDSRInferencer(model, weights, device, fp16)
    return _INFERENCERS[key]


def upsample(
    rgb: np.ndarray | Tensor,
    depth_lr: np.ndarray | Tensor,
    scale: int | None = None,
    model: str | nn.Module | None = None,
    weights: str | Path | None = None,
    depth_unit: str | None = None,
    device: str = "auto",
    tile: int | None = None,
    overlap: int = 32,
    consistent: bool = False,
    fp16: bool = False,
    resize_guide: bool = False,
    progress: bool = False,
    return_info: bool = False,
    register: int | None = None,
) -> np.ndarray | Tensor | tuple[np.ndarray | Tensor, dict]:
    """Super-resolve an LR depth map guided by an HR RGB image (no HR ground truth needed).

    Args:
        rgb: HR guide: uint8 or [0, 1] float array (H, W, 3), or tensor (3, H, W) /
            (1, 3, H, W), RGB channel order.
        depth_lr: LR depth (h, w) array or tensor ((1, h, w), (1, 1, h, w) too), any
            unit, >= 0; 0, NaN and inf are invalid pixels.
        scale: integer scale factor; None infers it from the sizes (``round(H / h)``)
            or, with ``resize_guide``, picks the smallest scale of ``model`` that covers
            the size ratio.
        model: a name of the model table (:data:`xmodal.zoo.MODEL_TABLE`): ``'d2a2'``
            (shipped weights), ``'dsrdiff'`` (needs ``weights``; deterministic, fixed
            noise seed), ``'bicubic'``, ``'dada'`` (learning-free DADA); None: the
            table's default model at the scale; or a
            generator module ``forward(lr (B,1,h,w), guide (B,3,H,W)) -> (B,1,H,W)`` on
            normalised depth (run as a copy: the module is not changed).
        weights: weights file of a named model (None: the shipped one, checked against
            the table's sha256; :mod:`xmodal.weights`).
        depth_unit: unit of ``depth_lr`` (``'mm'``, ``'m'``, ``'disparity'``); the
            computation is unit-free (min-max normalised), it is returned in the info.
        device: ``'auto'``, ``'cpu'`` or ``'cuda'``.
        tile: tile size in HR pixels (a multiple of the scale); None: the whole image.
        overlap: tile overlap in HR pixels (a multiple of the scale, ``< tile``).
        consistent: apply the DADA LR-consistency adjustment after the network.
        fp16: float16 autocast (CUDA only).
        resize_guide: allow a guide whose size is not a multiple of the depth's (it is
            enlarged to the network's grid; one smaller than the depth is refused).
        progress: show a tqdm bar over tiles.
        return_info: also return a dict of what was done (scale, model, counts, ...).
        register: N >= 0: first move the LR by the translation (up to N guide pixels)
            that best aligns its edges with the guide's (:class:`xmodal.align.GuideRegistration`,
            info ``'registration_shift'``); None: taken as registered.

    Returns:
        HR depth in the unit of ``depth_lr``, float32: an (H, W) numpy array for a
        numpy input, a tensor shaped like ``depth_lr`` (with H, W) on its device for a
        tensor input. Pixels whose whole LR support was invalid are NaN. With
        ``return_info``, ``(depth_hr, info)``.

    Raises:
        TypeError: inputs that are not arrays/tensors, bool or non-numeric arrays.
        ValueError: a guide that is not 3-channel RGB or holds NaN, a depth with no valid
            pixel or with negative values, an unknown ``depth_unit``, sizes that are not
            an integer multiple (without ``resize_guide``), a guide smaller than the
            depth (with it), a ``register`` not an integer in [0, guide size / 2), bad
            tile/overlap, ``fp16`` without CUDA, ``consistent`` with ``resize_guide``,
            an unknown model, a scale the model does not run at, an
            input too small for the model, a shipped weights file whose sha256 differs
            from the table's.
        FileNotFoundError: no weights for ``model`` at ``scale`` (dsrdiff without them).
        RuntimeError: the model produced NaN where the input was valid, or a constant
            output from a non-constant input.

    Example:
        >>> rgb = np.zeros((64, 64, 3), np.uint8)
        >>> lr = np.full((16, 16), 1500.0, np.float32)
        >>> upsample(rgb, lr, model='bicubic').shape
        (64, 64)
    """
    inferencer = _inferencer(model, weights, device, fp16)
    return inferencer(rgb, depth_lr, scale=scale, depth_unit=depth_unit, tile=tile,
                      overlap=overlap, consistent=consistent, resize_guide=resize_guide,
                      progress=progress, return_info=return_info, register=register)
