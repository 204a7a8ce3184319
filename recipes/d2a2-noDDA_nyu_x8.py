# Ablation "w/o DDA": neither LDA nor deformable alignment; the guide features go
# straight to MFA (DGA with its offset head frozen at zero would still be a conv).
_base_ = ['./d2a2_nyu_x8.py']
model = dict(generator=dict(align=dict(_delete_=True, type='IdentityAlign')))
