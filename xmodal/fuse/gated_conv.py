"""Gated convolution (GC).

Yu et al., "Free-Form Image Inpainting with Gated Convolution", ICCV 2019,
eq. (1): ``O = phi(W_f * I) . sigma(W_g * I)``; used in D2A2 (arXiv
2401.08123, Sec. 3.3, MFA) to suppress unreliable guide features, followed by
batch normalisation as in the official code (``GatedConv2dWithActivation``,
Kaiming-normal initialised convolutions).
"""

from __future__ import annotations

from collections.abc import Callable

from torch import Tensor, nn

from ..registry import MODELS
from ..utils.checks import check_feature

__all__ = ["GatedConv", "GatedConv2d"]


def _leaky_relu() -> nn.Module:
    return nn.LeakyReLU(0.2, inplace=True)  # applied to a fresh conv output


@MODELS.register_module(name=["GatedConv", "GatedConv2d"])
class GatedConv(nn.Module):
    """``norm(act(conv(x)) * gate(conv_gate(x)))``.

    Args:
        in_channels: C_in.
        out_channels: C_out (defaults to ``in_channels``).
        kernel_size: k of both convolutions (3, 'same' padding).
        act_layer: activation factory (LeakyReLU(0.2)); None for identity.
        norm_layer: normalisation factory called with C_out (BatchNorm2d); None to skip.
        gate_layer: gate factory (Sigmoid), whose output lies in [0, 1].

    Shape:
        x: (B, C_in, H, W) -> (B, C_out, H, W).

    Raises:
        TypeError / ValueError: ``x`` is not a (B, C_in, H, W) tensor.

    Example:
        >>> GatedConv(8)(torch.randn(2, 8, 5, 5)).shape
        torch.Size([2, 8, 5, 5])
    """

    def __init__(
        self,
        in_channels: int = 64,
        out_channels: int | None = None,
        kernel_size: int = 3,
        act_layer: Callable[[], nn.Module] | None = _leaky_relu,
        norm_layer: Callable[[int], nn.Module] | None = nn.BatchNorm2d,
        gate_layer: Callable[[], nn.Module] = nn.Sigmoid,
    ) -> None:
        super().__init__()
        out_channels = out_channels or in_channels
        self.in_channels = in_channels
        pad = kernel_size // 2
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=pad)
        self.conv_gate = nn.Conv2d(in_channels, out_channels, kernel_size, padding=pad)
        self.act = act_layer() if act_layer is not None else nn.Identity()
        self.gate = gate_layer()
        self.norm = norm_layer(out_channels) if norm_layer is not None else nn.Identity()
        for conv in (self.conv, self.conv_gate):
            nn.init.kaiming_normal_(conv.weight)

    def gate_map(self, x: Tensor) -> Tensor:
        """The gate ``gate(conv_gate(x))``, (B, C_out, H, W), in [0, 1] for a sigmoid gate."""
        return self.gate(self.conv_gate(x))

    def forward(self, x: Tensor) -> Tensor:
        check_feature(x, "x", self.in_channels)
        return self.norm(self.act(self.conv(x)) * self.gate_map(x))


GatedConv2d = GatedConv
