"""Real crops and a tiny D2A2 config for the engine tests (written into a temporary folder).

The crops are cut at a fixed place from the frames embedded in the package
(``xmodal/data/gdsr``): RGB-D-D 32x32 for training (deterministic pipeline: no
random crop or flip, so 1 and 2 processes see the same samples), Middlebury
48x48 for testing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "xmodal" / "data" / "gdsr"
RECIPE = REPO / "recipes" / "d2a2_sample_x4.py"


def _crop(src: Path, dst: Path, size: int, **save) -> None:
    with Image.open(src) as im:
        arr = np.asarray(im)
    y0, x0 = (arr.shape[0] - size) // 2, (arr.shape[1] - size) // 2
    dst.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.ascontiguousarray(arr[y0:y0 + size, x0:x0 + size])).save(dst, **save)


def write_crops(root: Path) -> Path:
    """Write ``root/rgbdd`` (8 pairs, 32x32) and ``root/middlebury`` (5 pairs, 48x48)."""
    for guide in sorted((SAMPLE / "rgbdd" / "rgb").glob("*_RGB.jpg"))[:8]:
        frame = guide.name[: -len("_RGB.jpg")]
        _crop(guide, root / "rgbdd" / "rgb" / guide.name, 32, quality=100)
        _crop(SAMPLE / "rgbdd" / "depth" / f"{frame}_HR_gt.png",
              root / "rgbdd" / "depth" / f"{frame}_HR_gt.png", 32)
    for guide in sorted((SAMPLE / "middlebury" / "rgb").glob("*_color.png"))[:5]:
        depth = guide.name.replace("_color.png", "_depth.png")
        _crop(guide, root / "middlebury" / "rgb" / guide.name, 48)
        _crop(SAMPLE / "middlebury" / "depth" / depth, root / "middlebury" / "depth" / depth, 48)
    return root


def write_config(root: Path, extra: str = "", name: str = "d2a2_tiny.py") -> Path:
    """A tiny D2A2 config on the crops of :func:`write_crops`.

    No BatchNorm in the GatedConvs (per-process batch statistics would differ
    between 1 and 2 processes; SyncBN needs CUDA), losses logged per iteration.
    """
    cfg = root / name
    cfg.write_text(f"""_base_ = [{str(RECIPE)!r}]
model = dict(generator=dict(channels=8, num_resblocks=1,
                            align=dict(geometric_align=dict(deform_groups=2)),
                            fuse=dict(gate=dict(norm_layer=None))))
train_dataloader = dict(batch_size=2, dataset=dict(
    data_root={str(root / 'rgbdd')!r},
    pipeline=[dict(type='MakeLRDepth'), dict(type='PackGDSRInputs')]))
val_dataloader = dict(dataset=dict(data_root={str(root / 'middlebury')!r}))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=4, val_interval=100)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=4,
                                                              save_best=None))
log_processor = dict(window_size=1)
{extra}
""")
    return cfg
