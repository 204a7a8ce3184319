# D2A2 x8 on NYUv2: the x4 recipe with the scale changed everywhere.
_base_ = ['./d2a2_nyu_x4.py']
model = dict(generator=dict(scale=8))
train_dataloader = dict(dataset=dict(scale=8))
val_dataloader = dict(dataset=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
