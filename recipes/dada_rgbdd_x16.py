# DADA x16 on RGB-D-D with the DADA preset: the x8 recipe, scale changed.
_base_ = ['./dada_rgbdd_x8.py']
model = dict(generator=dict(scale=16))
train_dataloader = dict(dataset=dict(scale=16))
val_dataloader = dict(dataset=dict(dataset=dict(scale=16)))
test_dataloader = val_dataloader
