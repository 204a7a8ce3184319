# DSR-Diff stage 1 at x4 on NYUv2 (frames 0..949 train, 950..999 validation: the best
# checkpoint by val/rmse, an oracle one since the GGN reads the HR depth; the last 449
# test, RMSE cm with a 6-px border): the D2A2 NYUv2 setting (Adam 1e-4, batch 4, 256
# crops, 125k iterations).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/nyuv2.py',
    '../_base_/schedules/d2a2_adam.py', './_base_/dsrdiff_stage1.py'
]
train_cfg = dict(max_iters=125000, val_interval=5000)
default_hooks = dict(checkpoint=dict(save_best='val/rmse', rule='less'))
