# PIL-bicubic baseline, RGB-D-D x8 (see bicubic_rgbdd_x4.py).
_base_ = ['./bicubic_rgbdd_x4.py']
model = dict(generator=dict(scale=8))
test_dataloader = dict(dataset=dict(scale=8))
