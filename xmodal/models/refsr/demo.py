"""Super-resolve the real TTSR demo LR with its reference and save PNGs (README demo).

``python -m xmodal.models.refsr.demo recipes/refsr_dcsr_x4.py CKPT --out-dir OUT``
writes ``OUT/sr.png`` (RefSRNet) and ``OUT/bicubic.png`` (torch bicubic) for
``refsr/ttsr_demo/lr/0.png`` (125x88 HxW, no ground truth) with ``ref/0.png``
cropped at the top-left to multiples of the scale (500x370 -> 500x368 at x4).
``CKPT`` (an mmengine checkpoint or a state dict) is read with
:func:`xmodal.engine.load_checkpoint` (``weights_only=True``); a missing,
corrupt or unsafe file ends with one ``error:`` line naming it.
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
from ...engine.checkpoint import CheckpointError, load_checkpoint
from ...registry import MODELS
from ...utils.images import read_rgb_image

__all__ = ["main"]


def _load(path: Path) -> torch.Tensor:
    arr = read_rgb_image(path).astype(np.float32) / 255.0
    return torch.from_numpy(arr.transpose(2, 0, 1).copy())[None]


def _save(x: torch.Tensor, path: Path) -> None:
    arr = np.rint(x[0].clamp(0, 1).numpy().transpose(1, 2, 0) * 255).astype(np.uint8)
    Image.fromarray(arr).save(path)


def _state_dict(path: str) -> dict:
    try:
        state = load_checkpoint(path)
    except (FileNotFoundError, CheckpointError) as err:
        raise SystemExit(f"error: {err}") from None
    return state.get("state_dict", state)


def main(argv: list[str] | None = None) -> None:
    """Entry point (see the module docstring)."""
    p = argparse.ArgumentParser(description="RefSR demo on the TTSR pair")
    p.add_argument("config")
    p.add_argument("checkpoint", nargs="?", default=None)
    p.add_argument("--data-root", default=None, help="folder with lr/0.png and ref/0.png")
    p.add_argument("--out-dir", default="work_dirs/refsr_demo")
    args = p.parse_args(argv)
    import xmodal.models.refsr  # noqa: F401  (registration)

    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model).eval()
    if args.checkpoint:
        model.load_state_dict(_state_dict(args.checkpoint))
    root = Path(args.data_root) if args.data_root else resolve_refsr_root()
    lr, ref = _load(root / "lr" / "0.png"), _load(root / "ref" / "0.png")
    s = model.generator.scale
    ref = ref[..., : ref.shape[2] // s * s, : ref.shape[3] // s * s]
    with torch.no_grad():
        sr = model.generator(lr, ref)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _save(sr, out / "sr.png")
    _save(F.interpolate(lr, scale_factor=s, mode="bicubic", align_corners=False),
          out / "bicubic.png")
    print(f"wrote {out / 'sr.png'} and {out / 'bicubic.png'} ({tuple(sr.shape[-2:])})")


if __name__ == "__main__":
    main()
