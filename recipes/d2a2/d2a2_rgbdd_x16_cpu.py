# D2A2 x16 on 2 CPU cores: RGB-D-D training list, best EMA checkpoint on the validation list.
#   mim train xmodal recipes/d2a2/d2a2_rgbdd_x16_cpu.py      (or python -m xmodal.tools.train)
# Fine-tunes the shipped x16 file (load_from; strict: every key must match): 256x256 crops,
# batch 2, 400 iterations under bfloat16 autocast (6.8 s/it against 11.1 in float32 on 2
# AVX-512-bf16 cores, benchmarks/bench_train_step.py; validation runs in float32), validated
# at 200 and 400. Export the best checkpoint:
#   python -m xmodal.tools.export_weights recipes/d2a2/d2a2_rgbdd_x16_cpu.py \
#       work_dirs/d2a2_rgbdd_x16_cpu/best_val_rmse_iter_N.pth xmodal/weights/d2a2_rgbdd_x16.pth
_base_ = ['./_base_/d2a2_rgbdd_cpu.py']
scale = 16
load_from = 'xmodal/weights/d2a2_rgbdd_x16.pth'
model = dict(generator=dict(scale=scale))
crop = 256
train_pipeline = [
    dict(type='RandomHardCropPair', size=crop, candidates=4),
    dict(type='MakeLRDepth', range_from='frame'),
    dict(type='RandomFlipTranspose'),
    dict(type='PackGDSRInputs'),
]
train_dataloader = dict(dataset=dict(scale=scale, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(scale=scale))
val_cfg = dict(test_sets=dict(middlebury=dict(dataloader=dict(dataset=dict(scale=scale)))))
test_dataloader = dict(dataset=dict(scale=scale))

# 400 iterations: warm-up to 50, cosine to 2 % of the learning rate at 400
max_iters = 400
optim_wrapper = dict(type='AutocastOptimWrapper', dtype='bfloat16')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.02, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_iters - 50, eta_min=1e-6,  # base lr x 0.02
         by_epoch=False, begin=50, end=max_iters),
]
train_cfg = dict(max_iters=max_iters, val_interval=200)
