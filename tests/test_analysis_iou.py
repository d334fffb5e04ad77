"""Analysis behind the IoU page: one pair under every loss, edge arrows, landscapes, and the seed's claims about them.

Every number is compared with the torch core called directly (or with finite differences); the analysis never
re-implements a loss.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses
from lossviz.analysis import iou as A

TARGET = (40.0, 38.0, 82.0, 78.0)


def core(code, pred, target, **opts):
    p = torch.tensor(np.asarray([pred], dtype=np.float64), requires_grad=True)
    g = torch.tensor(np.asarray([target], dtype=np.float64))
    value = losses.IOU_LOSSES[code](p, g, **opts)
    value.sum().backward()
    return float(value.detach()[0]), p.grad[0].numpy()


# ----------------------------------------------------------------------------------------------- box repairs


def test_sanitize_box_swaps_inverted_corners_and_says_so():
    box, notes = A.sanitize_box((60, 70, 20, 10))
    assert box == (20, 10, 60, 70)
    assert notes == ["swapped"]


def test_sanitize_box_enlarges_zero_size_boxes_to_the_minimum():
    box, notes = A.sanitize_box((30, 30, 30, 30.5))
    assert box[2] - box[0] == pytest.approx(A.MIN_SIZE) and box[3] - box[1] == pytest.approx(A.MIN_SIZE)
    assert notes == ["min_size"]
    box, _ = A.sanitize_box((100, 100, 100, 100))  # at the far corner it grows inwards, staying on the canvas
    assert box == (99.0, 99.0, 100.0, 100.0)


def test_sanitize_box_clamps_to_the_canvas_and_replaces_non_numbers():
    box, notes = A.sanitize_box((-20, 5, 130, float("nan")))
    assert all(0 <= v <= A.WORLD for v in box)
    assert {"clamped", "nonfinite"} <= set(notes)
    assert box[2] - box[0] >= A.MIN_SIZE and box[3] - box[1] >= A.MIN_SIZE


def test_sanitize_box_leaves_good_boxes_alone():
    assert A.sanitize_box((1, 2, 30, 40)) == ((1.0, 2.0, 30.0, 40.0), [])


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=4, max_size=4))
@settings(max_examples=60, deadline=None)
def test_sanitized_boxes_are_always_valid_for_the_core(coords):
    box, _ = A.sanitize_box(coords)
    x1, y1, x2, y2 = box
    assert 0 <= x1 <= x2 <= A.WORLD and 0 <= y1 <= y2 <= A.WORLD
    assert x2 - x1 >= A.MIN_SIZE - 1e-9 and y2 - y1 >= A.MIN_SIZE - 1e-9
    rows = A.all_losses(box, TARGET)
    assert all(math.isfinite(r.value) and all(math.isfinite(g) for g in r.grad) for r in rows)


# ------------------------------------------------------------------------------------------------- one pair


def test_every_core_loss_is_reported_with_its_autograd_gradient():
    pred = (34.0, 30.0, 70.0, 66.0)
    options = A.Options(mode="log", alpha_gating=True, alpha=2.0, alpha_variant="diou")
    rows = A.all_losses(pred, TARGET, options)
    assert [r.code for r in rows] == list(losses.IOU_LOSSES)
    for r in rows:
        value, grad = core(r.code, pred, TARGET, **options.for_loss(r.code))
        assert r.value == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(r.grad, grad, rtol=1e-10, atol=1e-15)
        assert r.name == losses.IOU_LOSS_NAMES[r.code]


def test_edge_gradients_agree_with_finite_differences():
    # (CIoU and Wise-IoU are left out: CIoU's α and Wise-IoU's c² are detached from the graph, so autograd differs
    # from a finite difference on purpose; the core's own tests cover those conventions.)
    pred = np.array([31.0, 27.0, 66.0, 70.0])
    for code in ("iou", "giou", "diou", "eiou", "siou"):
        r = A.loss_row(code, pred, TARGET)
        for i in range(4):
            e = np.zeros(4)
            e[i] = 1e-5
            fd = (core(code, pred + e, TARGET)[0] - core(code, pred - e, TARGET)[0]) / 2e-5
            assert r.grad[i] == pytest.approx(fd, rel=1e-5, abs=1e-9), (code, i)


def test_geometry_is_the_cores_geometry():
    pred = (34.0, 30.0, 70.0, 66.0)
    geo = A.geometry(pred, TARGET)
    ref = losses.box_geometry(torch.tensor(pred, dtype=torch.float64), torch.tensor(TARGET, dtype=torch.float64))
    assert geo.iou == pytest.approx(float(ref.iou))
    assert geo.enclose == (34.0, 30.0, 82.0, 78.0)
    assert geo.inter_box == (40.0, 38.0, 70.0, 66.0)
    assert geo.rho == pytest.approx(math.hypot(52 - 61, 48 - 58))
    assert geo.c == pytest.approx(math.hypot(48, 48))
    assert A.geometry((0, 0, 10, 10), TARGET).inter_box is None


def test_iou_loss_has_no_gradient_for_disjoint_boxes_whatever_the_distance():
    pred, target = A.PRESETS["disjoint"]
    for shift in (0.0, 5.0, 10.0):
        p = (pred[0] + shift, pred[1], pred[2] + shift, pred[3])
        r = A.loss_row("iou", p, target)
        assert r.value == 1.0 and r.zero_grad
        assert A.edge_arrows(p, r.grad) == []


def test_giou_first_grows_the_prediction_towards_a_disjoint_target():
    pred, target = A.PRESETS["disjoint"]  # target lies right of and below the prediction
    r = A.loss_row("giou", pred, target)
    assert not r.zero_grad
    descent = -np.asarray(r.grad)
    # The far edges (x2, y2) move towards the target much faster than the near edges follow: the box grows.
    assert descent[2] > 0 and descent[3] > 0
    assert descent[2] - descent[0] > 0 and descent[3] - descent[1] > 0


def test_giou_degenerates_to_iou_loss_when_one_box_contains_the_other():
    pred, target = A.PRESETS["containment"]
    giou = A.loss_row("giou", pred, target)
    iou = A.loss_row("iou", pred, target)
    assert giou.value == pytest.approx(iou.value, abs=1e-9)
    # ... and does not care where the inner box sits: zero gradient along x and y for a pure shift.
    land = A.landscape("giou", target, "centre", (20.0, 16.0), n=41)
    inside = _inner_centres(land, target, (20.0, 16.0))
    assert inside.sum() > 20
    assert np.abs(land.grad_x[inside]).max() < 1e-12 and np.abs(land.grad_y[inside]).max() < 1e-12
    # Its value there is constant: the plateau the seed describes.
    assert np.ptp(land.loss[inside]) < 1e-12


def test_diou_still_pulls_the_centre_inside_containment():
    pred, target = A.PRESETS["containment"]
    d = A.loss_row("diou", pred, target)
    (cx, cy), _ = A.centre_and_size(pred)
    (tx, ty), _ = A.centre_and_size(target)
    move_x = -(d.grad[0] + d.grad[2])  # descent on the centre x = -(dL/dx1 + dL/dx2)
    move_y = -(d.grad[1] + d.grad[3])
    assert np.sign(move_x) == np.sign(tx - cx) and np.sign(move_y) == np.sign(ty - cy)


def test_ciou_adds_the_aspect_term_that_diou_misses_at_the_same_centre():
    pred, target = A.PRESETS["aspect"]
    geo = A.geometry(pred, target)
    assert geo.rho2 == 0 and geo.v > 0.2
    ciou = A.loss_row("ciou", pred, target)
    diou = A.loss_row("diou", pred, target)
    assert ciou.value > diou.value + 0.05
    # With mmdetection's gating (IoU = 0.25 <= 0.5) CIoU equals DIoU again.
    gated = A.loss_row("ciou", pred, target, A.Options(alpha_gating=True))
    assert gated.value == pytest.approx(diou.value, abs=1e-9)


def test_options_reach_only_the_losses_that_take_them():
    opts = A.Options(mode="square", alpha_gating=True, alpha=2.5, alpha_variant="giou")
    assert opts.for_loss("iou") == {"mode": "square"}
    assert opts.for_loss("ciou") == {"alpha_gating": True}
    assert opts.for_loss("alpha_iou") == {"alpha": 2.5, "variant": "giou"}
    assert opts.for_loss("giou") == {}
    pred = (34.0, 30.0, 70.0, 66.0)
    iou = A.geometry(pred, TARGET).iou
    assert A.loss_row("iou", pred, TARGET, opts).value == pytest.approx(1 - iou**2)


def test_unknown_loss_code_is_refused():
    with pytest.raises(ValueError, match="loss"):
        A.loss_row("l2", (0, 0, 1, 1), TARGET)


# ------------------------------------------------------------------------------------------------ edge arrows


@given(st.lists(st.floats(-1, 1, allow_subnormal=False), min_size=4, max_size=4))
@settings(max_examples=60, deadline=None)
def test_edge_arrows_point_along_the_negative_gradient(grad):
    pred = (20.0, 30.0, 60.0, 70.0)
    arrows = A.edge_arrows(pred, grad, max_length=10.0)
    gmax = max(abs(g) for g in grad)
    assert len(arrows) == sum(g != 0 and abs(g) / gmax * 10.0 >= A.MIN_ARROW for g in grad)
    longest = max((abs(a.x1 - a.x0) + abs(a.y1 - a.y0) for a in arrows), default=0.0)
    if arrows:
        assert longest == pytest.approx(10.0)
    for a in arrows:
        i = A.EDGES.index(a.edge)
        d = (a.x1 - a.x0) if a.edge in ("x1", "x2") else (a.y1 - a.y0)
        assert np.sign(d) == -np.sign(grad[i])
        assert (a.y1 == a.y0) if a.edge in ("x1", "x2") else (a.x1 == a.x0)
        # Each arrow starts at the midpoint of its own edge.
        start = {"x1": (20, 50), "x2": (60, 50), "y1": (40, 30), "y2": (40, 70)}[a.edge]
        assert (a.x0, a.y0) == start


# ------------------------------------------------------------------------------------------------ landscapes


def _inner_centres(land, target, size):
    xx, yy = np.meshgrid(land.xs, land.ys)
    w, h = size
    return (
        (xx - w / 2 > target[0] + 1e-6)
        & (xx + w / 2 < target[2] - 1e-6)
        & (yy - h / 2 > target[1] + 1e-6)
        & (yy + h / 2 < target[3] - 1e-6)
    )


@pytest.mark.parametrize("code", ["iou", "giou", "ciou", "siou", "alpha_iou"])
def test_centre_landscape_matches_the_core_box_by_box(code):
    size = (30.0, 22.0)
    land = A.landscape(code, TARGET, "centre", size, n=9)
    assert land.loss.shape == land.grad_x.shape == land.grad_y.shape == (9, 9)
    for i, j in ((0, 0), (4, 6), (8, 3), (5, 5)):
        cx, cy = land.xs[j], land.ys[i]
        box = (cx - size[0] / 2, cy - size[1] / 2, cx + size[0] / 2, cy + size[1] / 2)
        value, grad = core(code, box, TARGET, **A.Options().for_loss(code))
        assert land.loss[i, j] == pytest.approx(value, rel=1e-12, abs=1e-15)
        # Chain rule: a centre shift moves both edges.
        assert land.grad_x[i, j] == pytest.approx(grad[0] + grad[2], rel=1e-9, abs=1e-14)
        assert land.grad_y[i, j] == pytest.approx(grad[1] + grad[3], rel=1e-9, abs=1e-14)


def test_size_landscape_matches_the_core_box_by_box():
    centre = (55.0, 60.0)
    land = A.landscape("diou", TARGET, "size", centre, n=7)
    assert land.xs[0] == A.MIN_SIZE and land.xs[-1] == A.WORLD
    for i, j in ((0, 0), (3, 5), (6, 6)):
        w, h = land.xs[j], land.ys[i]
        box = (centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2)
        value, grad = core("diou", box, TARGET)
        assert land.loss[i, j] == pytest.approx(value, rel=1e-12)
        assert land.grad_x[i, j] == pytest.approx((grad[2] - grad[0]) / 2, rel=1e-9, abs=1e-14)
        assert land.grad_y[i, j] == pytest.approx((grad[3] - grad[1]) / 2, rel=1e-9, abs=1e-14)


def test_iou_landscape_is_a_flat_plateau_wherever_the_boxes_are_disjoint():
    size = (20.0, 20.0)
    land = A.landscape("iou", TARGET, "centre", size, n=33)
    xx, yy = np.meshgrid(land.xs, land.ys)
    disjoint = (
        (xx + size[0] / 2 <= TARGET[0])
        | (xx - size[0] / 2 >= TARGET[2])
        | (yy + size[1] / 2 <= TARGET[1])
        | (yy - size[1] / 2 >= TARGET[3])
    )
    assert disjoint.sum() > 100
    assert np.all(land.loss[disjoint] == 1.0)
    assert np.all(land.grad_x[disjoint] == 0) and np.all(land.grad_y[disjoint] == 0)
    giou = A.landscape("giou", TARGET, "centre", size, n=33)
    assert np.all(np.hypot(giou.grad_x, giou.grad_y)[disjoint] > 0)  # GIoU: a gradient everywhere out there


def test_size_landscape_is_lowest_at_the_target_size_when_centres_coincide():
    (cx, cy), (tw, th) = A.centre_and_size(TARGET)
    land = A.landscape("ciou", TARGET, "size", (cx, cy), n=100)
    i, j = np.unravel_index(np.argmin(land.loss), land.loss.shape)
    step = land.xs[1] - land.xs[0]
    assert abs(land.xs[j] - tw) <= step and abs(land.ys[i] - th) <= step


def test_landscape_columns_are_a_long_table_of_the_plotted_data():
    land = A.landscape("giou", TARGET, "centre", (10.0, 10.0), n=5)
    cols = land.columns()
    assert set(cols) == {"cx", "cy", "loss", "dL/dcx", "dL/dcy"}
    assert all(len(v) == 25 for v in cols.values())
    assert cols["loss"][7] == land.loss[1, 2] and cols["cx"][7] == land.xs[2] and cols["cy"][7] == land.ys[1]


@pytest.mark.parametrize(("kwargs", "match"), [({"plane": "radius"}, "plane"), ({"n": 1}, "n"), ({"n": 2.5}, "n")])
def test_landscape_refuses_bad_arguments(kwargs, match):
    args = {"code": "giou", "target": TARGET, "plane": "centre", "fixed": (10.0, 10.0), "n": 8} | kwargs
    with pytest.raises(ValueError, match=match):
        A.landscape(**args)


def test_presets_are_the_textbook_cases():
    geo = {name: A.geometry(*pair) for name, pair in A.PRESETS.items()}
    assert geo["disjoint"].iou == 0
    assert 0.2 < geo["overlap"].iou < 0.8
    pred, target = A.PRESETS["containment"]
    assert target[0] < pred[0] and target[1] < pred[1] and pred[2] < target[2] and pred[3] < target[3]
    assert geo["aspect"].rho2 == 0
    p, t = A.PRESETS["aspect"]
    assert (p[2] - p[0]) / (p[3] - p[1]) == pytest.approx((t[3] - t[1]) / (t[2] - t[0]))


@pytest.mark.parametrize("code", A.loss_codes())
def test_option_controls_are_the_core_registration_of_each_loss(code):
    spec = losses.IOU_LOSS_SPECS[code]
    shown = A.option_controls(code)
    assert [c.name for c in shown] == [o.name for o in spec.options if o.name in A.OPTION_FIELDS]
    assert not {c.name for c in shown} & {c.name for c in A.unused_controls(code)}
    assert {c.name for c in shown} | {c.name for c in A.unused_controls(code)} == set(A.OPTION_CONTROLS)
    for c in shown:
        opt = spec.option(c.name)
        assert c.default == opt.default and c.choices == tuple(opt.choices)
        if c.kind == "slider":
            opt.check(c.low), opt.check(c.high)  # the slider's ends are values the core accepts
    at_defaults = A.options_from({c.name: c.default for c in shown}).for_loss(code)
    assert at_defaults == {c.name: spec.option(c.name).default for c in shown}
