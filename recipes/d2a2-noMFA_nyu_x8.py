# Ablation "w/o MFA": no gated conv, attention replaced by a plain concat-conv.
_base_ = ['./d2a2_nyu_x8.py']
model = dict(generator=dict(
    fuse=dict(gate=None, attention=dict(_delete_=True, type='ConcatFusion'))))
