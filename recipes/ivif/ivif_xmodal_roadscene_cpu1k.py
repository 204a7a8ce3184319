# A CPU-hour version of ivif_xmodal_roadscene.py (same data, loss, EMA and criterion):
# 64x64 crops, batch 8, 1000 iterations, cosine to 1e-5, validation every 250; the EMA
# warms up (WarmupEMA: decay min(0.998, (1 + n) / (10 + n))), since a plain EMA of
# momentum 0.001 would still hold a third of the initial weights after 1000 iterations.
#   python -m xmodal.tools.train recipes/ivif/ivif_xmodal_roadscene_cpu1k.py
_base_ = ['./ivif_xmodal_roadscene.py']
max_iters = 1000
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='RandomCropIVIF', size=64), dict(type='RandomFlipIVIF', prob=0.5),
    dict(type='PackIVIFInputs')]))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=100),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=100, end=max_iters,
         T_max=max_iters - 100, eta_min=1e-5)]
train_cfg = dict(max_iters=max_iters, val_interval=250)
default_hooks = dict(checkpoint=dict(interval=250))
custom_hooks = [dict(type='EMAHook', ema_type='WarmupEMA', momentum=0.002, update_buffers=True,
                     priority=49)]
