"""No-reference metrics of infrared-visible image fusion (functional + mmengine ``Metric``).

The nine figures of the fusion literature's tables (SeAFusion, CDDFuse, the
VIF-Benchmark): EN, SD, SF, AG (fused image alone) and MI, SCD, VIF, Qabf,
SSIM (fused image against both sources, summed over the two sources where the
metric is defined per source). All functions take 2-D grey images on the
8-bit scale (float or integer arrays with values in [0, 255]); colour images
are scored on their luma (BT.601 Y), as the benchmark scripts do after
converting to grey. Every function documents its definition and source.

These are the **'standard'** definitions (the metrics' own papers). The
published tables use CDDFuse's evaluator, which differs in MI (nats), SSIM
(7x7 uniform window, data range 2), AG, VIF's flat rule, Qabf's Sobel sign and
tie rule, and stretches the fused output first: that is the **'cddfuse'**
convention (:mod:`xmodal.evaluation.fusion_cddfuse`), the default of
:func:`~xmodal.evaluation.fusion_metrics` and :class:`~xmodal.evaluation.FusionMetric`.

This module holds the per-metric definitions only. Choosing a convention's
table and scoring one image in it: :mod:`xmodal.evaluation.fusion_conventions`;
the mmengine ``Metric``: :mod:`xmodal.evaluation.fusion_metric`; the combined
checkpoint score: :mod:`xmodal.evaluation.fusion_score`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

__all__ = [
    "entropy", "standard_deviation", "spatial_frequency", "average_gradient",
    "mutual_information", "scd", "vif", "qabf", "ssim_fusion", "FUSION_METRICS",
]


def _grey(x: Any, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {type(x).__name__}")
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D grey image (H, W), got shape {x.shape}")
    return x.astype(np.float64)


def _grey_2x2(fused: Any) -> np.ndarray:
    """The fused image as grey levels; ValueError if smaller than 2 x 2 (gradient metrics)."""
    f = _grey(fused, "fused")
    if min(f.shape) < 2:
        raise ValueError(f"fused must be at least 2x2, got {f.shape}")
    return f


def _same(a: np.ndarray, b: np.ndarray, na: str, nb: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{na} {a.shape} and {nb} {b.shape} must have the same shape")


def _hist_entropy(p: np.ndarray, log: Callable[[np.ndarray], np.ndarray] = np.log2) -> float:
    p = p[p > 0]
    return float(-(p * log(p)).sum())


def entropy(fused: Any) -> float:
    """EN: Shannon entropy (bits) of the 256-bin grey-level histogram.

    ``EN = -sum_l p_l log2 p_l``, ``p_l`` the fraction of pixels at level l
    (Roberts, van Aardt, Ahmed, J. Appl. Remote Sens. 2008, eq. 1). Values are
    rounded to the integer levels 0..255 first.

    Args:
        fused: (H, W) grey image, 8-bit scale.

    Returns:
        EN in bits, in [0, 8]; 0 for a constant image.

    Raises:
        TypeError / ValueError: not an array / not 2-D.
    """
    f = np.clip(np.rint(_grey(fused, "fused")), 0, 255).astype(np.int64)
    return _hist_entropy(np.bincount(f.ravel(), minlength=256) / f.size)


def standard_deviation(fused: Any) -> float:
    """SD: population standard deviation ``sqrt(mean((F - mean F)^2))`` (contrast).

    Source: Rao, "In-fibre Bragg grating sensors", Meas. Sci. Technol. 1997, as
    cited for SD by the fusion surveys (Ma et al., Inf. Fusion 2019, Sec. 4.2).

    Args:
        fused: (H, W) grey image, 8-bit scale.

    Returns:
        SD in grey levels; 0 for a constant image.
    """
    return float(np.std(_grey(fused, "fused")))


def spatial_frequency(fused: Any) -> float:
    """SF: ``sqrt(RF^2 + CF^2)``, RF/CF the RMS of vertical/horizontal first differences.

    ``RF = sqrt(mean_{i,j} (F[i,j] - F[i-1,j])^2)``, ``CF = sqrt(mean_{i,j}
    (F[i,j] - F[i,j-1])^2)``, the means taken over the (H-1) x W and H x (W-1)
    difference arrays (Eskicioglu & Fisher, IEEE Trans. Commun. 1995; as in the
    VIF-Benchmark scripts).

    Args:
        fused: (H, W) grey image, 8-bit scale, H, W >= 2.

    Returns:
        SF in grey levels per pixel.

    Raises:
        ValueError: image smaller than 2 x 2.
    """
    f = _grey_2x2(fused)
    rf = np.sqrt(np.mean(np.diff(f, axis=0) ** 2))
    cf = np.sqrt(np.mean(np.diff(f, axis=1) ** 2))
    return float(np.sqrt(rf**2 + cf**2))


def average_gradient(fused: Any) -> float:
    """AG: ``sum sqrt((gx^2 + gy^2) / 2) / ((H - 1)(W - 1))``.

    ``gx, gy`` are ``numpy.gradient`` derivatives (central differences inside,
    one-sided at the border), the MATLAB ``gradient`` of the reference scripts
    (Cui et al., Opt. Commun. 2015, eq. 10; VIF-Benchmark).

    Args:
        fused: (H, W) grey image, 8-bit scale, H, W >= 2.

    Returns:
        AG in grey levels per pixel; 0 for a constant image.
    """
    f = _grey_2x2(fused)
    gy, gx = np.gradient(f)
    s = np.sqrt((gx**2 + gy**2) / 2.0)
    return float(s.sum() / ((f.shape[0] - 1) * (f.shape[1] - 1)))


def _mi(a: np.ndarray, f: np.ndarray, log: Callable[[np.ndarray], np.ndarray] = np.log2) -> float:
    """MI of two images from their 256-bin (joint) histograms; ``log`` sets the unit."""
    ai = np.clip(np.rint(a), 0, 255).astype(np.int64).ravel()
    fi = np.clip(np.rint(f), 0, 255).astype(np.int64).ravel()
    joint = np.bincount(ai * 256 + fi, minlength=256 * 256).astype(np.float64) / ai.size
    pa = np.bincount(ai, minlength=256) / ai.size
    pf = np.bincount(fi, minlength=256) / fi.size
    return _hist_entropy(pa, log) + _hist_entropy(pf, log) - _hist_entropy(joint, log)


def mutual_information(ir: Any, vis: Any, fused: Any) -> float:
    """MI: ``MI(A, F) + MI(B, F)``, MI from 256-bin (joint) histograms, in bits.

    ``MI(A, F) = H(A) + H(F) - H(A, F)`` (Qu, Zhang, Yan, Electron. Lett. 2002).
    Values are rounded to the integer levels 0..255.

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F.

    Returns:
        MI in bits; ``MI(A, A, A) = 2 EN(A)``.

    Raises:
        ValueError: shapes differ.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    return _mi(a, f) + _mi(b, f)


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    den = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / den) if den > 0 else 0.0


def scd(ir: Any, vis: Any, fused: Any) -> float:
    """SCD, sum of the correlations of differences: ``r(F - B, A) + r(F - A, B)``.

    ``r`` is Pearson's correlation (MATLAB ``corr2``); 0 where an image is
    constant (Aslantas & Bendes, AEU Int. J. Electron. Commun. 2015, eq. 3-4).

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F.

    Returns:
        SCD in [-2, 2]; 2 for ``F = A + B``.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    return _corr(f - b, a) + _corr(f - a, b)


def _gauss_filter_valid(x: np.ndarray, n: int) -> np.ndarray:
    """MATLAB ``filter2(fspecial('gaussian', n, n / 5), x, 'valid')`` (separable, exact)."""
    r = (n - 1) / 2.0
    t = np.arange(n) - r
    w = np.exp(-(t**2) / (2.0 * (n / 5.0) ** 2))
    from scipy import ndimage  # lazy: scipy/scikit-image are only needed by these metrics

    w /= w.sum()  # the outer product of normalised 1-D windows = fspecial's 2-D window
    y = ndimage.correlate1d(x, w, axis=0, mode="constant")
    y = ndimage.correlate1d(y, w, axis=1, mode="constant")
    h = n // 2
    return y[h : x.shape[0] - h, h : x.shape[1] - h]


def _vifp(ref: np.ndarray, dist: np.ndarray, sigma_nsq: float = 2.0, eps: float = 1e-10,
          flat_ref: float = 0.0) -> float:
    """Pixel-domain multi-scale VIF; ``flat_ref`` is returned when the reference is flat."""
    num = den = 0.0
    for scale in range(1, 5):
        n = 2 ** (4 - scale + 1) + 1
        if scale > 1:
            ref = _gauss_filter_valid(ref, n)[::2, ::2]
            dist = _gauss_filter_valid(dist, n)[::2, ::2]
        if min(ref.shape) < n:
            raise ValueError(f"vif: image too small for scale {scale} (needs >= {n} pixels)")
        mu1, mu2 = _gauss_filter_valid(ref, n), _gauss_filter_valid(dist, n)
        s1 = np.maximum(_gauss_filter_valid(ref * ref, n) - mu1 * mu1, 0.0)
        s2 = np.maximum(_gauss_filter_valid(dist * dist, n) - mu2 * mu2, 0.0)
        s12 = _gauss_filter_valid(ref * dist, n) - mu1 * mu2
        g = s12 / (s1 + eps)
        sv = s2 - g * s12
        flat1 = s1 < eps
        g[flat1], sv[flat1], s1[flat1] = 0.0, s2[flat1], 0.0
        flat2 = s2 < eps
        g[flat2], sv[flat2] = 0.0, 0.0
        neg = g < 0
        sv[neg], g[neg] = s2[neg], 0.0
        sv = np.maximum(sv, eps)
        num += np.log10(1.0 + g * g * s1 / (sv + sigma_nsq)).sum()
        den += np.log10(1.0 + s1 / sigma_nsq).sum()
    return float(num / den) if den > 0 else flat_ref


def vif(ir: Any, vis: Any, fused: Any) -> float:
    """VIF: ``VIFp(A, F) + VIFp(B, F)``, Sheikh & Bovik's pixel-domain multi-scale VIF.

    Sheikh & Bovik, "Image information and visual quality", IEEE TIP 2006,
    pixel-domain version (their ``vifp_mscale.m``): 4 scales, Gaussian windows
    of size ``N = 2^(5 - s) + 1`` and std ``N / 5``, 'valid' filtering and
    dyadic subsampling, HVS noise variance ``sigma_n^2 = 2``; per scale the
    gain ``g = s_12 / s_1^2`` and distortion variance ``s_v^2 = s_2^2 - g s_12``
    with the reference code's guards for flat regions and negative gains;
    ``VIFp = sum log10(1 + g^2 s_1^2 / (s_v^2 + sigma_n^2)) / sum log10(1 + s_1^2 /
    sigma_n^2)``. Summed over both sources as in the fusion benchmarks
    (SeAFusion, VIF-Benchmark).

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F; each side
            >= 41 pixels (four scales of 'valid' filtering).

    Returns:
        VIF (unitless); ``VIFp(A, A) = 1``; 0 against a constant image; above 1
        for a contrast-enhanced copy.

    Raises:
        ValueError: shapes differ or the image is too small.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    return _vifp(a, f) + _vifp(b, f)


#: Xydeas & Petrovic's sigmoid constants (Gamma, kappa, sigma) for strength and orientation.
_QG = (0.9994, -15.0, 0.5)
_QA = (0.9879, -22.0, 0.8)
_SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def _sobel_strength_orientation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy import ndimage

    sx = ndimage.correlate(x, _SOBEL_X, mode="constant")
    sy = ndimage.correlate(x, _SOBEL_X.T, mode="constant")
    g = np.sqrt(sx * sx + sy * sy)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(sx == 0, np.pi / 2, np.arctan(sy / np.where(sx == 0, 1.0, sx)))
    return g, alpha


def _edge_preservation(ga, aa, gf, af) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(ga > gf, gf / ga, np.where(ga == gf, 1.0, ga / gf))
    ori = 1.0 - np.abs(aa - af) / (np.pi / 2)
    qg = _QG[0] / (1.0 + np.exp(_QG[1] * (rel - _QG[2])))
    qa = _QA[0] / (1.0 + np.exp(_QA[1] * (ori - _QA[2])))
    return qg * qa


def qabf(ir: Any, vis: Any, fused: Any) -> float:
    """Qabf (Q^{AB/F}): edge information transferred from the sources to the fused image.

    Xydeas & Petrovic, "Objective image fusion performance measure", Electron.
    Lett. 36(4), 2000. Sobel responses ``s_x, s_y`` (zero padding) give edge
    strength ``g = sqrt(s_x^2 + s_y^2)`` and orientation ``alpha = atan(s_y /
    s_x)`` (``pi/2`` where ``s_x = 0``). Per source A: relative strength
    ``G = min(g_A, g_F) / max(g_A, g_F)`` (1 where equal), relative orientation
    ``A = 1 - |alpha_A - alpha_F| / (pi/2)``, preservation ``Q^{AF} =
    Gamma_g / (1 + e^{kappa_g (G - sigma_g)}) * Gamma_a / (1 + e^{kappa_a (A -
    sigma_a)})`` with (0.9994, -15, 0.5) and (0.9879, -22, 0.8); ``Qabf = sum
    (Q^{AF} g_A + Q^{BF} g_B) / sum (g_A + g_B)`` (weights ``g^L``, L = 1).

    Note: the widely circulated ``analysis_Qabf.m`` sets ``G = g_F`` (not 1)
    where ``g_A == g_F``; on 8-bit images (Sobel strengths 0 or >= 1) this changes
    the value by less than 6e-4 relative on those pixels. This function follows
    the paper.

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F.

    Returns:
        Qabf in [0, ~0.975]; 0 when both sources are constant.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    ga, aa = _sobel_strength_orientation(a)
    gb, ab = _sobel_strength_orientation(b)
    gf, af = _sobel_strength_orientation(f)
    den = (ga + gb).sum()
    if den == 0:
        return 0.0
    num = (_edge_preservation(ga, aa, gf, af) * ga + _edge_preservation(gb, ab, gf, af) * gb)
    return float(num.sum() / den)


def _ssim(x: np.ndarray, y: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    return float(structural_similarity(x, y, data_range=255.0, gaussian_weights=True,
                                       sigma=1.5, use_sample_covariance=False))


def ssim_fusion(ir: Any, vis: Any, fused: Any) -> float:
    """SSIM: ``SSIM(A, F) + SSIM(B, F)`` (Wang et al., IEEE TIP 2004).

    scikit-image's ``structural_similarity`` with the paper's settings: 11x11
    Gaussian window of std 1.5, population covariances, K1 = 0.01, K2 = 0.03,
    data range 255.

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F (>= 7x7).

    Returns:
        SSIM sum in [-2, 2]; 2 when A = B = F.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    return _ssim(a, f) + _ssim(b, f)


#: The 'standard' metrics in table order, each with (function, needs the sources).
FUSION_METRICS = {
    "EN": (entropy, False), "SD": (standard_deviation, False),
    "SF": (spatial_frequency, False), "AG": (average_gradient, False),
    "MI": (mutual_information, True), "SCD": (scd, True), "VIF": (vif, True),
    "Qabf": (qabf, True), "SSIM": (ssim_fusion, True),
}
