# Infrared-visible fusion trained on the CPU: IVIFNet (D2A2 blocks LDA, DGA, GatedConv,
# PixelAttentionFusion; 206 k parameters) on random crops of the 169 roadscene_train pairs,
# validated on the 8 VIF-Benchmark pairs outside the standard test splits (the fixed list
# xmodal.datasets.ivif_splits.VIF_BENCHMARK_VAL). Nothing of the TNO-25 / RoadScene-50
# test splits is trained on or used to choose the checkpoint (data, crops and evaluator:
# _base_/datasets/ivif_roadscene.py).
#
# Loss (FusionLoss, on the fused luma): 1 x L1(F, max(IR, Y)) + 10 x L1(|grad F|,
# max(|grad IR|, |grad Y|)) (Sobel magnitudes; SeAFusion's alpha = 10) + 1 x (1 - (SSIM(F, IR)
# + SSIM(F, Y)) / 2). Adam 1e-3, 200-iteration linear warm-up, then cosine decay to 1e-5;
# EMA of the weights (momentum 0.001, used for validation and saved in the checkpoints).
# Best checkpoint: the validation 'score', the geometric mean over EN SD SF MI SCD VIF Qabf
# SSIM of the model-to-average-fusion ratios (xmodal.evaluation.fusion_score): no single
# metric that rewards copying a source decides it.
#
#   OMP_NUM_THREADS=2 python -m xmodal.tools.train recipes/ivif/ivif_xmodal_roadscene.py
#   ... --resume                    # continue from the latest checkpoint of the work dir
#   python -m xmodal.tools.export_weights recipes/ivif/ivif_xmodal_roadscene.py \
#       work_dirs/ivif_xmodal_roadscene/best_score_iter_N.pth ivifnet_roadscene.pth
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/ivif_roadscene.py']

max_iters = 6000
val_interval = 500

model = dict(
    type='IVIFModel',
    generator=dict(type='IVIFNet', channels=32, num_resblocks=2, deform_groups=4,
                   per_channel_lda=False, zero_init_tail=True),
    loss=dict(type='FusionLoss', int_weight=1.0, grad_weight=10.0, ssim_weight=1.0),
    data_preprocessor=dict(type='MultiInputDataPreprocessor', keys=('ir', 'vis')))

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=200),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=200, end=max_iters, T_max=max_iters - 200,
         eta_min=1e-5),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
custom_hooks = [dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=0.001,
                     update_buffers=True, priority=49)]
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=val_interval, max_keep_ckpts=2, save_best='score', rule='greater'))
