# D2A2 x8 trained on RGB-D-D, validated on Middlebury: the x4 recipe, scale changed.
_base_ = ['./d2a2_rgbdd_x4.py']
model = dict(generator=dict(scale=8))
train_dataloader = dict(dataset=dict(scale=8))
val_dataloader = dict(dataset=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
