# Ablation: pixel attention replaced by spatial attention.
_base_ = ['./d2a2_nyu_x8.py']
model = dict(generator=dict(
    fuse=dict(attention=dict(_delete_=True, type='SpatialAttentionFusion'))))
