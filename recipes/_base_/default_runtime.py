# Runtime shared by every xmodal recipe (mmengine Runner settings).
# default_scope 'xmodal' is the whole registration mechanism: each xmodal registry lists
# the modules that fill it (its `locations`) and imports them on first use, so recipes
# need no custom_imports (keep that for your own modules outside xmodal).
default_scope = 'xmodal'
# XmodalRunner: weights-only checkpoint loading, gloo on CPU (xmodal.engine.runner)
runner_type = 'XmodalRunner'

# backend 'auto': NCCL with CUDA, gloo without (torchrun --launcher pytorch on CPU)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='auto'))
# Distributed switches (docs/distributed.md), off by default:
#   sync_bn = 'torch'                                   # GatedConv BatchNorms (CUDA only)
#   optim_wrapper = dict(accumulative_counts=2)         # gradient accumulation
#   optim_wrapper = dict(type='AmpOptimWrapper')        # fp16 on CUDA ('--amp')
#   optim_wrapper = dict(type='AutocastOptimWrapper')   # bf16 on CPU or CUDA
randomness = dict(seed=0, deterministic=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=5000, by_epoch=False,
                    max_keep_ckpts=3, save_best='auto', rule='less'),
    sampler_seed=dict(type='DistSamplerSeedHook'))
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
