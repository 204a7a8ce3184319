# DSR-Diff stage 2 at x4 on RGB-D-D: DSRN and the GGN (teacher) come from the stage-1
# checkpoint (load_from) and stay frozen; the GRN learns to recover the teacher's guidance
# from LR depth + HR RGB by a 4-step DDPM (L1 on the guidance through all reverse steps,
# as DiffIR) plus the depth L1 through the frozen DSRN. Validation (RGB-D-D's validation
# list, val/rmse: the best checkpoint) and test (Middlebury) run GRN + DSRN only (no HR
# depth), deterministic for the GRN's sample_seed.
#   mim train xmodal recipes/dsrdiff/dsrdiff_stage2_rgbdd_x4.py \
#       --cfg-options load_from=work_dirs/dsrdiff_stage1_rgbdd_x4/iter_50000.pth
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/rgbdd_middlebury.py',
    '../_base_/schedules/d2a2_adam.py', './_base_/dsrdiff_stage2.py'
]
train_cfg = dict(max_iters=50000, val_interval=2500)
default_hooks = dict(checkpoint=dict(interval=2500, save_best='val/rmse', rule='less'))
load_from = './work_dirs/dsrdiff_stage1_rgbdd_x4/iter_50000.pth'
