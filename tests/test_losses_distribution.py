"""C-BBL: grids, two-hot labels, decoding, CE gradient p − p*, the uncertainty term, bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.losses import (
    cbbl_ce_loss,
    cbbl_entropy,
    cbbl_grid,
    cbbl_uncertainty_loss,
    decode_expectation,
    two_hot,
    value_and_grad,
)

F64 = torch.float64


@pytest.mark.parametrize("kind", ["uniform", "exponential"])
@pytest.mark.parametrize("n", [1, 2, 7, 16])
def test_grid_spans_minus_a_to_a_strictly_increasing_and_symmetric(kind, n):
    g = cbbl_grid(n, 2.5, kind=kind, beta=1.5)
    assert g.shape == (n + 1,)
    assert g[0].item() == -2.5 and g[-1].item() == 2.5
    assert bool((g[1:] > g[:-1]).all())
    torch.testing.assert_close(g, -g.flip(0))


def test_uniform_grid_is_evenly_spaced_and_exponential_is_dense_near_zero():
    torch.testing.assert_close(cbbl_grid(4, 2.0), torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], dtype=F64))
    g = cbbl_grid(8, 2.0, kind="exponential", beta=2.0)
    steps = g[1:] - g[:-1]
    assert steps[4] < steps[7]  # first step right of 0 smaller than the last
    # the closed form g_i = sign(y)·a/(e^{aβ}−1)·(e^{β|y|}−1) at y = 0.5
    assert g[5].item() == pytest.approx(2.0 / math.expm1(4.0) * math.expm1(1.0), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-3.0, 3.0),
    st.integers(1, 24),
    st.floats(0.5, 3.0),
    st.sampled_from(["uniform", "exponential"]),
    st.floats(0.1, 2.0),
)
def test_two_hot_sums_to_one_and_its_expectation_reproduces_t(t, n, a, kind, beta):
    grid = cbbl_grid(n, a, kind=kind, beta=beta)
    p = two_hot(torch.tensor([t], dtype=F64), grid)
    assert p.shape == (1, n + 1)
    assert bool((p >= 0).all())
    assert (p > 0).sum().item() <= 2
    assert p.sum().item() == pytest.approx(1.0, abs=1e-12)
    expected = min(max(t, -a), a)  # outside [-a, a]: clamped
    assert decode_expectation(p, grid, from_logits=False).item() == pytest.approx(expected, abs=1e-12)


def test_two_hot_on_a_grid_point_is_one_hot_and_clamps_outside():
    grid = cbbl_grid(4, 2.0)
    p = two_hot(torch.tensor([1.0, -5.0, 5.0, 0.25], dtype=F64), grid)
    torch.testing.assert_close(p[0], torch.tensor([0, 0, 0, 1.0, 0], dtype=F64))
    torch.testing.assert_close(p[1], torch.tensor([1.0, 0, 0, 0, 0], dtype=F64))
    torch.testing.assert_close(p[2], torch.tensor([0, 0, 0, 0, 1.0], dtype=F64))
    torch.testing.assert_close(p[3], torch.tensor([0, 0, 0.75, 0.25, 0], dtype=F64))


def test_ce_gradient_equals_p_minus_target_by_autograd():
    gen = torch.Generator().manual_seed(0)
    grid = cbbl_grid(16, 2.0, kind="exponential")
    target = two_hot(torch.rand(64, generator=gen, dtype=F64) * 4 - 2, grid)
    logits = torch.randn(64, 17, generator=gen, dtype=F64) * 3
    _, grad = value_and_grad(cbbl_ce_loss, logits, target)
    expected = torch.softmax(logits, -1) - target
    np.testing.assert_allclose(grad, expected.numpy(), rtol=1e-10, atol=1e-12)


def test_ce_is_minimised_by_the_target_distribution_up_to_its_entropy():
    grid = cbbl_grid(8, 1.0)
    target = two_hot(torch.tensor([0.3], dtype=F64), grid)
    logits = torch.log(target.clamp_min(1e-300))
    ce = cbbl_ce_loss(logits, target).item()
    assert ce == pytest.approx(cbbl_entropy(target).item(), abs=1e-9)
    assert cbbl_uncertainty_loss(logits, target).item() == pytest.approx(0.0, abs=1e-9)


def test_uncertainty_is_the_entropy_gap_and_its_gradient_is_finite():
    grid = cbbl_grid(8, 1.0)
    target = two_hot(torch.tensor([0.3, 1.0], dtype=F64), grid)  # the second is one-hot: 0·log 0 terms
    logits = torch.zeros(2, 9, dtype=F64)  # uniform prediction: H(p) = ln 9
    loss, grad = value_and_grad(cbbl_uncertainty_loss, logits, target)
    np.testing.assert_allclose(loss, np.log(9) - cbbl_entropy(target).numpy(), rtol=1e-12)
    assert np.isfinite(grad).all()
    h = 0.8 * math.log(0.8) + 0.2 * math.log(0.2)  # 0.3 = 0.8·0.25 + 0.2·0.5
    assert cbbl_entropy(target)[0].item() == pytest.approx(-h, rel=1e-12)
    assert cbbl_entropy(target)[1].item() == 0.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_cbbl_dtypes(dtype):
    grid = cbbl_grid(16, 2.0, dtype=dtype)
    assert grid.dtype == dtype
    target = two_hot(torch.linspace(-2, 2, 10, dtype=dtype), grid)
    logits = torch.randn(10, 17, dtype=dtype, requires_grad=True)
    total = cbbl_ce_loss(logits, target, reduction="mean") + cbbl_uncertainty_loss(logits, target, reduction="sum")
    total.backward()
    assert total.dtype == dtype and logits.grad.dtype == dtype and bool(torch.isfinite(logits.grad).all())
    assert decode_expectation(logits, grid).shape == (10,)


def test_decode_expectation_of_uniform_logits_is_zero_on_a_symmetric_grid():
    grid = cbbl_grid(6, 3.0, kind="exponential")
    assert decode_expectation(torch.zeros(7, dtype=F64), grid).item() == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cbbl_grid(0, 1.0), "n must be >= 1"),
        (lambda: cbbl_grid(2.5, 1.0), "n must be an integer"),
        (lambda: cbbl_grid(4, 0.0), "a must be > 0"),
        (lambda: cbbl_grid(4, 1.0, kind="exponential", beta=0.0), "beta must be > 0"),
        (lambda: cbbl_grid(4, 1.0, kind="log"), "kind must be one of"),
        (lambda: two_hot(torch.tensor([math.nan]), cbbl_grid(4, 1.0)), "t contains NaN or inf"),
        (lambda: two_hot(torch.tensor([0.0]), torch.tensor([1.0, 0.0])), "grid must be strictly increasing"),
        (lambda: decode_expectation(torch.zeros(3), cbbl_grid(4, 1.0)), r"logits must have shape \(\.\.\., 5\)"),
        (
            lambda: decode_expectation(torch.full((5,), 0.5), cbbl_grid(4, 1.0), from_logits=False),
            "probs must sum to 1",
        ),
        (lambda: cbbl_ce_loss(torch.zeros(2, 5), torch.full((2, 5), -0.2)), "target_dist must be non-negative"),
        (lambda: cbbl_ce_loss(torch.zeros(2, 5), torch.eye(5)[:3]), "same shape"),
        (lambda: cbbl_uncertainty_loss(torch.zeros(2, 5, dtype=torch.int64), torch.eye(5)[:2]), "logits must be"),
        (lambda: cbbl_ce_loss(torch.zeros(1, 5), torch.eye(5)[:1], reduction="avg"), "reduction"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
