# Train on the real RGB-D-D frames (256x256 crops, flips/transposes, LR by PIL bicubic
# from the crop), validate on RGB-D-D's validation list, test cross-dataset on Middlebury
# (8-bit units, no crop). Frames: the package's RGB-D-D split (xmodal.datasets.splits):
# train list (357 frames of the 405-frame synthetic test folder), validation list (45,
# the only frames checkpoints are chosen on: metric keys val/*, CheckpointHook
# save_best='val/rmse' in the recipes), 3 real-world test frames never read. Middlebury
# (30 frames) is the test set: test_dataloader / test_evaluator, never chosen on.
scale = 4
train_pipeline = [
    dict(type='RandomCropPair', size=256),
    dict(type='MakeLRDepth'),
    dict(type='RandomFlipTranspose'),
    dict(type='PackGDSRInputs'),
]
# Global batch: 4 samples per update (batch_size is per process). With N GPUs set
# train_dataloader.batch_size=4/N, or optim_wrapper.accumulative_counts to keep 4
# on fewer; auto_scale_lr.enable=True scales the lr linearly instead.
auto_scale_lr = dict(enable=False, base_batch_size=4)
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='RGBDDSplitDataset', subset='train', data_root=None, scale=scale,
                 test_mode=False, pipeline=train_pipeline))
_eval_loader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'))
# validation: the 45 RGB-D-D validation frames, standard protocol, RMSE in cm (val/rmse)
val_dataloader = dict(
    **_eval_loader,
    dataset=dict(type='RGBDDSplitDataset', subset='val', data_root=None, scale=scale))
val_evaluator = dict(type='GDSRMetric', clamp=False, with_bicubic=True, prefix='val')
# test (tools.test / mim test): Middlebury, 8-bit units, keys rmse/mae/bicubic_rmse
test_dataloader = dict(
    **_eval_loader,
    dataset=dict(type='MiddleburyDataset', data_root=None, scale=scale, split='test'))
test_evaluator = dict(type='GDSRMetric', clamp=False, with_bicubic=True)
