# DADA x8 trained with the DADA preset on the real RGB-D-D frames (first 365 by capture
# time), evaluated on the 256 x 256 tiles of the last 40 (masked MAE/MSE in cm: dada/* keys).
# Authors' optimisation: Adam lr 1e-4, weight decay 1e-5, gradient norm clipped at 0.01,
# lr x 0.9 every 100 epochs (100 epochs of 365 frames at batch 8 ~ 4600 iterations).
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
