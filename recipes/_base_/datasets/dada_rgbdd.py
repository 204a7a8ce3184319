# The DADA preset (never mixed with the D2A2/DCTNet one) on the real RGB-D-D frames:
# LR = valid-pixel average pooling, depth / 525.68 mm (std of RGB-D-D's valid depth,
# measured by xmodal: DADA has no RGB-D-D constant), 256 x 256 random training crops with
# horizontal flips (DADA: also rotations up to 15 degrees, not done here), evaluation on the
# 256 x 256 tiles of each frame, masked MAE (cm) / MSE (cm^2) reported as dada/* keys.
# Frames: the package's RGB-D-D split (xmodal.datasets.splits): train list (357 frames) for
# training, the tiles of the 45-frame validation list for choosing the checkpoint, and the
# tiles of the 3 real-world-branch frames (subset='test_realworld', 6 tiles; HR maps only,
# LR by the same average pooling, not the real sensor's LR) as the test set: reported by
# the test tool, never trained on or used to choose.
scale = 8
depth_std = 525.68  # mm, file units of RGB-D-D (DADA_DEPTH_STD_MM['rgbdd'])
train_pipeline = [
    dict(type='RandomCropPair', size=256),
    dict(type='RandomFlipTranspose', hflip_prob=0.5, vflip_prob=0.0, transpose_prob=0.0),
    dict(type='MakeLRDepthDADA', depth_std=depth_std),
    dict(type='PackDADAInputs'),
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
    dataset=dict(type='RGBDDSplitDataset', subset='train', data_root=None, scale=scale,
                 test_mode=False, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='DADATileDataset', depth_std=depth_std, tile_size=256,
                 dataset=dict(type='RGBDDSplitDataset', subset='val', data_root=None,
                              scale=scale)))
# the validation loader on the real-world frames (its own copy: val is never changed through it)
test_dataloader = dict(val_dataloader, dataset=dict(
    val_dataloader['dataset'],
    dataset=dict(val_dataloader['dataset']['dataset'], subset='test_realworld')))
# DADA's evaluation script averages masked errors over batches of 28 tiles
val_evaluator = dict(type='DADAMetric', reduction='batch', batch_size=28)
test_evaluator = val_evaluator
