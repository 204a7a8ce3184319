"""Every DSR-Diff recipe builds and takes one tiny train step; stage 1 -> stage 2 via load_from."""

from pathlib import Path

import pytest
import torch
from dsrdiff_tiny import batch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from xmodal.engine import load_checkpoint
from xmodal.registry import MODELS
from xmodal.tools import train as train_tool

ROOT = Path(__file__).resolve().parents[3]
RECIPES = sorted((ROOT / "recipes" / "dsrdiff").glob("dsrdiff_*.py"))
TINY_NETS = {
    "model.generator.dsrn.channels": 8, "model.generator.dsrn.num_heads": 2,
    "model.generator.dsrn.guidance_dim": 16, "model.generator.dsrn.depth_blocks": [1, 1, 1],
    "model.ggn.channels": 8, "model.ggn.guidance_dim": 16, "model.ggn.num_resblocks": 1,
}
TINY_GRN = {"model.generator.grn.channels": 8, "model.generator.grn.guidance_dim": 16,
            "model.generator.grn.num_resblocks": 1, "model.generator.grn.denoiser_blocks": 1}


def _tiny(cfg: Config) -> Config:
    cfg.merge_from_dict(TINY_NETS)
    if cfg.model.generator.get("grn") is not None:
        cfg.merge_from_dict(TINY_GRN)
    return cfg


def test_all_recipes_are_there():
    names = {p.stem for p in RECIPES}
    assert {f"dsrdiff_stage{s}_{d}_x{x}" for s in (1, 2) for d in ("rgbdd", "nyu")
            for x in (4, 8, 16)} == names


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.stem)
def test_recipe_builds_and_takes_one_train_step(recipe):
    cfg = _tiny(Config.fromfile(str(recipe)))
    scale = cfg.train_dataloader.dataset.scale
    assert cfg.val_dataloader.dataset.scale == scale == cfg.model.ggn.scale
    assert cfg.model.generator.dsrn.scale == scale
    stage2 = "stage2" in recipe.stem
    if stage2:
        assert cfg.model.generator.grn.scale == scale
        assert f"stage1_{recipe.stem.split('_', 2)[2]}" in cfg.load_from
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    log = model.train_step(batch(scale=scale, hr=32), optim)
    assert torch.isfinite(log["loss"])


@pytest.mark.slow  # ~20 s on 2 shared cores: two Runner starts + a Middlebury validation
def test_stage1_then_stage2_train_on_real_frames(tmp_path):
    opts = [f"{k}={v}".replace(" ", "") for k, v in TINY_NETS.items()] + [
        "train_dataloader.batch_size=2", "train_dataloader.num_workers=0",
        "train_dataloader.persistent_workers=False",
        "train_dataloader.dataset.pipeline.0.size=32",
        "val_dataloader.num_workers=0", "val_dataloader.persistent_workers=False",
        "val_dataloader.dataset.indices=1", "test_dataloader.dataset.indices=1",
        "default_hooks.checkpoint.interval=1", "default_hooks.logger.interval=1",
        "train_cfg.max_iters=1",
    ]
    wd1, wd2 = tmp_path / "s1", tmp_path / "s2"
    recipes = ROOT / "recipes" / "dsrdiff"
    train_tool.main([str(recipes / "dsrdiff_stage1_rgbdd_x4.py"), "--work-dir", str(wd1),
                     "--cfg-options", "train_cfg.val_interval=100", *opts])
    ckpt1 = wd1 / "iter_1.pth"
    assert ckpt1.is_file()
    grn_opts = [f"{k}={v}" for k, v in TINY_GRN.items()]
    train_tool.main([str(recipes / "dsrdiff_stage2_rgbdd_x4.py"), "--work-dir", str(wd2),
                     "--cfg-options", f"load_from={ckpt1}", "train_cfg.val_interval=1",
                     *opts, *grn_opts])
    s1 = load_checkpoint(ckpt1)["state_dict"]
    s2 = load_checkpoint(wd2 / "iter_1.pth")["state_dict"]
    loaded = [k for k in s1 if k.startswith(("ggn.", "generator.dsrn."))]
    assert loaded and all(torch.equal(s1[k], s2[k]) for k in loaded)  # loaded and frozen
    assert any(k.startswith("generator.grn.") for k in s2)
