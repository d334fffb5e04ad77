"""Every hyper-parameter of every loss at (and far beyond) the edges of its range (issue 13, kind 2).

The claim: any value gives either a finite loss with a finite gradient, or a ``ValueError`` that names the
argument. Values are drawn from all floats (NaN, ±inf, subnormals, ±1e308) plus the bounds and their neighbours.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lossviz import losses

F32, F64 = torch.float32, torch.float64

EDGES = [
    0.0,
    -0.0,
    5e-324,
    1e-300,
    1e-50,
    1e-38,
    1.2e-38,
    1e-19,
    1e-7,
    1e-6,
    0.01,
    0.5,
    1 - 1e-16,
    0.9999999999999999,
    1.0,
    1 + 2.3e-16,
    2.0,
    700.0,
    1000.0,
    1000.0000000001,
    1e6,
    1e300,
    -1e-300,
    -1.0,
    math.inf,
    -math.inf,
    math.nan,
]
VALUES = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=True, allow_infinity=True))


def _residuals(dtype):
    return torch.tensor([0.5, -2.0, 0.0, 1e-4, 30.0], dtype=dtype, requires_grad=True), torch.zeros(5, dtype=dtype)


def _logits(dtype):
    return torch.tensor([-20.0, -1.0, 0.0, 2.0, 40.0], dtype=dtype, requires_grad=True), torch.tensor(
        [0.0, 1.0, 1.0, 0.0, 1.0], dtype=dtype
    )


def _boxes(dtype):
    pred = torch.tensor(
        [[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 5.0, 5.0], [0.0, 0.0, 1.0, 2.0], [0.0, 0.0, 1.0, 1.0]],
        dtype=dtype,
        requires_grad=True,
    )
    target = torch.tensor(
        [[2.0, 3.0, 12.0, 11.0], [0.0, 0.0, 10.0, 20.0], [0.0, 0.0, 1.0, 2.0], [100.0, 100.0, 101.0, 101.0]],
        dtype=dtype,
    )
    return pred, target


def _ap(dtype):
    return torch.tensor([0.5, 0.5, 0.1, 2.0, -1.0], dtype=dtype, requires_grad=True), torch.tensor([1, 0, 1, 0, -1])


def _cb(dtype):
    logits = torch.tensor([[0.0, 1.0, -1.0], [3.0, 0.0, 0.0]], dtype=dtype, requires_grad=True)
    return logits, torch.tensor([0, 2]), torch.tensor([1000, 10, 1])


# (function, inputs, name of the hyper-parameter, fixed other keyword arguments)
CASES = [
    (losses.smooth_l1_loss, _residuals, "beta", {}),
    (losses.smooth_l1_grad, lambda dt: (_residuals(dt)[0],), "beta", {}),
    (losses.balanced_l1_loss, _residuals, "alpha", {}),
    (losses.balanced_l1_loss, _residuals, "gamma", {}),
    (losses.balanced_l1_loss, _residuals, "beta", {}),
    (losses.balanced_l1_grad, lambda dt: (_residuals(dt)[0],), "beta", {}),
    (losses.asl1_loss, _residuals, "mu", {}),
    (losses.ghm_r_loss, _residuals, "mu", {}),
    (losses.ghm_r_loss, _residuals, "momentum", {}),
    (losses.sigmoid_focal_loss, _logits, "alpha", {}),
    (losses.sigmoid_focal_loss, _logits, "gamma", {}),
    (losses.focal_loss_grad, _logits, "gamma", {}),
    (losses.ghm_c_loss, _logits, "momentum", {}),
    (losses.effective_number, lambda dt: (torch.tensor([0.0, 1.0, 6e4], dtype=dt, requires_grad=True),), "beta", {}),
    (
        losses.class_balanced_weights,
        lambda dt: (torch.tensor([6e4, 10.0, 1.0], dtype=dt, requires_grad=True),),
        "beta",
        {},
    ),
    (losses.class_balanced_loss, _cb, "beta", {}),
    (losses.class_balanced_loss, _cb, "gamma", {"loss_type": "focal"}),
    (losses.ap_loss, _ap, "delta", {}),
    (losses.siou_loss, _boxes, "theta", {}),
    (losses.alpha_iou_loss, _boxes, "alpha", {"variant": "ciou"}),
    (losses.alpha_iou_loss, _boxes, "alpha", {"variant": "giou"}),
    (losses.wiou_loss, _boxes, "wiou_alpha", {"version": "v3"}),
    (losses.wiou_loss, _boxes, "delta", {"version": "v3"}),
    (losses.wiou_loss, _boxes, "mean_iou_loss", {"version": "v3"}),
    *[(losses.IOU_LOSSES[code], _boxes, "eps", {}) for code in losses.IOU_LOSSES],
    (losses.box_iou, lambda dt: (_boxes(dt)[0], _boxes(dt)[1]), "eps", {}),
    (losses.generalized_box_iou, lambda dt: (_boxes(dt)[0], _boxes(dt)[1]), "eps", {}),
]


def _value(result):
    return result.loss if isinstance(result, losses.APLossResult) else result


@pytest.mark.parametrize(("fn", "make", "name", "fixed"), CASES, ids=lambda c: getattr(c, "__name__", None))
@pytest.mark.parametrize("dtype", [F32, F64, torch.float16])
@settings(max_examples=40, deadline=None)
@given(value=VALUES)
@example(value=1e-50)
@example(value=0.0)
def test_every_hyper_parameter_gives_finite_values_and_gradients_or_a_value_error_naming_it(
    fn, make, name, fixed, dtype, value
):
    inputs = make(dtype)
    try:
        out = _value(fn(*inputs, **fixed, **{name: value}))
    except ValueError as err:
        assert name in str(err), str(err)
        return
    if not bool(torch.isfinite(out).all()):
        # allowed only where the true value is beyond what the dtype can hold (e.g. a GHM weight of 1e16 in float16)
        wide = [x.detach().double() if isinstance(x, torch.Tensor) and x.is_floating_point() else x for x in inputs]
        ref = _value(fn(*wide, **fixed, **{name: value}))
        bad = ~torch.isfinite(out)
        assert bool((ref[bad].abs() > torch.finfo(dtype).max).all()), (name, value, out, ref)
    leaf = inputs[0]
    if out.requires_grad:
        (grad,) = torch.autograd.grad(out.sum(), leaf)
        assert bool(torch.isfinite(grad).all()), (name, value, grad)


def test_smooth_l1_with_beta_1e_minus_50_has_the_gradient_torch_gives():
    x = torch.tensor([0.5, -2.0, 0.0], requires_grad=True)
    losses.smooth_l1_loss(x, torch.zeros(3), beta=1e-50).sum().backward()
    xt = x.detach().clone().requires_grad_(True)
    torch.nn.functional.smooth_l1_loss(xt, torch.zeros(3), beta=1e-50, reduction="sum").backward()
    assert x.grad.tolist() == [1.0, -1.0, 0.0]
    assert x.grad.tolist() == xt.grad.tolist()


@pytest.mark.parametrize("beta", [1e-30, 1e-10, 1e-3, 0.5, 3.0])
def test_smooth_l1_matches_torch_for_small_and_large_beta(beta):
    x = torch.tensor([0.5, -2.0, 0.0, 1e-12, -4e-31], dtype=F64, requires_grad=True)
    ours = losses.smooth_l1_loss(x, torch.zeros_like(x), beta=beta)
    (g,) = torch.autograd.grad(ours.sum(), x)
    xt = x.detach().clone().requires_grad_(True)
    theirs = torch.nn.functional.smooth_l1_loss(xt, torch.zeros_like(xt), beta=beta, reduction="none")
    (gt,) = torch.autograd.grad(theirs.sum(), xt)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(g, gt)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: losses.siou_loss(*_boxes(F64), theta=1001.0), "theta must be <= 1000"),
        (lambda: losses.alpha_iou_loss(*_boxes(F64), alpha=0.0), "alpha must be > 0"),
        (lambda: losses.wiou_loss(*_boxes(F64), version="v3", wiou_alpha=0.5), "wiou_alpha must be >= 1"),
        (lambda: losses.sigmoid_focal_loss(*_logits(F64), gamma=1e4), "gamma must be <= 1000"),
        (lambda: losses.ghm_c_loss(*_logits(F64), bins=10**9), "bins must be an integer in"),
        (lambda: losses.ap_loss(*_ap(F64), delta=1e-9), "delta must be >= 1e-06"),
    ],
)
def test_out_of_range_hyper_parameters_name_the_argument_and_its_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()
