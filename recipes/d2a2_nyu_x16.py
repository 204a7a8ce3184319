# D2A2 x16 on NYUv2: the x4 recipe with the scale changed everywhere.
_base_ = ['./d2a2_nyu_x4.py']
model = dict(generator=dict(scale=16))
train_dataloader = dict(dataset=dict(scale=16))
val_dataloader = dict(dataset=dict(scale=16))
test_dataloader = dict(dataset=dict(scale=16))
