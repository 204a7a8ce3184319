# D2A2 trained on the CPU on the RGB-D-D training list, checkpoints chosen on the validation
# list only (xmodal.datasets.splits: 357 train / 45 val frames; the 3 real-world ids are
# test frames). Middlebury is scored at every validation with the same (EMA) weights and
# logged as `middlebury/rmse`: a test set, never used to choose anything.
# Per-scale recipes set `scale` in the model and in every dataset (d2a2_rgbdd_x{4,8,16}_cpu.py).
_base_ = ['../../_base_/default_runtime.py', '../../_base_/models/d2a2.py']

scale = 4
crop = 128
model = dict(
    generator=dict(scale=scale, zero_init_tail=True),
    # per-sample RMSE (the benchmark metric's form) + L1 on the depth's finite differences
    pixel_loss=dict(_delete_=True, type='CompositeLoss', losses=[
        dict(type='RMSELoss', loss_weight=1.0), dict(type='GradientL1Loss', loss_weight=1.0)]),
    # a quarter of the guides blended with another frame's: colour edges that are not depth edges
    data_preprocessor=dict(batch_augments=[dict(type='GuideMix', prob=0.25)]))

# Random crops, the hardest of 4 per frame for bicubic; min-max with the frame's HR range
# (as a whole test frame is normalised); flips and transposes (the official pipeline's).
train_pipeline = [
    dict(type='RandomHardCropPair', size=crop, candidates=4),
    dict(type='MakeLRDepth', range_from='frame'),
    dict(type='RandomFlipTranspose'),
    dict(type='PackGDSRInputs'),
]
# num_workers=0: on 2 cores the data is cheap next to the network, and the crops then draw
# from the main process's generators, which RNGStateHook saves and a resume restores.
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='RGBDDSplitDataset', subset='train', data_root=None, scale=scale,
                 test_mode=False, pipeline=train_pipeline))
auto_scale_lr = dict(enable=False, base_batch_size=2)

_eval_loader = dict(batch_size=1, num_workers=0, persistent_workers=False,
                    sampler=dict(type='DefaultSampler', shuffle=False),
                    collate_fn=dict(type='pseudo_collate'))
# validation: the 45 RGB-D-D validation frames, standard protocol, RMSE in cm
val_dataloader = dict(**_eval_loader, dataset=dict(
    type='RGBDDSplitDataset', subset='val', data_root=None, scale=scale))
val_evaluator = dict(type='GDSRMetric', clamp=False, with_bicubic=True, prefix='val')
val_cfg = dict(type='ValWithTestSetsLoop', test_sets=dict(
    middlebury=dict(
        dataloader=dict(**_eval_loader, dataset=dict(
            type='MiddleburyDataset', data_root=None, scale=scale, split='test')),
        evaluator=dict(type='GDSRMetric', clamp=False, with_bicubic=True))))
# `mim test` / tools.test: the Middlebury test set
test_dataloader = dict(**_eval_loader, dataset=dict(
    type='MiddleburyDataset', data_root=None, scale=scale, split='test'))
test_evaluator = dict(type='GDSRMetric', clamp=False, with_bicubic=True)
test_cfg = dict(type='TestLoop')

# Adam, linear warm-up, then a cosine decay to 2 % of the learning rate at max_iters;
# validation every 200 iterations (45 frames at x8: about 3 minutes on 2 idle cores)
lr = 5e-5
max_iters = 600
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=lr))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.02, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=0.02 * lr, by_epoch=False,
         begin=50, end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=200)

default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(type='CheckpointHook', interval=200, by_epoch=False, max_keep_ckpts=1,
                    save_best='val/rmse', rule='less', save_last=True))
custom_hooks = [
    # EMA of the weights (decay 0.998 after a warm-up): what validation scores and
    # what the best checkpoint's state_dict holds
    dict(type='EMAHook', ema_type='WarmupEMA', momentum=0.002, priority='NORMAL'),
    dict(type='RNGStateHook'),
]
env_cfg = dict(dist_cfg=dict(backend='auto'))
