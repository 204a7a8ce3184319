# NYUv2 labeled: first 1000 frames train (256x256 crops, flips/transposes), last 449 test.
# RMSE in cm with a 6-pixel border crop. data_root=None resolves gdsr/nyuv2 (then
# gdsr/nyuv2_samples) under $XMODAL_DATA, else the embedded sample.
scale = 4
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
    dataset=dict(type='NYUv2Dataset', data_root=None, scale=scale, split='train'))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='NYUv2Dataset', data_root=None, scale=scale, split='test'))
test_dataloader = val_dataloader
val_evaluator = dict(type='GDSRMetric', clamp=False, with_bicubic=True)
test_evaluator = val_evaluator
