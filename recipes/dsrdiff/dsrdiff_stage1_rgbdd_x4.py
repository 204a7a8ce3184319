# DSR-Diff (arXiv 2311.09919) stage 1 at x4 on the real RGB-D-D frames under $XMODAL_DATA:
# the GGN compresses HR RGB + HR depth + LR depth into a 256-value guidance and the DSRN
# is trained with it end to end (L1 on depth). Validation on RGB-D-D's validation list
# (val/rmse, the best checkpoint) is an ORACLE evaluation (the GGN reads the HR depth);
# the deployable model is stage 2's. Middlebury is the test set (tools.test).
# Same data, optimiser and budget as recipes/d2a2_rgbdd_x4.py.
#   mim train xmodal recipes/dsrdiff/dsrdiff_stage1_rgbdd_x4.py
#   short CPU run: --cfg-options train_cfg.max_iters=20 train_cfg.val_interval=20
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/rgbdd_middlebury.py',
    '../_base_/schedules/d2a2_adam.py', './_base_/dsrdiff_stage1.py'
]
train_cfg = dict(max_iters=50000, val_interval=2500)
default_hooks = dict(checkpoint=dict(interval=2500, save_best='val/rmse', rule='less'))
