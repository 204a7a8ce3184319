# PIL-bicubic baseline on RGB-D-D (cm, no crop, zeros kept). Expected 1.92 / 3.20 / 5.14.
_base_ = ['./bicubic_middlebury_x4.py']
test_dataloader = dict(dataset=dict(_delete_=True, type='RGBDDDataset', data_root=None,
                                    scale=4, split='test'))
