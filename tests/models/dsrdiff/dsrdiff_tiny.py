"""Tiny DSR-Diff configs shared by the tests (C=8, D=16)."""

D = 16
DSRN = dict(type="DSRN", scale=4, channels=8, guidance_dim=D, num_heads=2,
            depth_blocks=(1, 1, 1), guide_blocks=(1, 1, 1))
GGN = dict(type="GGN", scale=4, channels=8, guidance_dim=D, num_resblocks=1)
GRN = dict(type="GRN", scale=4, guidance_dim=D, channels=8, num_resblocks=1, denoiser_blocks=1)
DGA_SMALL = dict(type="DDA", geometric_align=dict(type="DGA", deform_groups=2))
GENERATOR = dict(type="DSRDiff", dsrn=DSRN, grn=GRN)  # the inference generator GRN + DSRN
# what a weights file may hold: plain scalar arguments only (the block counts stay the defaults)
FILE_DSRN = dict(type="DSRN", scale=4, channels=8, guidance_dim=D, num_heads=2, zero_init_tail=True)
FILE_GENERATOR = dict(type="DSRDiff", dsrn=FILE_DSRN, grn=GRN)


def batch(b: int = 2, scale: int = 4, hr: int = 32, seed: int = 0) -> dict:
    """A collated batch of the data contract (what ``pseudo_collate`` gives the model)."""
    import torch
    from mmengine.structures import BaseDataElement

    g = torch.Generator().manual_seed(seed)
    samples, guides, lrs = [], [], []
    for _ in range(b):
        gt = torch.rand(1, hr, hr, generator=g)
        lrs.append(torch.nn.functional.avg_pool2d(gt[None], scale)[0])
        guides.append(torch.rand(3, hr, hr, generator=g))
        s = BaseDataElement(metainfo=dict(depth_min=0.0, depth_max=1.0, scale=scale,
                                          unit_scale=1.0, unit="8bit", border=0,
                                          img_name="x", dataset="synthetic"))
        s.gt_depth = gt
        samples.append(s)
    return {"inputs": {"guide": guides, "lr": lrs}, "data_samples": samples}
