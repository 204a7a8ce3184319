# DSR-Diff stage 1 at x8 on RGB-D-D (oracle validation on its validation list): the x4
# recipe, scale changed.
_base_ = ['./dsrdiff_stage1_rgbdd_x4.py']
scale = 8  # the one place the scale factor is stated; used below
model = dict(generator=dict(dsrn=dict(scale=scale)), ggn=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(scale=scale))
test_dataloader = dict(dataset=dict(scale=scale))
