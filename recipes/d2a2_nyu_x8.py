# D2A2 x8 on NYUv2: the x4 recipe with the scale changed everywhere.
_base_ = ['./d2a2_nyu_x4.py']
scale = 8  # the one place the scale factor is stated; used below
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(scale=scale))
test_dataloader = dict(dataset=dict(scale=scale))
