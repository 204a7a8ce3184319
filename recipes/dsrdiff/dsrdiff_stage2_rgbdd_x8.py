# DSR-Diff stage 2 at x8 on RGB-D-D: the x4 recipe, scale changed, x8 stage-1 checkpoint.
_base_ = ['./dsrdiff_stage2_rgbdd_x4.py']
model = dict(generator=dict(dsrn=dict(scale=8), grn=dict(scale=8)), ggn=dict(scale=8))
train_dataloader = dict(dataset=dict(scale=8))
val_dataloader = dict(dataset=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
load_from = './work_dirs/dsrdiff_stage1_rgbdd_x8/iter_50000.pth'
