# Reference-based SR x4, DCSR-style (ICCV 2021): patch matching -> confidence + index maps,
# warped reference features refined by DGA, GatedConv + PixelAttentionFusion weighted by
# the matching confidence (the D2A2 blocks unchanged). Loss: DCSR's split, low-frequency
# L1 to the ground truth + high-frequency contextual loss to the reference
# (model.loss.mode=l1 for plain L1). Self-supervised data on the TTSR demo pair.
#   python -m xmodal.tools.train recipes/refsr_dcsr_x4.py
#   short CPU run: --cfg-options train_cfg.max_iters=20 train_cfg.val_interval=20 \
#       train_dataloader.batch_size=2 train_dataloader.num_workers=0 \
#       train_dataloader.persistent_workers=False
#   SR of the real LR: python -m xmodal.models.refsr.demo recipes/refsr_dcsr_x4.py CKPT
_base_ = ['./_base_/default_runtime.py', './_base_/datasets/refsr_ttsr_demo.py']
model = dict(
    type='RefSRModel',
    generator=dict(type='RefSRNet', scale=4, channels=32, num_resblocks=2, deform_groups=4,
                   chunk_size=1024, zero_init_tail=True),
    loss=dict(type='RefSRLoss', mode='dcsr', lf_weight=1.0, hf_weight=0.1,
              blur_kernel=9, blur_sigma=3.0),
    data_preprocessor=dict(type='MultiInputDataPreprocessor', keys=('lr', 'ref')))
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=1000, save_best='psnr_y', rule='greater'))
