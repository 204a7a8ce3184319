"""Super-resolve the real TTSR demo LR with its reference and save PNGs (README demo).

``python -m xmodal.models.refsr.demo recipes/refsr_dcsr_x4.py CKPT --out-dir OUT``
writes ``OUT/sr.png`` (RefSRNet) and ``OUT/bicubic.png`` (torch bicubic) for
``refsr/ttsr_demo/lr/0.png`` (125x88 HxW, no ground truth) with ``ref/0.png``
cropped at the top-left to multiples of the scale (500x370 -> 500x368 at x4).
``CKPT`` (an mmengine checkpoint or a state dict) is read with
:func:`xmodal.engine.load_checkpoint` (``weights_only=True``); a missing,
corrupt or unsafe file, another model's checkpoint (keys or shapes differ), integer
weights where the model holds floats (never cast), missing
demo images and an output folder that is a file end with one ``error:`` line naming
it; the two PNGs are written as one all-or-nothing set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.config import Config
from PIL import Image

from ...datasets.refsr import resolve_refsr_root
from ...engine.checkpoint import CheckpointError, check_checkpoint_fits, load_checkpoint
from ...registry import MODELS
from ...utils.images import read_rgb_image

__all__ = ["main"]


def _load(path: Path) -> torch.Tensor:
    arr = read_rgb_image(path).astype(np.float32) / 255.0
    return torch.from_numpy(arr.transpose(2, 0, 1).copy())[None]


def _png(x: torch.Tensor):
    """A writer of ``x`` (1, 3, H, W) in [0, 1] as an 8-bit RGB PNG."""
    arr = np.rint(x[0].clamp(0, 1).numpy().transpose(1, 2, 0) * 255).astype(np.uint8)
    return lambda fh: Image.fromarray(arr).save(fh, format="PNG")


def _state_dict(path: str, model: torch.nn.Module) -> dict:
    """The checkpoint's state dict, refused unless it fits ``model`` (keys, shapes, dtype kinds)."""
    try:
        state = load_checkpoint(path)
        check_checkpoint_fits(model, state, path)
    except (FileNotFoundError, CheckpointError) as err:
        raise SystemExit(f"error: {err}") from None
    return state.get("state_dict", state)


def _inputs(data_root: str | None) -> tuple[torch.Tensor, torch.Tensor]:
    """The demo's LR and reference, or one ``error:`` line naming what is missing."""
    try:
        root = Path(data_root) if data_root else resolve_refsr_root()
        return _load(root / "lr" / "0.png"), _load(root / "ref" / "0.png")
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f"error: {err}") from None


def _write(out: Path, sr: torch.Tensor, bicubic: torch.Tensor) -> None:
    """``sr.png`` and ``bicubic.png`` as one all-or-nothing set (:mod:`xmodal.apis.atomic`)."""
    from xmodal.apis.atomic import atomic_outputs

    try:
        out.mkdir(parents=True, exist_ok=True)
        with atomic_outputs([out / "sr.png", out / "bicubic.png"]) as outputs:
            outputs.write(out / "sr.png", _png(sr))
            outputs.write(out / "bicubic.png", _png(bicubic))
    except OSError as err:
        raise SystemExit(f"error: {err}") from None


def _check_out_dir(out: Path) -> None:
    from xmodal.apis.files import check_out_dir

    try:
        check_out_dir(out)
    except ValueError as err:
        raise SystemExit(f"error: {err}") from None


def main(argv: list[str] | None = None) -> None:
    """Entry point (see the module docstring).

    Raises:
        SystemExit: one ``error:`` line: a missing, unsafe or other model's checkpoint,
            missing demo images, an output folder that is a file or not writable.
    """
    p = argparse.ArgumentParser(description="RefSR demo on the TTSR pair")
    p.add_argument("config")
    p.add_argument("checkpoint", nargs="?", default=None)
    p.add_argument("--data-root", default=None, help="folder with lr/0.png and ref/0.png")
    p.add_argument("--out-dir", default="work_dirs/refsr_demo")
    args = p.parse_args(argv)
    import xmodal.models.refsr  # noqa: F401  (registration)

    out = Path(args.out_dir)
    _check_out_dir(out)
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model).eval()
    if args.checkpoint:
        model.load_state_dict(_state_dict(args.checkpoint, model))
    lr, ref = _inputs(args.data_root)
    s = model.generator.scale
    ref = ref[..., : ref.shape[2] // s * s, : ref.shape[3] // s * s]
    with torch.no_grad():
        sr = model.generator(lr, ref)
    _write(out, sr, F.interpolate(lr, scale_factor=s, mode="bicubic", align_corners=False))
    print(f"wrote {out / 'sr.png'} and {out / 'bicubic.png'} ({tuple(sr.shape[-2:])})")


if __name__ == "__main__":
    main()
