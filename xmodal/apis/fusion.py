"""Infrared-visible fusion of your own pairs: :func:`fuse`, :func:`fuse_file`, the weights loader.

A model of the fusion table (:data:`xmodal.fusion_zoo.FUSION_TABLE`, e.g.
``'ivifnet'``) fuses a grey infrared image (8- or 16-bit, scaled to [0, 1] by its bit depth)
with a visible image (8-bit RGB, or grey): the network fuses the IR with the
visible BT.601 luma Y, and the colour is recombined from the visible Cb / Cr
(JFIF YCbCr; Tang et al., SeAFusion, Inf. Fusion 2022, Sec. 3.1, the practice
of the field), so a grey visible image gives a grey output.

Weights (:func:`build_fusion_model`): a weights file is read with
``torch.load(weights_only=True)`` (:func:`xmodal.weights.load_weights_file`);
only the table's architecture is built, never a config read from the file, and
a file made for another architecture is refused. A file comes from a training
checkpoint of the fusion recipes through ``python -m xmodal.tools.export_weights``.

``--score`` figures (:func:`score_fusion`): the CDDFuse-convention metrics of
:class:`xmodal.evaluation.FusionMetric` (EN, SD, SF, AG, MI, SCD, VIF, Qabf,
SSIM) of the written 8-bit output, and of the average and max-abs fusion of the
same sources.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from xmodal.utils.images import ir_to_unit, read_ir_image, read_visible_image

from .depth_io import IMAGE_SUFFIXES, write_png
from .files import check_out_dir, pair_files
from .inferencer import resolve_device

__all__ = ["build_fusion_model", "fusion_tensors", "fuse", "score_fusion", "fusion_output_path",
           "pair_fusion_inputs", "fuse_file"]

#: The metric rows :func:`score_fusion` returns, in print order.
SCORE_ROWS = ("model", "avg", "maxabs")


def _weights_path(entry: Any, weights: str | Path | None) -> Path:
    from xmodal.weights import WEIGHTS_DIR, verify_sha256

    if weights is not None:
        path = Path(weights)
        if not path.is_file():
            raise FileNotFoundError(f"weights: file not found: {path}")
        return path
    if entry.weights is None:
        raise FileNotFoundError(
            f"no {entry.name} fusion weights are shipped yet: pass a weights file with "
            f"--weights FILE (weights=FILE), exported from a checkpoint of {entry.recipe} by "
            "python -m xmodal.tools.export_weights")
    path = Path(entry.weights.file)
    path = path if path.is_absolute() else WEIGHTS_DIR / path
    if not path.is_file():
        raise FileNotFoundError(f"weights: the fusion table lists {path} for {entry.name} but "
                                "the file is missing (reinstall xmodal, or pass --weights)")
    verify_sha256(path, entry.weights.sha256)
    return path


def build_fusion_model(model: str = "ivifnet", weights: str | Path | None = None
                       ) -> tuple[nn.Module, dict]:
    """Build a fusion model of the table with its weights, float32, eval mode, on the CPU.

    Args:
        model: a name of :data:`xmodal.fusion_zoo.FUSION_TABLE`.
        weights: an xmodal weights file (``export_weights``), a bare state dict or an
            mmengine checkpoint of the fusion recipe (its ``generator.`` entries); None:
            the shipped file (sha256-checked against the table).

    Returns:
        ``(network, meta)``: the table's architecture with the file's weights, and the
        file's metadata with ``'path'`` added.

    Raises:
        FileNotFoundError: the file is missing, or none is shipped and none given.
        ValueError: unknown model; an unreadable or unsafe file (nothing of it runs); a
            file whose architecture type is another network; weights that do not fit
            (missing or unexpected keys, other shapes, integer tensors where the network
            holds floats: loaded strictly, never cast).
    """
    from xmodal.fusion_zoo import get_fusion_entry
    from xmodal.registry import MODELS
    from xmodal.weights import load_state_dict_strict, load_weights_file

    entry = get_fusion_entry(model)
    path = _weights_path(entry, weights)
    loaded = load_weights_file(path)
    file_type = (loaded["arch"] or {}).get("type", entry.arch["type"])
    if file_type != entry.arch["type"]:
        raise ValueError(f"weights: {path} holds a {file_type} network, not the "
                         f"{entry.arch['type']} of --model {entry.name}")
    net = MODELS.build(dict(entry.arch))
    load_state_dict_strict(net, loaded["state_dict"], f"{path} does not fit {entry.name} "
                           f"({entry.arch['type']})")
    return net.eval(), dict(loaded["meta"], path=str(path))


def _unit_array(x: Any, name: str) -> np.ndarray:
    """uint8 / uint16 (by bit depth) or float [0, 1] array -> float32 [0, 1]; checked."""
    if isinstance(x, Tensor):
        x = x.detach().cpu().numpy()
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {type(x).__name__}")
    if x.dtype in (np.uint8, np.uint16):
        return ir_to_unit(x, name)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be uint8, uint16 or float, got dtype {x.dtype}")
    x = x.astype(np.float32)
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or inf values")
    if x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"a float {name} must lie in [0, 1], got range [{x.min():.3g}, "
                         f"{x.max():.3g}]; pass uint8 / uint16 for integer images")
    return x


def fusion_tensors(ir: Any, vis: Any) -> tuple[Tensor, Tensor]:
    """Check a pair and turn it into the network's inputs.

    Args:
        ir: (H, W) grey infrared: uint8, uint16 (divided by 255 / 65535) or float in [0, 1].
        vis: (H, W, 3) RGB or (H, W) grey visible: uint8 or float in [0, 1] (uint16
            allowed, scaled likewise); a grey image becomes three equal channels.

    Returns:
        ``(ir (1, 1, H, W), vis (1, 3, H, W))`` float32 tensors in [0, 1].

    Raises:
        TypeError: not an array/tensor, or a non-numeric dtype.
        ValueError: wrong shapes, sizes that differ (the pair must be registered),
            an empty image, NaN/inf, floats outside [0, 1].
    """
    a, b = _unit_array(ir, "ir"), _unit_array(vis, "vis")
    if a.ndim != 2:
        raise ValueError(f"ir must be a grey (H, W) image, got shape {a.shape}")
    if b.ndim == 2:
        b = np.repeat(b[..., None], 3, axis=2)
    if b.ndim != 3 or b.shape[2] != 3:
        raise ValueError(f"vis must be (H, W, 3) RGB or (H, W) grey, got shape {b.shape}")
    if a.shape != b.shape[:2]:
        raise ValueError(f"ir size {a.shape[1]}x{a.shape[0]} differs from vis size "
                         f"{b.shape[1]}x{b.shape[0]}: the pair must be registered (same size)")
    if a.size == 0:
        raise ValueError(f"ir and vis are empty: shape {a.shape}")
    return (torch.from_numpy(a)[None, None],
            torch.from_numpy(np.ascontiguousarray(b.transpose(2, 0, 1)))[None])


def _network(model: str | nn.Module, weights: str | Path | None) -> nn.Module:
    if isinstance(model, nn.Module):
        if weights is not None:
            raise ValueError("weights: pass a weights file with a model name, not with a module")
        return model.eval()
    return build_fusion_model(model, weights)[0]


def fuse(ir: Any, vis: Any, model: str | nn.Module = "ivifnet",
         weights: str | Path | None = None, device: str = "cpu") -> np.ndarray:
    """Fuse one registered infrared / visible pair.

    Args:
        ir, vis: see :func:`fusion_tensors` (same H, W).
        model: a name of :data:`xmodal.fusion_zoo.FUSION_TABLE`, or a built network (e.g. from
            :func:`build_fusion_model`, to fuse many pairs with one load).
        weights: weights file for a named model (None: the shipped one).
        device: ``'cpu'``, ``'cuda'`` or ``'auto'``.

    Returns:
        float32 (H, W, 3) RGB in [0, 1]: the fused luma with the visible Cb / Cr.

    Raises:
        TypeError, ValueError: bad inputs (:func:`fusion_tensors`), device or model.
        FileNotFoundError: weights missing (:func:`build_fusion_model`).
    """
    dev = resolve_device(device)
    ir_t, vis_t = fusion_tensors(ir, vis)
    net = _network(model, weights).to(dev)
    with torch.no_grad():
        rgb = net.fuse_rgb(ir_t.to(dev), vis_t.to(dev))
    return rgb[0].permute(1, 2, 0).float().cpu().numpy()


def score_fusion(ir: Tensor, vis: Tensor, fused: Tensor) -> dict[str, dict[str, float]]:
    """CDDFuse-convention metrics of a fused image and of the average / max-abs baselines.

    Args:
        ir: (1, H, W) infrared in [0, 1]; vis: (3, H, W) visible in [0, 1];
        fused: (3, H, W) or (1, H, W) fused image in [0, 1].

    Returns:
        ``{'model' | 'avg' | 'maxabs': {metric: value}}`` over EN, SD, SF, AG, MI, SCD,
        VIF, Qabf, SSIM (:class:`xmodal.evaluation.FusionMetric`, ``'cddfuse'``).

    Raises:
        ValueError: shapes differ, or an image too small or constant to score.
    """
    from mmengine.structures import BaseDataElement

    from xmodal.evaluation import FusionMetric
    from xmodal.evaluation.fusion_metrics import FUSION_METRICS

    metric = FusionMetric(with_baselines=True)
    sample = BaseDataElement(pred_fused=fused, metainfo=dict(img_name=""))
    metric.process({"inputs": {"ir": [ir], "vis": [vis]}}, [sample])
    res = metric.results[0]
    return {row: {n: res[n if row == "model" else f"{row}/{n}"] for n in FUSION_METRICS}
            for row in SCORE_ROWS}


def fusion_output_path(ir_path: str | Path, out_dir: str | Path) -> Path:
    """``<out_dir>/<IR stem>_fused.png``, the file :func:`fuse_file` writes."""
    return Path(out_dir) / f"{Path(ir_path).stem}_fused.png"


def pair_fusion_inputs(ir: str | Path, vis: str | Path) -> list[tuple[Path, Path]]:
    """Pair IR and visible inputs: two files, or two folders paired by image id.

    As ``xmodal upsample`` pairs its folders (:func:`xmodal.apis.files.pair_files`): the
    stems must agree once a tag shared by every file of a folder is removed
    (``0001_ir.png`` <-> ``0001_vis.jpg``).

    Raises:
        FileNotFoundError: a path does not exist.
        ValueError: a file next to a folder, an unsupported suffix, ambiguous or
            unpaired ids (listed).
    """
    pairs = pair_files({"ir": ir, "vis": vis}, {"ir": IMAGE_SUFFIXES, "vis": IMAGE_SUFFIXES},
                       "xmodal fuse")
    return [(p[0], p[1]) for p in pairs]


def fuse_file(ir_path: str | Path, vis_path: str | Path, out_dir: str | Path,
              model: str | nn.Module = "ivifnet", weights: str | Path | None = None,
              device: str = "cpu", drop_alpha: bool = False, overwrite: bool = True,
              score: bool = False) -> dict:
    """Fuse one file pair and write ``<IR stem>_fused.png`` (8-bit RGB) atomically.

    Everything (reading, checks, fusion, scores) is done before the file is
    written, through :func:`xmodal.apis.atomic.atomic_write`, so a failure leaves
    nothing behind.

    Args:
        ir_path: grey IR image, 8- or 16-bit. vis_path: 8-bit RGB or grey visible image.
        out_dir: output folder (created).
        model, weights, device: as :func:`fuse`.
        drop_alpha: accept an RGBA visible image by dropping alpha (default: refused).
        overwrite: replace an existing output (False: refuse before any compute).
        score: also return the metrics of :func:`score_fusion` on the written image.

    Returns:
        ``{'output': path, 'scores': {...}}`` (``scores`` with ``score=True``).

    Raises:
        FileNotFoundError, ValueError, TypeError: bad files or arguments (the message
            names the input); an existing output with ``overwrite=False``.
        OSError: the output cannot be written (the message names it).
    """
    check_out_dir(out_dir)
    target = fusion_output_path(ir_path, out_dir)
    if not overwrite and target.exists():
        raise ValueError(f"out: {target} exists (--no-overwrite)")
    ir = read_ir_image(ir_path, "ir")
    vis = read_visible_image(vis_path, "vis", drop_alpha=drop_alpha)
    try:
        ir_t, vis_t = fusion_tensors(ir, vis)
    except ValueError as err:
        raise ValueError(f"{err} ({Path(ir_path).name}, {Path(vis_path).name})") from None
    fused = np.rint(fuse(ir, vis, model, weights, device) * 255.0).astype(np.uint8)
    result: dict = {}
    if score:
        fused_t = torch.from_numpy(fused.transpose(2, 0, 1).astype(np.float32) / 255.0)
        result["scores"] = score_fusion(ir_t[0], vis_t[0], fused_t)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    write_png(target, fused)
    return dict(result, output=str(target))
