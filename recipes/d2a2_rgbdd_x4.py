# D2A2 x4 trained on the train list of the real RGB-D-D frames under $XMODAL_DATA, the
# best checkpoint chosen on its validation list (val/rmse, cm), tested cross-dataset on
# Middlebury (tools.test; never chosen on). Paper schedule: Adam 1e-4, batch 4, 256
# crops, L1; 500 epochs of 405 frames ~ 50k iterations (here on the 357-frame train list).
# Short CPU run: --cfg-options train_cfg.max_iters=20 train_cfg.val_interval=20
_base_ = [
    './_base_/default_runtime.py', './_base_/models/d2a2.py',
    './_base_/datasets/rgbdd_middlebury.py', './_base_/schedules/d2a2_adam.py'
]
model = dict(generator=dict(scale=4))
train_cfg = dict(max_iters=50000, val_interval=2500)
default_hooks = dict(checkpoint=dict(interval=2500, save_best='val/rmse', rule='less'))
