# DSR-Diff stage 1 at x8 on RGB-D-D (Middlebury oracle validation): the x4 recipe, scale changed.
_base_ = ['./dsrdiff_stage1_rgbdd_x4.py']
model = dict(generator=dict(dsrn=dict(scale=8)), ggn=dict(scale=8))
train_dataloader = dict(dataset=dict(scale=8))
val_dataloader = dict(dataset=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
