"""PSNR / SSIM of RGB super-resolution (RGB or Y channel, border crop) via scikit-image.

The SR convention (EDSR, TTSR, DCSR, BasicSR): images as 8-bit (rounded),
``crop_border = scale`` pixels removed on each side, and on the Y channel the
ITU-R BT.601 *studio-range* luma of MATLAB's ``rgb2ycbcr``
(``Y = 16 + 65.481 R + 128.553 G + 24.966 B`` for RGB in [0, 1]). PSNR and SSIM
themselves are scikit-image's ``peak_signal_noise_ratio`` and
``structural_similarity`` (Wang et al. 2004 settings: Gaussian window sigma 1.5,
population covariance, data range 255; RGB SSIM = mean over channels).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from xmodal.registry import METRICS

__all__ = ["to_uint8_hwc", "rgb_to_y_studio", "psnr", "ssim", "PSNRSSIMMetric"]


def to_uint8_hwc(img: Any) -> np.ndarray:
    """(3, H, W) float tensor/array in [0, 1] -> (H, W, 3) float64 of rounded 8-bit levels.

    Raises:
        TypeError: not a tensor or array. ValueError: not (3, H, W).
    """
    if isinstance(img, torch.Tensor):
        img = img.detach().cpu().to(torch.float64).numpy()
    if not isinstance(img, np.ndarray):
        raise TypeError(f"img must be a tensor or array, got {type(img).__name__}")
    if img.ndim != 3 or img.shape[0] != 3:
        raise ValueError(f"img must be (3, H, W), got {img.shape}")
    return np.rint(np.clip(img.transpose(1, 2, 0) * 255.0, 0, 255)).astype(np.float64)


def rgb_to_y_studio(img: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB on 0-255 -> (H, W) BT.601 studio-range Y (16-235), MATLAB ``rgb2ycbcr``."""
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"img must be (H, W, 3), got {img.shape}")
    return 16.0 + img @ np.array([65.481, 128.553, 24.966]) / 255.0


def _prepare(pred: np.ndarray, gt: np.ndarray, crop_border: int, y_channel: bool):
    if pred.shape != gt.shape:
        raise ValueError(f"pred {pred.shape} and gt {gt.shape} must have the same shape")
    if crop_border < 0 or 2 * crop_border >= min(pred.shape[:2]):
        raise ValueError(f"crop_border {crop_border} invalid for images {pred.shape[:2]}")
    if crop_border:
        pred = pred[crop_border:-crop_border, crop_border:-crop_border]
        gt = gt[crop_border:-crop_border, crop_border:-crop_border]
    if y_channel:
        pred, gt = rgb_to_y_studio(pred), rgb_to_y_studio(gt)
    return pred, gt


def psnr(pred: np.ndarray, gt: np.ndarray, crop_border: int = 0, y_channel: bool = False) -> float:
    """PSNR in dB on the 0-255 scale.

    Args:
        pred, gt: (H, W, 3) RGB on 0-255 (see :func:`to_uint8_hwc`).
        crop_border: pixels removed on each side (the SR scale).
        y_channel: score the studio-range Y instead of RGB.

    Returns:
        PSNR (dB); ``inf`` for identical images.

    Raises:
        ValueError: shapes differ, crop too large.
    """
    from skimage.metrics import peak_signal_noise_ratio  # lazy: optional dependency

    p, g = _prepare(pred, gt, crop_border, y_channel)
    if np.array_equal(p, g):
        return float("inf")
    return float(peak_signal_noise_ratio(g, p, data_range=255.0))


def ssim(pred: np.ndarray, gt: np.ndarray, crop_border: int = 0, y_channel: bool = False) -> float:
    """SSIM (Wang et al. 2004) on the 0-255 scale; RGB = mean over channels.

    scikit-image's ``structural_similarity`` with the settings of Wang et al.
    (IEEE TIP 2004): 11-tap Gaussian window (sigma 1.5, truncated at 3.5 sigma),
    population covariance, K1 = 0.01, K2 = 0.03, ``data_range=255``. The SR
    evaluation convention of EDSR / TTSR / DCSR / BasicSR: 8-bit (rounded) images,
    ``crop_border = scale`` pixels removed per side, optionally on the BT.601
    studio-range Y channel (MATLAB ``rgb2ycbcr``, :func:`rgb_to_y_studio`).

    Args:
        pred: the estimate, numpy (H, W, 3) RGB on the 0-255 scale (float, e.g.
            the rounded 8-bit levels of :func:`to_uint8_hwc`); no batch axis.
        gt: the reference, same shape and scale as ``pred``.
        crop_border: pixels removed on each side before scoring (the SR scale);
            0 <= ``crop_border`` < min(H, W) / 2.
        y_channel: score the studio-range Y (16-235) channel (H, W) instead of the
            mean of the three RGB channels' SSIM.

    Returns:
        SSIM as a Python float in [-1, 1]; 1 for identical images.

    Raises:
        ValueError: if ``pred`` and ``gt`` shapes differ, ``crop_border`` is
            negative or too large, ``y_channel`` is set and the images are not
            (H, W, 3), or (scikit-image) the cropped images are smaller than the
            11 x 11 window.
        ImportError: if scikit-image (an optional dependency) is not installed.
    """
    from skimage.metrics import structural_similarity

    p, g = _prepare(pred, gt, crop_border, y_channel)
    return float(structural_similarity(g, p, data_range=255.0, gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False,
                                       channel_axis=None if y_channel else 2))


@METRICS.register_module()
class PSNRSSIMMetric(BaseMetric):
    """Mean PSNR/SSIM of ``pred_img`` against ``gt_img`` (RGB and Y), crop border = scale.

    Reads per data sample ``pred_img`` and ``gt_img`` ((3, H, W) in [0, 1]) and
    ``scale`` (metainfo) unless ``crop_border`` is given.

    Args:
        crop_border: pixels cropped per side; None = the sample's ``scale``.
        with_bicubic: also score the bicubic up-sampling of the batch's LR
            (``data_batch['inputs']['lr']``, torch bicubic, clamped) as ``bicubic_*``.
        collect_device, prefix: mmengine ``BaseMetric`` arguments.

    Returns (``evaluate``):
        ``{'psnr_rgb', 'ssim_rgb', 'psnr_y', 'ssim_y'}`` (+ ``bicubic_`` variants).

    Raises:
        KeyError: sample lacks ``pred_img``/``gt_img``. ValueError: no results.
    """

    default_prefix: str | None = ""

    def __init__(self, crop_border: int | None = None, with_bicubic: bool = False,
                 collect_device: str = "cpu", prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.crop_border, self.with_bicubic = crop_border, bool(with_bicubic)

    @staticmethod
    def _scores(pred: np.ndarray, gt: np.ndarray, border: int, tag: str = "") -> dict:
        return {f"{tag}psnr_rgb": psnr(pred, gt, border), f"{tag}ssim_rgb": ssim(pred, gt, border),
                f"{tag}psnr_y": psnr(pred, gt, border, True),
                f"{tag}ssim_y": ssim(pred, gt, border, True)}

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Score every prediction of the batch."""
        lrs = data_batch["inputs"]["lr"] if self.with_bicubic else [None] * len(data_samples)
        for lr, sample in zip(lrs, data_samples):
            d = sample if isinstance(sample, dict) else sample.to_dict()
            for k in ("pred_img", "gt_img"):
                if k not in d:
                    raise KeyError(f"PSNRSSIMMetric: data sample lacks {k}")
            gt = to_uint8_hwc(d["gt_img"])
            border = int(self.crop_border if self.crop_border is not None else d["scale"])
            res = self._scores(to_uint8_hwc(d["pred_img"]), gt, border)
            if lr is not None:
                up = torch.nn.functional.interpolate(
                    lr[None].float(), size=gt.shape[:2], mode="bicubic", align_corners=False)
                res.update(self._scores(to_uint8_hwc(up[0].clamp(0, 1)), gt, border, "bicubic_"))
            self.results.append(res)

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Average over images."""
        if not results:
            raise ValueError("PSNRSSIMMetric: no results to average (empty dataset?)")
        out = {k: float(np.mean([r[k] for r in results])) for k in results[0]}
        MMLogger.get_current_instance().info(
            "PSNRSSIMMetric: " + ", ".join(f"{k} {v:.4f}" for k, v in out.items()))
        return out
