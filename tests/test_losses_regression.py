"""Regression losses: closed forms vs autograd, torch reference values, the Libra R-CNN claims, bad input."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.losses import (
    balanced_l1_b,
    balanced_l1_grad,
    balanced_l1_loss,
    l1_grad,
    l1_loss,
    l2_grad,
    l2_loss,
    smooth_l1_grad,
    smooth_l1_loss,
    value_and_grad,
)

F64 = torch.float64
alphas = st.floats(0.05, 2.0)
gammas = st.floats(0.05, 3.0)
betas = st.floats(0.05, 3.0)


def _residuals_around(beta: float) -> np.ndarray:
    """Many points, dense near 0 and just either side of ±β (but not on β, where the closed form picks a side)."""
    eps = [1e-9, 1e-6, 1e-3]
    near = [beta + s * e for e in eps for s in (-1, 1)]
    pts = np.concatenate([np.linspace(-4 * beta, 4 * beta, 401), near, [-x for x in near], [1e-12, -1e-12, 0.0]])
    return np.unique(pts)


def _zeros(d):
    return np.zeros_like(d)


@pytest.mark.parametrize("beta", [0.0, 0.1, 0.5, 1.0, 1.0 / 9.0, 2.5])
def test_smooth_l1_closed_form_gradient_matches_autograd(beta):
    d = _residuals_around(max(beta, 0.1))
    _, grad = value_and_grad(smooth_l1_loss, d, _zeros(d), beta=beta)
    closed = smooth_l1_grad(torch.as_tensor(d, dtype=F64), beta=beta).numpy()
    np.testing.assert_allclose(closed, grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.2, 0.5, 1.0])
@pytest.mark.parametrize("gamma", [0.5, 1.5, 3.0])
@pytest.mark.parametrize("beta", [0.3, 1.0, 2.0])
def test_balanced_l1_closed_form_gradient_matches_autograd(alpha, gamma, beta):
    d = _residuals_around(beta)
    _, grad = value_and_grad(balanced_l1_loss, d, _zeros(d), alpha=alpha, gamma=gamma, beta=beta)
    closed = balanced_l1_grad(torch.as_tensor(d, dtype=F64), alpha=alpha, gamma=gamma, beta=beta).numpy()
    np.testing.assert_allclose(closed, grad, rtol=1e-10, atol=1e-10)


def test_l1_and_l2_closed_form_gradients_match_autograd():
    d = np.linspace(-3, 3, 61)
    _, g1 = value_and_grad(l1_loss, d, _zeros(d))
    np.testing.assert_allclose(l1_grad(torch.as_tensor(d)).numpy(), g1)
    _, g2 = value_and_grad(l2_loss, d, _zeros(d))
    np.testing.assert_allclose(l2_grad(torch.as_tensor(d)).numpy(), g2)
    _, gh = value_and_grad(l2_loss, d, _zeros(d), half=True)
    np.testing.assert_allclose(l2_grad(torch.as_tensor(d), half=True).numpy(), gh)


@pytest.mark.parametrize("beta", [0.0, 1.0 / 9.0, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_smooth_l1_matches_torch(beta, reduction):
    gen = torch.Generator().manual_seed(0)
    pred, target = torch.randn(2, 500, generator=gen, dtype=F64) * 2
    ours = smooth_l1_loss(pred, target, beta=beta, reduction=reduction)
    ref = F.smooth_l1_loss(pred, target, beta=beta, reduction=reduction)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)


def test_l1_and_l2_match_torch():
    gen = torch.Generator().manual_seed(1)
    pred, target = torch.randn(2, 100, generator=gen)
    torch.testing.assert_close(l1_loss(pred, target, reduction="mean"), F.l1_loss(pred, target))
    torch.testing.assert_close(l2_loss(pred, target, reduction="sum"), F.mse_loss(pred, target, reduction="sum"))
    torch.testing.assert_close(l2_loss(pred, target, half=True), 0.5 * F.mse_loss(pred, target, reduction="none"))


def test_balanced_l1_hand_computed_values():
    b = math.e**3 - 1  # α = 0.5, γ = 1.5
    assert balanced_l1_b() == pytest.approx(b, rel=1e-14)
    d = torch.tensor([0.0, 0.5, -0.5, 1.0, 2.0, -3.0], dtype=F64)
    expected = [
        0.0,
        0.5 / b * (b * 0.5 + 1) * math.log(b * 0.5 + 1) - 0.25,
        0.5 / b * (b * 0.5 + 1) * math.log(b * 0.5 + 1) - 0.25,
        1.5 + 1.5 / b - 0.5,
        3.0 + 1.5 / b - 0.5,
        4.5 + 1.5 / b - 0.5,
    ]
    got = balanced_l1_loss(d, torch.zeros_like(d))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-13)
    # with β = 2: inside uses ln(b|d|/β + 1), outside γ|d| + γ/b − αβ
    got2 = balanced_l1_loss(torch.tensor([1.0, 3.0], dtype=F64), torch.zeros(2, dtype=F64), beta=2.0)
    np.testing.assert_allclose(
        got2.numpy(), [0.5 / b * (b + 1) * math.log(b / 2 + 1) - 0.5, 4.5 + 1.5 / b - 1.0], rtol=1e-13
    )


@settings(max_examples=200, deadline=None)
@given(alphas, gammas, betas)
def test_balanced_l1_is_continuous_at_beta(alpha, gamma, beta):
    if gamma / alpha > 50:
        return
    h = 1e-9 * beta
    d = torch.tensor([beta - h, beta], dtype=F64)
    left, right = balanced_l1_loss(d, torch.zeros_like(d), alpha=alpha, gamma=gamma, beta=beta).tolist()
    slope = max(gamma, 1.0) * 10
    assert abs(left - right) <= slope * h + 1e-9 * max(1.0, abs(right))


@settings(max_examples=200, deadline=None)
@given(alphas, gammas)
def test_balanced_l1_gradient_is_continuous_at_one(alpha, gamma):
    if gamma / alpha > 50:
        return
    d = torch.tensor([1.0 - 1e-10, 1.0], dtype=F64)
    inside, outside = balanced_l1_grad(d, alpha=alpha, gamma=gamma, beta=1.0).tolist()
    assert outside == gamma
    assert inside == pytest.approx(gamma, rel=1e-6, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(alphas, gammas)
def test_balanced_l1_gradient_for_beta_one_is_the_papers_log_form(alpha, gamma):
    """Libra R-CNN eq. (8): for β = 1 the inlier gradient is α·ln(b|x| + 1), the outlier gradient γ (autograd)."""
    if gamma / alpha > 50:
        return
    b = math.expm1(gamma / alpha)
    d = np.array([-3.0, -1.5, -0.9, -0.5, -1e-3, 1e-3, 0.25, 0.5, 0.75, 0.99, 1.0, 2.0, 7.0])
    _, grad = value_and_grad(balanced_l1_loss, d, _zeros(d), alpha=alpha, gamma=gamma, beta=1.0)
    x = np.abs(d)
    paper = np.sign(d) * np.where(x < 1.0, alpha * np.log(b * x + 1), gamma)
    np.testing.assert_allclose(grad, paper, rtol=1e-9, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(alphas, gammas, betas.filter(lambda b: abs(b - 1) > 0.05))
def test_balanced_l1_gradient_jumps_at_beta_not_one(alpha, gamma, beta):
    """The documented quirk of mmdetection's form: for β ≠ 1 the gradient is discontinuous at β."""
    if gamma / alpha > 10:  # beyond that e^{γ/α} makes the jump α(1 − β)/(β·e^{γ/α}) vanishingly small
        return
    b = balanced_l1_b(alpha=alpha, gamma=gamma)
    d = torch.tensor([beta * (1 - 1e-12), beta], dtype=F64)
    inside, outside = balanced_l1_grad(d, alpha=alpha, gamma=gamma, beta=beta).tolist()
    jump = alpha * (1 - beta) / (beta * (b + 1))
    assert inside - outside == pytest.approx(jump, rel=1e-5, abs=1e-12)
    assert abs(jump) > 1e-9
    # and the gradient just above 0 is α(1/β − 1), not 0
    near0 = balanced_l1_grad(torch.tensor([1e-9 / b], dtype=F64), alpha=alpha, gamma=gamma, beta=beta).item()
    assert near0 == pytest.approx(alpha * (1 / beta - 1), rel=1e-6, abs=1e-8)


def test_balanced_l1_dips_below_zero_for_beta_above_one():
    """Another side of the same quirk: for β > 1 the slope near 0 is negative, so the loss is < 0 there."""
    d = torch.tensor([0.5], dtype=F64)
    assert balanced_l1_loss(d, torch.zeros(1, dtype=F64), alpha=1.0, gamma=1.0, beta=2.0).item() < 0
    for beta in (0.2, 0.7, 1.0):
        x = torch.linspace(0, 3, 301, dtype=F64)
        assert bool((balanced_l1_loss(x, torch.zeros_like(x), beta=beta) >= 0).all())


def test_balanced_l1_raises_the_inlier_gradient_above_smooth_l1():
    """Libra R-CNN's point: with α = 0.5, γ = 1.5, β = 1, inliers get a larger gradient than under Smooth L1."""
    d = torch.linspace(1e-4, 1 - 1e-4, 2001, dtype=F64)
    balanced = balanced_l1_grad(d)
    smooth = smooth_l1_grad(d, beta=1.0)
    assert bool((balanced >= smooth).all())
    # ... while the outlier gradient is capped at γ, a constant
    out = balanced_l1_grad(torch.linspace(1, 50, 100, dtype=F64))
    assert torch.equal(out, torch.full_like(out, 1.5))


@settings(max_examples=100, deadline=None)
@given(st.floats(-20, 20), alphas, gammas, betas)
def test_regression_losses_are_symmetric_in_d(x, alpha, gamma, beta):
    if gamma / alpha > 50:
        return
    d = torch.tensor([x, -x], dtype=F64)
    z = torch.zeros(2, dtype=F64)
    for loss in (
        l1_loss(d, z),
        l2_loss(d, z),
        smooth_l1_loss(d, z, beta=beta),
        balanced_l1_loss(d, z, alpha=alpha, gamma=gamma, beta=beta),
    ):
        assert loss[0].item() == loss[1].item()
    g = balanced_l1_grad(d, alpha=alpha, gamma=gamma, beta=beta)
    assert g[0].item() == -g[1].item()


@pytest.mark.parametrize("fn", [l1_loss, l2_loss, smooth_l1_loss, balanced_l1_loss])
def test_reductions(fn):
    pred = torch.tensor([[0.3, -2.0], [1.5, 0.0]])
    target = torch.zeros(2, 2)
    none = fn(pred, target)
    assert none.shape == (2, 2)
    torch.testing.assert_close(fn(pred, target, reduction="sum"), none.sum())
    torch.testing.assert_close(fn(pred, target, reduction="mean"), none.mean())
    assert fn(torch.zeros(0), torch.zeros(0), reduction="mean").item() == 0.0
    with pytest.raises(ValueError, match="reduction"):
        fn(pred, target, reduction="max")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("fn", [l1_loss, l2_loss, smooth_l1_loss, balanced_l1_loss])
def test_float32_and_float64_both_work_and_agree(fn, dtype):
    d64 = torch.linspace(-3, 3, 101, dtype=F64)
    d = d64.to(dtype).requires_grad_(True)
    loss = fn(d, torch.zeros_like(d))
    assert loss.dtype == dtype
    loss.sum().backward()
    assert d.grad.dtype == dtype and bool(torch.isfinite(d.grad).all())
    torch.testing.assert_close(loss.detach().double(), fn(d64, torch.zeros_like(d64)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: l1_loss(torch.tensor([math.nan]), torch.zeros(1)), "pred contains NaN or inf"),
        (lambda: l2_loss(torch.zeros(1), torch.tensor([math.inf])), "target contains NaN or inf"),
        (lambda: smooth_l1_loss(torch.zeros(2), torch.zeros(3)), "pred and target must have the same shape"),
        (lambda: smooth_l1_loss(torch.zeros(2), torch.zeros(2), beta=-0.1), "beta must be >= 0"),
        (lambda: smooth_l1_loss(torch.zeros(2), torch.zeros(2), beta=math.nan), "beta must be finite"),
        (lambda: balanced_l1_loss(torch.zeros(2), torch.zeros(2), alpha=0.0), "alpha must be >= 0.001"),
        (lambda: balanced_l1_loss(torch.zeros(2), torch.zeros(2), gamma=-1.0), "gamma must be >= 0.001"),
        (lambda: balanced_l1_loss(torch.zeros(2), torch.zeros(2), beta=0.0), "beta must be >= 1e-06"),
        (lambda: balanced_l1_loss(torch.zeros(2), torch.zeros(2), alpha=0.001, gamma=3.0), "gamma / alpha"),
        (lambda: balanced_l1_loss(torch.zeros(2, dtype=torch.int64), torch.zeros(2)), "pred must be a floating"),
        (lambda: l1_loss([1.0], torch.zeros(1)), "pred must be a torch.Tensor"),
        (lambda: smooth_l1_grad(torch.tensor([math.nan])), "d contains NaN or inf"),
        (lambda: balanced_l1_grad(torch.zeros(1), alpha=-1.0), "alpha must be >= 0.001"),
        (lambda: balanced_l1_b(gamma=0.0), "gamma must be >= 0.001"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("dtype", "alpha", "gamma", "residuals"),
    [
        (F64, 0.5, 1.5, [0.5, 1e306]),  # a far outlier: the unused inlier branch must not turn into NaN
        (F64, 0.05, 5.0, [0.5, 3.0, 1e300]),
        (torch.float32, 0.5, 1.5, [0.5, 3e37]),
        (torch.float32, 0.05, 5.0, [1e-6, 0.5, 3.0]),  # b = e^100 − 1 does not fit in float32
        (F64, 0.01, 7.0, [0.0, 1e-300, 0.5, 0.99999]),  # b = e^700 − 1, the largest allowed
    ],
)
def test_balanced_l1_stays_finite_for_far_outliers_and_huge_b(dtype, alpha, gamma, residuals):
    d = torch.tensor(residuals, dtype=dtype, requires_grad=True)
    loss = balanced_l1_loss(d, torch.zeros_like(d), alpha=alpha, gamma=gamma)
    loss.sum().backward()
    assert loss.dtype == dtype
    assert bool(torch.isfinite(loss).all()) and bool(torch.isfinite(d.grad).all())
    closed = balanced_l1_grad(d.detach(), alpha=alpha, gamma=gamma)
    torch.testing.assert_close(d.grad, closed, rtol=1e-5, atol=1e-6)
    # float32 agrees with float64 where both are representable
    ref = balanced_l1_loss(d.detach().double(), torch.zeros(len(residuals), dtype=F64), alpha=alpha, gamma=gamma)
    torch.testing.assert_close(loss.detach().double(), ref, rtol=1e-5, atol=1e-6)
    # Smooth L1 has no such problem, and keeps it that way
    e = torch.tensor(residuals, dtype=dtype, requires_grad=True)
    smooth_l1_loss(e, torch.zeros_like(e)).sum().backward()
    assert bool(torch.isfinite(e.grad).all())
