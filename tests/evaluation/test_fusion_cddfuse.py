"""The 'cddfuse' convention against an independent transcription of CDDFuse's evaluator.

The reference functions below restate the formulas of ``utils/Evaluator.py``
of Zhaozixiang1228/MMIF-CDDFuse on float32 grey images (what its
``image_read_cv2(..., 'GRAY')`` returns): scikit-learn's ``mutual_info_score``
for MI, scikit-image's ``structural_similarity`` called with the evaluator's
arguments (none: the defaults, with the data range scikit-image 0.19 took from
the float dtype), true 2-D convolutions for VIF and Qabf. They run on the
real VIF-Benchmark pairs.
"""

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement
from PIL import Image

from xmodal.evaluation.fusion_cddfuse import CDDFUSE_METRICS, stretch_to_255
from xmodal.evaluation.fusion_conventions import fusion_metrics
from xmodal.evaluation.fusion_metric import FusionMetric

sklearn_metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn (tests extra)")
REPO = Path(__file__).resolve().parents[2]


def _vif_root() -> Path:
    env = os.environ.get("XMODAL_DATA")  # set by tests/conftest.py when the data exists
    root = Path(env or ".") / "ivif" / "vif_benchmark"
    if not env or not root.is_dir():
        pytest.skip("real IVIF data not found (set XMODAL_DATA)")
    return root


def _grey(path: Path) -> np.ndarray:
    rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)
    return np.round(rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32))


# ---- the evaluator's formulas, restated -------------------------------------------------
def ref_en(f):
    a = np.uint8(np.round(f)).ravel()
    h = np.bincount(a) / a.size
    return -np.sum(h * np.log2(h + (h == 0)))


def ref_sd(f):
    return np.std(f)


def ref_sf(f):
    return np.sqrt(np.mean((f[:, 1:] - f[:, :-1]) ** 2) + np.mean((f[1:] - f[:-1]) ** 2))


def ref_ag(f):
    gx, gy = np.zeros_like(f), np.zeros_like(f)
    gx[:, 0], gx[:, -1] = f[:, 1] - f[:, 0], f[:, -1] - f[:, -2]
    gx[:, 1:-1] = (f[:, 2:] - f[:, :-2]) / 2
    gy[0], gy[-1] = f[1] - f[0], f[-1] - f[-2]
    gy[1:-1] = (f[2:] - f[:-2]) / 2
    return np.mean(np.sqrt((gx**2 + gy**2) / 2))


def ref_mi(f, a, b):
    score = sklearn_metrics.mutual_info_score
    return score(f.ravel(), a.ravel()) + score(f.ravel(), b.ravel())


def _corr(x, y):
    x, y = x - x.mean(), y - y.mean()
    return np.sum(x * y) / np.sqrt(np.sum(x * x) * np.sum(y * y))


def ref_scd(f, a, b):
    return _corr(a, f - b) + _corr(b, f - a)


def _ref_vifp(ref, dist):
    from scipy import ndimage

    def correlate2d(x, win, mode):  # the evaluator's convolve2d(x, rot90(win, 2), 'valid')
        h = win.shape[0] // 2
        return ndimage.correlate(x, win, mode="constant")[h:x.shape[0] - h, h:x.shape[1] - h]

    num = den = 0.0
    for scale in range(1, 5):
        n = 2 ** (5 - scale) + 1
        y, x = np.ogrid[-(n - 1) / 2:(n - 1) / 2 + 1, -(n - 1) / 2:(n - 1) / 2 + 1]
        win = np.exp(-(x * x + y * y) / (2 * (n / 5.0) ** 2))
        win /= win.sum()
        if scale > 1:
            ref = correlate2d(ref, win, mode="valid")[::2, ::2]
            dist = correlate2d(dist, win, mode="valid")[::2, ::2]
        mu1, mu2 = correlate2d(ref, win, mode="valid"), correlate2d(dist, win, mode="valid")
        s1 = np.maximum(correlate2d(ref * ref, win, mode="valid") - mu1 * mu1, 0)
        s2 = np.maximum(correlate2d(dist * dist, win, mode="valid") - mu2 * mu2, 0)
        s12 = correlate2d(ref * dist, win, mode="valid") - mu1 * mu2
        g = s12 / (s1 + 1e-10)
        sv = s2 - g * s12
        low1 = s1 < 1e-10
        g[low1], sv[low1], s1[low1] = 0, s2[low1], 0
        low2 = s2 < 1e-10
        g[low2], sv[low2] = 0, 0
        sv[g < 0] = s2[g < 0]
        g[g < 0] = 0
        sv[sv <= 1e-10] = 1e-10
        num += np.sum(np.log10(1 + g * g * s1 / (sv + 2)))
        den += np.sum(np.log10(1 + s1 / 2))
    return 1.0 if den == 0 else num / den


def ref_vif(f, a, b):
    return _ref_vifp(a.astype(np.float64), f) + _ref_vifp(b.astype(np.float64), f)


def _ref_sobel(img):
    from scipy import ndimage

    kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)
    ky = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], np.float32)
    sx = ndimage.convolve(img, kx, mode="constant")  # true convolution, zero padding
    sy = ndimage.convolve(img, ky, mode="constant")
    g = np.sqrt(sx * sx + sy * sy)
    alpha = np.where(sx == 0, np.float32(math.pi / 2),
                     np.arctan(sy / np.where(sx == 0, np.float32(1), sx)))
    return g, alpha


def _ref_q(ga, aa, gf, af):
    rel = np.where(ga > gf, gf / np.where(ga > gf, ga, 1),
                   np.where(ga == gf, gf, ga / np.where(ga < gf, gf, 1)))
    ori = 1 - np.abs(aa - af) / (math.pi / 2)
    return 0.9994 / (1 + np.exp(-15 * (rel - 0.5))) * 0.9879 / (1 + np.exp(-22 * (ori - 0.8)))


def ref_qabf(f, a, b):
    (ga, aa), (gb, ab), (gf, af) = _ref_sobel(a), _ref_sobel(b), _ref_sobel(f)
    return np.sum(_ref_q(ga, aa, gf, af) * ga + _ref_q(gb, ab, gf, af) * gb) / np.sum(ga + gb)


def ref_ssim(f, a, b):
    from skimage.metrics import structural_similarity
    from skimage.util.dtype import dtype_range

    lo, hi = dtype_range[f.dtype.type]  # scikit-image 0.19's default for float images
    return (structural_similarity(f, a, data_range=hi - lo)
            + structural_similarity(f, b, data_range=hi - lo))


# VIF's local variances E[x^2] - E[x]^2 cancel to rounding noise (~1e-6) on flat regions
# (saturated IR), where its gain s12 / s1 is noise over noise: two exact implementations
# that sum in a different order agree to ~1e-4 there, not better.
RTOL = {"VIF": 2e-4}

REFERENCE = {"EN": ref_en, "SD": ref_sd, "SF": ref_sf, "AG": ref_ag, "MI": ref_mi,
             "SCD": ref_scd, "VIF": ref_vif, "Qabf": ref_qabf, "SSIM": ref_ssim}


def _fused_images(a, b):
    """Two fused outputs on a [0, 1]-like scale, as a network gives them (unstretched)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    yield (a + b) / 510.0
    yield np.sqrt(0.7 * (a / 255) ** 2 + 0.3 * (b / 255) ** 2) * 0.8 + 0.05


PAIR_NAMES = ["00537D.png", "00556D.png", "00633D.png", "00858N.png", "00881N.png",
              "01023N.png", "049.png", "108.png", "17.png", "175.png", "21.png", "36.png"]
FAST = {"00537D.png", "049.png", "17.png"}  # one MSRS, one RoadScene, one TNO frame in CI


@pytest.fixture(scope="module")
def pairs():
    root = _vif_root()
    names = sorted(p.name for p in (root / "ir").iterdir())
    assert names == sorted(PAIR_NAMES)
    return {n: (_grey(root / "ir" / n), _grey(root / "vi" / n)) for n in names}


@pytest.mark.parametrize("name", [n if n in FAST else pytest.param(n, marks=pytest.mark.slow)
                                  for n in PAIR_NAMES])
def test_each_metric_matches_the_evaluator_on_real_pairs(pairs, name):
    a, b = pairs[name]
    for raw in _fused_images(a, b):
        f = (np.round((raw - raw.min()) / (raw.max() - raw.min()) * 255)).astype(np.float32)
        ours = fusion_metrics(a, b, raw)  # default convention: cddfuse (stretch included)
        for metric, ref in REFERENCE.items():
            pair = CDDFUSE_METRICS[metric][1]
            expected = float(ref(f, a, b) if pair else ref(f))
            rel = RTOL.get(metric, 2e-5)
            assert ours[metric] == pytest.approx(expected, rel=rel, abs=1e-6), metric


def test_conventions_differ_as_measured(pairs):
    a, b = pairs["00537D.png"]
    f = stretch_to_255((a + b) / 2)
    cdd = fusion_metrics(a, b, f)
    std = fusion_metrics(a, b, f, convention="standard")
    assert std["MI"] / cdd["MI"] == pytest.approx(1 / math.log(2))  # bits vs nats
    assert std["SSIM"] / cdd["SSIM"] > 1.2  # Gaussian 11x11, range 255 vs uniform 7x7, range 2
    h, w = f.shape
    assert std["AG"] / cdd["AG"] == pytest.approx(h * w / ((h - 1) * (w - 1)), rel=1e-5)
    for same in ("EN", "SD", "SF", "SCD", "VIF"):
        assert std[same] == pytest.approx(cdd[same], rel=1e-4)


def test_fusion_metric_default_is_cddfuse(pairs):
    a, b = pairs["17.png"]
    ir = torch.from_numpy(a / 255).float()[None]
    vis = torch.from_numpy(b / 255).float()[None].repeat(3, 1, 1)
    fused = 0.5 * (ir + vis) * 0.6 + 0.1  # a low-contrast output: the stretch matters
    metric = FusionMetric(with_baselines=True)
    sample = BaseDataElement(pred_fused=fused, metainfo=dict(img_name="x"))
    metric.process({"inputs": {"ir": [ir], "vis": [vis]}}, [sample])
    out = metric.compute_metrics(metric.results)
    f = np.round(stretch_to_255(fused[0].double().numpy() * 255)).astype(np.float32)
    for metric_name, ref in REFERENCE.items():
        pair = CDDFUSE_METRICS[metric_name][1]
        expected = float(ref(f, a, b) if pair else ref(f))
        rel = RTOL.get(metric_name, 2e-5)
        assert out[metric_name] == pytest.approx(expected, rel=rel, abs=1e-6), metric_name
    avg = stretch_to_255((a + b) / 2).astype(np.float32)
    assert out["avg/MI"] == pytest.approx(ref_mi(avg, a, b), rel=1e-6)
    standard = FusionMetric(names=["MI"], convention="standard")
    standard.process({"inputs": {"ir": [ir], "vis": [vis]}}, [sample])
    assert standard.results[0]["MI"] != pytest.approx(out["MI"])


def test_stretch_and_errors():
    x = np.array([[2.0, 3.0], [4.0, 6.0]])
    np.testing.assert_array_equal(stretch_to_255(x), [[0, 64], [128, 255]])
    with pytest.raises(ValueError, match="constant"):
        stretch_to_255(np.ones((4, 4)))
    with pytest.raises(ValueError, match="convention"):
        FusionMetric(convention="matlab")
    with pytest.raises(ValueError, match="convention"):
        fusion_metrics(x, x, x, convention="vifb")
