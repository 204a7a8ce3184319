"""The four mmengine metrics give the same numbers on 1 and on 2 processes (gloo, CPU).

Each rank processes the samples mmengine's ``DefaultSampler`` gives it (rank r:
indices r, r + 2, ..., padded by repeating the first ones); ``BaseMetric.evaluate``
gathers the per-image results in dataset order and drops the padding.
"""

import json

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

N = 5  # odd: rank 1 gets one padded (repeated) sample that must be dropped


def _samples(i: int) -> dict:
    g = torch.Generator().manual_seed(i)
    hr = torch.rand(1, 24, 24, generator=g)
    pred = (hr + 0.05 * torch.randn(1, 24, 24, generator=g)).clamp(0, 1)
    vis = torch.rand(3, 24, 24, generator=g)
    ir = torch.rand(1, 24, 24, generator=g)
    gdsr = dict(pred_depth=pred, gt_depth=hr, depth_min=0.5, depth_max=9.5, unit_scale=100.0,
                unit="cm", border=1, img_name=f"f{i}")
    dada = dict(pred_depth=pred, gt_depth=hr, preset="dada", depth_std=2.0, unit_scale=100.0,
                gt_valid=hr > 0.2)
    fusion = ({"inputs": {"ir": [ir], "vis": [vis]}},
              dict(pred_fused=(0.5 * (ir + vis)).clamp(0, 1), img_name=f"f{i}"))
    psnr = dict(pred_img=vis.roll(1, -1), gt_img=vis, scale=2)
    return dict(gdsr=gdsr, dada=dada, fusion=fusion, psnr=psnr)


def _metrics() -> dict:
    from xmodal.evaluation import DADAMetric, FusionMetric, GDSRMetric, PSNRSSIMMetric

    return dict(gdsr=GDSRMetric(), dada=DADAMetric(reduction="batch", batch_size=2),
                fusion=FusionMetric(names=["EN", "SD", "MI", "SSIM"]),
                psnr=PSNRSSIMMetric(crop_border=1))


def _evaluate(indices: list[int]) -> dict:
    out = {}
    for name, metric in _metrics().items():
        for i in indices:
            sample = _samples(i)[name]
            batch, sample = sample if name == "fusion" else ({}, sample)
            metric.process(batch, [sample])
        out.update({f"{name}:{k}": v for k, v in metric.evaluate(N).items()})
    return out


def _rank(rank: int, init: str, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=init, rank=rank, world_size=2)
    padded = list(range(N)) + list(range(N))[: (-N) % 2]
    result = _evaluate(padded[rank::2])
    with open(f"{out}.{rank}", "w") as f:
        json.dump(result, f)
    dist.destroy_process_group()


@pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                    reason="torch.distributed with gloo is not available")
def test_metrics_equal_on_one_and_two_processes(tmp_path):
    out = str(tmp_path / "metrics.json")
    _metrics()  # import before forking: the children start without re-importing
    mp.start_processes(_rank, args=(f"file://{tmp_path / 'store'}", out), nprocs=2,
                       start_method="fork")
    two = [json.loads(open(f"{out}.{r}").read()) for r in (0, 1)]
    one = _evaluate(list(range(N)))
    assert two[0] == two[1]  # evaluate() broadcasts rank 0's figures
    assert set(two[0]) == set(one) and len(one) >= 12
    for key, value in one.items():
        assert np.isfinite(value), key
        assert two[0][key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
