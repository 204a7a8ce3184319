# Infrared-visible fusion data of the held-out IVIF recipes (fusion is unsupervised and has
# no ground truth; the full images are scored with the literature's no-reference metrics,
# beside the average and max-abs baselines):
#   train: random crops + flips of the 169 roadscene_train pairs (split='train' refuses any
#          frame of the standard TNO/RoadScene test splits or of validation);
#   val:   the 8 VIF-Benchmark pairs outside the standard test splits (the fixed list
#          xmodal.datasets.ivif_splits.VIF_BENCHMARK_VAL): the only data that chooses the
#          checkpoint;
#   test:  the 4 VIF-Benchmark pairs that are frames of the standard TNO-25 / RoadScene-50
#          test splits (17, 21, 36, 108: VIF_BENCHMARK_TEST), reported by the test tool
#          only (never trained on, never used to choose).
crop_size = 96
train_pipeline = [
    dict(type='RandomCropIVIF', size=crop_size),
    dict(type='RandomFlipIVIF', prob=0.5),
    dict(type='PackIVIFInputs'),
]
# Global batch: 8 samples per update (batch_size is per process).
auto_scale_lr = dict(enable=False, base_batch_size=8)
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='IVIFDataset', subset='roadscene_train', split='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='IVIFDataset', subset='vif_benchmark', split='val', test_mode=True,
                 pipeline=[dict(type='PackIVIFInputs')]))
# the validation loader on the test list (its own copy: val is never changed through it)
test_dataloader = dict(val_dataloader, dataset=dict(val_dataloader['dataset'], split='test'))
val_evaluator = dict(type='FusionMetric', with_baselines=True, convention='cddfuse', score=True)
test_evaluator = val_evaluator
