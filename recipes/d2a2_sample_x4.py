# README quick-start: a short, real D2A2 run on the sample embedded in the package
# (9 RGB-D-D training-list frames, 6 Middlebury frames for evaluation), sized to
# finish in a few minutes on 2 CPU cores. It shows that the whole pipeline trains
# and evaluates on real data; a few dozen iterations do NOT make a good model
# (the paper trains 125k iterations): compare its RMSE with bicubic honestly.
#   python -m xmodal.tools.train recipes/d2a2_sample_x4.py
_base_ = ['./d2a2_rgbdd_x4.py']
# start from the bicubic skip (zero last conv) so a short run is not dominated by init noise
model = dict(generator=dict(zero_init_tail=True))
sample_root = '{{fileDirname}}/../xmodal/data/gdsr'
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    # the sample's frames of the training list (9 of its 12: the other 3 are test frames)
    dataset=dict(data_root=sample_root + '/rgbdd', allow_missing=True,
                 pipeline=[dict(type='RandomCropPair', size=64), dict(type='MakeLRDepth'),
                           dict(type='RandomFlipTranspose'), dict(type='PackGDSRInputs')]))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(data_root=sample_root + '/middlebury'))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=30, val_interval=30)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=15))
