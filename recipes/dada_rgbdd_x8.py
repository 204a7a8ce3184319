# DADA x8 trained with the DADA preset on the real RGB-D-D frames of the package's split
# (xmodal.datasets.splits): the 357-frame train list; the best checkpoint is chosen on the
# 256 x 256 tiles of the 45-frame validation list (masked MAE/MSE in cm: dada/* keys), and
# the test tool reports the tiles of the 3 real-world-branch frames (test_realworld).
# Authors' optimisation: Adam lr 1e-4, weight decay 1e-5, gradient norm clipped at 0.01,
# lr x 0.9 every 100 epochs (step 4600 iterations: 100 epochs of 365 frames at batch 8, the
# frame count of an earlier split; the 357 train frames would give ~4460).
# Needs a GPU (9024 diffusion iterations per forward). Short CPU check:
#   python -m xmodal.tools.train recipes/dada_rgbdd_x8.py --cfg-options \
#     model.generator.diffusion.num_iters=8 model.generator.diffusion.num_grad_iters=2 \
#     train_cfg.max_iters=2 train_cfg.val_interval=2
_base_ = [
    './_base_/default_runtime.py', './_base_/models/dada.py',
    './_base_/datasets/dada_rgbdd.py'
]
model = dict(generator=dict(scale=8))
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-5),
                     clip_grad=dict(max_norm=0.01))
param_scheduler = [dict(type='StepLR', step_size=4600, gamma=0.9, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=100000, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(interval=5000, save_best='dada/mae_cm', rule='less'))
