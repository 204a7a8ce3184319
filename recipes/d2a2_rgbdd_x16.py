# D2A2 x16 trained on RGB-D-D, validated on Middlebury: the x4 recipe, scale changed.
_base_ = ['./d2a2_rgbdd_x4.py']
model = dict(generator=dict(scale=16))
train_dataloader = dict(dataset=dict(scale=16))
val_dataloader = dict(dataset=dict(scale=16))
test_dataloader = dict(dataset=dict(scale=16))
