# The ablation (ivif_xmodal_roadscene_plain.py: concat + conv fusion, 201 k parameters) under
# the schedule of ivif_xmodal_roadscene_cpu1k.py, for the blocks-vs-plain comparison.
#   python -m xmodal.tools.train recipes/ivif/ivif_xmodal_roadscene_plain_cpu1k.py
_base_ = ['./ivif_xmodal_roadscene_cpu1k.py']
model = dict(generator=dict(_delete_=True, type='IVIFPlainNet', channels=32, num_resblocks=2,
                            hidden=60, num_convs=4, zero_init_tail=True))
