"""The IoU-family loss core: published reference values, the papers' claims, properties, degenerate and bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lossviz.losses import (
    IOU_LOSS_DEFAULTS,
    IOU_LOSS_NAMES,
    IOU_LOSSES,
    alpha_iou_loss,
    box_geometry,
    box_iou,
    ciou_loss,
    diou_loss,
    eiou_loss,
    generalized_box_iou,
    giou_loss,
    iou_loss,
    iou_loss_terms,
    siou_loss,
    value_and_grad,
    wiou_loss,
)

HYP = settings(max_examples=60, deadline=None)
HYP_EACH = settings(max_examples=30, deadline=None)  # for properties parametrised over all 17 loss variants

#: Every loss and every convention option the core offers, as (code, options) pairs.
VARIANTS: list[tuple[str, dict]] = [
    ("iou", {"mode": "linear"}),
    ("iou", {"mode": "log"}),
    ("iou", {"mode": "square"}),
    ("giou", {}),
    ("diou", {}),
    ("ciou", {}),
    ("ciou", {"alpha_gating": True}),
    ("eiou", {}),
    ("siou", {}),
    ("siou", {"theta": 2.0}),
    ("alpha_iou", {"variant": "iou"}),
    ("alpha_iou", {"variant": "giou"}),
    ("alpha_iou", {"variant": "diou"}),
    ("alpha_iou", {"variant": "ciou"}),
    ("alpha_iou", {"variant": "diou", "alpha": 0.5}),
    ("wiou", {"version": "v1"}),
    ("wiou", {"version": "v3"}),
]
VARIANT_IDS = [code + "".join(f"-{k}={v}" for k, v in opts.items()) for code, opts in VARIANTS]


def loss_of(code: str, pred, target, **kwargs):
    return IOU_LOSSES[code](pred, target, **kwargs)


def t64(*rows):
    """One box → ``Tensor[4]``; several → ``Tensor[N, 4]`` (float64)."""
    return torch.tensor(rows[0] if len(rows) == 1 else rows, dtype=torch.float64)


# ------------------------------------------------------------------------------------------------------ strategies


@st.composite
def boxes(draw, lo=-50.0, hi=50.0, min_size=0.5, max_size=40.0):
    x = draw(st.floats(lo, hi))
    y = draw(st.floats(lo, hi))
    w = draw(st.floats(min_size, max_size))
    h = draw(st.floats(min_size, max_size))
    return (x, y, x + w, y + h)


@st.composite
def near_pairs(draw):
    """A target and a prediction made by moving each of its edges by up to 40 % of its size (mostly overlapping)."""
    target = draw(boxes())
    w, h = target[2] - target[0], target[3] - target[1]
    d = [draw(st.floats(-0.4, 0.4)) for _ in range(4)]
    pred = (target[0] + d[0] * w, target[1] + d[1] * h, target[2] + d[2] * w, target[3] + d[3] * h)
    assume(pred[2] - pred[0] > 0.1 and pred[3] - pred[1] > 0.1)
    return pred, target


pairs = st.one_of(st.tuples(boxes(), boxes()), near_pairs())


@st.composite
def nested_pairs(draw):
    """(inner, outer): the first box lies inside the second."""
    outer = draw(boxes(min_size=2.0))
    ox1, oy1, ox2, oy2 = outer
    fx = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2)))
    fy = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2)))
    assume(fx[1] - fx[0] > 0.05 and fy[1] - fy[0] > 0.05)
    inner = (
        ox1 + fx[0] * (ox2 - ox1),
        oy1 + fy[0] * (oy2 - oy1),
        ox1 + fx[1] * (ox2 - ox1),
        oy1 + fy[1] * (oy2 - oy1),
    )
    return inner, outer


# ------------------------------------------------------------------------------ torchvision's published values
# Box pairs and expected numbers from torchvision's test/test_ops.py (TestGeneralizedBoxIouLoss,
# TestDistanceBoxIouLoss, TestCompleteBoxIouLoss, TestBoxIou, TestGeneralizedBoxIou). torchvision is not installed
# here; the numbers are hard-coded as published there.

TV_BOX1 = [-1.0, -1.0, 1.0, 1.0]
TV_BOX2 = [0.0, 0.0, 1.0, 1.0]
TV_BOX3 = [0.0, 1.0, 1.0, 2.0]
TV_BOX4 = [1.0, 1.0, 2.0, 2.0]
TV_BOX1S = [TV_BOX2, TV_BOX2]
TV_BOX2S = [TV_BOX3, TV_BOX4]

INT_BOXES = [[0, 0, 100, 100], [0, 0, 50, 50], [200, 200, 300, 300], [0, 0, 25, 25]]
INT_BOXES2 = [[0, 0, 100, 100], [0, 0, 50, 50], [200, 200, 300, 300]]
FLOAT_BOXES = [
    [285.3538, 185.5758, 1193.5110, 851.4551],
    [285.1472, 188.7374, 1192.4984, 851.0669],
    [279.2440, 197.9812, 1189.4746, 849.2019],
]
BOX_IOU_INT_EXPECTED = [[1.0, 0.25, 0.0], [0.25, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0625, 0.25, 0.0]]
GIOU_INT_EXPECTED = [[1.0, 0.25, -0.7778], [0.25, 1.0, -0.8611], [-0.7778, -0.8611, 1.0], [0.0625, 0.25, -0.8819]]
FLOAT_EXPECTED = [[1.0, 0.9933, 0.9673], [0.9933, 1.0, 0.9737], [0.9673, 0.9737, 1.0]]
# TestDistanceBoxIoU and TestCompleteBoxIou share these (all boxes are squares, so CIoU's v is 0)
DIOU_INT_EXPECTED = [
    [1.0000, 0.1875, -0.4444],
    [0.1875, 1.0000, -0.5625],
    [-0.4444, -0.5625, 1.0000],
    [-0.0781, 0.1875, -0.6267],
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(
    ("fn", "cases", "mean", "total"),
    [
        (
            giou_loss,
            [(TV_BOX1, TV_BOX1, 0.0), (TV_BOX1, TV_BOX2, 0.75), (TV_BOX2, TV_BOX3, 1.0), (TV_BOX2, TV_BOX4, 1.5)],
            1.25,
            2.5,
        ),
        (
            diou_loss,
            [(TV_BOX1, TV_BOX1, 0.0), (TV_BOX1, TV_BOX2, 0.8125), (TV_BOX1, TV_BOX3, 1.1923), (TV_BOX1, TV_BOX4, 1.25)],
            1.2250,
            2.4500,
        ),
        (
            ciou_loss,
            [(TV_BOX1, TV_BOX1, 0.0), (TV_BOX1, TV_BOX2, 0.8125), (TV_BOX1, TV_BOX3, 1.1923), (TV_BOX1, TV_BOX4, 1.25)],
            1.2250,
            2.4500,
        ),
    ],
    ids=["giou", "diou", "ciou"],
)
def test_losses_match_torchvision_published_values(fn, cases, mean, total, dtype):
    for a, b, expected in cases:
        out = fn(torch.tensor(a, dtype=dtype), torch.tensor(b, dtype=dtype))
        assert out.dtype == dtype
        # torchvision asserts with torch.testing.assert_close defaults against 4-decimal numbers
        torch.testing.assert_close(out, torch.tensor(expected, dtype=dtype), rtol=1.3e-6, atol=1e-4)
    p, t = torch.tensor(TV_BOX1S, dtype=dtype), torch.tensor(TV_BOX2S, dtype=dtype)
    torch.testing.assert_close(fn(p, t, reduction="mean"), torch.tensor(mean, dtype=dtype), rtol=1.3e-6, atol=1e-4)
    torch.testing.assert_close(fn(p, t, reduction="sum"), torch.tensor(total, dtype=dtype), rtol=1.3e-6, atol=1e-4)


@pytest.mark.parametrize(
    ("fn", "int_expected"), [(box_iou, BOX_IOU_INT_EXPECTED), (generalized_box_iou, GIOU_INT_EXPECTED)]
)
def test_pairwise_matrices_match_torchvision_published_values(fn, int_expected):
    for dtype in (torch.int16, torch.int32, torch.int64):
        out = fn(torch.tensor(INT_BOXES, dtype=dtype), torch.tensor(INT_BOXES2, dtype=dtype))
        torch.testing.assert_close(out, torch.tensor(int_expected), rtol=0.0, atol=1e-4)
    for dtype in (torch.float32, torch.float64):
        boxes_ = torch.tensor(FLOAT_BOXES, dtype=dtype)
        out = fn(boxes_, boxes_)
        assert out.dtype == dtype and out.shape == (3, 3)
        torch.testing.assert_close(out, torch.tensor(FLOAT_EXPECTED, dtype=dtype), rtol=0.0, atol=1e-3)


@pytest.mark.parametrize(
    ("fn", "int_expected", "float_expected"),
    [
        (giou_loss, GIOU_INT_EXPECTED, FLOAT_EXPECTED),
        (diou_loss, DIOU_INT_EXPECTED, FLOAT_EXPECTED),
        (ciou_loss, DIOU_INT_EXPECTED, FLOAT_EXPECTED),
    ],
    ids=["giou", "diou", "ciou"],
)
def test_aligned_losses_match_torchvision_pairwise_matrices(fn, int_expected, float_expected):
    """1 - loss on every (i, j) pair equals torchvision's generalized/distance/complete_box_iou matrices."""
    for boxes1, boxes2, expected, atol in (
        (INT_BOXES, INT_BOXES2, int_expected, 1e-4),
        (FLOAT_BOXES, FLOAT_BOXES, float_expected, 1e-3),
    ):
        a = torch.tensor(boxes1, dtype=torch.float32)
        b = torch.tensor(boxes2, dtype=torch.float32)
        n, m = len(a), len(b)
        pred = a[:, None, :].expand(n, m, 4)
        target = b[None, :, :].expand(n, m, 4)
        torch.testing.assert_close(1 - fn(pred, target), torch.tensor(expected), rtol=0.0, atol=atol)


def test_pairwise_matrices_equal_the_aligned_geometry_entry_by_entry():
    gen = torch.Generator().manual_seed(0)
    xy1 = torch.rand(5, 2, generator=gen, dtype=torch.float64)
    a = torch.cat([xy1, xy1 + torch.rand(5, 2, generator=gen, dtype=torch.float64)], dim=-1)
    xy1 = torch.rand(7, 2, generator=gen, dtype=torch.float64)
    b = torch.cat([xy1, xy1 + torch.rand(7, 2, generator=gen, dtype=torch.float64)], dim=-1)
    iou = box_iou(a, b)
    giou = generalized_box_iou(a, b)
    assert iou.shape == giou.shape == (5, 7)
    for i in range(5):
        for j in range(7):
            g = box_geometry(a[i], b[j], eps=1e-300)
            assert float(iou[i, j]) == pytest.approx(float(g.iou), abs=1e-12)
            expected_giou = float(g.iou - (g.enclose_area - g.union) / g.enclose_area)
            assert float(giou[i, j]) == pytest.approx(expected_giou, abs=1e-12)


def test_pairwise_matrices_give_zero_not_nan_for_zero_area_pairs():
    points = t64([1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 5.0])
    assert torch.equal(box_iou(points, points), torch.zeros(2, 2, dtype=torch.float64))
    giou = generalized_box_iou(points, points)
    assert torch.isfinite(giou).all()
    empty = torch.zeros(0, 4)
    assert box_iou(empty, torch.zeros(3, 4)).shape == (0, 3)


def test_pairwise_matrices_reject_bad_input():
    with pytest.raises(ValueError, match="boxes1 must have shape"):
        box_iou(torch.zeros(2, 3, 4), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="boxes2 has inverted boxes"):
        generalized_box_iou(torch.zeros(2, 4), t64([2.0, 0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="eps must be >= 0"):
        box_iou(torch.zeros(2, 4), torch.zeros(2, 4), eps=-1.0)


# ------------------------------------------------------------------------------------------- closed-form values


def test_iou_loss_modes_closed_form():
    pred, target = t64([0.0, 0.0, 2.0, 2.0]), t64([1.0, 0.0, 3.0, 2.0])  # IoU = 2 / 6
    iou = 2.0 / (6.0 + 1e-7)
    assert float(iou_loss(pred, target)) == pytest.approx(1 - iou, rel=1e-12)
    assert float(iou_loss(pred, target, mode="square")) == pytest.approx(1 - iou**2, rel=1e-12)
    assert float(iou_loss(pred, target, mode="log")) == pytest.approx(-math.log(iou), rel=1e-12)


def test_log_iou_loss_is_clamped_like_mmdetection_for_disjoint_boxes():
    out = iou_loss(t64([0.0, 0.0, 1.0, 1.0]), t64([5.0, 5.0, 6.0, 6.0]), mode="log")
    assert float(out) == pytest.approx(-math.log(1e-6))


def test_ciou_closed_form_with_aspect_ratio_term():
    pred, target = t64([0.0, 0.0, 1.0, 2.0]), t64([0.0, 0.0, 2.0, 1.0])
    iou = 1 / 3
    rho2_over_c2 = 0.5 / 8
    v = 4 / math.pi**2 * (math.atan(2.0) - math.atan(0.5)) ** 2
    alpha = v / (1 - iou + v)
    expected = 1 - iou + rho2_over_c2 + alpha * v
    assert float(ciou_loss(pred, target)) == pytest.approx(expected, rel=1e-6)
    # IoU = 1/3 <= 0.5: with mmdetection's gating the aspect term is off
    assert float(ciou_loss(pred, target, alpha_gating=True)) == pytest.approx(1 - iou + rho2_over_c2, rel=1e-6)


def test_eiou_closed_form():
    # inter 2, union 10, IoU 0.2; enclosing box 3 x 4 (c² = 25); centres (1, 1) and (2, 2); heights 2 vs 4
    out = eiou_loss(t64([0.0, 0.0, 2.0, 2.0]), t64([1.0, 0.0, 3.0, 4.0]))
    assert float(out) == pytest.approx(1 - 0.2 + 2 / 25 + 0 / 9 + 4 / 16, rel=1e-6)


def _siou_paper_formula(pred, target, theta=4.0):
    """SIoU written literally as in Gevorgyan (2022), with arcsin and the α/β switch at 45°."""
    x1, y1, x2, y2 = pred
    a1, b1, a2, b2 = target
    iw = max(0.0, min(x2, a2) - max(x1, a1))
    ih = max(0.0, min(y2, b2) - max(y1, b1))
    inter = iw * ih
    union = (x2 - x1) * (y2 - y1) + (a2 - a1) * (b2 - b1) - inter
    iou = inter / union
    dx = (a1 + a2) / 2 - (x1 + x2) / 2
    dy = (b1 + b2) / 2 - (y1 + y2) / 2
    sigma = math.hypot(dx, dy)
    sin_alpha = abs(dy) / sigma
    x = sin_alpha if sin_alpha <= math.sqrt(2) / 2 else abs(dx) / sigma  # the angle that is <= 45°
    angle = 1 - 2 * math.sin(math.asin(x) - math.pi / 4) ** 2
    cw = max(x2, a2) - min(x1, a1)
    ch = max(y2, b2) - min(y1, b1)
    gamma = 2 - angle
    distance = (1 - math.exp(-gamma * (dx / cw) ** 2)) + (1 - math.exp(-gamma * (dy / ch) ** 2))
    w, h, wt, ht = x2 - x1, y2 - y1, a2 - a1, b2 - b1
    omega_w = abs(w - wt) / max(w, wt)
    omega_h = abs(h - ht) / max(h, ht)
    shape = (1 - math.exp(-omega_w)) ** theta + (1 - math.exp(-omega_h)) ** theta
    return 1 - iou + (distance + shape) / 2


@HYP
@given(pairs, st.sampled_from([2.0, 4.0, 6.0]))
def test_siou_matches_the_papers_arcsin_formulation(pair, theta):
    pred, target = pair
    dx = (target[0] + target[2] - pred[0] - pred[2]) / 2
    dy = (target[1] + target[3] - pred[1] - pred[3]) / 2
    assume(math.hypot(dx, dy) > 1e-3)
    out = siou_loss(t64(pred), t64(target), theta=theta, eps=1e-12)
    assert float(out) == pytest.approx(_siou_paper_formula(pred, target, theta), rel=1e-6, abs=1e-9)


def test_siou_distance_term_increases_the_loss_paper_sign():
    """The paper's Δ = Σ 1 - e^{-γρ} is >= 0 and grows with distance (mmdetection's default flips it)."""
    target = t64([0.0, 0.0, 2.0, 2.0])
    values = [float(siou_loss(t64([s, 0.5 * s, s + 2, 0.5 * s + 2]), target)) for s in (3.0, 5.0, 10.0, 40.0)]
    assert all(b > a for a, b in itertools.pairwise(values))
    # same size, disjoint: IoU term is 1 and the shape cost 0, so what remains is Δ/2 > 0
    assert values[0] > 1.0


def test_siou_shape_cost_closed_form_for_concentric_boxes():
    pred, target = t64([-1.0, -2.0, 1.0, 2.0]), t64([-2.0, -2.0, 2.0, 2.0])  # same centre, w 2 vs 4, same h
    iou = 8 / 16
    shape = (1 - math.exp(-0.5)) ** 4
    assert float(siou_loss(pred, target, eps=1e-12)) == pytest.approx(1 - iou + shape / 2, rel=1e-9)


def test_wiou_v1_closed_form_and_detached_enclosing_diagonal():
    pred = t64([0.0, 0.0, 2.0, 2.0]).requires_grad_(True)
    target = t64([1.0, 0.0, 3.0, 4.0])
    out = wiou_loss(pred, target)
    assert out.item() == pytest.approx(math.exp(2 / 25) * (1 - 0.2), rel=1e-6)
    out.backward()
    # the same expression with c² a constant: R's gradient only moves the centre, never the enclosing box
    p2 = pred.detach().clone().requires_grad_(True)
    g = box_geometry(p2, target)
    (torch.exp(g.rho2 / (25.0 + 1e-7)) * (1 - g.iou)).backward()
    torch.testing.assert_close(pred.grad, p2.grad)


def test_wiou_v3_focus_is_one_when_the_outlier_degree_equals_delta():
    pred, target = t64([0.0, 0.0, 2.0, 2.0]), t64([1.0, 0.0, 3.0, 4.0])
    l_iou = 1 - float(box_geometry(pred, target).iou)
    v1 = wiou_loss(pred, target)
    v3 = wiou_loss(pred, target, version="v3", delta=3.0, mean_iou_loss=l_iou / 3.0)
    assert float(v3) == pytest.approx(float(v1), rel=1e-9)
    # an average example (β = 1) gets r = 1 / (δ α^(1-δ))
    v3_mean = wiou_loss(pred, target, version="v3", mean_iou_loss=l_iou)
    assert float(v3_mean) == pytest.approx(float(v1) / (3.0 * 1.9 ** (1 - 3.0)), rel=1e-9)


# ---------------------------------------------------------------------------------------------- the papers' claims


def test_giou_penalises_disjoint_boxes_by_distance():
    target = t64([0.0, 0.0, 1.0, 1.0])
    gaps = (0.5, 1.0, 2.0, 4.0, 8.0)
    giou = [float(giou_loss(t64([1 + d, 0.0, 2 + d, 1.0]), target)) for d in gaps]
    iou = [float(iou_loss(t64([1 + d, 0.0, 2 + d, 1.0]), target)) for d in gaps]
    assert iou == [1.0] * len(gaps)  # IoU cannot tell these apart
    assert all(b > a for a, b in itertools.pairwise(giou))
    assert all(1.0 < v < 2.0 for v in giou)
    # closed form: C = 2 + d, union = 2 → loss = 1 + d / (2 + d)
    for d, v in zip(gaps, giou, strict=True):
        assert v == pytest.approx(1 + d / (2 + d), rel=1e-6)


@pytest.mark.parametrize("mode", ["linear", "log", "square"])
def test_iou_loss_has_no_gradient_when_disjoint(mode):
    _, grad = value_and_grad(iou_loss, [[0.0, 0.0, 1.0, 1.0]], [[3.0, 2.0, 5.0, 4.0]], mode=mode)
    assert np.all(grad == 0.0)
    _, grad_giou = value_and_grad(giou_loss, [[0.0, 0.0, 1.0, 1.0]], [[3.0, 2.0, 5.0, 4.0]])
    assert np.abs(grad_giou).max() > 0  # ... while GIoU still has one


def test_touching_boxes_count_as_disjoint_like_torchvision():
    """torchvision's ``_loss_inter_union`` counts an overlap only when it is strictly positive: boxes that share an
    edge have intersection 0 and no intersection gradient."""
    pred, target = [[0.0, 0.0, 1.0, 1.0]], [[1.0, 0.0, 2.0, 1.0]]
    value, grad = value_and_grad(iou_loss, pred, target)
    assert value[0] == 1.0
    assert np.all(grad == 0.0)


@HYP
@given(nested_pairs(), st.booleans())
def test_giou_degenerates_to_iou_when_one_box_contains_the_other(pair, pred_inside):
    inner, outer = pair
    pred, target = (inner, outer) if pred_inside else (outer, inner)
    g = float(giou_loss(t64(pred), t64(target)))
    i = float(iou_loss(t64(pred), t64(target)))
    assert g == pytest.approx(i, abs=1e-9)


@HYP
@given(pairs)
def test_ciou_equals_diou_with_mmdet_gating_for_low_iou(pair):
    pred, target = t64(pair[0]), t64(pair[1])
    assume(float(box_geometry(pred, target).iou) <= 0.5)
    gated = ciou_loss(pred, target, alpha_gating=True)
    torch.testing.assert_close(gated, diou_loss(pred, target).clamp(max=2.0), rtol=1e-12, atol=1e-12)


@HYP
@given(pairs)
def test_ciou_gating_leaves_high_iou_pairs_as_torchvision(pair):
    pred = t64(pair[0])
    # a prediction that overlaps the target well: shrink pred toward the target by 90 %
    target = t64(pair[1])
    pred = target + 0.1 * (pred - target)
    assume(float(box_geometry(pred, target).iou) > 0.5)
    torch.testing.assert_close(ciou_loss(pred, target, alpha_gating=True), ciou_loss(pred, target))


def test_ciou_trade_off_alpha_carries_no_gradient_like_torchvision():
    pred = t64([0.0, 0.0, 1.0, 2.0], [0.2, 0.1, 3.0, 1.5]).requires_grad_(True)
    target = t64([0.0, 0.0, 2.0, 1.0], [0.0, 0.0, 2.5, 2.0])
    ciou_loss(pred, target).sum().backward()
    p2 = pred.detach().clone().requires_grad_(True)
    g = box_geometry(p2, target)
    alpha = (g.v / (1 - g.iou + g.v + 1e-7)).detach()
    (diou_loss(p2, target) + alpha * g.v).sum().backward()
    torch.testing.assert_close(pred.grad, p2.grad)


def test_ciou_adds_an_aspect_penalty_diou_does_not_see():
    target = t64([-2.0, -1.0, 2.0, 1.0])  # 4 x 2
    same_area_rotated = t64([-1.0, -2.0, 1.0, 2.0])  # 2 x 4, same centre
    assert float(ciou_loss(same_area_rotated, target)) > float(diou_loss(same_area_rotated, target))
    assert float(ciou_loss(target, target)) == pytest.approx(0.0, abs=1e-6)


@HYP
@given(pairs)
def test_diou_gradient_pulls_the_centre_toward_the_target_centre(pair):
    """For disjoint boxes only ρ²/c² acts; its descent direction always has a positive component toward the target
    centre (moving by s toward it lowers ρ² at rate 2ρ while c² can drop at most at rate 2cρ, and ρ < c)."""
    pred, target = pair
    g = box_geometry(t64(pred), t64(target))
    assume(float(g.iou) == 0.0 and float(g.rho2) > 1e-6)
    _, grad = value_and_grad(diou_loss, [pred], [target])
    d_cx = grad[0, 0] + grad[0, 2]  # translating the box moves both x edges
    d_cy = grad[0, 1] + grad[0, 3]
    to_target = np.array([float(g.cx_t - g.cx), float(g.cy_t - g.cy)])
    assert float(np.dot([-d_cx, -d_cy], to_target)) > 0.0


def test_diou_gradient_points_straight_at_the_target_for_aligned_boxes():
    # same size, same row: the descent step moves the box along +x only, toward the target
    _, grad = value_and_grad(diou_loss, [[0.0, 0.0, 1.0, 1.0]], [[3.0, 0.0, 4.0, 1.0]])
    assert grad[0, 0] + grad[0, 2] < 0 and grad[0, 1] + grad[0, 3] == pytest.approx(0.0, abs=1e-12)


def test_diou_equals_the_iou_loss_and_its_gradient_when_centres_coincide():
    # same centre: ρ = 0, so DIoU and IoU losses (and gradients) agree
    pred, target = [[-1.0, -1.0, 1.0, 1.0]], [[-2.0, -3.0, 2.0, 3.0]]
    v_d, g_d = value_and_grad(diou_loss, pred, target)
    v_i, g_i = value_and_grad(iou_loss, pred, target)
    np.testing.assert_allclose(v_d, v_i, rtol=1e-12)
    np.testing.assert_allclose(g_d, g_i, rtol=1e-9, atol=1e-12)


@HYP
@given(pairs, st.sampled_from(["iou", "giou", "diou", "ciou"]))
def test_alpha_iou_with_alpha_one_recovers_the_plain_losses(pair, variant):
    pred, target = t64(pair[0]), t64(pair[1])
    plain = {"iou": iou_loss, "giou": giou_loss, "diou": diou_loss, "ciou": ciou_loss}[variant]
    torch.testing.assert_close(alpha_iou_loss(pred, target, alpha=1.0, variant=variant), plain(pred, target))


def test_alpha_iou_up_weights_high_iou_pairs():
    target = t64([0.0, 0.0, 10.0, 10.0])
    good, bad = t64([0.5, 0.0, 10.5, 10.0]), t64([5.0, 0.0, 15.0, 10.0])
    # relative to plain IoU loss, α = 3 gives the well-aligned pair a larger share of the gradient signal
    _, g_good = value_and_grad(alpha_iou_loss, good, target, alpha=3.0)
    _, g_bad = value_and_grad(alpha_iou_loss, bad, target, alpha=3.0)
    _, p_good = value_and_grad(iou_loss, good, target)
    _, p_bad = value_and_grad(iou_loss, bad, target)
    ratio_alpha = np.abs(g_good).sum() / np.abs(g_bad).sum()
    ratio_plain = np.abs(p_good).sum() / np.abs(p_bad).sum()
    assert ratio_alpha > ratio_plain


# ------------------------------------------------------------------------------------------------------ properties


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
@HYP_EACH
@given(pair=pairs, shift=st.tuples(st.floats(-100, 100), st.floats(-100, 100)))
def test_every_loss_is_translation_invariant(code, options, pair, shift):
    pred, target = t64(pair[0]), t64(pair[1])
    offset = t64([shift[0], shift[1], shift[0], shift[1]])
    a = loss_of(code, pred, target, **options)
    b = loss_of(code, pred + offset, target + offset, **options)
    torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
@HYP_EACH
@given(pair=pairs, scale=st.floats(0.25, 8.0))
def test_every_loss_is_scale_invariant(code, options, pair, scale):
    pred, target = t64(pair[0]), t64(pair[1])
    # eps (a numerical guard, 1e-7 in absolute units) is the only scale in the formulas: make it negligible
    a = loss_of(code, pred, target, eps=1e-12, **options)
    b = loss_of(code, pred * scale, target * scale, eps=1e-12, **options)
    torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
@HYP_EACH
@given(box=boxes())
def test_every_loss_is_zero_for_identical_boxes(code, options, box):
    b = t64(box)
    # IoU of a box with itself is A / (A + eps): zero up to a few eps / A
    assert float(loss_of(code, b, b, **options)) == pytest.approx(0.0, abs=1e-5)


#: Ranges the papers state (or that follow from each term's own range).
BOUNDS = {
    ("iou", "linear"): (0.0, 1.0),
    ("iou", "square"): (0.0, 1.0),
    ("iou", "log"): (0.0, -math.log(1e-6)),
    ("giou", None): (0.0, 2.0),
    ("diou", None): (0.0, 2.0),
    ("ciou", None): (0.0, 3.0),  # DIoU + αv with αv <= v <= 1
    ("ciou", True): (0.0, 2.0),  # clamped CIoU ∈ [-1, 1]
    ("eiou", None): (0.0, 4.0),
    ("siou", None): (0.0, 3.0),  # Δ <= 2, Ω <= 2
    ("alpha_iou", None): (0.0, 4.0),
    ("wiou", "v1"): (0.0, math.e),  # R = exp(ρ²/c²) < e
}


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
@HYP_EACH
@given(pair=pairs)
def test_losses_stay_within_their_papers_bounds(code, options, pair):
    key = next(iter(options.values())) if options else None
    lo, hi = BOUNDS.get((code, key), BOUNDS.get((code, None), (0.0, math.inf)))
    value = float(loss_of(code, t64(pair[0]), t64(pair[1]), **options))
    assert lo - 1e-12 <= value <= hi + 1e-12


@HYP
@given(pairs)
def test_giou_and_diou_are_at_least_the_iou_loss(pair):
    pred, target = t64(pair[0]), t64(pair[1])
    base = float(iou_loss(pred, target))
    assert float(giou_loss(pred, target)) >= base - 1e-12
    assert float(diou_loss(pred, target)) >= base - 1e-12
    assert float(ciou_loss(pred, target)) >= float(diou_loss(pred, target)) - 1e-12
    assert float(eiou_loss(pred, target)) >= float(diou_loss(pred, target)) - 1e-12


@HYP
@given(pairs)
def test_box_geometry_fields_are_consistent(pair):
    pred, target = t64(pair[0]), t64(pair[1])
    g = box_geometry(pred, target)
    assert 0.0 <= float(g.inter) <= min(float(g.area_pred), float(g.area_target)) + 1e-9
    assert float(g.union) == pytest.approx(float(g.area_pred + g.area_target - g.inter))
    assert float(g.enclose_area) >= float(g.union) - 1e-9
    assert float(g.rho2) <= float(g.c2) + 1e-9  # both centres lie in the enclosing box
    assert float(g.cw) ** 2 + float(g.ch) ** 2 == pytest.approx(float(g.c2))
    assert 0.0 <= float(g.v) <= 1.0
    assert g.enclose.shape == (4,)


# -------------------------------------------------------------------------------------------------- degenerate boxes

DEGENERATE = [
    ([1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0]),  # point inside a box
    ([1.0, 0.0, 1.0, 2.0], [0.0, 0.0, 2.0, 2.0]),  # vertical segment inside
    ([0.0, 1.0, 2.0, 1.0], [0.0, 0.0, 2.0, 2.0]),  # horizontal segment inside
    ([1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]),  # the same point twice
    ([0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 3.0]),  # the same segment twice
    ([5.0, 5.0, 5.0, 5.0], [0.0, 0.0, 2.0, 2.0]),  # point far away
    ([0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 2.0, 2.0]),  # box touching a segment
    ([0.0, 0.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0]),  # box vs far point
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
def test_zero_area_boxes_give_finite_loss_and_finite_gradients(code, options, dtype):
    pred = torch.tensor([p for p, _ in DEGENERATE], dtype=dtype, requires_grad=True)
    target = torch.tensor([t for _, t in DEGENERATE], dtype=dtype, requires_grad=True)
    loss = loss_of(code, pred, target, **options)
    assert torch.isfinite(loss).all(), loss
    loss.sum().backward()
    assert torch.isfinite(pred.grad).all(), pred.grad
    assert torch.isfinite(target.grad).all(), target.grad


sizes = st.one_of(st.just(0.0), st.floats(0.0, 1e-3), st.floats(0.0, 1e3))
coords = st.one_of(st.sampled_from([0.0, 1.0, -1.0]), st.floats(-1e4, 1e4))


@st.composite
def wild_boxes(draw):
    """Boxes of any valid kind: zero width and/or height, tiny, huge, with shared edges and coincident centres."""
    x, y = draw(coords), draw(coords)
    return (x, y, x + draw(sizes), y + draw(sizes))


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
@settings(max_examples=40, deadline=None)
@given(pred=wild_boxes(), target=wild_boxes(), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_every_loss_and_gradient_is_finite_for_any_valid_boxes(code, options, pred, target, dtype):
    p = torch.tensor(pred, dtype=dtype, requires_grad=True)
    t = torch.tensor(target, dtype=dtype, requires_grad=True)
    assume(bool((p[2:] >= p[:2]).all()) and bool((t[2:] >= t[:2]).all()))  # float32 rounding can invert a box
    loss = loss_of(code, p, t, **options)
    assert torch.isfinite(loss)
    loss.backward()
    assert torch.isfinite(p.grad).all() and torch.isfinite(t.grad).all()


@pytest.mark.parametrize("alpha", [0.2, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("variant", ["iou", "giou", "diou", "ciou"])
def test_alpha_iou_gradients_are_finite_for_disjoint_boxes_at_any_alpha(alpha, variant):
    pred = t64([0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]).requires_grad_(True)
    target = t64([4.0, 3.0, 6.0, 5.0], [0.0, 0.0, 1.0, 1.0])
    alpha_iou_loss(pred, target, alpha=alpha, variant=variant).sum().backward()
    assert torch.isfinite(pred.grad).all()


# Smooth losses (no no_grad or detached factors): autograd must agree with finite differences.
SMOOTH = ["iou", "giou", "diou", "eiou", "siou", "alpha_iou"]


@pytest.mark.parametrize("code", SMOOTH)
def test_autograd_matches_finite_differences(code):
    pred = t64([0.3, 0.1, 2.2, 1.7], [-1.0, 0.4, 0.7, 3.1], [5.0, 6.0, 6.5, 9.0]).requires_grad_(True)
    target = t64([0.9, -0.4, 3.1, 2.3], [-0.2, -0.3, 1.9, 2.0], [2.1, 1.2, 4.4, 3.3]).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda p, t: loss_of(code, p, t, eps=1e-12), (pred, target))


# ------------------------------------------------------------------------------------------- shapes, dtypes, devices


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
def test_reductions_shapes_and_dtypes(code, options):
    gen = torch.Generator().manual_seed(1)
    xy = torch.rand(2, 3, 2, generator=gen) * 10
    pred = torch.cat([xy, xy + 1 + torch.rand(2, 3, 2, generator=gen) * 5], dim=-1)
    xy = torch.rand(2, 3, 2, generator=gen) * 10
    target = torch.cat([xy, xy + 1 + torch.rand(2, 3, 2, generator=gen) * 5], dim=-1)
    none = loss_of(code, pred, target, **options)
    assert none.shape == (2, 3) and none.dtype == torch.float32
    torch.testing.assert_close(loss_of(code, pred, target, reduction="sum", **options), none.sum())
    torch.testing.assert_close(loss_of(code, pred, target, reduction="mean", **options), none.mean())
    single = loss_of(code, pred[0, 0], target[0, 0], **options)
    assert single.shape == ()
    if code != "wiou" or options.get("version") != "v3":  # v3 normalises by the batch mean
        torch.testing.assert_close(single, none[0, 0])
    as64 = loss_of(code, pred.double(), target.double(), **options)
    assert as64.dtype == torch.float64
    torch.testing.assert_close(as64.float(), none, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
def test_empty_inputs_work_with_every_reduction(code, options):
    pred = torch.zeros(0, 4, requires_grad=True)
    target = torch.zeros(0, 4, requires_grad=True)
    assert loss_of(code, pred, target, **options).shape == (0,)
    assert float(loss_of(code, pred, target, reduction="sum", **options).detach()) == 0.0
    mean = loss_of(code, pred, target, reduction="mean", **options)
    assert float(mean.detach()) == 0.0
    mean.backward()
    assert pred.grad is not None and pred.grad.shape == (0, 4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
def test_cuda_matches_cpu(code, options):
    gen = torch.Generator().manual_seed(2)
    xy = torch.rand(64, 2, generator=gen) * 10
    pred = torch.cat([xy, xy + torch.rand(64, 2, generator=gen) * 5], dim=-1)
    xy = torch.rand(64, 2, generator=gen) * 10
    target = torch.cat([xy, xy + torch.rand(64, 2, generator=gen) * 5], dim=-1)
    cpu = loss_of(code, pred, target, **options)
    p = pred.cuda().requires_grad_(True)
    gpu = loss_of(code, p, target.cuda(), **options)
    torch.testing.assert_close(gpu.cpu(), cpu, rtol=1e-4, atol=1e-5)
    gpu.sum().backward()
    assert torch.isfinite(p.grad).all()


# ---------------------------------------------------------------------------------------------------- bad input

GOOD = t64([0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("code", sorted(IOU_LOSSES))
@pytest.mark.parametrize(
    ("pred", "target", "message"),
    [
        (t64([1.0, 0.0, 0.0, 1.0]), GOOD, "pred has inverted boxes"),
        (GOOD, t64([0.0, 1.0, 1.0, 0.0]), "target has inverted boxes"),
        (t64([0.0, 0.0, math.nan, 1.0]), GOOD, "pred contains NaN or inf"),
        (GOOD, t64([0.0, 0.0, math.inf, 1.0]), "target contains NaN or inf"),
        (t64([0.0, 0.0, 1.0]), t64([0.0, 0.0, 1.0]), r"pred must have shape \(\.\.\., 4\)"),
        (t64([0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]), GOOD, "pred and target must have the same shape"),
        (torch.tensor([0, 0, 1, 1]), GOOD, "pred must be a floating-point tensor"),
        (GOOD, [0.0, 0.0, 1.0, 1.0], r"target must be a torch\.Tensor"),
        (GOOD.float(), GOOD, "pred and target must have the same dtype"),
    ],
    ids=["inverted-pred", "inverted-target", "nan", "inf", "last-dim", "shape", "int", "list", "dtype"],
)
def test_bad_boxes_raise_value_error_naming_the_argument(code, pred, target, message):
    with pytest.raises(ValueError, match=message):
        IOU_LOSSES[code](pred, target)


@pytest.mark.parametrize("code", sorted(IOU_LOSSES))
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reduction": "avg"}, "reduction must be one of"),
        ({"eps": 0.0}, "eps must be > 0"),
        ({"eps": -1e-7}, "eps must be > 0"),
        ({"eps": math.nan}, "eps must be finite"),
        ({"eps": "small"}, "eps must be a number"),
        ({"no_such_option": 1}, "unknown option"),
    ],
)
def test_bad_common_arguments_raise_value_error(code, kwargs, message):
    with pytest.raises(ValueError, match=message):
        IOU_LOSSES[code](GOOD, GOOD, **kwargs)


@pytest.mark.parametrize(
    ("fn", "kwargs", "message"),
    [
        (iou_loss, {"mode": "cubic"}, "mode must be one of"),
        (ciou_loss, {"alpha_gating": "yes"}, "alpha_gating must be a bool"),
        (siou_loss, {"theta": 0.5}, "theta must be >= 1"),
        (siou_loss, {"theta": math.inf}, "theta must be finite"),
        (alpha_iou_loss, {"alpha": 0.0}, "alpha must be > 0"),
        (alpha_iou_loss, {"alpha": -2.0}, "alpha must be > 0"),
        (alpha_iou_loss, {"variant": "eiou"}, "variant must be one of"),
        (wiou_loss, {"version": "v2"}, "version must be one of"),
        (wiou_loss, {"wiou_alpha": 0.0}, "wiou_alpha must be >= 1"),
        (wiou_loss, {"delta": -1.0}, "delta must be >= 0.01"),
        (wiou_loss, {"mean_iou_loss": 0.0}, "mean_iou_loss must be >= 1e-06"),
    ],
)
def test_bad_hyper_parameters_raise_value_error_naming_them(fn, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fn(GOOD, GOOD, **kwargs)


# ------------------------------------------------------------------------------------------------------ registry


def test_registry_codes_names_and_defaults_agree():
    assert set(IOU_LOSSES) == set(IOU_LOSS_NAMES) == set(IOU_LOSS_DEFAULTS)
    assert {"iou", "giou", "diou", "ciou", "eiou", "siou", "alpha_iou"} <= set(IOU_LOSSES)
    assert IOU_LOSS_NAMES["alpha_iou"] == "α-IoU" and IOU_LOSS_NAMES["ciou"] == "CIoU"
    assert IOU_LOSS_DEFAULTS["siou"] == {"theta": 4.0}
    assert IOU_LOSS_DEFAULTS["alpha_iou"] == {"alpha": 3.0, "variant": "iou"}


def test_registry_entries_forward_options_and_the_uniform_signature():
    pred, target = t64([0.0, 0.0, 1.0, 2.0]), t64([0.5, 0.0, 2.5, 1.0])
    torch.testing.assert_close(
        IOU_LOSSES["iou"](pred, target, reduction="none", eps=1e-7, mode="log"), iou_loss(pred, target, mode="log")
    )
    torch.testing.assert_close(
        IOU_LOSSES["alpha_iou"](pred, target, reduction="sum", alpha=2.0, variant="diou"),
        alpha_iou_loss(pred, target, alpha=2.0, variant="diou", reduction="sum"),
    )
    assert IOU_LOSSES["giou"].__name__ == "giou_loss"


def test_value_and_grad_runs_every_loss_on_a_grid():
    xs = np.linspace(-3, 3, 7)
    pred = np.stack([xs, xs * 0, xs + 2, xs * 0 + 2], axis=-1)
    target = np.tile([[0.0, 0.0, 2.0, 2.0]], (7, 1))
    for code, fn in IOU_LOSSES.items():
        value, grad = value_and_grad(fn, pred, target)
        assert value.shape == (7,) and grad.shape == (7, 4), code
        assert np.isfinite(value).all() and np.isfinite(grad).all(), code
        # the centred box is the target: 0, except NWD, whose eps keeps W₂ >= √eps (the official code's quirk)
        floor = 1 - math.exp(-math.sqrt(1e-7) / 12.8) if code == "nwd" else 0.0
        assert value[3] == pytest.approx(floor, abs=1e-9 if code == "nwd" else 1e-6), code


# ---------------------------------------------------------------------------------------------------- loss terms


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=VARIANT_IDS)
def test_loss_terms_add_up_to_the_loss(code, options):
    gen = torch.Generator().manual_seed(3)
    xy = torch.rand(32, 2, generator=gen, dtype=torch.float64) * 10
    pred = torch.cat([xy, xy + 0.5 + torch.rand(32, 2, generator=gen, dtype=torch.float64) * 5], dim=-1)
    xy = torch.rand(32, 2, generator=gen, dtype=torch.float64) * 10
    target = torch.cat([xy, xy + 0.5 + torch.rand(32, 2, generator=gen, dtype=torch.float64) * 5], dim=-1)
    terms = iou_loss_terms(code, pred, target, **options)
    assert all(t.shape == (32,) for t in terms.values())
    total = sum(terms.values())
    torch.testing.assert_close(total, loss_of(code, pred, target, **options), rtol=1e-12, atol=1e-12)


def test_loss_terms_are_named_after_the_formula():
    pred, target = t64([0.0, 0.0, 1.0, 2.0]), t64([0.5, 0.0, 2.5, 1.0])
    assert list(iou_loss_terms("giou", pred, target)) == ["1 - IoU", "(C - U)/C"]
    assert list(iou_loss_terms("ciou", pred, target)) == ["1 - IoU", "ρ²/c²", "α·v"]
    assert list(iou_loss_terms("ciou", pred, target, alpha_gating=True)) == ["1 - IoU", "ρ²/c²", "α·v", "clamp"]
    assert list(iou_loss_terms("eiou", pred, target)) == ["1 - IoU", "ρ²/c²", "(w - w_t)²/C_w²", "(h - h_t)²/C_h²"]
    assert list(iou_loss_terms("siou", pred, target)) == ["1 - IoU", "Δ/2", "Ω/2"]
    assert list(iou_loss_terms("alpha_iou", pred, target, variant="ciou")) == ["1 - IoU^α", "(ρ²/c²)^α", "(β·v)^α"]
    assert list(iou_loss_terms("iou", pred, target, mode="log")) == ["-ln IoU"]


def test_siou_distance_term_is_positive_and_grows_paper_sign():
    target = t64([0.0, 0.0, 2.0, 2.0])
    near = iou_loss_terms("siou", t64([1.0, 0.5, 3.0, 2.5]), target)["Δ/2"]
    far = iou_loss_terms("siou", t64([6.0, 3.0, 8.0, 5.0]), target)["Δ/2"]
    assert 0.0 < float(near) < float(far) <= 1.0


def test_loss_terms_reject_unknown_code_and_options():
    with pytest.raises(ValueError, match="code must be one of"):
        iou_loss_terms("fiou", GOOD, GOOD)
    with pytest.raises(ValueError, match="unknown option"):
        iou_loss_terms("giou", GOOD, GOOD, theta=4.0)
    with pytest.raises(ValueError, match="theta must be >= 1"):
        iou_loss_terms("siou", GOOD, GOOD, theta=0.0)
    with pytest.raises(ValueError, match="pred has inverted boxes"):
        iou_loss_terms("diou", t64([1.0, 0.0, 0.0, 1.0]), GOOD)
