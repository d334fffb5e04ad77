"""The Balanced Feature Pyramid of ``lossviz.losses.pyramid``: shapes, each step against an independent reference
(block max, repeat-upsampling, a hand-written non-local block), and the identities the issue names."""

from __future__ import annotations

import pytest
import torch

from lossviz import losses

SIZES = (32, 16, 8, 4, 2)  # P2..P6


def _levels(channels: int = 4, seed: int = 0, dtype=torch.float32) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(2, channels, s, s, generator=g, dtype=dtype) for s in SIZES]


def _block_max(x: torch.Tensor, k: int) -> torch.Tensor:
    b, c, h, w = x.shape
    return x.reshape(b, c, h // k, k, w // k, k).amax(dim=(3, 5))


def _repeat(x: torch.Tensor, k: int) -> torch.Tensor:
    return x.repeat_interleave(k, dim=2).repeat_interleave(k, dim=3)


@pytest.mark.parametrize("refine_level", range(5))
@pytest.mark.parametrize("refine", losses.REFINE_TYPES)
def test_bfp_keeps_every_level_shape_and_gathers_to_the_refine_size(refine_level, refine):
    feats = _levels()
    module = losses.make_refine(refine, 4, generator=torch.Generator().manual_seed(0), zero_init_out=False, std=0.3)
    s = losses.balanced_feature_pyramid(feats, refine_level=refine_level, refine=module)
    size = SIZES[refine_level]
    assert all(g.shape == (2, 4, size, size) for g in s.gathered)
    assert s.bsf.shape == s.refined.shape == (2, 4, size, size)
    assert [o.shape for o in s.outputs] == [f.shape for f in feats]
    assert [r.shape for r in s.residuals] == [f.shape for f in feats]


def test_gather_max_pools_the_finer_levels_and_repeats_the_coarser_ones():
    feats = _levels()
    gathered = losses.bfp_gather(feats, refine_level=2)
    torch.testing.assert_close(gathered[0], _block_max(feats[0], 4))
    torch.testing.assert_close(gathered[1], _block_max(feats[1], 2))
    torch.testing.assert_close(gathered[2], feats[2])
    torch.testing.assert_close(gathered[3], feats[3][:, :, ::1, ::1].repeat_interleave(2, 2).repeat_interleave(2, 3))
    torch.testing.assert_close(gathered[4], _repeat(feats[4], 4))


def test_integrate_is_the_plain_average_of_the_gathered_levels():
    feats = [torch.full((1, 1, s, s), float(i + 1)) for i, s in enumerate(SIZES)]
    s = losses.balanced_feature_pyramid(feats)
    torch.testing.assert_close(s.bsf, torch.full((1, 1, 8, 8), 3.0))  # (1 + 2 + 3 + 4 + 5) / 5


def test_scatter_repeats_to_the_finer_levels_and_max_pools_to_the_coarser_ones():
    bsf = torch.randn(1, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    out = losses.bfp_scatter(bsf, [(s, s) for s in SIZES], refine_level=2)
    torch.testing.assert_close(out[0], _repeat(bsf, 4))
    torch.testing.assert_close(out[1], _repeat(bsf, 2))
    torch.testing.assert_close(out[2], bsf)
    torch.testing.assert_close(out[3], _block_max(bsf, 2))
    torch.testing.assert_close(out[4], _block_max(bsf, 4))


def test_each_output_is_its_input_plus_the_scattered_refined_feature():
    feats = _levels(seed=3)
    s = losses.balanced_feature_pyramid(feats, refine=losses.make_refine("conv", 4, generator=torch.Generator()))
    for x, r, o in zip(feats, s.residuals, s.outputs, strict=True):
        torch.testing.assert_close(o, x + r)


def test_bfp_is_the_identity_when_refine_is_off_and_the_residual_is_zero():
    feats = _levels(seed=4)
    off = losses.balanced_feature_pyramid(feats, refine=None, residual=False)
    for x, o in zip(feats, off.outputs, strict=True):
        assert torch.equal(x, o)
    torch.testing.assert_close(off.refined, off.bsf)
    # a zero input pyramid gets a zero residual: the outputs are the inputs (zero) again
    zeros = [torch.zeros_like(f) for f in feats]
    z = losses.balanced_feature_pyramid(zeros, refine=None)
    assert all(bool((o == 0).all()) for o in z.outputs)


def test_a_zero_initialised_non_local_block_is_the_identity():
    x = torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(5))
    block = losses.NonLocal2d(4, zero_init_out=True, std=0.5, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(block(x), x)
    s = losses.balanced_feature_pyramid(_levels(), refine=block)
    torch.testing.assert_close(s.refined, s.bsf)


def test_non_local_block_matches_a_hand_written_embedded_gaussian():
    x = torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    block = losses.NonLocal2d(3, zero_init_out=False, std=0.4, generator=torch.Generator().manual_seed(1)).double()
    with torch.no_grad():
        block.conv_out.bias.fill_(0.1)
        out = block(x)

        def conv1x1(conv, t):
            return torch.einsum("oc,bchw->bohw", conv.weight[:, :, 0, 0], t) + conv.bias[None, :, None, None]

        theta = conv1x1(block.theta, x).flatten(2)  # (B, C', HW)
        phi = conv1x1(block.phi, x).flatten(2)
        g = conv1x1(block.g, x).flatten(2)
        att = torch.softmax(torch.einsum("bci,bcj->bij", theta, phi), dim=-1)
        y = torch.einsum("bij,bcj->bci", att, g).reshape(2, 3, 4, 5)
        want = x + conv1x1(block.conv_out, y)
    torch.testing.assert_close(out, want)
    torch.testing.assert_close(block.attention, att)
    torch.testing.assert_close(block.attention.sum(-1), torch.ones(2, 20, dtype=torch.float64))


def test_conv_refine_is_a_3x3_convolution_followed_by_relu():
    module = losses.make_refine("conv", 2, generator=torch.Generator().manual_seed(0))
    x = torch.randn(1, 2, 6, 6, generator=torch.Generator().manual_seed(2))
    conv = module[0]
    torch.testing.assert_close(module(x), torch.relu(torch.nn.functional.conv2d(x, conv.weight, conv.bias, padding=1)))
    bound = (6.0 / (2 * 9 + 2 * 9)) ** 0.5  # Xavier-uniform, as mmdetection's BFP.init_weights
    assert float(conv.weight.detach().abs().max()) <= bound


def test_refine_weights_are_seeded():
    a = losses.make_refine("non_local", 4, generator=torch.Generator().manual_seed(9), zero_init_out=False)
    b = losses.make_refine("non_local", 4, generator=torch.Generator().manual_seed(9), zero_init_out=False)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_bfp_returns_the_input_dtype(dtype):
    s = losses.balanced_feature_pyramid(_levels(dtype=dtype), refine=None)
    assert all(o.dtype == dtype for o in s.outputs) and s.bsf.dtype == dtype


def test_non_square_levels_with_odd_sizes_still_come_back_in_shape():
    feats = [torch.randn(1, 2, 25, 37), torch.randn(1, 2, 13, 19), torch.randn(1, 2, 7, 10)]
    s = losses.balanced_feature_pyramid(feats, refine_level=1)
    assert [o.shape for o in s.outputs] == [f.shape for f in feats]


@pytest.mark.parametrize(
    ("feats", "kwargs", "match"),
    [
        ([], {}, "at least one"),
        ([torch.zeros(1, 2, 4, 4), torch.zeros(1, 3, 2, 2)], {"refine_level": 0}, "same batch and channels"),
        ([torch.zeros(2, 4, 4)], {"refine_level": 0}, r"\(B, C, H, W\)"),
        ([torch.full((1, 1, 2, 2), float("nan"))], {"refine_level": 0}, "NaN"),
        ([torch.zeros(1, 1, 2, 2)], {"refine_level": 1}, "refine_level"),
    ],
)
def test_bfp_refuses_malformed_pyramids(feats, kwargs, match):
    with pytest.raises(ValueError, match=match):
        losses.balanced_feature_pyramid(feats, **kwargs)


def test_make_refine_refuses_unknown_types():
    with pytest.raises(ValueError, match="refine"):
        losses.make_refine("attention", 4)
