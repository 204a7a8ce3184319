"""Feature encoders of D2A2 (arXiv 2401.08123, Sec. 3.1, Fig. 2).

:class:`GuideEncoder` turns the HR RGB guide into features at full, 1/2 and
1/4 resolution (the official "LTE": conv3x3 + ReLU, then three levels, the
lower two entered through stride-2 1x1 convolutions). :class:`DepthEncoder`
is the official "SFE": conv3x3 + ReLU, residual blocks, long skip.
"""

from __future__ import annotations

from torch import Tensor, nn

__all__ = ["GuideEncoder", "DepthEncoder", "ResBlock", "conv_encoder", "conv_decoder"]


def _conv3x3(cin: int, cout: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, padding=1)


class ResBlock(nn.Module):
    """``x + res_scale * conv3x3(ReLU(conv3x3(x)))`` (EDSR residual block).

    Args:
        channels: C.
        res_scale: residual scaling (1.0).

    Shape:
        (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, channels: int = 64, res_scale: float = 1.0) -> None:
        super().__init__()
        self.res_scale = res_scale
        self.body = nn.Sequential(
            _conv3x3(channels, channels), nn.ReLU(inplace=True), _conv3x3(channels, channels)
        )

    def forward(self, x: Tensor) -> Tensor:
        res = self.body(x)  # a fresh tensor: scaled and summed in place
        if self.res_scale != 1.0:
            res = res.mul_(self.res_scale)
        return res.add_(x)


class GuideEncoder(nn.Module):
    """Three-level guide (RGB) encoder.

    Args:
        in_channels: guide channels (3 for RGB).
        channels: C (64).

    Shape:
        guide (B, in_channels, H, W) -> ``(f1, f2, f4)``: (B, C, H, W),
        (B, C, ceil(H/2), ceil(W/2)), (B, C, ceil(H/4), ceil(W/4)).
    """

    def __init__(self, in_channels: int = 3, channels: int = 64) -> None:
        super().__init__()
        self.head = nn.Sequential(_conv3x3(in_channels, channels), nn.ReLU(inplace=True))
        self.level1 = nn.Sequential(
            _conv3x3(channels, channels), nn.ReLU(inplace=True), _conv3x3(channels, channels)
        )
        self.level2 = nn.Sequential(
            nn.Conv2d(channels, channels, 1, stride=2), nn.ReLU(inplace=True),
            _conv3x3(channels, channels),
        )
        self.level3 = nn.Sequential(
            nn.Conv2d(channels, channels, 1, stride=2), nn.ReLU(inplace=True),
            _conv3x3(channels, channels),
        )

    def forward(self, guide: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        f1 = self.level1(self.head(guide))
        f2 = self.level2(f1)
        f4 = self.level3(f2)
        return f1, f2, f4


class DepthEncoder(nn.Module):
    """Shallow depth feature extractor with a long skip.

    Args:
        in_channels: depth channels (1).
        channels: C (64).
        num_blocks: residual blocks (4 in D2A2).
        res_scale: residual scaling of each block (1.0).

    Shape:
        depth (B, in_channels, h, w) -> (B, C, h, w).
    """

    def __init__(
        self, in_channels: int = 1, channels: int = 64, num_blocks: int = 4,
        res_scale: float = 1.0,
    ) -> None:
        super().__init__()
        self.head = nn.Sequential(_conv3x3(in_channels, channels), nn.ReLU(inplace=True))
        self.body = nn.Sequential(*[ResBlock(channels, res_scale) for _ in range(num_blocks)])

    def forward(self, depth: Tensor) -> Tensor:
        x = self.head(depth)
        res = self.body(x)
        return x + res if res is x else res.add_(x)  # in place unless the body is empty


def conv_encoder(
    in_channels: int, channels: int, num_blocks: int, negative_slope: float = 0.2
) -> nn.Sequential:
    """``conv3x3 -> LeakyReLU -> num_blocks x ResBlock``: the image encoder of the IVIF/RefSR nets.

    Shape:
        (B, in_channels, H, W) -> (B, channels, H, W).
    """
    return nn.Sequential(
        _conv3x3(in_channels, channels), nn.LeakyReLU(negative_slope),
        *[ResBlock(channels) for _ in range(num_blocks)],
    )


def conv_decoder(
    channels: int, out_channels: int, negative_slope: float = 0.2, zero_init_tail: bool = False
) -> nn.Sequential:
    """``conv3x3 -> LeakyReLU -> conv3x3`` to ``out_channels``; optionally a zero last conv.

    With ``zero_init_tail`` the decoder outputs 0 at initialisation, so a network
    that adds it to a baseline (bicubic, average fusion) starts as that baseline.

    Shape:
        (B, channels, H, W) -> (B, out_channels, H, W).
    """
    decoder = nn.Sequential(
        _conv3x3(channels, channels), nn.LeakyReLU(negative_slope),
        _conv3x3(channels, out_channels),
    )
    if zero_init_tail:
        nn.init.zeros_(decoder[-1].weight)
        nn.init.zeros_(decoder[-1].bias)
    return decoder
