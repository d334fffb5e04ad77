"""Classification losses: focal (torchvision numerics), class-balanced, GHM-C/GHM-R (mmdetection), AP-loss."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses
from lossviz.losses import (
    APLossFunction,
    ap_loss,
    asl1_loss,
    class_balanced_loss,
    class_balanced_weights,
    effective_number,
    focal_loss_grad,
    ghm_c_loss,
    ghm_c_weights,
    ghm_r_loss,
    ghm_r_weights,
    modulating_factor,
    sigmoid_focal_loss,
)

F64 = torch.float64
logit = st.floats(-12.0, 12.0, allow_nan=False)
alpha_st = st.sampled_from([-1.0, 0.0, 0.25, 0.5, 0.75, 1.0])
gamma_st = st.floats(0.0, 5.0, allow_nan=False)


def t64(*v):
    return torch.tensor(v, dtype=F64)


# ----------------------------------------------------------------------------------------------------- focal loss


@pytest.mark.parametrize(
    ("x", "y", "alpha", "gamma", "expected"),
    [
        # Hand-computed from FL = alpha_t (1 - p_t)^gamma CE (torchvision's formula), p = 1 / (1 + e^-x):
        (0.0, 1.0, 0.25, 2.0, 0.04332169878499658),  # 0.25 * 0.5^2 * ln 2
        (2.0, 0.0, 0.25, 2.0, 1.2375586345660556),  # 0.75 * (1 - 0.1192)^2 * 2.1269
        (-1.0, 1.0, 0.25, 2.0, 0.17546707585284624),
        (3.0, 1.0, -1.0, 2.0, 0.00010928332449699652),  # alpha < 0: no alpha weighting
        (1.5, 0.0, 0.5, 0.5, 0.7692074546583316),
    ],
)
def test_sigmoid_focal_loss_matches_torchvision_reference_values(x, y, alpha, gamma, expected):
    got = sigmoid_focal_loss(t64(x), t64(y), alpha=alpha, gamma=gamma)
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_sigmoid_focal_loss_reductions():
    x, y = t64(0.0, 2.0, -1.0), t64(1.0, 0.0, 1.0)
    per = sigmoid_focal_loss(x, y)
    assert sigmoid_focal_loss(x, y, reduction="sum").item() == pytest.approx(per.sum().item())
    assert sigmoid_focal_loss(x, y, reduction="mean").item() == pytest.approx(per.mean().item())
    assert sigmoid_focal_loss(x[:0], y[:0], reduction="mean").item() == 0.0


@pytest.mark.parametrize("alpha", [-1.0, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("label", [0.0, 1.0])
def test_focal_closed_form_gradient_equals_autograd(alpha, gamma, label):
    x = torch.linspace(-10, 10, 401, dtype=F64, requires_grad=True)
    y = torch.full_like(x, label)
    (auto,) = torch.autograd.grad(sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma).sum(), x)
    closed = focal_loss_grad(x.detach(), y, alpha=alpha, gamma=gamma)
    torch.testing.assert_close(closed, auto, rtol=1e-10, atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(x=logit, y=st.floats(0.0, 1.0), alpha=alpha_st, gamma=st.floats(0.0, 4.0))
def test_focal_closed_form_gradient_equals_autograd_for_soft_targets(x, y, alpha, gamma):
    xt = t64(x).requires_grad_(True)
    yt = t64(y)
    (auto,) = torch.autograd.grad(sigmoid_focal_loss(xt, yt, alpha=alpha, gamma=gamma).sum(), xt)
    assert focal_loss_grad(xt.detach(), yt, alpha=alpha, gamma=gamma).item() == pytest.approx(
        auto.item(), rel=1e-8, abs=1e-12
    )


def test_focal_gradient_for_hard_label_has_the_papers_form():
    # dFL/dx = alpha_t (1 - p_t)^gamma (gamma p_t log p_t + p_t - 1) (2y - 1) for y in {0, 1}.
    x = torch.linspace(-6, 6, 49, dtype=F64)
    for y, a_t in ((1.0, 0.25), (0.0, 0.75)):
        p = torch.sigmoid(x)
        p_t = p if y == 1.0 else 1 - p
        expected = a_t * (1 - p_t) ** 2 * (2 * p_t * torch.log(p_t) + p_t - 1) * (2 * y - 1)
        torch.testing.assert_close(focal_loss_grad(x, torch.full_like(x, y), alpha=0.25, gamma=2.0), expected)


@settings(max_examples=80, deadline=None)
@given(x=logit, y=st.sampled_from([0.0, 1.0]), gamma=gamma_st, alpha=st.floats(0.0, 1.0))
def test_focal_loss_never_exceeds_cross_entropy(x, y, gamma, alpha):
    xt, yt = t64(x), t64(y)
    ce = F.binary_cross_entropy_with_logits(xt, yt)
    assert sigmoid_focal_loss(xt, yt, alpha=-1.0, gamma=gamma).item() <= ce.item() + 1e-15
    alpha_t = alpha * y + (1 - alpha) * (1 - y)
    assert sigmoid_focal_loss(xt, yt, alpha=alpha, gamma=gamma).item() <= alpha_t * ce.item() + 1e-15


@settings(max_examples=60, deadline=None)
@given(x=logit, y=st.floats(0.0, 1.0))
def test_focal_with_gamma_zero_and_no_alpha_is_bce(x, y):
    xt, yt = t64(x), t64(y)
    assert sigmoid_focal_loss(xt, yt, alpha=-1.0, gamma=0.0).item() == pytest.approx(
        F.binary_cross_entropy_with_logits(xt, yt).item(), rel=1e-12, abs=1e-15
    )


def test_focal_down_weights_easy_examples_far_more_than_hard_ones():
    # The paper: with gamma = 2, an example at p_t = 0.9 has 100x lower loss than CE, at p_t = 0.968 ~1000x.
    for p_t, factor in ((0.9, 100.0), (0.968, 1 / (0.032**2))):
        x = t64(math.log(p_t / (1 - p_t)))
        ce = F.binary_cross_entropy_with_logits(x, t64(1.0))
        assert ce.item() / sigmoid_focal_loss(x, t64(1.0), alpha=-1.0, gamma=2.0).item() == pytest.approx(factor)


@pytest.mark.parametrize("dtype", [torch.float32, F64])
@pytest.mark.parametrize("gamma", [0.1, 0.5, 0.9, 1.0, 1.5, 2.0])
def test_focal_gradient_vanishes_for_saturated_easy_examples_at_any_gamma(gamma, dtype):
    """The paper's point, down to the last bit: an easy example (p_t -> 1) contributes nothing. Where the sigmoid
    saturates (p_t == 1 exactly) a plain (1 - p_t)**gamma back-propagates inf * 0 = NaN for 0 < gamma < 1."""
    x = torch.tensor([-60.0, -40.0, -20.0, 0.0, 20.0, 40.0, 60.0], dtype=dtype)
    for y, easy in ((1.0, x > 0), (0.0, x < 0)):
        xg = x.clone().requires_grad_(True)
        yt = torch.full_like(x, y)
        loss = sigmoid_focal_loss(xg, yt, gamma=gamma)
        (grad,) = torch.autograd.grad(loss.sum(), xg)
        assert bool(torch.isfinite(grad).all()), grad
        assert bool((grad[easy].abs() <= 1e-6).all())
        torch.testing.assert_close(grad, focal_loss_grad(x, yt, gamma=gamma))
        # the values are bit for bit torchvision's, whose code (in its order of operations) is:
        p = torch.sigmoid(x)
        p_t = p * yt + (1 - p) * (1 - yt)
        plain = F.binary_cross_entropy_with_logits(x, yt, reduction="none") * ((1 - p_t) ** gamma)
        plain = (0.25 * yt + 0.75 * (1 - yt)) * plain
        torch.testing.assert_close(loss.detach(), plain, rtol=0.0, atol=0.0)


def test_modulating_factor_is_one_minus_p_t_to_the_gamma():
    p_t = t64(0.0, 0.5, 0.9, 1.0)
    torch.testing.assert_close(modulating_factor(p_t, gamma=2.0), t64(1.0, 0.25, 0.01, 0.0))
    torch.testing.assert_close(modulating_factor(p_t, gamma=0.0), torch.ones(4, dtype=F64))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: sigmoid_focal_loss(t64(0.0), t64(1.0), gamma=-0.5), "gamma"),
        (lambda: sigmoid_focal_loss(t64(0.0), t64(1.0), alpha=1.5), "alpha"),
        (lambda: sigmoid_focal_loss(t64(0.0), t64(1.5)), "targets"),
        (lambda: sigmoid_focal_loss(t64(float("nan")), t64(1.0)), "logits"),
        (lambda: sigmoid_focal_loss(t64(0.0, 1.0), t64(1.0)), "logits"),
        (lambda: sigmoid_focal_loss(t64(0.0), t64(1.0), reduction="avg"), "reduction"),
        (lambda: sigmoid_focal_loss([0.0], t64(1.0)), "logits"),
        (lambda: focal_loss_grad(t64(0.0), t64(-0.1)), "targets"),
        (lambda: focal_loss_grad(t64(0.0), t64(1.0), gamma=float("inf")), "gamma"),
        (lambda: modulating_factor(t64(1.2), gamma=2.0), "p_t"),
        (lambda: modulating_factor(t64(0.5), gamma=-1.0), "gamma"),
    ],
)
def test_focal_bad_input_raises_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ------------------------------------------------------------------------------------------------ class-balanced


def test_effective_number_closed_form_and_beta_zero():
    n = t64(0, 1, 2, 10)
    torch.testing.assert_close(effective_number(n, beta=0.5), (1 - 0.5**n) / 0.5)
    torch.testing.assert_close(effective_number(n, beta=0.0), t64(0, 1, 1, 1))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 10**6), beta=st.floats(0.0, 0.999999))
def test_effective_number_lies_between_one_and_n(n, beta):
    e = effective_number(t64(n), beta=beta).item()
    assert 1.0 - 1e-9 <= e <= n * (1 + 1e-9)


@pytest.mark.parametrize("n", [1, 10, 1000, 100000])
def test_effective_number_tends_to_n_as_beta_tends_to_one(n):
    errs = [abs(effective_number(t64(n), beta=1 - 10.0**-k).item() - n) / n for k in (4, 6, 8, 10)]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(errs))
    assert errs[-1] < 1e-4


counts_st = st.lists(st.integers(1, 100000), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(counts=counts_st, beta=st.floats(0.0, 0.99999))
def test_class_balanced_weights_sum_to_number_of_classes(counts, beta):
    w = class_balanced_weights(torch.tensor(counts), beta=beta)
    assert w.sum().item() == pytest.approx(len(counts))
    assert bool((w > 0).all())


@settings(max_examples=60, deadline=None)
@given(counts=counts_st, beta=st.floats(0.0, 0.99999))
def test_class_balanced_weights_decrease_with_count(counts, beta):
    c = torch.tensor(sorted(counts))
    w = class_balanced_weights(c, beta=beta)
    assert bool((w[1:] <= w[:-1] * (1 + 1e-12)).all())


def test_class_balanced_weights_beta_zero_is_all_ones_and_beta_near_one_is_inverse_frequency():
    c = torch.tensor([1000, 100, 10])
    torch.testing.assert_close(class_balanced_weights(c, beta=0.0), torch.ones(3, dtype=F64))
    inv = 1.0 / c.double()
    torch.testing.assert_close(class_balanced_weights(c, beta=1 - 1e-9), inv / inv.sum() * 3, rtol=1e-5, atol=1e-8)


def test_class_balanced_loss_variants_weight_each_sample_by_its_class():
    torch.manual_seed(0)
    logits = torch.randn(6, 3, dtype=F64)
    labels = torch.tensor([0, 1, 2, 2, 1, 0])
    counts = torch.tensor([500, 50, 5])
    w = class_balanced_weights(counts, beta=0.99)[labels]
    ce = F.cross_entropy(logits, labels, reduction="none")
    torch.testing.assert_close(class_balanced_loss(logits, labels, counts, beta=0.99, loss_type="softmax"), w * ce)
    onehot = F.one_hot(labels, 3).double()
    bce = F.binary_cross_entropy_with_logits(logits, onehot, reduction="none").sum(1)
    torch.testing.assert_close(class_balanced_loss(logits, labels, counts, beta=0.99, loss_type="sigmoid"), w * bce)
    fl = sigmoid_focal_loss(logits, onehot, alpha=-1.0, gamma=1.0).sum(1)
    torch.testing.assert_close(
        class_balanced_loss(logits, labels, counts, beta=0.99, loss_type="focal", gamma=1.0), w * fl
    )
    assert class_balanced_loss(logits, labels, counts, beta=0.99, reduction="mean").item() == pytest.approx(
        (w * ce).mean().item()
    )
    # beta = 0: plain cross-entropy.
    torch.testing.assert_close(class_balanced_loss(logits, labels, counts, beta=0.0), ce)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: class_balanced_weights(torch.tensor([10, 0, 3]), beta=0.9), "counts"),
        (lambda: class_balanced_weights(torch.tensor([10.0, -2.0]), beta=0.9), "counts"),
        (lambda: class_balanced_weights([10, 3], beta=0.9), "counts"),
        (lambda: class_balanced_weights(torch.tensor([]), beta=0.9), "counts"),
        (lambda: class_balanced_weights(torch.tensor([10, 3]), beta=1.0), "beta"),
        (lambda: class_balanced_weights(torch.tensor([10, 3]), beta=-0.1), "beta"),
        (lambda: effective_number(t64(-1.0), beta=0.5), "n"),
        (lambda: class_balanced_loss(torch.zeros(2, 3), torch.tensor([0, 3]), torch.tensor([1, 2, 3])), "labels"),
        (lambda: class_balanced_loss(torch.zeros(2, 3), torch.tensor([0.0, 1.0]), torch.tensor([1, 2, 3])), "labels"),
        (lambda: class_balanced_loss(torch.zeros(2, 3), torch.tensor([0, 1]), torch.tensor([1, 2])), "counts"),
        (lambda: class_balanced_loss(torch.zeros(3), torch.tensor([0, 1, 1]), torch.tensor([1, 2])), "logits"),
        (
            lambda: class_balanced_loss(torch.zeros(2, 2), torch.tensor([0, 1]), torch.tensor([1, 2]), loss_type="x"),
            "loss_type",
        ),
    ],
)
def test_class_balanced_bad_input_raises_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ------------------------------------------------------------------------------------------------------------ GHM


def _logits_for_g(g: torch.Tensor, target: float = 0.0) -> torch.Tensor:
    """Logits whose gradient norm |sigmoid(x) - y| is g (for y = 0: sigmoid(x) = g)."""
    p = g if target == 0.0 else 1 - g
    return torch.log(p / (1 - p))


def test_ghm_weights_are_equal_for_a_uniform_gradient_density():
    # 10 elements in each of the 10 unit regions: every weight is N / count / n_bins = 100 / 10 / 10 = 1.
    g = (torch.arange(10, dtype=F64).repeat_interleave(10) + 0.5) / 10
    res = ghm_c_weights(_logits_for_g(g), torch.zeros(100, dtype=F64), bins=10)
    torch.testing.assert_close(res.counts, torch.full((10,), 10.0, dtype=F64))
    torch.testing.assert_close(res.weights, torch.ones(100, dtype=F64))
    torch.testing.assert_close(res.g, g)


def test_ghm_down_weights_the_crowded_easy_bin_and_matches_mmdetection_formula():
    # 90 easy (g = 0.05), 9 medium (g = 0.45), 1 outlier (g = 0.95): weights N / count / 3.
    g = torch.cat([torch.full((90,), 0.05), torch.full((9,), 0.45), torch.full((1,), 0.95)]).double()
    res = ghm_c_weights(_logits_for_g(g), torch.zeros(100, dtype=F64), bins=10)
    expected = torch.cat([torch.full((90,), 100 / 90 / 3), torch.full((9,), 100 / 9 / 3), torch.full((1,), 100 / 3)])
    torch.testing.assert_close(res.weights, expected.double())
    # Each non-empty bin carries the same total weight N / n_bins.
    assert res.weights.sum().item() == pytest.approx(100.0)
    loss = ghm_c_loss(_logits_for_g(g), torch.zeros(100, dtype=F64), bins=10, reduction="mean")
    bce = F.binary_cross_entropy_with_logits(_logits_for_g(g), torch.zeros(100, dtype=F64), reduction="none")
    assert loss.item() == pytest.approx((expected.double() * bce).sum().item() / 100)


def test_ghm_g_of_exactly_one_falls_in_the_last_bin_and_positives_use_one_minus_p():
    x = t64(-40.0, 40.0, 0.0)
    y = t64(1.0, 0.0, 1.0)  # g ~ 1, 1, 0.5
    res = ghm_c_weights(x, y, bins=4)
    torch.testing.assert_close(res.counts, t64(0, 0, 1, 2))


def test_ghm_momentum_keeps_a_running_count():
    g = torch.cat([torch.full((8,), 0.05), torch.full((2,), 0.95)]).double()
    x, y = _logits_for_g(g), torch.zeros(10, dtype=F64)
    first = ghm_c_weights(x, y, bins=2, momentum=0.75)
    torch.testing.assert_close(first.acc_sum, t64(0.25 * 8, 0.25 * 2))
    second = ghm_c_weights(x[:8], y[:8], bins=2, momentum=0.75, acc_sum=first.acc_sum)
    # Bin 0 seen again: 0.75 * 2 + 0.25 * 8 = 3.5; bin 1 empty now: kept at 0.5.
    torch.testing.assert_close(second.acc_sum, t64(3.5, 0.5))
    torch.testing.assert_close(second.weights, torch.full((8,), 8 / 3.5, dtype=F64))


def test_ghm_weights_carry_no_gradient_and_loss_gradient_is_weighted_bce():
    g = torch.tensor([0.05, 0.06, 0.5, 0.9], dtype=F64)
    x = _logits_for_g(g).requires_grad_(True)
    y = torch.zeros(4, dtype=F64)
    ghm_c_loss(x, y, bins=10).sum().backward()
    w = ghm_c_weights(x.detach(), y, bins=10).weights
    torch.testing.assert_close(x.grad, w * (torch.sigmoid(x.detach()) - y))


def test_ghm_r_uses_the_asl1_gradient_norm():
    pred, target = t64(0.0, 0.02, 1.0), t64(0.0, 0.0, 0.0)
    torch.testing.assert_close(
        asl1_loss(pred, target, mu=0.02), t64(0.0, math.sqrt(2) * 0.02 - 0.02, math.sqrt(1 + 4e-4) - 0.02)
    )
    res = ghm_r_weights(pred, target, mu=0.02, bins=10)
    torch.testing.assert_close(res.g, t64(0.0, 1 / math.sqrt(2), 1 / math.sqrt(1 + 4e-4)))
    torch.testing.assert_close(res.weights, torch.ones(3, dtype=F64))  # three bins, one each: 3 / 1 / 3
    torch.testing.assert_close(ghm_r_loss(pred, target, reduction="none"), asl1_loss(pred, target))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ghm_c_weights(t64(0.0), t64(1.0), bins=0), "bins"),
        (lambda: ghm_c_weights(t64(0.0), t64(1.0), bins=2.5), "bins"),
        (lambda: ghm_c_weights(t64(0.0), t64(1.0), momentum=1.0), "momentum"),
        (lambda: ghm_c_weights(t64(0.0), t64(1.0), bins=3, acc_sum=torch.zeros(2, dtype=F64)), "acc_sum"),
        (lambda: ghm_c_weights(t64(0.0), t64(2.0)), "targets"),
        (lambda: ghm_c_loss(t64(float("inf")), t64(1.0)), "logits"),
        (lambda: ghm_r_loss(t64(0.0), t64(1.0), mu=0.0), "mu"),
        (lambda: ghm_r_loss(t64(0.0), t64(1.0), reduction="max"), "reduction"),
    ],
)
def test_ghm_bad_input_raises_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# -------------------------------------------------------------------------------------------------------- AP-loss


def test_ap_loss_of_a_perfect_ranking_is_zero_with_zero_update():
    scores = t64(9.0, 8.0, 5.0, 1.0, 0.0, -3.0)
    labels = torch.tensor([1, 1, 1, 0, 0, 0])
    res = ap_loss(scores, labels)
    assert res.loss.item() == 0.0
    torch.testing.assert_close(res.update, torch.zeros(6, dtype=F64))
    torch.testing.assert_close(res.precision, torch.ones(3, dtype=F64))


def test_ap_loss_hand_worked_two_positives_three_negatives():
    # Scores (delta = 1, gaps of 3 so the step is hard): N1 = 6, P1 = 3, P2 = 0, N2 = -3, N3 = -6.
    # P1: a = 0.5 + f(0) + f(-3) = 1, b = f(3) + f(-6) + f(-9) = 1 -> precision 1/2, L_{P1,N1} = 1/2.
    # P2: a = 0.5 + f(3) + f(0) = 2, b = f(6) = 1 -> precision 2/3, L_{P2,N1} = 1/3.
    # Interpolation (max over lower-scored positives): P1 gets 2/3; its row is rescaled by (1-2/3)/(1-1/2) = 2/3.
    # loss = 1 - (2/3 + 2/3)/2 = 1/3; update: P1 = P2 = -(1/3)/2 = -1/6; N1 = (1/3 + 1/3)/2 = 1/3; N2 = N3 = 0.
    scores = t64(6.0, 3.0, 0.0, -3.0, -6.0).requires_grad_(True)
    labels = torch.tensor([0, 1, 1, 0, 0])
    res = ap_loss(scores, labels)
    assert res.loss.item() == pytest.approx(1 / 3)
    torch.testing.assert_close(res.raw_precision, t64(1 / 2, 2 / 3))
    torch.testing.assert_close(res.precision, t64(2 / 3, 2 / 3))
    torch.testing.assert_close(res.L, t64(1 / 2, 0, 0, 1 / 3, 0, 0).reshape(2, 3))
    torch.testing.assert_close(res.L_update, t64(1 / 3, 0, 0, 1 / 3, 0, 0).reshape(2, 3))
    expected = t64(1 / 3, -1 / 6, -1 / 6, 0.0, 0.0)
    torch.testing.assert_close(res.update, expected)
    assert res.rank.tolist() == [1, 2, 3, 4, 5]
    res.loss.backward()
    torch.testing.assert_close(scores.grad, expected)  # backward is the error-driven update, not autograd's


def test_ap_loss_soft_step_inside_delta():
    # P = 0.5, N = 0: f(0 - 0.5) = 0.25 -> precision 1 / 1.25 = 0.8, update N = 0.2, P = -0.2.
    res = ap_loss(t64(0.5, 0.0), torch.tensor([1, 0]))
    assert res.loss.item() == pytest.approx(0.2)
    torch.testing.assert_close(res.update, t64(-0.2, 0.2))
    # With a narrower step the negative is already far enough below: no loss.
    assert ap_loss(t64(0.5, 0.0), torch.tensor([1, 0]), delta=0.25).loss.item() == 0.0


def test_ap_loss_ignored_anchors_get_no_update_and_no_rank():
    res = ap_loss(t64(0.5, 9.0, 0.0), torch.tensor([1, -1, 0]))
    assert res.update[1].item() == 0.0
    assert res.rank.tolist() == [1, 0, 2]
    assert res.loss.item() == pytest.approx(0.2)


@settings(max_examples=40, deadline=None)
@given(
    scores=st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=15),
    data=st.data(),
)
def test_ap_loss_update_balances_positives_and_negatives(scores, data):
    labels = data.draw(st.lists(st.sampled_from([0, 1]), min_size=len(scores), max_size=len(scores)))
    labels[0] = 1
    res = ap_loss(torch.tensor(scores, dtype=F64), torch.tensor(labels))
    assert 0.0 <= res.loss.item() <= 1.0
    # Each positive's row of L_update sums to 1 - precision: the negatives receive what the positives lose.
    assert res.update.sum().item() == pytest.approx(0.0, abs=1e-12)
    torch.testing.assert_close(res.L_update.sum(1), 1 - res.precision)
    assert bool((res.precision >= res.raw_precision - 1e-15).all())


def _ap_loss_loop(scores, labels, delta=1.0):
    """AP-loss written the way the official code computes it: a loop over the positives by ascending score,
    keeping the running maximum precision (interpolation) and accumulating each negative's update."""
    s, y = scores.tolist(), labels.tolist()
    pos = sorted((i for i in range(len(s)) if y[i] == 1), key=lambda i: s[i])
    neg = [j for j in range(len(s)) if y[j] == 0]

    def step(v):
        return min(max(v / (2 * delta) + 0.5, 0.0), 1.0)

    update = [0.0] * len(s)
    precision, best = [], 0.0
    for i in pos:
        rank_pos = 1.0 + sum(step(s[k] - s[i]) for k in pos if k != i)
        rank = rank_pos + sum(step(s[j] - s[i]) for j in neg)
        raw = rank_pos / rank
        scale = 1.0 if raw >= best else (1 - best) / (1 - raw)
        best = max(best, raw)
        for j in neg:
            update[j] += step(s[j] - s[i]) / rank * scale / len(pos)
        update[i] = -(1 - best) / len(pos)
        precision.append(best)
    return 1 - sum(precision) / len(pos), update


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.floats(-6, 6, allow_nan=False), min_size=2, max_size=20, unique=True),
    delta=st.sampled_from([0.3, 1.0, 2.5]),
    data=st.data(),
)
def test_ap_loss_matches_the_official_loop_over_positives(scores, delta, data):
    labels = data.draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=len(scores), max_size=len(scores)))
    labels[0] = 1
    loss, update = _ap_loss_loop(torch.tensor(scores, dtype=F64), torch.tensor(labels), delta)
    res = ap_loss(torch.tensor(scores, dtype=F64), torch.tensor(labels), delta=delta)
    assert res.loss.item() == pytest.approx(loss, abs=1e-12)
    torch.testing.assert_close(res.update, torch.tensor(update, dtype=F64), rtol=1e-12, atol=1e-12)


def test_ap_loss_function_apply_matches_ap_loss():
    scores = t64(0.3, 1.2, -0.4, 0.9).requires_grad_(True)
    labels = torch.tensor([1, 0, 1, 0])
    loss = APLossFunction.apply(scores, labels, 1.0)
    loss.backward()
    res = ap_loss(scores.detach(), labels)
    assert loss.item() == pytest.approx(res.loss.item())
    torch.testing.assert_close(scores.grad, res.update)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ap_loss(t64(0.1, 0.2), torch.tensor([0, 0])), "positive"),
        (lambda: ap_loss(t64(0.1, 0.2), torch.tensor([-1, -1])), "positive"),
        (lambda: ap_loss(t64(), torch.tensor([], dtype=torch.long)), "positive"),
        (lambda: ap_loss(t64(0.1, 0.2), torch.tensor([1, 2])), "targets"),
        (lambda: ap_loss(t64(0.1, 0.2), torch.tensor([1])), "logits"),
        (lambda: ap_loss(t64(0.1, float("nan")), torch.tensor([1, 0])), "logits"),
        (lambda: ap_loss(t64(0.1, 0.2), torch.tensor([1, 0]), delta=0.0), "delta"),
        (lambda: ap_loss(t64(0.1, 0.2), [1, 0]), "targets"),
    ],
)
def test_ap_loss_bad_input_raises_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_public_names_are_exported():
    for name in ("sigmoid_focal_loss", "class_balanced_loss", "ghm_c_loss", "ghm_r_loss", "ap_loss"):
        assert callable(getattr(losses, name))
