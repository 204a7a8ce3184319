"""Tiny DSR-Diff configs shared by the tests (C=8, D=16)."""

D = 16
DSRN = dict(type="DSRN", scale=4, channels=8, guidance_dim=D, num_heads=2,
            depth_blocks=(1, 1, 1), guide_blocks=(1, 1, 1))
GGN = dict(type="GGN", scale=4, channels=8, guidance_dim=D, num_resblocks=1)
GRN = dict(type="GRN", scale=4, guidance_dim=D, channels=8, num_resblocks=1, denoiser_blocks=1)
DGA_SMALL = dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2))
