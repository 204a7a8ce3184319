# PIL-bicubic baseline, RGB-D-D x16 (see bicubic_rgbdd_x4.py).
_base_ = ['./bicubic_rgbdd_x4.py']
scale = 16  # the one place the scale factor is stated; used below
model = dict(generator=dict(scale=scale))
test_dataloader = dict(dataset=dict(scale=scale))
