# DSR-Diff stage 2 at x16 on NYUv2: the x4 recipe, scale changed.
_base_ = ['./dsrdiff_stage2_nyu_x4.py']
scale = 16  # the one place the scale factor is stated; used below
model = dict(generator=dict(dsrn=dict(scale=scale), grn=dict(scale=scale)), ggn=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(scale=scale))
test_dataloader = dict(dataset=dict(scale=scale))
load_from = './work_dirs/dsrdiff_stage1_nyu_x16/iter_125000.pth'
