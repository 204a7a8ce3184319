# PIL-bicubic baseline under the D2A2/DCTNet protocol (no training):
#   python -m xmodal.tools.test recipes/bicubic/bicubic_middlebury_x4.py
# Expected RMSE (8-bit units): 2.28 (x4), 3.98 (x8), 6.37 (x16).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/rgbdd_middlebury.py']
model = dict(type='GDSRModel', generator=dict(type='Bicubic', scale=4), pixel_loss=None)
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
