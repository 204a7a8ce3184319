# DSR-Diff stage 2 at x16 on RGB-D-D: the x4 recipe, scale changed, x16 stage-1 checkpoint.
_base_ = ['./dsrdiff_stage2_rgbdd_x4.py']
model = dict(generator=dict(dsrn=dict(scale=16), grn=dict(scale=16)), ggn=dict(scale=16))
train_dataloader = dict(dataset=dict(scale=16))
val_dataloader = dict(dataset=dict(scale=16))
test_dataloader = dict(dataset=dict(scale=16))
load_from = './work_dirs/dsrdiff_stage1_rgbdd_x16/iter_50000.pth'
