# Infrared-visible image fusion with the D2A2 blocks (LDA, DGA, GatedConv, PA): kept under its
# old name for benchmarks/bench_ivif.py and older commands. It used to train on crops of the
# 12 VIF-Benchmark pairs, four of which are frames of the standard TNO/RoadScene test splits;
# it now is the held-out recipe recipes/ivif/ivif_xmodal_roadscene.py (training on
# roadscene_train, validation on the 8 VIF-Benchmark pairs outside the test splits, best
# checkpoint by the combined fusion score). See that file and docs/model_fusion.md.
#   OMP_NUM_THREADS=2 python -m xmodal.tools.train recipes/ivif_xmodal.py
#   python -m xmodal.tools.test recipes/ivif_xmodal.py work_dirs/ivif_xmodal/best_score_iter_N.pth
_base_ = ['./ivif/ivif_xmodal_roadscene.py']
