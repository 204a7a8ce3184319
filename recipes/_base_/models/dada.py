# DADA (Metzger et al., CVPR 2023) wrapped for training: generator + masked L1 + preprocessor.
# Learned variant: a UNet gives the diffusion features (xmodal's offline UNet, random init,
# instead of the authors' ImageNet ResNet-50 UNet), K learnable (init 0.03), 8000 diffusion +
# adjustment iterations without gradients then 1024 with (the authors' Npre/Ntrain; they
# draw the no-grad count at random in [0, 8000) during training, xmodal keeps it fixed).
# Depth stays positive under the DADA preset (depth / std), so no offset; LR zeros are holes.
model = dict(
    type='GDSRModel',
    generator=dict(
        type='DADA',
        scale=8,
        feature_extractor=dict(type='DiffusionFeatureUNet', guide_channels=3, out_channels=64,
                               base_channels=32, num_levels=3),
        diffusion=dict(k=0.03, learn_k=True, num_iters=9024, num_grad_iters=1024,
                       adjust_every=1, lam=0.24),
        depth_offset=0.0,
        lr_invalid_value=0.0),
    # DADA's loss: 10 x L1 over the valid HR pixels (holes stored as 0 by PackDADAInputs)
    pixel_loss=dict(type='MaskedL1Loss', loss_weight=10.0, invalid_value=0.0),
    # DADA normalises the guide with the ImageNet mean/std
    data_preprocessor=dict(type='GDSRDataPreprocessor', guide_channel_order='rgb',
                           guide_mean=[0.485, 0.456, 0.406], guide_std=[0.229, 0.224, 0.225]))
