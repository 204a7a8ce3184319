# DSR-Diff stage 2 at x8 on NYUv2: the x4 recipe, scale changed.
_base_ = ['./dsrdiff_stage2_nyu_x4.py']
model = dict(generator=dict(dsrn=dict(scale=8), grn=dict(scale=8)), ggn=dict(scale=8))
train_dataloader = dict(dataset=dict(scale=8))
val_dataloader = dict(dataset=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
load_from = './work_dirs/dsrdiff_stage1_nyu_x8/iter_125000.pth'
