# Infrared-visible fusion on the 12 registered pairs of $XMODAL_DATA/ivif/vif_benchmark
# (MSRS, TNO, RoadScene frames). Fusion is unsupervised and has no ground truth: the
# recipe trains on random crops of these pairs and evaluates the full images with the
# no-reference metrics of the literature, beside the average and max-abs baselines.
train_pipeline = [
    dict(type='RandomCropIVIF', size=128),
    dict(type='RandomFlipIVIF'),
    dict(type='PackIVIFInputs'),
]
# Global batch: 8 samples per update (batch_size is per process). With N GPUs set
# train_dataloader.batch_size=8/N, or optim_wrapper.accumulative_counts to keep 8
# on fewer; auto_scale_lr.enable=True scales the lr linearly instead.
auto_scale_lr = dict(enable=False, base_batch_size=8)
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='IVIFDataset', data_root=None, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='IVIFDataset', data_root=None, test_mode=True,
                 pipeline=[dict(type='PackIVIFInputs')]))
test_dataloader = val_dataloader
val_evaluator = dict(type='FusionMetric', with_baselines=True)
test_evaluator = val_evaluator
