"""Fusion metrics in the CDDFuse convention: the numbers of the published fusion tables.

Most recent infrared-visible fusion papers report the figures of CDDFuse's
evaluator (Zhao et al., CVPR 2023, "CDDFuse: Correlation-Driven Dual-Branch
Feature Decomposition for Multi-Modality Image Fusion"; ``utils/Evaluator.py``
and ``test_IVF.py`` of Zhaozixiang1228/MMIF-CDDFuse, run with scikit-image 0.19
and scikit-learn). That script:

1. min-max stretches each fused output to 0-255 and saves it as an 8-bit PNG
   (:func:`stretch_to_255`);
2. reads sources and fused image back as float32 grey (OpenCV BT.601 luma,
   rounded to integers);
3. scores them with the formulas below.

Where the evaluator's formula is the one of :mod:`xmodal.evaluation.fusion_metrics`
('standard'), that function is used (EN, SD, SF, SCD agree to 1e-4). The
others differ from the standard definitions as follows:

- **MI** in nats: ``mutual_info_score(F, A) + mutual_info_score(F, B)`` of
  scikit-learn (natural log); the standard MI is in bits (1.4427x larger).
- **SSIM**: scikit-image's ``structural_similarity(F, A) + (F, B)`` with the
  0.19 defaults on float32 images in 0-255: 7x7 uniform window, sample
  covariance (N - 1), K1 = 0.01, K2 = 0.03 and ``data_range`` taken from the
  float dtype's nominal range [-1, 1], i.e. 2 (not 255), so the constants
  C1, C2 are negligible. About 1.5x smaller than the standard SSIM.
- **AG**: the mean over all H * W pixels (standard: over (H - 1)(W - 1)).
- **VIF**: a flat reference scores 1 (the evaluator's NaN rule; standard: 0).
- **Qabf**: Sobel responses from ``scipy.signal.convolve2d`` (true
  convolution: the x response has the opposite sign to the standard
  correlation, which changes the orientation where only one of two images has
  a zero x response), and the tie rule ``G = g_F`` where ``g_A == g_F``
  (standard: 1), computed in float32 as the evaluator does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .fusion_metrics import _grey, _grey_2x2, _mi, _same, _vifp, entropy, scd, spatial_frequency
from .fusion_metrics import standard_deviation as _sd

__all__ = [
    "stretch_to_255", "average_gradient_cddfuse", "mutual_information_cddfuse",
    "vif_cddfuse", "qabf_cddfuse", "ssim_cddfuse", "CDDFUSE_METRICS",
]


def stretch_to_255(fused: Any) -> np.ndarray:
    """Min-max stretch a fused output to 0-255 and round it, as CDDFuse's test script saves it.

    ``F' = round(255 * (F - min F) / (max F - min F))``: ``test_IVF.py`` stretches
    each network output to [0, 1], multiplies by 255 and saves an 8-bit PNG,
    which the evaluator reads back.

    Args:
        fused: (H, W) fused image on any scale (float or integer array / tensor).

    Returns:
        float64 (H, W) array of integers in [0, 255] (0 and 255 both reached).

    Raises:
        TypeError / ValueError: not an array / not 2-D.
        ValueError: ``fused`` is constant or not finite (the stretch divides by
            max - min; the evaluator would produce NaN).
    """
    f = _grey(fused, "fused")
    lo, hi = float(f.min()), float(f.max())
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        raise ValueError(f"fused must be finite and not constant to be min-max stretched, "
                         f"got min {lo} and max {hi}")
    return np.rint((f - lo) / (hi - lo) * 255.0)


def average_gradient_cddfuse(fused: Any) -> float:
    """AG as CDDFuse's evaluator: ``mean sqrt((gx^2 + gy^2) / 2)`` over all H * W pixels.

    ``gx, gy``: central differences inside, one-sided at the border
    (``Evaluator.AG``; the standard AG divides the same sum by (H - 1)(W - 1)).

    Args:
        fused: (H, W) grey image, 8-bit scale, H, W >= 2.

    Returns:
        AG in grey levels per pixel.

    Raises:
        ValueError: image smaller than 2 x 2.
    """
    f = _grey_2x2(fused).astype(np.float32)
    gy, gx = np.gradient(f)
    return float(np.mean(np.sqrt((gx**2 + gy**2) / 2)))


def mutual_information_cddfuse(ir: Any, vis: Any, fused: Any) -> float:
    """MI in **nats**: ``MI(F, A) + MI(F, B)`` from the 256-bin (joint) histograms.

    Equal to CDDFuse's ``sklearn.metrics.mutual_info_score(F, A) +
    mutual_info_score(F, B)`` on integer grey images (natural logarithm); the
    standard :func:`~xmodal.evaluation.fusion_metrics.mutual_information` is the
    same quantity in bits. Values are rounded to the integer levels 0..255.

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F.

    Returns:
        MI in nats.

    Raises:
        ValueError: shapes differ.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    return _mi(a, f, np.log) + _mi(b, f, np.log)


def vif_cddfuse(ir: Any, vis: Any, fused: Any) -> float:
    """VIF as CDDFuse's ``VIFF``: ``VIFp(A, F) + VIFp(B, F)``, a flat source scoring 1.

    The pixel-domain multi-scale VIF of Sheikh & Bovik (IEEE TIP 2006) as in
    :func:`~xmodal.evaluation.fusion_metrics.vif`; where a source is flat
    (the denominator is 0, NaN in the evaluator) its term is 1, not 0.

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F; each side
            >= 41 pixels.

    Returns:
        VIF (unitless).

    Raises:
        ValueError: shapes differ or the image is too small.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    return _vifp(a, f, flat_ref=1.0) + _vifp(b, f, flat_ref=1.0)


#: The evaluator's Sobel kernels, used with ``scipy.signal.convolve2d`` (true convolution).
_SOBEL_X_CONV = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
_SOBEL_Y_CONV = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float32)


def _strength_orientation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy.signal import convolve2d  # lazy: scipy is only needed by these metrics

    sx = convolve2d(x, _SOBEL_X_CONV, mode="same")
    sy = convolve2d(x, _SOBEL_Y_CONV, mode="same")
    g = np.sqrt(sx * sx + sy * sy)
    alpha = np.full_like(x, math.pi / 2)
    nz = sx != 0
    alpha[nz] = np.arctan(sy[nz] / sx[nz])
    return g, alpha


def _preservation(ga: np.ndarray, aa: np.ndarray, gf: np.ndarray, af: np.ndarray) -> np.ndarray:
    rel = np.zeros_like(ga)
    gt, lt, eq = ga > gf, ga < gf, ga == gf
    rel[gt] = gf[gt] / ga[gt]
    rel[eq] = gf[eq]  # the evaluator's tie rule (the paper: 1)
    rel[lt] = ga[lt] / gf[lt]
    ori = 1 - np.abs(aa - af) / (math.pi / 2)
    qg = 0.9994 / (1 + np.exp(-15 * (rel - 0.5)))
    qa = 0.9879 / (1 + np.exp(-22 * (ori - 0.8)))
    return qg * qa


def qabf_cddfuse(ir: Any, vis: Any, fused: Any) -> float:
    """Qabf (Xydeas & Petrovic 2000) computed as CDDFuse's evaluator, in float32.

    Sobel responses by ``scipy.signal.convolve2d(img, h, mode='same')`` (zero
    padding, true convolution), strength ``g = sqrt(s_x^2 + s_y^2)``,
    orientation ``atan(s_y / s_x)`` (``pi/2`` where ``s_x = 0``); relative
    strength ``G = min(g_A, g_F) / max(g_A, g_F)`` and ``G = g_F`` where
    ``g_A == g_F``; sigmoids (0.9994, -15, 0.5) and (0.9879, -22, 0.8);
    ``Qabf = sum(Q^{AF} g_A + Q^{BF} g_B) / sum(g_A + g_B)``.

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F.

    Returns:
        Qabf (unitless); 0 when both sources are constant zero (the evaluator: NaN).

    Raises:
        ValueError: shapes differ.
    """
    a, b, f = _grey(ir, "ir"), _grey(vis, "vis"), _grey(fused, "fused")
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    (ga, aa), (gb, ab), (gf, af) = (_strength_orientation(x.astype(np.float32))
                                    for x in (a, b, f))
    den = np.sum(ga + gb)
    if den == 0:
        return 0.0
    num = np.sum(_preservation(ga, aa, gf, af) * ga + _preservation(gb, ab, gf, af) * gb)
    return float(num / den)


def ssim_cddfuse(ir: Any, vis: Any, fused: Any) -> float:
    """SSIM as CDDFuse's evaluator: ``SSIM(F, A) + SSIM(F, B)`` with scikit-image 0.19 defaults.

    ``skimage.metrics.structural_similarity`` on float32 images in 0-255 with a
    7x7 uniform window, sample covariance, K1 = 0.01, K2 = 0.03 and
    ``data_range=2`` (what scikit-image 0.19 inferred from the float dtype's
    range [-1, 1]; newer versions need it passed explicitly).

    Args:
        ir, vis: (H, W) grey sources A, B; fused: (H, W) fused image F (>= 7x7).

    Returns:
        SSIM sum; 2 when A = B = F.

    Raises:
        ValueError: shapes differ or an image is smaller than 7x7.
    """
    from skimage.metrics import structural_similarity

    a, b, f = (_grey(x, n).astype(np.float32) for x, n in ((ir, "ir"), (vis, "vis"),
                                                            (fused, "fused")))
    _same(a, f, "ir", "fused")
    _same(b, f, "vis", "fused")
    if min(f.shape) < 7:
        raise ValueError(f"fused must be at least 7x7 for the 7x7 SSIM window, got {f.shape}")
    kw = dict(win_size=7, gaussian_weights=False, use_sample_covariance=True, data_range=2.0)
    return float(structural_similarity(f, a, **kw) + structural_similarity(f, b, **kw))


#: The CDDFuse-convention metrics in table order, each with (function, needs the sources).
CDDFUSE_METRICS: dict[str, tuple[Callable[..., float], bool]] = {
    "EN": (entropy, False), "SD": (_sd, False), "SF": (spatial_frequency, False),
    "AG": (average_gradient_cddfuse, False), "MI": (mutual_information_cddfuse, True),
    "SCD": (scd, True), "VIF": (vif_cddfuse, True), "Qabf": (qabf_cddfuse, True),
    "SSIM": (ssim_cddfuse, True),
}
