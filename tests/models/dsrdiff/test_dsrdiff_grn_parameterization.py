"""GRN parameterisation: 'x0' (DiffIR's default) and 'eps' reverse chains."""

import pytest
import torch
from torch import nn

from xmodal.models.dsrdiff import GuidanceRecoveryNet


class _Oracle(nn.Module):
    """A denoiser that knows x0: returns it ('x0') or the exact noise of x_t ('eps')."""

    def __init__(self, x0: torch.Tensor, schedule, kind: str) -> None:
        super().__init__()
        self.x0, self.schedule, self.kind = x0, schedule, kind

    def forward(self, x_t, cond, t):
        if self.kind == "x0":
            return self.x0
        s = self.schedule
        return (x_t - s.sqrt_alphas_cumprod[t, None] * self.x0) / \
            s.sqrt_one_minus_alphas_cumprod[t, None]


@pytest.mark.parametrize("kind", ["x0", "eps"])
def test_perfect_denoiser_recovers_the_guidance(kind):
    torch.manual_seed(0)
    grn = GuidanceRecoveryNet(scale=4, guidance_dim=8, channels=8, num_resblocks=1,
                              denoiser_blocks=1, parameterization=kind).eval()
    x0 = torch.randn(2, 8)
    grn.denoiser = _Oracle(x0, grn.schedule, kind)
    out = grn(torch.rand(2, 1, 4, 4), torch.rand(2, 3, 16, 16))
    torch.testing.assert_close(out, x0, atol=1e-4, rtol=1e-4)


def test_unknown_parameterization_is_refused():
    with pytest.raises(ValueError, match="parameterization"):
        GuidanceRecoveryNet(scale=4, guidance_dim=8, channels=8, parameterization="v")
