# DSR-Diff stage 1 at x16 on NYUv2: the x4 recipe, scale changed.
_base_ = ['./dsrdiff_stage1_nyu_x4.py']
model = dict(generator=dict(dsrn=dict(scale=16)), ggn=dict(scale=16))
train_dataloader = dict(dataset=dict(scale=16))
val_dataloader = dict(dataset=dict(scale=16))
test_dataloader = dict(dataset=dict(scale=16))
