# Infrared-visible fusion on the 12 registered pairs of ../shared/data/ivif/vif_benchmark
# (MSRS, TNO, RoadScene frames). Fusion is unsupervised and has no ground truth: the
# recipe trains on random crops of these pairs and evaluates the full images with the
# no-reference metrics of the literature, beside the average and max-abs baselines.
train_pipeline = [
    dict(type='RandomCropIVIF', size=128),
    dict(type='RandomFlipIVIF'),
    dict(type='PackIVIFInputs'),
]
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
