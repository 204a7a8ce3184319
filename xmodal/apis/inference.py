"""Super-resolve a user's own LR sensor depth with an RGB guide: :func:`upsample`.

There is no HR ground truth at inference, so the D2A2 protocol's normalisation
(min-max with the HR min/max, DESIGN.md section 3) uses the min/max of the
**valid LR pixels** instead; the network's output is de-normalised with the same
two numbers, so the result is in the input's unit. Pipeline:

1. guide -> float RGB in [0, 1] (B=1, 3, H, W); LR depth -> (1, 1, h, w);
2. scale: given, or ``round(H / h)``; H, W must equal ``scale * (h, w)`` up to
   ``scale - 1`` pixels (padding by edge replication to the LR grid, cropped back
   after the network), else ``resize_guide=True`` resizes the guide to the
   network's grid and the output back to (H, W) (bicubic, anti-aliased);
3. invalid LR pixels (0, NaN, inf; :mod:`xmodal.apis.holes`) are left out of the
   min/max and filled by pull-push interpolation before the network;
4. the network runs whole or tiled (:mod:`xmodal.apis.tiling`);
5. ``consistent=True``: the DADA adjustment
   (:func:`xmodal.refine.lr_consistency_adjust`) in the file unit, so that
   ``avg_pool(out, scale) == lr`` on every valid LR pixel;
6. HR pixels whose LR cell and its 8 neighbours are all invalid are set invalid (NaN).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.ops import NNPACKConv2d, nnpack_available
from xmodal.refine import lr_consistency_adjust

from .holes import fill_invalid, invalid_mask, invalid_support_hr
from .tiling import tile_starts, tiled_forward

__all__ = ["MODEL_SCALES", "upsample", "resolve_device", "get_generator"]

logger = logging.getLogger("xmodal.apis")

#: Scales each named model runs at (bicubic: any positive integer).
MODEL_SCALES: dict[str, tuple[int, ...]] = {"d2a2": (4, 8, 16), "dsrdiff": (4, 8, 16)}

_CACHE: dict[tuple, nn.Module] = {}


def resolve_device(device: str | torch.device) -> torch.device:
    """Resolve ``'auto'`` (CUDA when available, else CPU), ``'cpu'`` or ``'cuda[:i]'``.

    Raises:
        ValueError: unknown device, or CUDA asked for but not available.
    """
    if isinstance(device, torch.device):
        device = str(device)
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        return torch.device("cpu")
    if isinstance(device, str) and device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {device!r} asked for but CUDA is not available; "
                             "use device 'cpu' or 'auto'")
        return torch.device(device)
    raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {device!r}")


def get_generator(model: str | nn.Module, scale: int, weights: str | Path | None) -> nn.Module:
    """The generator for a model name (cached per name/scale/weights) or a module as is.

    Args:
        model: ``'d2a2'`` (pretrained, :mod:`xmodal.weights`), ``'dsrdiff'`` (DSR-Diff
            GRN + DSRN; a weights file is needed, none is shipped), ``'bicubic'``
            (Pillow bicubic, no weights) or any generator module ``forward(lr, guide)``.
        scale: the integer scale factor.
        weights: weights file for ``'d2a2'`` (None: the shipped one) or ``'dsrdiff'``.

    Raises:
        FileNotFoundError: no weights for ``'d2a2'`` at ``scale``; ``'dsrdiff'``
            without ``weights``.
        ValueError: unknown model name, or a module whose ``scale`` differs.
    """
    if isinstance(model, nn.Module):
        own = getattr(model, "scale", scale)
        if own != scale:
            raise ValueError(f"the model is x{own} but the inputs are x{scale}")
        return model.eval()
    if model == "bicubic":
        from xmodal.models import Bicubic

        return Bicubic(scale=scale, backend="pil")
    if model not in MODEL_SCALES:
        raise ValueError(f"model must be 'd2a2', 'dsrdiff', 'bicubic' or an nn.Module, "
                         f"got {model!r}")
    if scale not in MODEL_SCALES[model]:
        raise ValueError(f"{model} runs at x{'/x'.join(map(str, MODEL_SCALES[model]))}, the "
                         f"inputs are x{scale}: pass --resize-guide, or use --model bicubic")
    key = (model, scale, str(weights))
    if key not in _CACHE:
        from xmodal.weights import build_generator

        _CACHE[key] = build_generator(model, scale, weights)[0]
    return _CACHE[key]


def _guide_tensor(rgb: Any) -> Tensor:
    if isinstance(rgb, np.ndarray):
        if rgb.ndim != 3 or rgb.shape[-1] != 3:
            got = rgb.shape[-1] if rgb.ndim == 3 else f"shape {rgb.shape}"
            raise ValueError(f"rgb must be an (H, W, 3) RGB array, got {got}"
                             + (" channels" if rgb.ndim == 3 else ""))
        t = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)
        uint8 = rgb.dtype == np.uint8
    elif isinstance(rgb, Tensor):
        t = rgb[0] if rgb.ndim == 4 and rgb.shape[0] == 1 else rgb
        if t.ndim != 3 or t.shape[0] != 3:
            raise ValueError(f"rgb must be a (3, H, W) or (1, 3, H, W) tensor, got shape "
                             f"{tuple(rgb.shape)}")
        uint8 = t.dtype == torch.uint8
    else:
        raise TypeError(f"rgb must be a numpy array or torch tensor, got {type(rgb).__name__}")
    t = t.float() / 255.0 if uint8 else t.float()
    if not bool(torch.isfinite(t).all()):
        raise ValueError("rgb contains NaN or inf values")
    if not uint8 and (t.min() < 0 or t.max() > 1):
        raise ValueError(f"a float rgb must lie in [0, 1], got range [{t.min():.3g}, {t.max():.3g}]"
                         "; pass uint8 for 8-bit images")
    return t[None]


def _depth_tensor(depth: Any) -> Tensor:
    if isinstance(depth, np.ndarray):
        if not (np.issubdtype(depth.dtype, np.floating) or np.issubdtype(depth.dtype, np.integer)):
            raise TypeError(f"depth_lr must be numeric, got dtype {depth.dtype}")
        t = torch.from_numpy(np.asarray(depth, dtype=np.float32))
    elif isinstance(depth, Tensor):
        t = depth.float()
    else:
        raise TypeError(f"depth_lr must be a numpy array or torch tensor, got "
                        f"{type(depth).__name__}")
    while t.ndim > 2 and t.shape[0] == 1:
        t = t[0]
    if t.ndim != 2:
        raise ValueError(f"depth_lr must be a single depth map (h, w), got shape "
                         f"{tuple(depth.shape)}")
    return t[None, None]


def _pick_scale(size_hr: tuple[int, int], size_lr: tuple[int, int], scale: int | None,
                model: str | nn.Module, resize_guide: bool) -> int:
    (hh, wh), (hl, wl) = size_hr, size_lr
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, int) or scale < 1):
        raise ValueError(f"scale must be a positive integer or None, got {scale!r}")
    if isinstance(model, nn.Module) and scale is None:
        scale = getattr(model, "scale", None)
    ratio = max(hh / hl, wh / wl)
    if resize_guide:
        if scale is not None:
            return scale
        options = MODEL_SCALES.get(model) if isinstance(model, str) else None
        if options is None:
            return max(1, math.ceil(ratio - 1e-6))
        fits = [s for s in options if s >= ratio - 1e-6]
        if not fits:
            raise ValueError(f"rgb is {ratio:.2f}x the depth, more than {model}'s x{options[-1]}")
        return fits[0]
    s = scale if scale is not None else max(1, round(hh / hl))
    ok = abs(hh - s * hl) < s and abs(wh - s * wl) < s
    if scale is None:
        ok = ok and round(wh / wl) == s
    if not ok:
        raise ValueError(
            f"rgb size {wh}x{hh} is not x{s} the depth size {wl}x{hl} (ratio "
            f"{wh / wl:.3f} x {hh / hl:.3f}; an integer scale is needed, up to scale-1 pixels of "
            "padding); pass resize_guide=True (--resize-guide) to resize the guide to the "
            "network's grid"
        )
    return s


def upsample(
    rgb: np.ndarray | Tensor,
    depth_lr: np.ndarray | Tensor,
    scale: int | None = None,
    model: str | nn.Module = "d2a2",
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
) -> np.ndarray | Tensor | tuple[np.ndarray | Tensor, dict]:
    """Super-resolve an LR depth map guided by an HR RGB image (no HR ground truth needed).

    Args:
        rgb: HR guide: uint8 or [0, 1] float array (H, W, 3), or tensor (3, H, W) /
            (1, 3, H, W), RGB channel order.
        depth_lr: LR depth (h, w) array or tensor ((1, h, w), (1, 1, h, w) too), any
            unit; 0, NaN and inf are invalid pixels.
        scale: integer scale factor; None infers it from the sizes (``round(H / h)``)
            or, with ``resize_guide``, picks the smallest scale of ``model`` that covers
            the size ratio.
        model: ``'d2a2'`` (shipped pretrained weights), ``'dsrdiff'`` (DSR-Diff GRN + DSRN,
            needs ``weights``; its GRN draws the starting noise from its fixed
            ``sample_seed``, so the output is deterministic; with ``tile`` every tile
            gets its own recovered guidance), ``'bicubic'`` or a generator module
            ``forward(lr (B,1,h,w), guide (B,3,H,W)) -> (B,1,H,W)`` on normalised depth.
        weights: D2A2 weights file (None: the shipped one for ``scale``) or DSR-Diff
            weights file (required; :mod:`xmodal.weights`).
        depth_unit: unit of ``depth_lr`` (``'mm'``, ``'m'``, ``'disparity'``); the
            computation is unit-free (min-max normalised), it is returned in the info.
        device: ``'auto'``, ``'cpu'`` or ``'cuda'``.
        tile: tile size in HR pixels (multiple of ``scale``) for bounded memory; None
            runs the whole image at once.
        overlap: tile overlap in HR pixels (multiple of ``scale``).
        consistent: apply the DADA LR-consistency adjustment after the network.
        fp16: float16 autocast (CUDA only).
        resize_guide: allow a guide whose size is not a multiple of the depth's.
        progress: show a tqdm bar over tiles.
        return_info: also return a dict of what was done (scale, counts, padding, ...).

    Returns:
        HR depth in the unit of ``depth_lr``, float32: an (H, W) numpy array for a
        numpy input, a tensor shaped like ``depth_lr`` (with H, W) on its device for a
        tensor input. Pixels whose whole LR support was invalid are NaN. With
        ``return_info``, ``(depth_hr, info)``.

    Raises:
        TypeError: inputs that are not arrays/tensors, or non-numeric depth.
        ValueError: a guide that is not 3-channel RGB or holds NaN, a depth with no valid
            pixel, sizes that are not an integer multiple (without ``resize_guide``),
            bad tile/overlap, ``fp16`` without CUDA, ``consistent`` with
            ``resize_guide``, an unsupported scale for ``model``.
        FileNotFoundError: no weights for ``model`` at ``scale`` (``'dsrdiff'``
            without ``weights``).

    Example:
        >>> rgb = np.zeros((64, 64, 3), np.uint8)
        >>> lr = np.full((16, 16), 1500.0, np.float32)
        >>> upsample(rgb, lr, model='bicubic').shape
        (64, 64)
    """
    guide = _guide_tensor(rgb)
    lr = _depth_tensor(depth_lr)
    out_device = depth_lr.device if isinstance(depth_lr, Tensor) else torch.device("cpu")
    dev = resolve_device(device)
    if fp16 and dev.type != "cuda":
        raise ValueError(f"fp16 needs a CUDA device, the device is {dev.type}")
    if consistent and resize_guide:
        raise ValueError("consistent=True needs an integer scale between guide and depth; it "
                         "cannot be combined with resize_guide")
    (hh, wh), (hl, wl) = guide.shape[-2:], lr.shape[-2:]
    invalid = invalid_mask(lr)
    n_invalid = int(invalid.sum())
    if n_invalid == invalid.numel():
        raise ValueError("depth_lr has no valid pixel (all zero, NaN or inf)")
    s = _pick_scale((hh, wh), (hl, wl), scale, model, resize_guide)
    net = get_generator(model, s, weights)

    valid_vals = lr[~invalid]
    dmin, dmax = float(valid_vals.min()), float(valid_vals.max())
    span = dmax - dmin if dmax > dmin else 1.0
    lr_norm = fill_invalid((lr - dmin) / span, invalid)
    # the network's grid: LR padded by edge replication to cover the guide
    if resize_guide:
        hl2, wl2 = hl, wl
        guide_net = F.interpolate(guide, size=(s * hl, s * wl), mode="bicubic",
                                  align_corners=False, antialias=True).clamp(0, 1)
    else:
        hl2, wl2 = math.ceil(hh / s), math.ceil(wh / s)
        guide_net = F.pad(guide, (0, s * wl2 - wh, 0, s * hl2 - hh), mode="replicate")
    pad_lr = (0, wl2 - wl, 0, hl2 - hl)
    lr_net = F.pad(lr_norm, pad_lr, mode="replicate") if any(pad_lr) else lr_norm
    invalid_net = F.pad(invalid.float(), pad_lr, mode="replicate") > 0.5 if any(pad_lr) \
        else invalid

    net = net.to(dev)
    # CPU fast path (docs/performance.md), only for xmodal's own generators (a user's
    # module is left as is): NCHW with every 3x3 convolution on NNPACK's Winograd
    # kernels where this torch has NNPACK, else channels-last (oneDNN convolutions and
    # the native DCN then all stay NHWC).
    fast_cpu = dev.type == "cpu" and isinstance(model, str)
    use_nnpack = fast_cpu and nnpack_available()
    if use_nnpack:
        net = NNPACKConv2d.convert(net)
    channels_last = fast_cpu and not use_nnpack
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    n_tiles = 1
    if tile is not None:
        n_tiles = len(tile_starts(hl2, tile // s, overlap // s)) * \
            len(tile_starts(wl2, tile // s, overlap // s)) if tile >= s else 1
    bar = None
    if progress and n_tiles > 1:
        from tqdm import tqdm

        bar = tqdm(total=n_tiles, desc="tiles", leave=False)
    with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16, enabled=fp16):
        lr_d, guide_d = lr_net.to(dev), guide_net.to(dev)
        if channels_last:
            guide_d = guide_d.contiguous(memory_format=torch.channels_last)
        if tile is None:
            pred = net(lr_d, guide_d).float()
        else:
            pred = tiled_forward(net, lr_d, guide_d, s, tile, overlap,
                                 progress=(lambda _: bar.update(1)) if bar else None)
        if bar is not None:
            bar.close()
        pred = pred.float() * span + dmin  # file unit
        if consistent:
            lr_file = torch.where(invalid_net, 0.0, lr_net * span + dmin).to(dev)
            pred = lr_consistency_adjust(pred, lr_file, s, valid=~invalid_net.to(dev))
        hole = invalid_support_hr(invalid_net.to(dev), s, tuple(pred.shape[-2:]))
        pred = pred.masked_fill(hole, float("nan"))
        if resize_guide and tuple(pred.shape[-2:]) != (hh, wh):
            hole_hr = F.interpolate(hole.float(), size=(hh, wh), mode="nearest") > 0.5
            pred = F.interpolate(torch.nan_to_num(pred, nan=dmin), size=(hh, wh),
                                 mode="bicubic", align_corners=False, antialias=True)
            pred = pred.masked_fill(hole_hr, float("nan"))
        pred = pred[..., :hh, :wh].to(out_device)
    n_invalid_hr = int(torch.isnan(pred).sum())
    info = {
        "scale": s, "lr_size": (hl, wl), "hr_size": (hh, wh), "depth_unit": depth_unit,
        "n_invalid_lr": n_invalid, "n_invalid_hr": n_invalid_hr, "depth_min": dmin,
        "depth_max": dmax, "padded": any(pad_lr) or (s * hl2, s * wl2) != (hh, wh),
        "resized_guide": bool(resize_guide and (s * hl, s * wl) != (hh, wh)),
        "tiles": n_tiles, "device": str(dev), "consistent": consistent,
    }
    logger.info("x%d %dx%d -> %dx%d: %d invalid LR pixels filled, %d HR pixels left invalid%s",
                s, wl, hl, wh, hh, n_invalid, n_invalid_hr,
                ", guide resized" if info["resized_guide"] else "")
    if isinstance(depth_lr, Tensor):
        out = pred.reshape(*depth_lr.shape[:-2], hh, wh)
    else:
        out = pred[0, 0].numpy()
    return (out, info) if return_info else out
