# DSR-Diff (arXiv 2311.09919) stage-1 model: GGN (sees HR depth) + DSRN, L1 on depth.
model = dict(
    type='DSRDiffStage1Model',
    generator=dict(
        type='DSRDiff',
        dsrn=dict(type='DSRN', scale=4, channels=48, guidance_dim=256,
                  depth_blocks=(2, 2, 2), guide_blocks=(1, 1, 1), num_heads=4,
                  ffn_expansion=2.0, fusion='ffm'),  # fusion='dda+mfa': D2A2's DDA + MFA
        grn=None),
    ggn=dict(type='GGN', scale=4, channels=64, guidance_dim=256, num_resblocks=4),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0),
    data_preprocessor=dict(type='GDSRDataPreprocessor', guide_channel_order='rgb'))
