# Ablation: LDA replaced by batch normalisation.
_base_ = ['./d2a2_nyu_x8.py']
model = dict(generator=dict(
    align=dict(domain_align=dict(_delete_=True, type='BatchNormAlign'))))
