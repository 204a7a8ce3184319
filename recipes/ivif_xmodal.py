# Infrared-visible image fusion with the D2A2 blocks (LDA, DGA, GatedConv, PA) unchanged:
# IVIFNet fuses IR with the visible luma; SeAFusion's unsupervised loss (intensity + 10 x
# gradient) plus an SSIM term. Trains on crops of the 12 VIF-Benchmark pairs; tests print
# EN SD SF AG MI SCD VIF Qabf SSIM for the model and the average / max-abs baselines.
#   python -m xmodal.tools.train recipes/ivif_xmodal.py
#   short CPU run: --cfg-options train_cfg.max_iters=20 train_cfg.val_interval=20 \
#       train_dataloader.batch_size=2 train_dataloader.num_workers=0 \
#       train_dataloader.persistent_workers=False
#   python -m xmodal.tools.test recipes/ivif_xmodal.py work_dirs/ivif_xmodal/iter_20.pth
_base_ = ['./_base_/default_runtime.py', './_base_/datasets/ivif_vif_benchmark.py']
model = dict(
    type='IVIFModel',
    generator=dict(type='IVIFNet', channels=32, num_resblocks=2, deform_groups=4,
                   per_channel_lda=False, zero_init_tail=True),
    loss=dict(type='FusionLoss', int_weight=1.0, grad_weight=10.0, ssim_weight=1.0),
    data_preprocessor=dict(type='MultiInputDataPreprocessor', keys=('ir', 'vis')))
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=1000, save_best='VIF', rule='greater'))
