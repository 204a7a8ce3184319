# Fine-tunes the shipped ivifnet file (ivif_xmodal_roadscene_cpu1k.py's best checkpoint, which
# is below average fusion on SSIM on every validation pair) with 4x the SSIM weight:
# FusionLoss 1 x intensity + 10 x gradient + 4 x (1 - (SSIM(F, IR) + SSIM(F, Y)) / 2).
# Same data, crops (64x64, batch 8), warm-up EMA and criterion (validation 'score' on the 8
# validation pairs); 500 iterations, Adam 3e-4 after a 50-iteration warm-up, cosine to 1e-5,
# validation every 125. One setting tried, not a sweep.
#   python -m xmodal.tools.train recipes/ivif/ivif_xmodal_roadscene_ssim_ft.py
#   python -m xmodal.tools.export_weights recipes/ivif/ivif_xmodal_roadscene_ssim_ft.py \
#       work_dirs/ivif_xmodal_roadscene_ssim_ft/best_score_iter_N.pth ivifnet_roadscene.pth
_base_ = ['./ivif_xmodal_roadscene_cpu1k.py']
load_from = 'xmodal/weights/ivifnet_roadscene.pth'
model = dict(loss=dict(ssim_weight=4.0))
max_iters = 500
optim_wrapper = dict(optimizer=dict(lr=3e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=max_iters,
         T_max=max_iters - 50, eta_min=1e-5)]
train_cfg = dict(max_iters=max_iters, val_interval=125)
default_hooks = dict(checkpoint=dict(interval=125))
