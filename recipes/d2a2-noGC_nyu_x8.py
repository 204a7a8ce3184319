# Ablation: MFA without the gated convolution.
_base_ = ['./d2a2_nyu_x8.py']
model = dict(generator=dict(fuse=dict(gate=None)))
