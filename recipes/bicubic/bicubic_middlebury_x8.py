# PIL-bicubic baseline, Middlebury x8 (see bicubic_middlebury_x4.py).
_base_ = ['./bicubic_middlebury_x4.py']
model = dict(generator=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
