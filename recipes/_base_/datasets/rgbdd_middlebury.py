# Train on the real RGB-D-D frames (256x256 crops, flips/transposes, LR by PIL bicubic
# from the crop), validate and test cross-dataset on Middlebury (8-bit units, no crop).
# Training frames: the train list of the package's RGB-D-D split (xmodal.datasets.splits:
# the 405-frame synthetic test folder minus its 45 validation and 3 real-world test frames).
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
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='MiddleburyDataset', data_root=None, scale=scale, split='test'))
test_dataloader = val_dataloader
val_evaluator = dict(type='GDSRMetric', clamp=False, with_bicubic=True)
test_evaluator = val_evaluator
