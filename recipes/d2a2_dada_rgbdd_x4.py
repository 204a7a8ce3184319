# D2A2 x4 followed by DADA's LR-consistency adjustment (LRConsistentGenerator): the output
# average-pools exactly to the LR input, a guarantee D2A2 lacks. Trained end to end on RGB-D-D's
# train list, checkpoints chosen on its validation list (val/rmse), tested on Middlebury, all
# under the D2A2/DCTNet preset (GDSRMetric: keys val/rmse, val/mae; test rmse, mae).
# Modelling note: in this preset the LR is made by PIL BICUBIC down-sampling, not average
# pooling, so the avg-pool constraint is a prior imposed by the model, not a property of the
# data (under the DADA preset it is exact). depth_offset=1 keeps the adjustment
# multiplicative on min-max normalised depth (whose minimum is a valid 0).
# Checkpoints of plain D2A2 have keys generator.*; this model's are generator.generator.*.
_base_ = ['./d2a2_rgbdd_x4.py']
model = dict(generator=dict(
    _delete_=True,
    type='LRConsistentGenerator',
    generator={{_base_.model.generator}},
    depth_offset=1.0,
    zero_invalid=False))
