# README quick-start: a short, real D2A2 run on the sample embedded in the package
# (9 RGB-D-D training-list frames for training, its 6 Middlebury frames for evaluation),
# sized to finish in a few minutes on 2 CPU cores. It shows that the whole pipeline trains
# and evaluates on real data; a few dozen iterations do NOT make a good model
# (the paper trains 125k iterations): compare its RMSE with bicubic honestly.
# A demo, not a held-out experiment: the sample holds no RGB-D-D validation frame, so the
# "validation" here scores the Middlebury sample frames (test frames, keys rmse /
# bicubic_rmse) for display only, and NO checkpoint is chosen on it (save_best=None:
# iter_15.pth and iter_30.pth, the last one is the result). Real training with a
# validation list: d2a2_rgbdd_x4.py, recipes/d2a2/d2a2_rgbdd_x{4,8,16}_cpu.py.
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
val_dataloader = dict(num_workers=0, persistent_workers=False, dataset=dict(
    _delete_=True, type='MiddleburyDataset', data_root=sample_root + '/middlebury', scale=4,
    split='test'))
val_evaluator = dict(_delete_=True, type='GDSRMetric', clamp=False, with_bicubic=True)
test_dataloader = val_dataloader
train_cfg = dict(max_iters=30, val_interval=30)
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=15, save_best=None))
