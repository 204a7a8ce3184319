# D2A2 x4 on 2 CPU cores: RGB-D-D training list, best EMA checkpoint on the validation list.
#   mim train xmodal recipes/d2a2/d2a2_rgbdd_x4_cpu.py      (or python -m xmodal.tools.train)
# Fine-tunes the shipped x4 file (load_from; strict: every key must match) with the base's
# schedule (128x128 crops, batch 2, 600 iterations, validated every 200) under bfloat16
# autocast (1.2 s/it against 1.8 in float32 on 2 AVX-512-bf16 cores,
# benchmarks/bench_train_step.py; validation runs in float32). Export the best checkpoint:
#   python -m xmodal.tools.export_weights recipes/d2a2/d2a2_rgbdd_x4_cpu.py \
#       work_dirs/d2a2_rgbdd_x4_cpu/best_val_rmse_iter_N.pth xmodal/weights/d2a2_rgbdd_x4.pth
_base_ = ['./_base_/d2a2_rgbdd_cpu.py']
scale = 4
load_from = 'xmodal/weights/d2a2_rgbdd_x4.pth'
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(scale=scale))
val_cfg = dict(test_sets=dict(middlebury=dict(dataloader=dict(dataset=dict(scale=scale)))))
test_dataloader = dict(dataset=dict(scale=scale))
optim_wrapper = dict(type='AutocastOptimWrapper', dtype='bfloat16')
