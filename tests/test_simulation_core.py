"""The simulation core (lossviz.losses.simulation): the protocol of test_1715k.m, the port of the official
hand-written gradients (checked against a scalar, line-by-line transliteration of the MATLAB files written here),
the autograd gradients (checked against the core's losses) and the step loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses
from lossviz.losses import simulation as S

# ------------------------------------------------------------------------------------------------- the protocol


def test_full_protocol_has_1715000_cases():
    anchors, targets = S.protocol_boxes(S.disc_centres(5000, seed=0))
    assert anchors.shape == targets.shape == (1_715_000, 4)


def test_targets_have_area_one_centred_at_10_10_with_the_seven_aspect_ratios():
    _, targets = S.protocol_boxes(S.disc_centres(3))
    area = targets[:, 2] * targets[:, 3]
    torch.testing.assert_close(area, torch.ones_like(area), rtol=1e-12, atol=1e-12)
    assert torch.all(targets[:, :2] == 10.0)
    ratios = sorted({round(float(r), 9) for r in targets[:, 2] / targets[:, 3]})
    assert ratios == pytest.approx([1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4])


def test_anchor_areas_are_the_seven_scales_of_the_target_area():
    anchors, targets = S.protocol_boxes(S.disc_centres(2))
    scale = (anchors[:, 2] * anchors[:, 3]) / (targets[:, 2] * targets[:, 3])
    assert sorted({round(float(s), 9) for s in scale}) == pytest.approx(list(S.SCALES))


def test_centres_lie_in_the_disc_of_radius_3_uniformly_in_area():
    c = S.disc_centres(40_000, seed=1)
    r = torch.linalg.norm(c - 10.0, dim=-1)
    assert float(r.max()) <= 3.0
    # uniform in area: half the points within 3/√2 (radius 3·u would put 70.7 % there)
    assert abs(float((r < 3 / math.sqrt(2)).double().mean()) - 0.5) < 0.01


def test_case_order_follows_the_matlab_loops_centre_target_scale_anchor_aspect():
    centres = S.disc_centres(3, seed=2)
    anchors, targets = S.protocol_boxes(centres)
    for i, c, o, la in [(0, 0, 0, 0), (1, 3, 6, 2), (2, 6, 4, 5)]:
        n = ((i * 7 + c) * 7 + o) * 7 + la  # MATLAB's mm1 - 1
        tw, th = S.ASPECTS[c]
        side = math.sqrt(S.SCALES[o] * tw * th)
        aw, ah = S.ASPECTS[la]
        np.testing.assert_allclose(targets[n].numpy(), [10, 10, tw, th])
        np.testing.assert_allclose(anchors[n].numpy(), [*centres[i].tolist(), aw * side, ah * side])


def test_paper_schedule_is_0_1_then_0_01_then_0_001():
    s = S.PAPER_SCHEDULE
    assert [s.rate(k) for k in (1, 160, 161, 180, 181, 200)] == [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]


@pytest.mark.parametrize("kw", [{"rates": (-0.1,), "until": (10,)}, {"rates": (0.1, 0.2), "until": (20, 10)}])
def test_schedule_refuses_negative_rates_and_decreasing_bounds(kw):
    with pytest.raises(ValueError):
        S.Schedule(**kw)


# ------------------------------------------------------------------ scalar transliteration of the official files


def _tblr(b):  # to_tblr.m
    x, y, w, h = b
    return {"t": y - h / 2, "b": y + h / 2, "l": x - w / 2, "r": x + w / 2}


def _in(a, b):  # In.m
    return {"t": max(a["t"], b["t"]), "b": min(a["b"], b["b"]), "l": max(a["l"], b["l"]), "r": min(a["r"], b["r"])}


def _cover(a, b):  # cover.m
    return {"t": min(a["t"], b["t"]), "b": max(a["b"], b["b"]), "l": min(a["l"], b["l"]), "r": max(a["r"], b["r"])}


def _dibox(p, g):  # dIbox.m
    i = _in(p, g)
    return {
        "t": -(i["r"] - i["l"]) if p["t"] > g["t"] else 0,
        "b": i["r"] - i["l"] if p["b"] < g["b"] else 0,
        "l": -(i["b"] - i["t"]) if p["l"] > g["l"] else 0,
        "r": i["b"] - i["t"] if p["r"] < g["r"] else 0,
    }


def _dubox(p, g):  # dUbox.m with dXbox.m
    dx = {"t": -(p["r"] - p["l"]), "b": p["r"] - p["l"], "l": -(p["b"] - p["t"]), "r": p["b"] - p["t"]}
    di = _dibox(p, g)
    return {k: dx[k] - di[k] for k in "tblr"}


def _m_iou(p, g):  # iou.m
    i = _in(p, g)
    inter = (i["b"] - i["t"]) * (i["r"] - i["l"])
    u = (p["b"] - p["t"]) * (p["r"] - p["l"]) + (g["b"] - g["t"]) * (g["r"] - g["l"]) - inter
    return inter / u if i["t"] < i["b"] and i["l"] < i["r"] else 0.0


def _m_diou_edges(p, g):  # dIOU.m
    i = _in(p, g)
    inter = (i["b"] - i["t"]) * (i["r"] - i["l"])
    u = (p["b"] - p["t"]) * (p["r"] - p["l"]) + (g["b"] - g["t"]) * (g["r"] - g["l"]) - inter
    di, du = _dibox(p, g), _dubox(p, g)
    if i["t"] < i["b"] and i["l"] < i["r"] and u > 0:
        s = {k: (u * di[k] - inter * du[k]) / u**2 for k in "tblr"}
    else:
        s = dict.fromkeys("tblr", 0.0)
    if not p["t"] < p["b"]:
        s["t"] = s["b"]
        s["b"] = s["t"]
    if not p["l"] < p["r"]:
        s["l"] = s["r"]
        s["r"] = s["l"]
    return s


def _m_dgiou(p, g):  # dGIOU.m
    i = _in(p, g)
    inter = (i["b"] - i["t"]) * (i["r"] - i["l"])
    u = (p["b"] - p["t"]) * (p["r"] - p["l"]) + (g["b"] - g["t"]) * (g["r"] - g["l"]) - inter
    du = _dubox(p, g)
    c = _cover(p, g)
    dc = {  # dCbox.m
        "t": -(c["r"] - c["l"]) if p["t"] < g["t"] else 0,
        "b": c["r"] - c["l"] if p["b"] > g["b"] else 0,
        "l": -(c["b"] - c["t"]) if p["l"] < g["l"] else 0,
        "r": c["b"] - c["t"] if p["r"] > g["r"] else 0,
    }
    carea = (c["b"] - c["t"]) * (c["r"] - c["l"])
    if i["t"] < i["b"] and i["l"] < i["r"]:
        s = _m_diou_edges(p, g)
        if carea > 0:
            s = {k: s[k] + (carea * du[k] - u * dc[k]) / carea**2 for k in "tblr"}
        return s
    return {k: (carea * du[k] - u * dc[k]) / carea**2 for k in "tblr"}


def _to_xywh(s):  # to_xywh.m
    return [s["l"] + s["r"], s["t"] + s["b"], s["r"] - s["l"], s["b"] - s["t"]]


def _m_ddiou(a, b, ciou=False):  # dDIOU.m / dCIOU.m
    p, g = _tblr(a), _tblr(b)
    c = _cover(p, g)
    cc = (c["b"] - c["t"]) ** 2 + (c["r"] - c["l"]) ** 2
    ccw, cch = c["r"] - c["l"], c["b"] - c["t"]
    ct = (0, 1, 0, -0.5) if p["t"] < g["t"] else (0, 0, 0, 0)
    cb = (0, 1, 0, 0.5) if p["b"] > g["b"] else (0, 0, 0, 0)
    cl = (1, 0, -0.5, 0) if p["l"] < g["l"] else (0, 0, 0, 0)
    cr = (1, 0, 0.5, 0) if p["r"] > g["r"] else (0, 0, 0, 0)
    cw = [cr[0] - cl[0], cb[1] - ct[1], cr[2] - cl[2], cb[3] - ct[3]]
    ch = [cr[0] - cl[0], cb[1] - ct[1], cr[2] - cl[2], cb[3] - ct[3]]
    if p["l"] < g["l"] and p["r"] > g["r"]:
        cw[2] = -1
    if p["t"] < g["t"] and p["b"] > g["b"]:
        ch[3] = -1
    d = (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2
    s = [
        (2 * (b[0] - a[0]) * cc - (2 * ccw * cw[0] + 2 * cch * ch[0]) * d) / cc**2,
        (2 * (b[1] - a[1]) * cc - (2 * ccw * cw[1] + 2 * cch * ch[1]) * d) / cc**2,
        (2 * ccw * cw[2] + 2 * cch * ch[2]) * d / cc**2,
        (2 * ccw * cw[3] + 2 * cch * ch[3]) * d / cc**2,
    ]
    if ciou:
        at = math.atan(b[2] / b[3]) - math.atan(a[2] / a[3])
        v = 4 / math.pi**2 * at * at
        alpha = v / (1 - _m_iou(p, g) + v + 0.0000001)
        s[2] += alpha * 8 / math.pi**2 * at * a[3]
        s[3] += alpha * -8 / math.pi**2 * at * a[2]
    return [x + y for x, y in zip(_to_xywh(_m_diou_edges(p, g)), s, strict=True)]


def matlab_gradient(loss: str, a, b) -> list[float]:
    """What the official function returns (a gradient of the score 1 − L) for one pair."""
    if loss == "iou":
        return _to_xywh(_m_diou_edges(_tblr(a), _tblr(b)))
    if loss == "giou":
        return _to_xywh(_m_dgiou(_tblr(a), _tblr(b)))
    return _m_ddiou(a, b, ciou=loss == "ciou")


# Hand-picked pairs (x, y, w, h), each exercising a branch: overlap, disjoint, spanning, nested, simple_test.m's pair
PAIRS = [
    ((10.5, 11.6, 2.2, 3.0), (10, 10, 1, 1)),  # simple_test.m
    ((10.3, 9.8, 0.8, 1.3), (10, 10, 1, 1)),  # overlapping
    ((13.0, 12.0, 0.7, 0.7), (10, 10, 0.5, 2.0)),  # disjoint
    ((10.1, 10.2, 3.0, 0.5), (10, 10, 1, 1)),  # spans the target horizontally
    ((10.05, 9.9, 2.0, 2.5), (10, 10, 1, 1)),  # contains the target
    ((10.2, 10.1, 0.4, 0.3), (10, 10, 2.0, 0.5)),  # inside the target
    ((11.0, 10.0, 0.5, 0.8), (10, 10, 1, 1)),  # disjoint in x, overlapping in y
]


@pytest.mark.parametrize("loss", S.PAPER_LOSSES)
@pytest.mark.parametrize("pair", PAIRS)
def test_paper_gradient_matches_the_official_matlab_formulas_on_hand_picked_pairs(loss, pair):
    a, b = pair
    got = S.paper_gradient(loss, torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64))
    np.testing.assert_allclose(-got[0].numpy(), matlab_gradient(loss, a, b), rtol=1e-12, atol=1e-12)


_coord = st.floats(7.0, 13.0, allow_nan=False)
_size = st.floats(0.2, 4.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(_coord, _coord, _size, _size, st.sampled_from(S.ASPECTS), st.sampled_from(S.PAPER_LOSSES))
def test_paper_gradient_matches_the_official_matlab_formulas_on_random_pairs(x, y, w, h, target_wh, loss):
    a, b = (x, y, w, h), (10.0, 10.0, *target_wh)
    got = S.paper_gradient(loss, torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64))
    np.testing.assert_allclose(-got[0].numpy(), matlab_gradient(loss, a, b), rtol=1e-9, atol=1e-12)


def test_paper_iou_is_zero_for_disjoint_boxes_and_i_over_u_otherwise():
    a = torch.tensor([[10.5, 10.0, 1.0, 1.0], [13.0, 10.0, 1.0, 1.0]], dtype=torch.float64)
    b = torch.tensor([[10.0, 10.0, 1.0, 1.0]] * 2, dtype=torch.float64)
    np.testing.assert_allclose(S.paper_iou(a, b).numpy(), [0.5 / 1.5, 0.0])


# -------------------------------------------------------------------------------------------------- the quirks


def _exact(loss, a, b):
    grad, _ = S.autograd_gradient(loss, torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64))
    return grad[0].numpy()


def _paper(loss, a, b):
    return S.paper_gradient(loss, torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64))[0]


def test_paper_iou_gradient_is_exact_in_x_y_but_twice_exact_in_w_h():
    a, b = (10.3, 9.8, 0.8, 1.3), (10.0, 10.0, 1.0, 1.0)
    exact, paper = _exact("iou", a, b), _paper("iou", a, b).numpy()
    np.testing.assert_allclose(paper[:2], exact[:2], rtol=1e-5)
    np.testing.assert_allclose(paper[2:], 2 * exact[2:], rtol=1e-5)


def test_paper_iou_gradient_is_zero_for_disjoint_boxes_like_the_exact_one():
    a, b = (13.0, 12.0, 0.7, 0.7), (10.0, 10.0, 1.0, 1.0)
    assert np.all(_paper("iou", a, b).numpy() == 0) and np.all(_exact("iou", a, b) == 0)


def test_paper_ciou_aspect_term_drops_the_w2_plus_h2_denominator():
    a, b = (10.3, 9.8, 0.8, 1.3), (10.0, 10.0, 2.0, 0.5)
    extra = (_paper("ciou", a, b) - _paper("diou", a, b)).numpy()
    at = math.atan(2.0 / 0.5) - math.atan(0.8 / 1.3)
    v = 4 / math.pi**2 * at**2
    alpha = v / (1 - float(S.paper_iou(torch.tensor([a]).double(), torch.tensor([b]).double())) + v + 1e-7)
    # ∂(α v)/∂w with α fixed is −α·8/π²·at·h/(w² + h²); the paper's has no /(w² + h²)
    np.testing.assert_allclose(extra[2:], [-alpha * 8 / math.pi**2 * at * 1.3, alpha * 8 / math.pi**2 * at * 0.8])
    np.testing.assert_allclose(extra[:2], [0, 0], atol=1e-15)


def test_paper_diou_penalty_width_derivative_flips_sign_when_the_prediction_spans_the_target():
    # Spanning in x only: the exact ∂(ρ²/c²)/∂w is negative (a wider enclosing box lowers the penalty); the paper's
    # −1 for ∂C_w/∂w makes it positive.
    a, b = (10.1, 10.6, 3.0, 0.5), (10.0, 10.0, 1.0, 1.0)
    pa, pb = torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64)
    paper_pen = -torch.stack(S._d_distance(pa, pb, S._tblr(pa), S._tblr(pb)), -1)[0]
    b_ = pa.clone().requires_grad_(True)
    g = losses.box_geometry(S.xywh_to_xyxy(b_), S.xywh_to_xyxy(pb))
    (exact_pen,) = torch.autograd.grad((g.rho2 / g.c2).sum(), b_)
    assert float(exact_pen[0, 2]) < 0 < float(paper_pen[2])


def test_paper_gradient_of_an_inverted_box_copies_the_second_edge():
    # dIOU.m lines 26–27: "s.dt=s.db; s.db=s.dt;" leaves both at db (the edges are not swapped)
    p = {"t": 10.4, "b": 9.6, "l": 9.7, "r": 10.4}  # t > b: an inverted box (h < 0)
    g = _tblr((10.0, 10.0, 1.0, 1.0))
    s = _m_diou_edges(p, g)
    assert s["t"] == s["b"]
    a = torch.tensor([[10.05, 10.0, 0.7, -0.8]], dtype=torch.float64)
    got = S.paper_gradient("iou", a, torch.tensor([[10.0, 10.0, 1.0, 1.0]], dtype=torch.float64))
    assert float(got[0, 3]) == 0.0  # dh = db − dt = 0


# ------------------------------------------------------------------------------------------------- autograd mode


@pytest.mark.parametrize("loss", S.AUTOGRAD_LOSSES)
def test_autograd_gradient_is_the_core_loss_gradient_in_xywh(loss):
    a = torch.tensor([[10.3, 9.8, 0.8, 1.3], [12.0, 11.0, 0.6, 0.9]], dtype=torch.float64)
    b = torch.tensor([[10.0, 10.0, 1.0, 1.0], [10.0, 10.0, 2.0, 0.5]], dtype=torch.float64)
    leaf = a.clone().requires_grad_(True)
    fn = getattr(losses, f"{loss}_loss")
    fn(S.xywh_to_xyxy(leaf), S.xywh_to_xyxy(b), reduction="none").sum().backward()
    grad, iou = S.autograd_gradient(loss, a, b)
    torch.testing.assert_close(grad, leaf.grad)
    torch.testing.assert_close(iou, losses.box_geometry(S.xywh_to_xyxy(a), S.xywh_to_xyxy(b)).iou)


# ------------------------------------------------------------------------------------------------------ step loop


def test_one_step_is_b_minus_eta_two_minus_iou_times_gradient():
    a = torch.tensor([[10.3, 9.8, 0.8, 1.3]], dtype=torch.float64)
    b = torch.tensor([[10.0, 10.0, 1.0, 1.0]], dtype=torch.float64)
    res = S.simulate_boxes(a, b, "diou", gradients="paper", iters=1, record_path=True)
    expected = a - 0.1 * (2 - S.paper_iou(a, b))[:, None] * S.paper_gradient("diou", a, b)
    torch.testing.assert_close(res.path[1], expected)
    torch.testing.assert_close(res.error[0], (expected - b).abs().sum())


def test_chunked_run_equals_a_case_by_case_loop():
    anchors, targets = S.protocol_boxes(S.disc_centres(1, seed=3))
    anchors, targets = anchors[::20], targets[::20]
    whole = S.simulate_boxes(anchors, targets, "ciou", gradients="autograd", iters=30, chunk_size=5)
    for i in range(len(anchors)):
        one = S.simulate_boxes(anchors[i : i + 1], targets[i : i + 1], "ciou", gradients="autograd", iters=30)
        torch.testing.assert_close(one.final[0], whole.final[i])
    torch.testing.assert_close(whole.final_error, (whole.final - targets).abs().sum(-1))


def test_iou_loss_stalls_for_disjoint_boxes():
    anchors, targets = S.protocol_boxes(S.disc_centres(30, seed=0))
    disjoint = S.paper_iou(anchors, targets) == 0
    assert disjoint.any()
    for mode in ("paper", "autograd"):
        res = S.simulate_boxes(anchors, targets, "iou", gradients=mode, iters=50)
        torch.testing.assert_close(res.final[disjoint], anchors[disjoint])
        assert not torch.equal(res.final[~disjoint], anchors[~disjoint])


def test_reduced_run_shows_the_papers_ranking_giou_lags_diou_with_paper_gradients():
    anchors, targets = S.protocol_boxes(S.disc_centres(20, seed=0).float())
    final = {n: float(S.simulate_boxes(anchors, targets, n, gradients="paper").error[-1]) for n in S.PAPER_LOSSES}
    cases = len(anchors)
    assert final["iou"] > final["giou"] > 10 * final["diou"]
    assert final["diou"] / cases < 0.05 and final["ciou"] / cases < 0.05  # DIoU and CIoU reach ~0
    assert final["iou"] / cases > 2.0  # IoU stays far (the paper: ~6e6 / 1.715e6 ≈ 3.5 per case)


def test_simulate_refuses_unknown_losses_and_modes():
    a = torch.zeros(1, 4)
    with pytest.raises(ValueError, match="paper"):
        S.simulate_boxes(a, a, "eiou", gradients="paper")
    with pytest.raises(ValueError, match="gradients"):
        S.simulate_boxes(a, a, "iou", gradients="numeric")
    with pytest.raises(ValueError, match="iters"):
        S.simulate_boxes(a, a, "iou", iters=0)


@pytest.mark.parametrize("loss", ["giou", "ciou"])
def test_chunked_autograd_run_equals_a_naive_whole_tensor_autograd_loop_in_float64(loss):
    anchors, targets = S.protocol_boxes(S.disc_centres(1, seed=4))
    fn = getattr(losses, f"{loss}_loss")
    b = anchors.clone()
    for k in range(1, 41):
        leaf = b.detach().requires_grad_(True)
        xyxy = S.xywh_to_xyxy(leaf)
        fn(xyxy, S.xywh_to_xyxy(targets), reduction="none").sum().backward()
        iou = losses.box_geometry(xyxy.detach(), S.xywh_to_xyxy(targets)).iou
        b = b - S.PAPER_SCHEDULE.rate(k) * (2 - iou)[:, None] * leaf.grad
    res = S.simulate_boxes(anchors, targets, loss, gradients="autograd", iters=40, chunk_size=50)
    torch.testing.assert_close(res.final, b, rtol=0, atol=1e-9)


@pytest.mark.parametrize("loss", S.PAPER_LOSSES)
def test_fused_paper_step_equals_the_port_in_float64(loss):
    # the step loop's fused kernel against paper_gradient / paper_iou: overlapping, disjoint, spanning, nested,
    # inverted (negative w or h) boxes
    gen = torch.Generator().manual_seed(5)
    n = 20_000
    a = torch.empty(n, 4, dtype=torch.float64)
    a[:, :2] = 7 + 6 * torch.rand(n, 2, generator=gen, dtype=torch.float64)
    a[:, 2:] = -0.5 + 4.5 * torch.rand(n, 2, generator=gen, dtype=torch.float64)
    _, t = S.protocol_boxes(S.disc_centres(n // 343 + 1, seed=5))
    t = t[:n]
    s, iou = S._paper_score_step(loss, a.T.contiguous(), S._Targets.of(t.T.contiguous(), aspect=loss == "ciou"))
    torch.testing.assert_close(iou, S.paper_iou(a, t), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(s.T, -S.paper_gradient(loss, a, t), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("loss", S.PAPER_LOSSES)
def test_step_loop_autograd_path_equals_autograd_gradient_in_float64(loss):
    # the loop's unchecked path (terms from one geometry, IoU from the same forward pass) against the core's losses
    anchors, targets = S.protocol_boxes(S.disc_centres(3, seed=6))
    grad, iou = S._autograd_step(loss, anchors, targets, S.xywh_to_xyxy(targets))
    ref_grad, ref_iou = S.autograd_gradient(loss, anchors, targets)
    torch.testing.assert_close(grad, ref_grad, rtol=0, atol=1e-15)
    torch.testing.assert_close(iou, ref_iou, rtol=0, atol=0)
