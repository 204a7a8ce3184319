# PIL-bicubic baseline, Middlebury x16 (see bicubic_middlebury_x4.py).
_base_ = ['./bicubic_middlebury_x4.py']
model = dict(generator=dict(scale=16))
test_dataloader = dict(dataset=dict(scale=16))
