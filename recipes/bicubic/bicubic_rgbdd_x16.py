# PIL-bicubic baseline, RGB-D-D x16 (see bicubic_rgbdd_x4.py).
_base_ = ['./bicubic_rgbdd_x4.py']
model = dict(generator=dict(scale=16))
test_dataloader = dict(dataset=dict(scale=16))
