"""The fusion recipes: parameter budget of the ablation, and 2 iterations on the Runner each.

``recipes/ivif/ivif_xmodal_roadscene.py`` (IVIFNet, D2A2 blocks) and its ablation
``..._plain.py`` (IVIFPlainNet) train through mmengine's Runner on the real
``roadscene_train`` pairs and validate on one of the validation pairs here
(shrunk crops and batch, the recipes' own model, loss, hooks and metric).
"""

from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from xmodal.registry import MODELS

REPO = Path(__file__).resolve().parents[3]
#: the full recipe, its ablation, and the fine-tuning that made the shipped file
RECIPES = ("ivif_xmodal_roadscene.py", "ivif_xmodal_roadscene_plain.py",
           "ivif_xmodal_roadscene_ssim_ft.py")


def _cfg(name: str) -> Config:
    return Config.fromfile(str(REPO / "recipes" / "ivif" / name))


def _params(name: str) -> int:
    return sum(p.numel() for p in MODELS.build(_cfg(name).model.generator).parameters())


def test_ablation_has_the_same_parameter_count_within_5_percent():
    full, plain = _params(RECIPES[0]), _params(RECIPES[1])
    assert 150_000 < full < 400_000  # sized for 2 CPU cores
    assert abs(plain - full) / full < 0.05
    assert _cfg(RECIPES[1]).model.generator.type == "IVIFPlainNet"


def test_recipes_validate_on_the_fixed_list_and_choose_by_score():
    cfg = _cfg(RECIPES[0])
    assert cfg.val_dataloader.dataset.split == "val"
    assert cfg.train_dataloader.dataset.split == "train"
    assert cfg.test_dataloader.dataset.split == "test"  # the 4 test-split frames, reported only
    assert cfg.default_hooks.checkpoint.save_best == "score"
    assert cfg.val_evaluator.score is True
    assert [h.type for h in cfg.custom_hooks] == ["EMAHook"]


@pytest.mark.parametrize("name", RECIPES)
def test_two_iterations_on_the_runner(name, real_data_dir, tmp_path):
    from xmodal.engine import build_runner

    real_data_dir("ivif", "roadscene_train")
    real_data_dir("ivif", "vif_benchmark")
    cfg = _cfg(name)
    cfg.merge_from_dict({
        "work_dir": str(tmp_path), "train_cfg.max_iters": 2, "train_cfg.val_interval": 2,
        "train_dataloader.batch_size": 2, "train_dataloader.dataset.pipeline.0.size": 32,
        "val_dataloader.dataset.indices": [6], "default_hooks.logger.interval": 1,
        "default_hooks.checkpoint.interval": 2}, allow_list_keys=True)
    torch.manual_seed(0)
    runner = build_runner(cfg)
    runner.train()
    metrics = runner.message_hub.get_scalar("val/score").current()
    assert metrics > 0
    assert (tmp_path / "iter_2.pth").is_file()
    best = tmp_path / "best_score_iter_2.pth"
    assert best.is_file()
    _export_and_load(name, best, tmp_path / "exported.pth")


def _export_and_load(name: str, checkpoint: Path, out: Path) -> None:
    """The export step gives a file that the fusion table's loader builds (EMA weights)."""
    from xmodal.apis.fusion import build_fusion_model
    from xmodal.engine.checkpoint import load_checkpoint
    from xmodal.tools.export_weights import export

    export(REPO / "recipes" / "ivif" / name, checkpoint, out, fp16=False)
    model = {"IVIFNet": "ivifnet", "IVIFPlainNet": "ivif_plain"}[_cfg(name).model.generator.type]
    net, meta = build_fusion_model(model, out)
    state = load_checkpoint(checkpoint)["state_dict"]  # EMAHook stores the averaged weights here
    for k, v in net.state_dict().items():
        assert torch.equal(v, state[f"generator.{k}"].float()), k
    assert meta["checkpoint"] == str(checkpoint)


def test_the_recipe_resumes(real_data_dir, tmp_path):
    from xmodal.engine import build_runner

    real_data_dir("ivif", "roadscene_train")
    opts = {"work_dir": str(tmp_path), "train_cfg.val_interval": 100,
            "train_dataloader.batch_size": 1, "train_dataloader.dataset.pipeline.0.size": 32,
            "default_hooks.checkpoint.interval": 1, "default_hooks.checkpoint.save_best": None,
            "val_dataloader.dataset.indices": [6]}  # the loop validates at its last iteration
    for iters, resume in ((1, False), (2, True)):
        cfg = _cfg(RECIPES[0])
        cfg.merge_from_dict(dict(opts, **{"train_cfg.max_iters": iters}), allow_list_keys=True)
        cfg.resume, cfg.load_from = resume, str(tmp_path / "iter_1.pth") if resume else None
        runner = build_runner(cfg)
        runner.train()
    assert runner.iter == 2 and (tmp_path / "iter_2.pth").is_file()
    lr = runner.optim_wrapper.get_lr()["lr"][0]
    assert 1e-5 < lr < 1e-3  # inside the warm-up, continued from iteration 1
