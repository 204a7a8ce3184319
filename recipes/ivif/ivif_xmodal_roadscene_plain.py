# Ablation of ivif_xmodal_roadscene.py: the D2A2 blocks (LDA, DGA, GatedConv,
# PixelAttentionFusion) replaced by a plain concat + conv fusion (IVIFPlainNet: four 3x3
# convolutions, 60 wide, on cat(f_vis, f_ir)); 201 k parameters, 2.4 % fewer than IVIFNet
# (a test checks the 5 % bound). Same data, crops, loss, schedule, EMA and criterion.
#
#   OMP_NUM_THREADS=2 python -m xmodal.tools.train recipes/ivif/ivif_xmodal_roadscene_plain.py
_base_ = ['./ivif_xmodal_roadscene.py']
model = dict(generator=dict(_delete_=True, type='IVIFPlainNet', channels=32, num_resblocks=2,
                            hidden=60, num_convs=4, zero_init_tail=True))
