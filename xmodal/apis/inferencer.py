"""The GDSR inferencer: preprocess -> forward -> postprocess, on the inferencer's own model.

The OpenMMLab inference convention (mmengine's ``BaseInferencer``, mmagic's
image super-resolution inferencer): one object owns a model and runs an input
through three short steps. Models come from xmodal's model table
(:mod:`xmodal.zoo`), not from mmengine config files, so the class does not
inherit ``BaseInferencer``'s config and metafile loading.

1. :meth:`GDSRInferencer.preprocess`: guide -> float RGB in [0, 1] (1, 3, H, W);
   LR depth -> (1, 1, h, w); invalid LR pixels (0, NaN, inf;
   :mod:`xmodal.apis.holes`) left out of the min-max normalisation (there is no HR
   ground truth at inference, so the D2A2 preset's min-max uses the valid LR
   pixels) and filled by pull-push interpolation; with ``register`` the LR moved
   by the global translation that best aligns its edges with the guide's
   (:class:`xmodal.align.GuideRegistration`); scale given or inferred; the
   network's grid: LR padded by edge replication to cover the guide (up to
   ``scale - 1`` pixels), or with ``resize_guide`` the guide resized (bicubic,
   anti-aliased) to ``scale * (h, w)``;
2. :meth:`GDSRInferencer.forward`: the network, whole or tiled
   (:mod:`xmodal.apis.tiling`), float16 autocast on CUDA if asked;
3. :meth:`GDSRInferencer.postprocess`: de-normalisation to the input's unit, the
   LR-consistency adjustment (:func:`xmodal.refine.lr_consistency_adjust`) if asked,
   NaN on HR pixels whose LR cell and its 8 neighbours are all invalid, crop or
   resize back to the guide's size, and a last check that the output holds no other
   NaN and is not constant when the input is not;
4. :meth:`GDSRInferencer.visualize` (optional): the output and input coloured on one
   scale, and with a ground truth the error map.

The inferencer never changes a module passed in by the user: it runs a deep copy
(moved to the device, in eval mode). Its own copies run the blocks' in-place
inference forwards (:func:`xmodal.models.convert_inplace`: fewer fresh full-size
feature maps, same outputs), and on CPU the models of the table are converted
to NNPACK's Winograd 3x3 convolutions (:class:`xmodal.ops.NNPACKConv2d`), or to
channels-last where torch has no NNPACK.
"""

from __future__ import annotations

import copy
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from xmodal.align import GuideRegistration, translate
from xmodal.models import convert_inplace
from xmodal.ops import NNPACKConv2d, nnpack_available
from xmodal.refine import lr_consistency_adjust
from xmodal.utils import invalid_depth
from xmodal.weights import build_generator
from xmodal.zoo import default_model, default_scales, get_model_entry

from .depth_io import check_depth_unit, colourise
from .holes import fill_invalid, invalid_mask, invalid_support_hr
from .inputs import check_depth_values, check_tiling, depth_tensor, guide_tensor, pick_scale
from .tiling import tile_starts, tiled_forward

__all__ = ["GDSRInferencer", "GDSRBatch", "resolve_device"]

logger = logging.getLogger("xmodal.apis")


def resolve_device(device: str | torch.device) -> torch.device:
    """Resolve ``'auto'`` (CUDA when available, else CPU), ``'cpu'`` or ``'cuda[:i]'``.

    Args:
        device: the device name, or a :class:`torch.device`.

    Returns:
        The :class:`torch.device`.

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


@dataclass
class GDSRBatch:
    """One preprocessed input, as :meth:`GDSRInferencer.forward` takes it.

    Args:
        lr: normalised, hole-filled LR depth on the network's grid (1, 1, h', w').
        guide: guide on the network's grid (1, 3, s*h', s*w'), float in [0, 1].
        invalid: invalid LR pixels on the network's grid, bool (1, 1, h', w').
        scale: integer scale factor s.
        dmin: minimum of the valid LR pixels (input unit).
        dmax: maximum of the valid LR pixels (input unit).
        hr_size: (H, W) of the guide (the output size).
        lr_size: (h, w) of the LR depth as given.
        resized: the guide was resized to the network's grid.
        n_invalid: invalid LR pixels.
        like: the depth input when it was a tensor (the output takes its shape and
            device), else None (numpy output).
        tiles: tiles run by :meth:`GDSRInferencer.forward` (set there).
        shift: the registration's (dy, dx) in guide pixels, None without ``register``.
    """

    lr: Tensor
    guide: Tensor
    invalid: Tensor
    scale: int
    dmin: float
    dmax: float
    hr_size: tuple[int, int]
    lr_size: tuple[int, int]
    resized: bool
    n_invalid: int
    like: Tensor | None
    tiles: int = 1
    shift: tuple[int, int] | None = None

    @property
    def span(self) -> float:
        """``dmax - dmin`` (1 for a constant depth), the normalisation's divisor."""
        return self.dmax - self.dmin if self.dmax > self.dmin else 1.0

    @property
    def padded(self) -> bool:
        """The network's grid is larger than the input (edge-replicated)."""
        h2, w2 = self.lr.shape[-2:]
        return (h2, w2) != self.lr_size or (self.scale * h2, self.scale * w2) != self.hr_size


def _network_grid(guide: Tensor, lr: Tensor, invalid: Tensor, s: int, resize: bool):
    """Guide, LR and invalid mask on the network's grid (see the module docstring)."""
    (hh, wh), (hl, wl) = guide.shape[-2:], lr.shape[-2:]
    if resize:
        hl2, wl2 = hl, wl
        guide = F.interpolate(guide, size=(s * hl, s * wl), mode="bicubic",
                              align_corners=False, antialias=True).clamp(0, 1)
    else:
        hl2, wl2 = math.ceil(hh / s), math.ceil(wh / s)
        guide = F.pad(guide, (0, s * wl2 - wh, 0, s * hl2 - hh), mode="replicate")
    pad = (0, wl2 - wl, 0, hl2 - hl)
    if any(pad):
        lr = F.pad(lr, pad, mode="replicate")
        invalid = F.pad(invalid.float(), pad, mode="replicate") > 0.5
    return guide, lr, invalid


def _register(lr: Tensor, invalid: Tensor, guide: Tensor, max_shift: int):
    """LR (filled) and its invalid mask moved onto the guide (module docstring, step 1)."""
    reg = GuideRegistration(max_shift)
    moved, shift = reg(lr, guide)
    invalid = translate(invalid.float(), reg.lr_pixels(shift, lr, guide)) > 0.5
    dy, dx = int(shift[0, 0]), int(shift[0, 1])
    if max_shift > 0 and max(abs(dy), abs(dx)) == max_shift:
        logger.warning("registration shift (%d, %d) lies at the search limit (%d guide pixels): "
                       "the true shift may be larger, or the edges did not match", dy, dx,
                       max_shift)
    return moved, invalid, (dy, dx)


def check_output(pred: Tensor, hole: Tensor, batch: GDSRBatch, name: str) -> None:
    """Refuse an output with NaN/inf where the input had valid support, or a constant one.

    Raises:
        RuntimeError: the message names the model and what went wrong; nothing is
            written by the callers.
    """
    bad = ~torch.isfinite(pred) & ~hole
    if bool(bad.any()):
        raise RuntimeError(f"{name} x{batch.scale} produced {int(bad.sum())} NaN/inf pixels "
                           "where the LR depth is valid; no output is written")
    valid = pred[~hole]
    if batch.dmax > batch.dmin and valid.numel() > 1 and bool(valid.max() == valid.min()):
        raise RuntimeError(f"{name} x{batch.scale} produced a constant output "
                           f"({float(valid[0]):.6g}) from a non-constant LR depth; no output "
                           "is written")


def check_output_shape(pred: object, guide: Tensor, name: str) -> None:
    """Refuse a network output that is not (B, 1, H, W) at the guide's size (never resized).

    Raises:
        RuntimeError: the message names the model, the shape it returned and the one
            expected.
    """
    expected = (guide.shape[0], 1, *guide.shape[-2:])
    got = tuple(pred.shape) if isinstance(pred, Tensor) else type(pred).__name__
    if got != expected:
        raise RuntimeError(f"{name} returned {got}, expected a tensor of shape {expected} "
                           "(batch, 1, guide height, guide width); nothing is resized")


def available_memory(device: torch.device) -> int | None:
    """Bytes free for tensors on ``device`` (Linux ``MemAvailable`` on CPU), None if unknown."""
    if device.type == "cuda":
        return int(torch.cuda.mem_get_info(device)[0])
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(net: nn.Module, batch: GDSRBatch, device: torch.device, name: str) -> None:
    """Refuse, before any compute, an untiled run whose memory lower bound exceeds what is free.

    The bound is float32 guide + output + one feature map at the output size (the
    widest convolution's channels / 4, a pixel-shuffle input): a network needs at
    least that much, so nothing that could run is refused.

    Raises:
        RuntimeError: the message gives the estimate, the free memory and the ``tile``
            hint.
    """
    widths = [m.out_channels for m in net.modules() if isinstance(m, nn.Conv2d)]
    channels = max(widths) // 4 if widths else 0
    h, w = batch.guide.shape[-2:]
    need = 4 * h * w * (3 + 1 + channels)
    free = available_memory(device)
    if free is not None and need > free:
        raise RuntimeError(f"{name} x{batch.scale} needs at least {need / 2**30:.1f} GiB for a "
                          f"{w}x{h} output, {free / 2**30:.1f} GiB are free: pass --tile 512 "
                          "(tile=512) to run it tile by tile")


def _memory_error(err: RuntimeError, name: str, batch: GDSRBatch, tile: int | None
                  ) -> RuntimeError:
    """An out-of-memory error in one line with the input size and the ``--tile`` hint."""
    text = str(err)
    if not (isinstance(err, torch.OutOfMemoryError) or "allocate" in text
            or "out of memory" in text):
        return err
    h, w = batch.hr_size
    hint = "a smaller --tile" if tile is not None else "--tile 512 (tile=512)"
    return RuntimeError(f"{name} x{batch.scale} ran out of memory on a {w}x{h} output: pass "
                        f"{hint} to run it tile by tile, or use a smaller input")


class GDSRInferencer:
    """Guided depth super-resolution of a user's own LR depth with an RGB guide.

    Args:
        model: a name of the model table (:data:`xmodal.zoo.MODEL_TABLE`: ``'d2a2'``,
            ``'dsrdiff'``, ``'bicubic'``, ``'dada'``, ...), None for the table's default
            model at the input's scale, or a generator module ``forward(lr (B,1,h,w),
            guide (B,3,H,W)) -> (B,1,H,W)`` on normalised depth (a deep copy of it is run;
            the module itself is never moved, converted or switched to eval mode).
        weights: weights file for a named model (None: the shipped one).
        device: ``'auto'``, ``'cpu'`` or ``'cuda[:i]'``.
        fp16: float16 autocast (CUDA only).

    Shape:
        - rgb: (H, W, 3) uint8/float array, or (3, H, W) / (1, 3, H, W) tensor.
        - depth_lr: (h, w) array or tensor ((1, h, w), (1, 1, h, w) too), any unit.
        - output: (H, W) float32 array, or a tensor shaped like ``depth_lr`` with (H, W).

    Raises:
        TypeError: ``model`` neither a name, None nor an ``nn.Module``.
        ValueError: unknown model name or device, ``fp16`` without CUDA.

    Example:
        >>> import numpy as np
        >>> infer = GDSRInferencer('bicubic', device='cpu')
        >>> infer(np.zeros((64, 64, 3), np.uint8), np.full((16, 16), 1.5, np.float32)).shape
        (64, 64)
    """

    def __init__(self, model: str | nn.Module | None = None, weights: str | Path | None = None,
                 device: str | torch.device = "auto", fp16: bool = False) -> None:
        self.device = resolve_device(device)
        if fp16 and self.device.type != "cuda":
            raise ValueError(f"fp16 needs a CUDA device, the device is {self.device.type}")
        if isinstance(model, str):
            get_model_entry(model)
        elif model is not None and not isinstance(model, nn.Module):
            raise TypeError(f"model must be a model name, None or an nn.Module, got "
                            f"{type(model).__name__}")
        self.model = model
        self.weights = weights
        self.fp16 = fp16
        fast_cpu = self.device.type == "cpu" and not isinstance(model, nn.Module)
        self._nnpack = fast_cpu and nnpack_available()
        self._channels_last = fast_cpu and not self._nnpack
        self._nets: dict[int, nn.Module] = {}

    def model_name(self, scale: int) -> str:
        """The table name run at ``scale`` (``'module'`` for a user's module)."""
        if isinstance(self.model, nn.Module):
            return "module"
        return self.model if self.model is not None else default_model(scale)

    def network(self, scale: int) -> nn.Module:
        """The inferencer's own generator at ``scale`` (built once, then cached).

        Raises:
            ValueError / FileNotFoundError: as :func:`xmodal.weights.build_generator`;
                a user module whose ``scale`` attribute differs.
        """
        if scale not in self._nets:
            self._nets[scale] = self._build(scale)
        return self._nets[scale]

    def _build(self, scale: int) -> nn.Module:
        if isinstance(self.model, nn.Module):
            own = getattr(self.model, "scale", scale)
            if own != scale:
                raise ValueError(f"the model is x{own} but the inputs are x{scale}")
            return convert_inplace(copy.deepcopy(self.model).eval().to(self.device))
        net = build_generator(self.model_name(scale), scale, self.weights)[0].to(self.device)
        net = convert_inplace(net)
        if self._nnpack:
            net = NNPACKConv2d.convert(net)
        if self._channels_last:
            net = net.to(memory_format=torch.channels_last)
        return net

    def _scale_options(self) -> tuple[int, ...] | None:
        if isinstance(self.model, nn.Module):
            return None
        if self.model is None:
            return default_scales()
        return get_model_entry(self.model).scales

    def preprocess(self, rgb: Any, depth_lr: Any, scale: int | None = None,
                   resize_guide: bool = False, register: int | None = None) -> GDSRBatch:
        """Check, normalise, fill and grid the inputs (step 1 of the module docstring).

        Raises:
            TypeError, ValueError: see :func:`xmodal.apis.upsample`.
        """
        guide, lr = guide_tensor(rgb), depth_tensor(depth_lr)
        invalid = invalid_mask(lr)
        check_depth_values(lr, invalid)
        if scale is None and isinstance(self.model, nn.Module):
            scale = getattr(self.model, "scale", None)
        name = self.model if isinstance(self.model, str) else "the default model"
        s = pick_scale(tuple(guide.shape[-2:]), tuple(lr.shape[-2:]), scale,
                       self._scale_options(), resize_guide, name)
        valid = lr[~invalid]
        dmin, dmax = float(valid.min()), float(valid.max())
        span = dmax - dmin if dmax > dmin else 1.0
        lr_norm = fill_invalid((lr - dmin) / span, invalid)
        shift = None
        if register is not None:
            lr_norm, invalid, shift = _register(lr_norm, invalid, guide, register)
        guide_g, lr_g, invalid_g = _network_grid(guide, lr_norm, invalid, s, resize_guide)
        hr_size = (guide.shape[-2], guide.shape[-1])
        return GDSRBatch(
            lr=lr_g, guide=guide_g, invalid=invalid_g, scale=s, dmin=dmin, dmax=dmax,
            hr_size=hr_size, lr_size=(lr.shape[-2], lr.shape[-1]),
            resized=bool(resize_guide and (s * lr.shape[-2], s * lr.shape[-1]) != hr_size),
            n_invalid=int(invalid.sum()),
            like=depth_lr if isinstance(depth_lr, Tensor) else None, shift=shift)

    def forward(self, batch: GDSRBatch, tile: int | None = None, overlap: int = 32,
                progress: bool = False) -> Tensor:
        """Run the network on ``batch``, whole or tiled; normalised HR depth (1, 1, sh', sw').

        Raises:
            ValueError: bad tile/overlap, or an input too small for the model (the
                network's own message, prefixed with the model and the LR size).
            RuntimeError: the network returned another shape than (1, 1, H, W) at
                the guide's size (:func:`check_output_shape`: never resized), or ran
                out of memory (one line with the output size and the ``tile`` hint).
                Untiled, also when the memory lower bound exceeds the free memory
                (:func:`check_memory`, before any compute).
        """
        s = batch.scale
        check_tiling(tile, overlap, s)
        net = self.network(s)
        h2, w2 = batch.lr.shape[-2:]
        if tile is not None:
            batch.tiles = len(tile_starts(h2, tile // s, overlap // s)) * len(
                tile_starts(w2, tile // s, overlap // s))
        if tile is None:
            check_memory(net, batch, self.device, self.model_name(s))
        bar = _progress_bar(batch.tiles) if progress and batch.tiles > 1 else None
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16,
                                                    enabled=self.fp16):
            lr, guide = batch.lr.to(self.device), batch.guide.to(self.device)
            if self._channels_last:
                guide = guide.contiguous(memory_format=torch.channels_last)
            try:
                if tile is None:
                    out = net(lr, guide).float()
                else:
                    out = tiled_forward(net, lr, guide, s, tile, overlap,
                                        progress=(lambda _: bar.update(1)) if bar else None)
            except ValueError as err:
                raise ValueError(f"{self.model_name(s)} x{s} cannot run on an LR depth of "
                                 f"{w2}x{h2}: {err}") from None
            except RuntimeError as err:
                raise _memory_error(err, self.model_name(s), batch, tile) from None
            finally:
                if bar is not None:
                    bar.close()
        check_output_shape(out, guide, f"{self.model_name(s)} x{s}")
        return out

    def postprocess(self, pred: Tensor, batch: GDSRBatch, consistent: bool = False,
                    return_info: bool = False) -> Any:
        """De-normalise, adjust, mask, crop/resize and check (step 3 of the module docstring).

        Returns:
            The HR depth (numpy (H, W) or a tensor shaped like the input), and with
            ``return_info`` a dict of what was done.

        Raises:
            RuntimeError: NaN/inf where the input had valid support, or a constant
                output from a non-constant input (:func:`check_output`).
        """
        s, (hh, wh) = batch.scale, batch.hr_size
        with torch.inference_mode():
            pred = pred.float() * batch.span + batch.dmin  # input unit
            invalid = batch.invalid.to(pred.device)
            if consistent:
                lr_file = torch.where(invalid, 0.0, batch.lr.to(pred.device) * batch.span
                                      + batch.dmin)
                pred = lr_consistency_adjust(pred, lr_file, s, valid=~invalid)
            hole = invalid_support_hr(invalid, s, tuple(pred.shape[-2:]))
            if batch.resized:  # holes enter the resize as the minimum, then are masked
                pred = F.interpolate(pred.masked_fill(hole, batch.dmin), size=(hh, wh),
                                     mode="bicubic", align_corners=False, antialias=True)
                hole = F.interpolate(hole.float(), size=(hh, wh), mode="nearest") > 0.5
            pred, hole = pred[..., :hh, :wh], hole[..., :hh, :wh]
            check_output(pred, hole, batch, self.model_name(s))
            pred = pred.masked_fill(hole, float("nan"))
        info = self._info(batch, pred, consistent)
        pred = pred.to(batch.like.device) if batch.like is not None else pred.cpu()
        out = (pred.reshape(*batch.like.shape[:-2], hh, wh) if batch.like is not None
               else pred[0, 0].numpy())
        return (out, info) if return_info else out

    @staticmethod
    def visualize(pred: np.ndarray, depth_lr: np.ndarray, info: dict,
                  gt: np.ndarray | None = None, colormap: str | None = "turbo",
                  error_factor: float = 1.0) -> dict[str, np.ndarray]:
        """Colour images of one result (the visualize step of the inferencer convention).

        Args:
            pred: HR depth (H, W) as returned (NaN = invalid).
            depth_lr: the LR depth (h, w) that was given, same unit (0/NaN/inf = hole).
            info: the call's info dict (``return_info=True``); its ``depth_min`` /
                ``depth_max`` are the one colour scale of the output and the input.
            gt: optional HR ground truth (H, W), NaN where invalid.
            colormap: matplotlib colormap of the depth images; None: no depth images
                (the error map then uses ``'magma'``).
            error_factor: multiplier from the depth unit to the error map's unit.

        Returns:
            uint8 RGB images (H, W, 3) / (h, w, 3): ``'sr_color'`` and ``'lr_color'``
            (with ``colormap``; holes black) and ``'error'`` (with ``gt``: the absolute
            error coloured from 0 to its 99th percentile).

        Raises:
            ValueError: unknown colormap.
        """
        images = {}
        if colormap:
            lr = np.asarray(depth_lr, np.float32)
            lr_shown = np.where(invalid_depth(lr), np.nan, lr)
            for key, arr in (("sr_color", pred), ("lr_color", lr_shown)):
                images[key] = colourise(arr, info["depth_min"], info["depth_max"], colormap)
        if gt is not None:
            err = np.abs(pred - gt) * error_factor
            top = float(np.nanpercentile(err, 99)) if np.isfinite(err).any() else 1.0
            images["error"] = colourise(err, 0.0, max(top, 1e-6), colormap or "magma")
        return images

    def _info(self, batch: GDSRBatch, pred: Tensor, consistent: bool) -> dict:
        (hh, wh), (hl, wl) = batch.hr_size, batch.lr_size
        info = {
            "scale": batch.scale, "model": self.model_name(batch.scale), "lr_size": (hl, wl),
            "hr_size": (hh, wh), "n_invalid_lr": batch.n_invalid,
            "n_invalid_hr": int(torch.isnan(pred).sum()), "depth_min": batch.dmin,
            "depth_max": batch.dmax, "padded": batch.padded, "resized_guide": batch.resized,
            "tiles": batch.tiles, "device": str(self.device), "consistent": consistent,
            "registration_shift": batch.shift,
        }
        logger.info("%s x%d %dx%d -> %dx%d: %d invalid LR pixels filled, %d HR pixels left "
                    "invalid%s%s", info["model"], batch.scale, wl, hl, wh, hh, batch.n_invalid,
                    info["n_invalid_hr"], ", guide resized" if batch.resized else "",
                    "" if batch.shift is None else
                    f", LR registered by (dy, dx) = {batch.shift} guide pixels")
        return info

    def __call__(self, rgb: Any, depth_lr: Any, scale: int | None = None,
                 depth_unit: str | None = None, tile: int | None = None, overlap: int = 32,
                 consistent: bool = False, resize_guide: bool = False, progress: bool = False,
                 return_info: bool = False, register: int | None = None) -> Any:
        """preprocess -> forward -> postprocess; arguments as :func:`xmodal.apis.upsample`."""
        check_depth_unit(depth_unit)
        check_tiling(tile, overlap)
        if consistent and resize_guide:
            raise ValueError("consistent=True needs an integer scale between guide and depth; "
                             "it cannot be combined with resize_guide")
        batch = self.preprocess(rgb, depth_lr, scale, resize_guide, register)
        check_tiling(tile, overlap, batch.scale)
        self.network(batch.scale)  # weights errors before any compute
        pred = self.forward(batch, tile, overlap, progress)
        result = self.postprocess(pred, batch, consistent, return_info)
        if return_info:
            result[1]["depth_unit"] = depth_unit
        return result


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="tiles", leave=False)
