"""The CPU training campaign: mixed-scale batches, scale switching, EMA and resume."""

import random
from pathlib import Path

import numpy as np
import pytest
import torch

from xmodal.datasets import RGBDDDataset, protocol
from xmodal.models import D2A2
from xmodal.tools import campaign, lr_degradations

SAMPLE = Path(campaign.__file__).resolve().parent.parent / "data" / "gdsr" / "rgbdd"


def test_run_at_scale_equals_the_model_built_at_that_scale():
    torch.manual_seed(0)
    shared = D2A2(scale=4).eval()
    for scale in (8, 16):
        ref = D2A2(scale=scale).eval()
        ref.load_state_dict(shared.state_dict())
        lr, guide = torch.rand(1, 1, 64 // scale, 64 // scale), torch.rand(1, 3, 64, 64)
        with torch.no_grad():
            assert torch.equal(campaign.run_at_scale(shared, scale, lr, guide), ref(lr, guide))


def test_crop_sampler_batches_follow_the_protocol():
    sampler = campaign.CropSampler(RGBDDDataset(data_root=SAMPLE, pipeline=[]), crop=48)
    lr, guide, gt = sampler.batch(3, scale=16)
    assert lr.shape == (3, 1, 3, 3) and guide.shape == (3, 3, 48, 48) and gt.shape == (3, 1, 48, 48)
    # HR min-max per crop: every ground-truth crop spans exactly [0, 1]
    assert torch.allclose(gt.amin(dim=(1, 2, 3)), torch.zeros(3))
    assert torch.allclose(gt.amax(dim=(1, 2, 3)), torch.ones(3))
    assert 0.0 <= float(guide.min()) and float(guide.max()) <= 1.0


def test_ema_warm_up_then_fixed_decay():
    avg = campaign.ema_fn(0.99)
    a, c = torch.zeros(1), torch.ones(1)
    assert float(avg(a, c, torch.tensor(0))) == pytest.approx(0.9)  # decay 1/10 at first
    assert float(avg(a, c, torch.tensor(10_000))) == pytest.approx(0.01)  # then 0.99


def test_save_and_resume_restore_every_counter(tmp_path):
    args = campaign.parse_args(["--work-dir", str(tmp_path), "--resume", "--batch", "2",
                                "--crop", "32", "--scales", "4", "8"])
    sampler = campaign.CropSampler(RGBDDDataset(data_root=SAMPLE, pipeline=[]), crop=32)
    first = campaign.Campaign(args)
    assert "from scratch" in first.restore()
    for _ in range(2):
        first.step(sampler)
    first.best = {4: 1.5}
    first.save()
    second = campaign.Campaign(args)
    assert "resumed" in second.restore()
    assert second.iter == 2 and second.best == {4: 1.5}
    for key, value in first.ema.state_dict().items():
        assert torch.equal(value, second.ema.state_dict()[key]), key
    assert second.opt.state_dict()["state"].keys() == first.opt.state_dict()["state"].keys()


def test_frame_normalisation_keeps_a_crop_in_its_frame_range():
    data = RGBDDDataset(data_root=SAMPLE, pipeline=[])
    sampler = campaign.CropSampler(data, crop=32, norm="frame")
    _, _, gt = sampler.batch(8, scale=4)
    assert float(gt.min()) >= 0.0 and float(gt.max()) <= 1.0
    assert float((gt.amax(dim=(1, 2, 3)) - gt.amin(dim=(1, 2, 3))).min()) < 0.99


def test_hard_crops_keep_the_crop_bicubic_misses_most():
    data = RGBDDDataset(data_root=SAMPLE, pipeline=[])
    uniform = campaign.CropSampler(data, crop=32, norm="frame")
    hard = campaign.CropSampler(data, crop=32, norm="frame", hard_crops=4)
    random.seed(0)
    np.random.seed(0)
    misses = [campaign.bicubic_miss(uniform._sample(4)) for _ in range(4)]
    random.seed(0)
    np.random.seed(0)
    assert campaign.bicubic_miss(hard._hard(4)) == pytest.approx(max(misses))
    with pytest.raises(ValueError, match="norm"):
        campaign.CropSampler(data, crop=32, norm="image")


def test_learning_rate_warm_up_then_cosine_to_two_percent():
    args = campaign.parse_args(["--lr", "1e-3", "--warmup", "10", "--cosine-iters", "100"])
    assert campaign.learning_rate(args, 0) == pytest.approx(1e-4)
    assert campaign.learning_rate(args, 50) == pytest.approx(1e-3 * (0.02 + 0.98 * 0.5))
    assert campaign.learning_rate(args, 100) == campaign.learning_rate(args, 500)
    assert campaign.learning_rate(args, 500) == pytest.approx(2e-5)
    constant = campaign.parse_args(["--lr", "1e-3", "--warmup", "10"])
    assert campaign.learning_rate(constant, 500) == pytest.approx(1e-3)
    with pytest.raises(SystemExit):
        campaign.parse_args(["--hard-crops", "0"])


def test_charbonnier_is_l1_away_from_zero_and_smooth_at_zero():
    pred, gt = torch.tensor([0.5, 0.0]), torch.tensor([0.0, 0.0])
    assert float(campaign.LOSSES["charbonnier"](pred, gt)) == pytest.approx(
        (0.5 + 1e-3) / 2, rel=1e-3)
    assert float(campaign.LOSSES["l1"](pred, gt)) == pytest.approx(0.25)


def test_rmse_loss_is_the_batch_mean_of_per_sample_rmse():
    gt = torch.zeros(2, 1, 2, 2)
    pred = torch.tensor([[[[3.0, 0.0], [0.0, 0.0]]], [[[1.0, 1.0], [1.0, 1.0]]]])
    # sample 0: sqrt(9 / 4) = 1.5; sample 1: 1.0; the L1 of both together is 7 / 8
    assert float(campaign.LOSSES["rmse"](pred, gt)) == pytest.approx(1.25)
    assert float(campaign.LOSSES["l1"](pred, gt)) == pytest.approx(0.875)


def test_bf16_step_updates_the_weights(tmp_path):
    args = campaign.parse_args(["--work-dir", str(tmp_path), "--batch", "2", "--crop", "32",
                                "--scales", "4", "--bf16", "--loss", "charbonnier"])
    sampler = campaign.CropSampler(RGBDDDataset(data_root=SAMPLE, pipeline=[]), crop=32)
    camp = campaign.Campaign(args)
    before = camp.net.tail[-1].weight.detach().clone()
    loss = camp.step(sampler)
    assert np.isfinite(loss) and not torch.equal(before, camp.net.tail[-1].weight)


def test_grad_weight_adds_the_gradient_term_to_the_step_loss(tmp_path):
    losses = {}
    for weight in ("0", "2.5"):
        args = campaign.parse_args(["--work-dir", str(tmp_path), "--batch", "2", "--crop",
                                    "32", "--scales", "4", "--grad-weight", weight])
        sampler = campaign.CropSampler(RGBDDDataset(data_root=SAMPLE, pipeline=[]), crop=32)
        torch.manual_seed(0)
        random.seed(0)
        camp = campaign.Campaign(args)
        torch.manual_seed(1)
        random.seed(1)
        np.random.seed(1)
        losses[weight] = camp.step(sampler)
    # same network, same batch: the difference is 2.5 times the gradient L1 (> 0)
    assert losses["2.5"] > losses["0"] + 1e-4


def test_reset_guide_after_init_keeps_the_depth_path(tmp_path):
    weights = Path(campaign.__file__).resolve().parent.parent / "weights" / "d2a2_rgbdd_x4.pth"
    args = campaign.parse_args(["--work-dir", str(tmp_path), "--init", str(weights),
                                "--reset-guide"])
    camp = campaign.Campaign(args)
    assert "guide path re-initialised" in camp.restore()
    shipped = campaign.load_weights_file(weights)["state_dict"]
    net = camp.ema.module.state_dict()
    key = "depth_encoder.head.0.weight"
    assert torch.equal(net[key], shipped[key].float())
    assert not torch.equal(net["guide_heads.0.weight"], shipped["guide_heads.0.weight"].float())
    assert torch.equal(net["guide_heads.0.weight"], camp.net.state_dict()["guide_heads.0.weight"])


def test_guide_check_writes_the_mismatched_column(tmp_path, monkeypatch):
    calls = []

    def fake_eval(net, ds, guide="true"):
        calls.append(guide)
        return {"rmse": 2.0 if guide == "mismatched" else 1.0, "bicubic_rmse": 3.0}

    monkeypatch.setattr(campaign, "evaluate_generator", fake_eval)
    args = campaign.parse_args(["--work-dir", str(tmp_path), "--scales", "4", "--guide-check"])
    camp = campaign.Campaign(args)
    camp.evaluate_and_export({4: [None]}, log=lambda msg: None)
    camp.args.guide_check = False
    camp.evaluate_and_export({4: [None]}, log=lambda msg: None)
    rows = (tmp_path / "curve.csv").read_text().splitlines()
    assert rows[0].split(",") == list(campaign.CURVE_FIELDS)
    assert rows[1].endswith(",1.0,3.0,2.0") and rows[2].endswith(",1.0,3.0,")
    assert calls == ["true", "mismatched", "true"]
    # an older curve without the column keeps its own header
    old = tmp_path / "old.csv"
    old.write_text("iter,wall_s,cpu_hours,scale,rmse,bicubic_rmse\n")
    assert campaign.curve_fields(old) == campaign.CURVE_FIELDS[:-1]


def test_lr_noise_per_crop_sigma_within_the_bound():
    torch.manual_seed(0)
    lr = torch.rand(64, 1, 32, 32)
    assert lr_degradations.add_lr_noise(lr, 0.0) is lr
    noisy = lr_degradations.add_lr_noise(lr, 0.05)
    std = (noisy - lr).std(dim=(1, 2, 3))
    assert noisy.shape == lr.shape and not torch.equal(noisy, lr)
    assert float(std.max()) < 0.05 * 1.1  # sample std of 1024 draws: within 10 % of sigma
    # sigma is uniform per crop, not one value for the batch
    assert float(std.min()) < 0.01 and float(std.max()) > 0.04


@pytest.mark.parametrize("option,value", [("--lr-noise", "-0.1"), ("--lr-blur", "-0.1"),
                                          ("--grad-weight", "-0.1"), ("--lr-shift", "-1")])
def test_non_negative_options_reject_negative_values(option, value, capsys):
    with pytest.raises(SystemExit):
        campaign.parse_args([option, value])
    assert "must be >= 0" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["-0.1", "1.5"])
def test_lr_shift_prob_must_be_a_share(value, capsys):
    with pytest.raises(SystemExit):
        campaign.parse_args(["--lr-shift-prob", value])
    assert "--lr-shift-prob must be in [0, 1]" in capsys.readouterr().err


def test_lr_blur_softens_the_lr_edges_per_crop():
    torch.manual_seed(0)
    gt = torch.zeros(16, 1, 32, 32)
    gt[..., 16:] = 1.0  # a vertical step edge in every crop
    lr = torch.from_numpy(protocol.make_lr_bicubic(gt[0, 0].numpy(), 4))[None, None].repeat(
        16, 1, 1, 1)
    assert lr_degradations.degrade_lr(gt, lr, 4, 0.0) is lr
    soft = lr_degradations.degrade_lr(gt, lr, 4, 6.0)
    assert soft.shape == lr.shape and soft.dtype == torch.float32
    steepest = soft.diff(dim=-1).abs().amax(dim=(1, 2, 3))
    sharp = float(lr.diff(dim=-1).abs().max())
    assert float(steepest.max()) <= sharp + 1e-5  # blur never sharpens the edge
    # sigma is drawn per crop: some crops keep a nearly bicubic edge, some lose most of it
    assert float(steepest.min()) < 0.6 * sharp and float(steepest.max()) > 0.9 * sharp
    # the mean depth is kept (a blur and a bicubic resize both preserve flat levels)
    assert torch.allclose(soft.mean(dim=(1, 2, 3)), lr.mean(dim=(1, 2, 3)), atol=1e-3)


def test_shift_hr_moves_each_crop_by_a_whole_number_of_pixels_within_the_bound():
    torch.manual_seed(0)
    gt = torch.zeros(64, 1, 32, 32)
    gt[..., 16:] = 1.0  # a vertical step edge at column 16 in every crop
    assert lr_degradations.shift_hr(gt, 0) is gt
    moved = lr_degradations.shift_hr(gt, 3)
    assert moved.shape == gt.shape
    # the step stays a clean 0 -> 1 step (replicate borders add no new values) ...
    assert set(moved.unique().tolist()) == {0.0, 1.0}
    # ... at a column within 3 px of 16, drawn per crop: every offset in [-3, 3] occurs
    first_one = moved[:, 0, 0].argmax(dim=-1)
    offsets = set((first_one - 16).tolist())
    assert offsets <= set(range(-3, 4)) and len(offsets) == 7


def test_shift_hr_moves_only_the_requested_share_of_crops():
    torch.manual_seed(0)
    gt = torch.zeros(400, 1, 16, 16)
    gt[..., 8:] = 1.0
    gt[..., 8:, :] += 2.0  # a horizontal step as well, so both axes' shifts show
    assert lr_degradations.shift_hr(gt, 3, prob=0.0) is gt

    def moved_share(out):
        return float(((out - gt).abs() > 1e-3).flatten(1).any(dim=1).float().mean())

    # a drawn (0, 0) shift leaves a crop in place too: expect 0.25 * 48 / 49 moved
    assert 0.17 < moved_share(lr_degradations.shift_hr(gt, 3, prob=0.25)) < 0.31
    assert moved_share(lr_degradations.shift_hr(gt, 3, prob=1.0)) > 0.9
    with pytest.raises(ValueError, match="prob"):
        lr_degradations.shift_hr(gt, 3, prob=1.5)


def test_degrade_lr_with_a_shift_misplaces_the_lr_edge():
    torch.manual_seed(0)
    gt = torch.zeros(32, 1, 32, 32)
    gt[..., 16:] = 1.0
    lr = torch.from_numpy(protocol.make_lr_bicubic(gt[0, 0].numpy(), 4))[None, None].repeat(
        32, 1, 1, 1)
    shifted = lr_degradations.degrade_lr(gt, lr, 4, max_shift=4)
    assert shifted.shape == lr.shape and shifted.dtype == torch.float32
    # a 4-px HR shift is a whole LR pixel: some crops' LR edges moved, some did not
    moved = (shifted - lr).abs().amax(dim=(1, 2, 3))
    assert float(moved.max()) > 0.5 and float(moved.min()) < 1e-6


def test_a_run_does_not_score_the_same_weights_twice(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(campaign, "evaluate_generator", lambda net, ds, guide="true": (
        calls.append(guide) or {"rmse": 1.0, "bicubic_rmse": 3.0}))
    middlebury = SAMPLE.parent / "middlebury"
    campaign.main(["--work-dir", str(tmp_path), "--train-root", str(SAMPLE), "--val-root",
                   str(middlebury), "--scales", "4", "--crop", "32", "--max-minutes", "0",
                   "--threads", "1"])
    # the start's evaluation is also the end's: one row, one call
    assert calls == ["true"]
    assert len((tmp_path / "curve.csv").read_text().splitlines()) == 2


def _scored_run(tmp_path, monkeypatch, own, mismatched, *extra):
    """One campaign run of no training steps whose evaluations score ``own`` / ``mismatched``."""
    monkeypatch.setattr(campaign, "evaluate_generator", lambda net, ds, guide="true": (
        {"rmse": own if guide == "true" else mismatched, "bicubic_rmse": 3.0}))
    middlebury = SAMPLE.parent / "middlebury"
    campaign.main(["--work-dir", str(tmp_path), "--train-root", str(SAMPLE), "--val-root",
                   str(middlebury), "--scales", "4", "--crop", "32", "--max-minutes", "0",
                   "--threads", "1", "--export-dir", str(tmp_path), "--guide-check", *extra])
    return (tmp_path / "d2a2_rgbdd_x4.pth").is_file()


@pytest.mark.parametrize("mismatched,exported", [(1.2, True), (1.05, False)])
def test_min_guide_effect_exports_only_weights_that_use_their_guide(
        tmp_path, monkeypatch, mismatched, exported):
    # own 1.0 against 1.2: guide effect 16.7 %; against 1.05: 4.8 % (< 10 %)
    assert _scored_run(tmp_path, monkeypatch, 1.0, mismatched,
                       "--min-guide-effect", "0.1") is exported
    assert _scored_run(tmp_path / "plain", monkeypatch, 1.0, mismatched)  # no rule: exported


def test_a_resume_under_a_new_export_rule_forgets_the_old_best(tmp_path, monkeypatch):
    assert _scored_run(tmp_path, monkeypatch, 1.0, 1.05)  # best 1.0, exported, no rule
    (tmp_path / "d2a2_rgbdd_x4.pth").unlink()
    # resumed with the rule: a worse RMSE (1.1) that uses its guide (21 %) is now the best
    assert _scored_run(tmp_path, monkeypatch, 1.1, 1.4, "--resume", "--min-guide-effect", "0.1")


@pytest.mark.parametrize("argv,message", [
    (["--min-guide-effect", "0.1"], "needs --guide-check"),
    (["--min-guide-effect", "1.0", "--guide-check"], "must be in [0, 1)"),
])
def test_min_guide_effect_arguments_are_checked(argv, message, capsys):
    with pytest.raises(SystemExit):
        campaign.parse_args(argv)
    assert message in capsys.readouterr().err
