# Self-supervised RefSR data on the TTSR demo pair ($XMODAL_DATA/refsr/ttsr_demo).
# The demo's real LR (lr/0.png, 88x125) has no HR, so training uses the
# *reference* image as HR: random 64x64 HR crops, LR = PIL bicubic x1/scale of the crop,
# reference = a 96x96 crop of the same image shifted by up to +-32 px (partial overlap,
# misaligned). Validation: a fixed 248x176 HR crop (top-left) with a reference window
# shifted by (128, 96) px (only partly overlapping). Training and validation come from
# the same image: the figures show the pipeline works, they are not a benchmark.
scale = 4
data_root = None  # resolves refsr/ttsr_demo under $XMODAL_DATA
train_pipeline = [
    dict(type='CropRefSR', hr_size=64, ref_size=96, max_shift=32),
    dict(type='MakeLRBicubicRGB'),
    dict(type='PackRefSRInputs'),
]
val_pipeline = [
    dict(type='CropRefSR', hr_size=(248, 176), ref_size=(372, 272), hr_origin=(0, 0),
         ref_shift=(128, 96)),
    dict(type='MakeLRBicubicRGB'),
    dict(type='PackRefSRInputs'),
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
    dataset=dict(type='RefSRDataset', data_root=data_root, scale=scale, hr_dir='ref',
                 ref_dir='ref', num_repeats=100, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='RefSRDataset', data_root=data_root, scale=scale, hr_dir='ref',
                 ref_dir='ref', test_mode=True, pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='PSNRSSIMMetric', crop_border=None, with_bicubic=True)
test_evaluator = val_evaluator
