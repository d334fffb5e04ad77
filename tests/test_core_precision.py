"""Half precision and eps in the loss core (issue 13, kinds 1 and 3).

Every function computes in at least float32 and returns the input's dtype; the reference for a half-precision call
is the same function in float64 on the *same* (already rounded) inputs, so these tests measure only what the
computation loses, not the rounding of the inputs.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses

F16, BF16, F32, F64 = torch.float16, torch.bfloat16, torch.float32, torch.float64
DTYPES = (F16, BF16, F32, F64)
SCALES = (1e-3, 1e-1, 1.0, 1e2, 1e4)


def boxes(rows, dtype, requires_grad=False):
    return torch.tensor(rows, dtype=dtype, requires_grad=requires_grad)


def close_to_reference(out: torch.Tensor, ref: torch.Tensor, dtype: torch.dtype) -> bool:
    """``out`` (in ``dtype``) is the float64 reference rounded to ``dtype``, within two units in the last place."""
    ulp = torch.finfo(dtype).eps
    rounded = ref.to(dtype).double()
    tol = 2 * ulp * rounded.abs() + 2e-6 + 4 * torch.finfo(dtype).tiny
    return bool(((out.double() - rounded).abs() <= tol).all())


# ------------------------------------------------------------------------------------------ the reported examples


def test_box_iou_of_300px_boxes_in_float16_is_0_285714_not_0():
    a, b = boxes([[0, 0, 300, 300]], F16), boxes([[100, 100, 400, 400]], F16)
    out = losses.box_iou(a, b)
    assert out.dtype == F16
    assert out.item() == pytest.approx(0.285714, abs=2e-4)


def test_generalized_box_iou_of_300px_boxes_in_float16_is_0_160714_not_nan():
    a, b = boxes([[0, 0, 300, 300]], F16), boxes([[100, 100, 400, 400]], F16)
    out = losses.generalized_box_iou(a, b)
    assert out.dtype == F16
    assert out.item() == pytest.approx(0.160714, abs=2e-4)


def test_giou_loss_of_300px_boxes_in_float16_is_0_839286_not_nan():
    out = losses.giou_loss(boxes([0, 0, 300, 300], F16), boxes([100, 100, 400, 400], F16))
    assert out.dtype == F16
    assert out.item() == pytest.approx(0.839286, abs=5e-4)


def test_diou_loss_of_far_unit_boxes_in_float16_is_1_998003_not_nan():
    out = losses.diou_loss(boxes([0, 0, 1, 1], F16), boxes([1000, 1000, 1001, 1001], F16))
    assert out.dtype == F16
    assert out.item() == pytest.approx(1.998003, abs=1e-3)


def test_diou_loss_in_bfloat16_at_1e4_equals_the_float64_value_of_the_same_boxes():
    pred = boxes([10000, 10000, 10240, 10112], BF16)
    target = boxes([10112, 9984, 10368, 10240], BF16)
    ref = losses.diou_loss(pred.double(), target.double())
    out = losses.diou_loss(pred, target)
    assert out.dtype == BF16
    assert abs(out.double().item() - ref.item()) <= 2 * torch.finfo(BF16).eps * ref.item()


def test_ciou_loss_of_a_zero_size_prediction_in_float16_has_a_finite_gradient():
    pred = boxes([5, 5, 5, 5], F16, requires_grad=True)
    target = boxes([0, 0, 10, 20], F16)
    loss = losses.ciou_loss(pred, target)
    loss.backward()
    assert loss.dtype == F16 and math.isfinite(loss.item())
    assert pred.grad.dtype == F16
    assert bool(torch.isfinite(pred.grad).all())
    # the float32 gradient is ~1/eps there: float16 saturates at its largest finite value instead of inf
    assert pred.grad.abs().max().item() == torch.finfo(F16).max


def test_ghm_c_weights_of_70000_float16_logits_in_one_bin_count_70000_with_weight_1():
    logits = torch.zeros(70_000, dtype=F16)
    targets = torch.zeros(70_000, dtype=F16)
    res = losses.ghm_c_weights(logits, targets)
    assert res.counts.dtype == F32 and res.weights.dtype == F32
    assert res.counts.sum().item() == 70_000
    assert res.counts.max().item() == 70_000
    assert bool((res.weights == 1).all())


def test_ghm_c_loss_of_70000_float16_logits_equals_the_float64_bce():
    logits = torch.full((70_000,), 0.5, dtype=F16)
    targets = torch.zeros(70_000, dtype=F16)
    out = losses.ghm_c_loss(logits, targets, reduction="mean")
    ref = torch.nn.functional.binary_cross_entropy_with_logits(logits.double(), targets.double())
    assert out.dtype == F16
    assert out.double().item() == pytest.approx(ref.item(), rel=2e-3)


# ------------------------------------------------------------------------------------------------ property tests


@st.composite
def box_pairs(draw):
    scale = draw(st.sampled_from(SCALES))
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(1, 4))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    rows = []
    for _ in range(2 * n):
        x1, y1, w, h = (draw(unit) * scale for _ in range(4))
        rows.append([x1, y1, x1 + w, y1 + h])
    t = torch.tensor(rows, dtype=F64).to(dtype)  # rounding is monotone: x2 >= x1 survives it
    return t[:n], t[n:], dtype


IOU_CODES = tuple(losses.IOU_LOSSES)


@settings(max_examples=150, deadline=None)
@given(pair=box_pairs(), code=st.sampled_from(IOU_CODES))
def test_every_iou_loss_in_every_dtype_and_scale_is_its_float64_value_rounded(pair, code):
    pred, target, dtype = pair
    fn = losses.IOU_LOSSES[code]
    out = fn(pred, target)
    ref = fn(pred.double(), target.double())
    assert out.dtype == dtype
    assert close_to_reference(out, ref, dtype), (out, ref)


@settings(max_examples=150, deadline=None)
@given(pair=box_pairs(), code=st.sampled_from(IOU_CODES))
def test_every_iou_loss_in_every_dtype_and_scale_has_a_finite_gradient_in_its_dtype(pair, code):
    pred, target, dtype = pair
    pred = pred.clone().requires_grad_(True)
    target = target.clone().requires_grad_(True)
    losses.IOU_LOSSES[code](pred, target, reduction="sum").backward()
    for g in (pred.grad, target.grad):
        assert g.dtype == dtype
        assert bool(torch.isfinite(g).all())


@settings(max_examples=80, deadline=None)
@given(pair=box_pairs())
def test_pairwise_iou_and_giou_in_every_dtype_are_their_float64_values_rounded(pair):
    b1, b2, dtype = pair
    for fn in (losses.box_iou, losses.generalized_box_iou):
        out = fn(b1, b2)
        assert out.dtype == dtype
        assert close_to_reference(out, fn(b1.double(), b2.double()), dtype)


# GHM's histogram is discontinuous at the bin edges: a value on an edge can fall either side in float32 and float64,
# so the GHM losses are compared with their float32 computation (what "computed in float32" promises).
ELEMENTWISE = [
    (losses.l1_loss, {}, F64),
    (losses.l2_loss, {}, F64),
    (losses.smooth_l1_loss, {"beta": 0.5}, F64),
    (losses.balanced_l1_loss, {}, F64),
    (losses.asl1_loss, {}, F64),
    (losses.ghm_r_loss, {}, F32),
]
LOGIT_LOSSES = [
    (losses.sigmoid_focal_loss, {}, F64),
    (losses.ghm_c_loss, {}, F32),
]


@settings(max_examples=100, deadline=None)
@given(
    case=st.sampled_from(ELEMENTWISE),
    dtype=st.sampled_from(DTYPES),
    scale=st.sampled_from(SCALES),
    values=st.lists(st.floats(-1, 1), min_size=1, max_size=8),
)
def test_regression_losses_in_every_dtype_match_float64_and_have_finite_gradients(case, dtype, scale, values):
    fn, kwargs, ref_dtype = case
    pred = (torch.tensor(values, dtype=F64) * scale).to(dtype).requires_grad_(True)
    target = torch.zeros_like(pred).detach()
    out = fn(pred, target, **kwargs)
    ref_dtype = F64 if dtype == F64 else ref_dtype
    ref = fn(pred.detach().to(ref_dtype), target.to(ref_dtype), **kwargs).double()
    assert out.dtype == dtype
    finite = torch.isfinite(ref.to(dtype))  # a squared 1e4 does not fit float16: inf there is the honest answer
    assert close_to_reference(out[finite], ref[finite], dtype)
    out.sum().backward()
    assert pred.grad.dtype == dtype and bool(torch.isfinite(pred.grad).all())


@settings(max_examples=80, deadline=None)
@given(
    case=st.sampled_from(LOGIT_LOSSES),
    dtype=st.sampled_from(DTYPES),
    values=st.lists(st.floats(-30, 30), min_size=1, max_size=8),
    positive=st.booleans(),
)
def test_classification_losses_in_every_dtype_match_float64_and_have_finite_gradients(case, dtype, values, positive):
    fn, kwargs, ref_dtype = case
    logits = torch.tensor(values, dtype=F64).to(dtype).requires_grad_(True)
    targets = torch.full_like(logits, float(positive)).detach()
    out = fn(logits, targets, **kwargs)
    ref_dtype = F64 if dtype == F64 else ref_dtype
    ref = fn(logits.detach().to(ref_dtype), targets.to(ref_dtype), **kwargs).double()
    assert out.dtype == dtype
    assert close_to_reference(out, ref, dtype)
    out.sum().backward()
    assert logits.grad.dtype == dtype and bool(torch.isfinite(logits.grad).all())


def test_reductions_of_float16_losses_sum_in_float32_not_in_float16():
    # 100,000 losses of 1: a float16 running sum stops at 2048 (1 + 2048 rounds to 2048) or overflows at 65504
    pred = torch.zeros(100_000, dtype=F16)
    target = torch.ones(100_000, dtype=F16)
    assert losses.l1_loss(pred, target, reduction="mean").item() == 1.0
    assert losses.l1_loss(pred, target, reduction="sum").item() == math.inf  # 1e5 is beyond float16: the honest inf


# ---------------------------------------------------------------------------------------------------------- eps


def test_identical_boxes_of_side_1e_minus_4_get_iou_loss_0_909_from_the_default_eps():
    box = torch.tensor([0.5, 0.5, 0.5001, 0.5001], dtype=F64)
    side2 = (0.5001 - 0.5) ** 2
    expected = 1e-7 / (side2 + 1e-7)  # independent closed form: 1 - s²/(s² + eps)
    assert losses.iou_loss(box, box).item() == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(0.909, abs=1e-3)
    assert losses.eps_share(box, box).item() == pytest.approx(expected, rel=1e-9)


def test_a_smaller_eps_gives_identical_tiny_boxes_a_loss_near_zero():
    box = torch.tensor([0.5, 0.5, 0.5001, 0.5001], dtype=F64)
    assert losses.iou_loss(box, box, eps=1e-16).item() < 1e-6


@pytest.mark.parametrize("side", [1e-3, 1e-1, 10.0, 300.0])
def test_eps_share_is_eps_over_union_plus_eps(side):
    pred = torch.tensor([0.0, 0.0, side, side], dtype=F64)
    target = torch.tensor([side / 2, 0.0, 1.5 * side, side], dtype=F64)
    union = 1.5 * side * side
    assert losses.eps_share(pred, target).item() == pytest.approx(1e-7 / (union + 1e-7), rel=1e-9)


def test_the_iou_docstrings_say_at_which_scale_eps_matters():
    from lossviz.losses import iou

    assert "eps is absolute" in iou.__doc__
    assert "0.909" in iou.__doc__
    for fn in (losses.iou_loss, losses.giou_loss, losses.ciou_loss, losses.box_geometry):
        assert "absolute" in fn.__doc__.lower(), fn.__name__
