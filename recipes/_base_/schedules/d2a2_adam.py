# The official D2A2 optimisation: Adam, lr 1e-4, constant; iteration-based loop.
# max_iters is set by each dataset config (500 epochs of its training set).
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=125000, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
