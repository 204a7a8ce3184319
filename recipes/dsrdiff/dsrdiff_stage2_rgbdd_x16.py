# DSR-Diff stage 2 at x16 on RGB-D-D: the x4 recipe, scale changed, x16 stage-1 checkpoint.
_base_ = ['./dsrdiff_stage2_rgbdd_x4.py']
scale = 16  # the one place the scale factor is stated; used below
model = dict(generator=dict(dsrn=dict(scale=scale), grn=dict(scale=scale)), ggn=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(scale=scale))
test_dataloader = dict(dataset=dict(scale=scale))
load_from = './work_dirs/dsrdiff_stage1_rgbdd_x16/iter_50000.pth'
