# DADA x4 on RGB-D-D with the DADA preset: the x8 recipe, scale changed.
_base_ = ['./dada_rgbdd_x8.py']
model = dict(generator=dict(scale=4))
train_dataloader = dict(dataset=dict(scale=4))
val_dataloader = dict(dataset=dict(dataset=dict(scale=4)))
test_dataloader = val_dataloader
