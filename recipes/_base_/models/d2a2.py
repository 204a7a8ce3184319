# D2A2 (arXiv 2401.08123) wrapped for training: generator + L1 loss + preprocessor.
model = dict(
    type='GDSRModel',
    generator=dict(
        type='D2A2',
        scale=4,
        channels=64,
        num_resblocks=4,
        align=dict(type='DDA',
                   domain_align=dict(type='LDA', per_channel=False),
                   geometric_align=dict(type='DGA', deform_groups=8, backend='auto')),
        fuse=dict(type='MFA',
                  gate=dict(type='GatedConv'),
                  attention=dict(type='PixelAttentionFusion'))),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0),
    data_preprocessor=dict(type='GDSRDataPreprocessor', guide_channel_order='rgb'))
