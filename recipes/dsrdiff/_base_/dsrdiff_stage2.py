# DSR-Diff stage-2 model: frozen GGN (teacher) and DSRN, trained GRN (4-step DDPM on the
# guidance vector). Checkpoint keys ggn.* and generator.dsrn.* are those of stage 1.
model = dict(
    type='DSRDiffStage2Model',
    generator=dict(
        type='DSRDiff',
        dsrn=dict(type='DSRN', scale=4, channels=48, guidance_dim=256,
                  depth_blocks=(2, 2, 2), guide_blocks=(1, 1, 1), num_heads=4,
                  ffn_expansion=2.0, fusion='ffm'),
        grn=dict(type='GRN', scale=4, guidance_dim=256, channels=64, num_resblocks=4,
                 denoiser_blocks=5, num_steps=4, beta_start=0.1, beta_end=0.99,
                 beta_schedule='linear', sample_seed=0,
                 parameterization='x0')),  # x0: DiffIR's; 'eps': predict the noise
    ggn=dict(type='GGN', scale=4, channels=64, guidance_dim=256, num_resblocks=4),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0),
    guidance_loss=dict(type='L1Loss', loss_weight=1.0),
    freeze_dsrn=True,
    data_preprocessor=dict(type='GDSRDataPreprocessor', guide_channel_order='rgb'))
