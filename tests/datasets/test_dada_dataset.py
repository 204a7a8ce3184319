"""DADATileDataset: a GDSR test set expanded into the DADA evaluation tiles."""

import numpy as np
from PIL import Image

from xmodal.datasets import DADATileDataset
from xmodal.datasets.dada_protocol import avg_pool_valid
from xmodal.registry import DATASETS


def test_tile_dataset_on_folder_pairs(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "rgb").mkdir()
    (tmp_path / "depth").mkdir()
    for name, (h, w) in (("a", (300, 520)), ("b", (256, 256))):
        Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(
            tmp_path / "rgb" / f"{name}.png")
        depth = rng.integers(500, 4000, (h, w)).astype(np.uint16)
        depth[:3, :3] = 0
        Image.fromarray(depth).save(tmp_path / "depth" / f"{name}.png")
    ds = DATASETS.build(dict(
        type="DADATileDataset", depth_std=500.0,
        dataset=dict(type="FolderPairGDSRDataset", data_root=str(tmp_path), scale=8,
                     unit_scale=0.1, unit="cm")))
    assert isinstance(ds, DADATileDataset) and ds.metainfo["preset"] == "dada"
    assert ds.tiles == [(0, 0, 0), (0, 0, 256), (1, 0, 0)]
    item = ds[1]
    sample = item["data_samples"]
    assert item["inputs"]["guide"].shape == (3, 256, 256)
    assert item["inputs"]["lr"].shape == (1, 32, 32)
    assert sample.tile_top_left == (0, 256) and sample.img_name == "a"
    hr = np.asarray(Image.open(tmp_path / "depth" / "a.png"), np.float32)[:256, 256:512]
    lr_ref = avg_pool_valid(hr, 8) / 500.0
    np.testing.assert_allclose(item["inputs"]["lr"][0].numpy(), lr_ref, rtol=1e-6)
    assert not ds[0]["data_samples"].gt_valid[0, :3, :3].any()
