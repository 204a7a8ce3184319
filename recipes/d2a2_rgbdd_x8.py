# D2A2 x8 trained on RGB-D-D (checkpoint chosen on its validation list, tested on
# Middlebury): the x4 recipe, scale changed.
_base_ = ['./d2a2_rgbdd_x4.py']
scale = 8  # the one place the scale factor is stated; used below
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(scale=scale))
test_dataloader = dict(dataset=dict(scale=scale))
