# DADA x4 on RGB-D-D with the DADA preset: the x8 recipe, scale changed.
_base_ = ['./dada_rgbdd_x8.py']
scale = 4  # the one place the scale factor is stated; used below
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = dict(dataset=dict(dataset=dict(scale=scale)))
test_dataloader = dict(dataset=dict(dataset=dict(scale=scale)))
