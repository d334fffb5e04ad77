"""The batch core (issue 15, item 5): every IoU-family loss and its gradient from one geometry pass.

``iou_losses`` / ``iou_losses_and_grads`` must give, for every registered loss and option, the value and the gradient
of the single-loss function: values bit for bit (the same arithmetic on the same geometry), gradients bit for bit for
a loss computed alone and to float64 rounding when terms are shared between losses.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_losses_iou import VARIANTS as SINGLE_LOSS_VARIANTS

from lossviz import losses
from lossviz.losses import IOU_LOSSES, iou_losses, iou_losses_and_grads
from lossviz.losses import iou as iou_module

#: Every registered loss with every option value that changes its formula: the single-loss tests' variants, plus
#: non-default hyper-parameters and NWD (with two constants).
VARIANTS: list[tuple[str, dict]] = [
    *SINGLE_LOSS_VARIANTS,
    ("alpha_iou", {"variant": "ciou", "alpha": 2.0}),
    ("wiou", {"version": "v3", "mean_iou_loss": 0.3, "wiou_alpha": 2.5, "delta": 2.0}),
    ("nwd", {}),
    ("nwd", {"constant": 3.0}),
]
IDS = [code + "".join(f"-{k}={v}" for k, v in opts.items()) for code, opts in VARIANTS]
ALL = tuple(IOU_LOSSES)
IOU_BATCH_FOUR = ("iou", "giou", "diou", "ciou")

DEGENERATE = [
    ([1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0]),  # point inside a box
    ([1.0, 0.0, 1.0, 2.0], [0.0, 0.0, 2.0, 2.0]),  # vertical segment inside
    ([0.0, 1.0, 2.0, 1.0], [0.0, 0.0, 2.0, 2.0]),  # horizontal segment inside
    ([1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]),  # the same point twice
    ([0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 3.0]),  # the same segment twice
    ([5.0, 5.0, 5.0, 5.0], [0.0, 0.0, 2.0, 2.0]),  # point far away
    ([0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 2.0, 2.0]),  # box touching a segment
    ([0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 4.0, 2.0]),  # touching boxes (edges tie: min/max split the gradient)
    ([0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0]),  # identical boxes (every edge ties)
    ([0.0, 0.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0]),  # box vs far point
]


def random_pairs(n: int, dtype: torch.dtype = torch.float64, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` pairs, most overlapping, some disjoint, plus the degenerate ones."""
    gen = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=gen, dtype=torch.float64) * 50
    wh = torch.rand(n, 2, generator=gen, dtype=torch.float64) * 20 + 0.5
    pred = torch.cat([xy, xy + wh], dim=-1)
    txy = xy + torch.randn(n, 2, generator=gen, dtype=torch.float64) * 6
    twh = wh * (0.5 + torch.rand(n, 2, generator=gen, dtype=torch.float64))
    target = torch.cat([txy, txy + twh], dim=-1)
    pred = torch.cat([pred, torch.tensor([p for p, _ in DEGENERATE], dtype=torch.float64)])
    target = torch.cat([target, torch.tensor([t for _, t in DEGENERATE], dtype=torch.float64)])
    return pred.to(dtype), target.to(dtype)


def single(code: str, pred, target, reduction="none", **kwargs):
    """The single-loss function's value and ``∂ value / ∂ pred`` (autograd on the registry entry)."""
    p = pred.detach().clone().requires_grad_(True)
    value = IOU_LOSSES[code](p, target, reduction=reduction, **kwargs)
    (value.sum() if reduction == "none" else value).backward()
    return value.detach(), p.grad


def options_for(code: str, options: dict) -> dict:
    return {k: v for k, v in options.items() if k in losses.IOU_LOSS_DEFAULTS[code]}


# ------------------------------------------------------------------------------------------ equal to single losses


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=IDS)
def test_batch_of_one_loss_equals_the_single_loss_bit_for_bit(code, options, dtype):
    pred, target = random_pairs(200, dtype)
    values, grads = iou_losses_and_grads(pred, target, losses=(code,), **options)
    value, grad = single(code, pred, target, **options)
    assert torch.equal(values[code], value)
    assert torch.equal(grads[code], grad)
    assert torch.equal(iou_losses(pred, target, losses=(code,), **options)[code].detach(), value)


@pytest.mark.parametrize(("code", "options"), VARIANTS, ids=IDS)
def test_every_loss_at_once_equals_each_single_loss(code, options):
    """All registered losses in one call (shared terms): values bit for bit, gradients to float64 rounding."""
    pred, target = random_pairs(300)
    values, grads = iou_losses_and_grads(pred, target, losses=None, **options)
    assert list(values) == list(ALL) == list(grads)
    plain = iou_losses(pred, target, losses=None, **options)
    for c in ALL:
        value, grad = single(c, pred, target, **options_for(c, options))
        assert torch.equal(values[c], value), c
        assert torch.equal(plain[c].detach(), value), c
        torch.testing.assert_close(grads[c], grad, rtol=1e-12, atol=1e-12, msg=c)
        assert torch.isfinite(grads[c]).all(), c


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighting", ["none", "per-box", "per-coordinate", "avg_factor"])
def test_reductions_weights_and_avg_factor_match_the_single_losses(reduction, weighting):
    pred, target = random_pairs(64)
    kwargs: dict = {}
    gen = torch.Generator().manual_seed(3)
    if weighting == "per-box":
        kwargs["weight"] = torch.rand(pred.shape[0], generator=gen, dtype=torch.float64)
    elif weighting == "per-coordinate":
        kwargs["weight"] = torch.rand(pred.shape, generator=gen, dtype=torch.float64)
    elif weighting == "avg_factor":
        if reduction == "sum":
            pytest.skip("avg_factor is refused with sum, as in mmdetection (tested below)")
        kwargs["avg_factor"] = 17.0
    values, grads = iou_losses_and_grads(pred, target, losses=None, reduction=reduction, **kwargs)
    for c in ALL:
        value, grad = single(c, pred, target, reduction=reduction, **kwargs)
        assert torch.equal(values[c], value), c
        torch.testing.assert_close(grads[c], grad, rtol=1e-12, atol=1e-14, msg=c)


@settings(max_examples=40, deadline=None)
@given(
    boxes=st.lists(
        st.tuples(*[st.floats(-100.0, 100.0)] * 2, *[st.floats(0.0, 60.0)] * 2)
        | st.tuples(st.sampled_from([0.0, 1.0]), st.sampled_from([0.0, 1.0]), st.just(0.0), st.just(1.0)),
        min_size=2,
        max_size=24,
    ),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_any_valid_boxes_give_the_single_losses_values_and_gradients(boxes, dtype):
    xywh = torch.tensor(boxes, dtype=torch.float64)
    xyxy = torch.cat([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], dim=-1).to(dtype)
    assume(bool((xyxy[:, 2:] >= xyxy[:, :2]).all()))  # float32 rounding can invert a box
    pred, target = xyxy[::2], xyxy[1::2]
    n = min(len(pred), len(target))
    pred, target = pred[:n], target[:n]
    values, grads = iou_losses_and_grads(pred, target, losses=None)
    tol = {"rtol": 1e-12, "atol": 1e-12} if dtype == torch.float64 else {"rtol": 1e-5, "atol": 1e-5}
    for c in ALL:
        value, grad = single(c, pred, target)
        assert torch.equal(values[c], value), c
        scale = max(1.0, float(grad.abs().max()))  # CIoU's aspect term of a flat box has gradients ~1/eps
        if dtype == torch.float64:
            torch.testing.assert_close(grads[c] / scale, grad / scale, **tol, msg=c)
            continue
        # float32: the edges' gradient is a difference of the pieces' gradients, which nearly cancel for thin or
        # near-identical boxes (0.002 wide: ~1% rounding in the single loss itself), so any other order of the same
        # additions differs by more than 1e-5 there. The batch must be as close to the exact (float64) gradient as
        # the single float32 loss is, give or take the tolerance.
        exact = single(c, pred.double(), target.double())[1]
        single_error = float((grad.double() - exact).abs().max())
        batch_error = float((grads[c].double() - exact).abs().max())
        assert batch_error <= 2 * single_error + 1e-5 * scale, (c, batch_error, single_error)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_is_computed_in_float32_and_saturates_like_the_single_losses(dtype):
    pred, target = random_pairs(50, dtype)
    alone = {c: iou_losses_and_grads(pred, target, losses=(c,)) for c in ALL}
    together = iou_losses_and_grads(pred, target, losses=None)
    for c in ALL:
        value, grad = single(c, pred, target)
        assert value.dtype == dtype and together.values[c].dtype == dtype and together.grads[c].dtype == dtype
        assert torch.equal(alone[c].values[c], value), c
        assert torch.equal(alone[c].grads[c], grad), c
        assert torch.equal(together.values[c], value), c
        torch.testing.assert_close(together.grads[c].float(), grad.float(), rtol=1e-2, atol=1e-2, msg=c)
        assert torch.isfinite(together.grads[c]).all(), c
    # the zero-size prediction: CIoU's aspect gradient ~1/eps saturates at float16's largest value, never inf
    if dtype == torch.float16:
        assert float(together.grads["ciou"].abs().max()) == torch.finfo(torch.float16).max


def test_one_backward_of_the_summed_values_is_the_sum_of_the_gradients():
    pred, target = random_pairs(40)
    p = pred.clone().requires_grad_(True)
    values = iou_losses(p, target, losses=None)
    sum(v.sum() for v in values.values()).backward()
    grads = iou_losses_and_grads(pred, target, losses=None).grads
    torch.testing.assert_close(p.grad, sum(grads.values()), rtol=1e-12, atol=1e-12)


def test_reduction_none_gives_each_box_the_derivative_of_its_own_loss():
    pred, target = random_pairs(8)
    grads = iou_losses_and_grads(pred, target, losses=("ciou", "siou")).grads
    for i in range(len(pred)):
        for c in ("ciou", "siou"):
            _, grad = single(c, pred[i : i + 1], target[i : i + 1])
            torch.testing.assert_close(grads[c][i : i + 1], grad, rtol=1e-12, atol=1e-12)


def test_empty_inputs_give_empty_values_and_gradients():
    values, grads = iou_losses_and_grads(torch.zeros(0, 4), torch.zeros(0, 4), losses=None, reduction="mean")
    for c in ALL:
        assert float(values[c]) == 0.0 and grads[c].shape == (0, 4)


# ------------------------------------------------------------------------------------------------ one geometry pass


def test_one_input_check_and_one_geometry_pass_for_every_loss(monkeypatch):
    calls = {"geometry": 0, "check": 0}
    geometry, check = iou_module._geometry, iou_module._check_pair

    def counting_geometry(*args):
        calls["geometry"] += 1
        return geometry(*args)

    def counting_check(*args):
        calls["check"] += 1
        return check(*args)

    monkeypatch.setattr(iou_module, "_geometry", counting_geometry)
    monkeypatch.setattr(iou_module, "_check_pair", counting_check)
    pred, target = random_pairs(10)
    iou_losses_and_grads(pred, target, losses=None)
    assert calls == {"geometry": 1, "check": 1}
    calls.update(geometry=0, check=0)
    iou_losses(pred, target, losses=None)
    assert calls == {"geometry": 1, "check": 1}


def test_several_losses_map_the_geometry_gradient_onto_the_edges_once_not_per_piece():
    """Issue 15 item 5: with several losses, the pieces' backward passes stop at the geometry's eight leaves (sizes,
    centre, intersection and enclosing extents) and each loss's leaf gradients reach the edges in closed form, so no
    min/max/unbind/slice/stack backward runs for every piece (they were most of the batch's time)."""
    pred, target = random_pairs(50)
    geometry_backward = ("MaximumBackward", "MinimumBackward", "UnbindBackward", "SliceBackward", "StackBackward")
    for codes in (IOU_BATCH_FOUR, None):  # (SIoU's own maximum has a closed-form gradient in the batch)
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            iou_losses_and_grads(pred, target, losses=codes)
        ran = sorted({e.name for e in prof.events() if e.name.startswith(geometry_backward)})
        assert ran == []
    leaves: list = []
    g = iou_module._geometry(pred, target, 1e-7, leaves)
    assert [x.requires_grad and x.is_leaf for x in leaves[:8]] == [True] * 8  # then the four tie-splitting masks
    assert torch.equal(g.w, leaves[0]) and torch.equal(g.cy, leaves[7])
    assert sorted(torch.unique(torch.cat(leaves[8:])).tolist()) == [0.0, 0.5, 1.0]  # DEGENERATE has ties


def test_shared_terms_are_one_tensor_and_differentiated_once():
    pred, target = random_pairs(10)
    request = iou_module._batch_request(("iou", "giou", "diou", "ciou"), {})
    terms = iou_module._batch_terms(pred.requires_grad_(True), target, 1e-7, request)
    assert all(terms[c]["1 - IoU"] is terms["iou"]["1 - IoU"] for c in ("giou", "diou", "ciou"))
    assert terms["ciou"]["ρ²/c²"] is terms["diou"]["ρ²/c²"]
    units, parts = iou_module._grad_units(terms)
    assert len(units) == 4  # 1 - IoU, (C - U)/C, ρ²/c², α·v: not 1 + 2 + 2 + 3 term backward passes
    assert parts == {"iou": [0], "giou": [0, 1], "diou": [0, 2], "ciou": [0, 2, 3]}


# ------------------------------------------------------------------------------------------------------- bad input

GOOD = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64)


@pytest.mark.parametrize("fn", [iou_losses, iou_losses_and_grads])
@pytest.mark.parametrize(
    ("pred", "target", "message"),
    [
        (torch.tensor([[0.0, 0.0, math.nan, 1.0]], dtype=torch.float64), GOOD, "pred contains NaN or inf"),
        (GOOD, torch.tensor([[0.0, 0.0, math.inf, 1.0]], dtype=torch.float64), "target contains NaN or inf"),
        (torch.tensor([[1.0, 0.0, 0.0, 1.0]], dtype=torch.float64), GOOD, "pred has inverted boxes"),
        (GOOD, [0.0, 0.0, 1.0, 1.0], r"target must be a torch\.Tensor"),
        (torch.tensor([[0, 0, 1, 1]]), GOOD, "pred must be a floating-point tensor"),
        (GOOD.float(), GOOD, "pred and target must have the same dtype"),
    ],
    ids=["nan", "inf", "inverted", "list", "int", "dtype"],
)
def test_bad_boxes_are_refused_as_the_single_losses_refuse_them(fn, pred, target, message):
    with pytest.raises(ValueError, match=message):
        fn(pred, target, losses=None)
    with pytest.raises(ValueError, match=message):
        IOU_LOSSES["giou"](pred, target)


@pytest.mark.parametrize("fn", [iou_losses, iou_losses_and_grads])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"losses": ("iou", "l2")}, "losses must be a non-empty selection"),
        ({"losses": ()}, "losses must be a non-empty selection"),
        ({"losses": ("iou",), "theta": 2.0}, r"unknown option\(s\) \['theta'\]"),
        ({"no_such_option": 1}, "unknown option"),
        ({"losses": ("siou",), "theta": 0.5}, "theta must be >= 1"),
        ({"losses": None, "mode": "cubic"}, "mode must be one of"),
        ({"losses": None, "constant": 0.0}, "constant must be > 0"),
        ({"reduction": "avg"}, "reduction must be one of"),
        ({"eps": 0.0}, "eps must be > 0"),
        ({"reduction": "sum", "avg_factor": 2.0}, "avg_factor can not be used"),
        ({"weight": -torch.ones(1)}, "weight must be >= 0"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(fn, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fn(GOOD, GOOD, **kwargs)


def test_a_single_code_string_is_one_loss():
    values = iou_losses(GOOD, GOOD + 0.5, losses="diou")
    assert list(values) == ["diou"]
    assert torch.equal(values["diou"], losses.diou_loss(GOOD, GOOD + 0.5))


# ------------------------------------------------------------------------------------- the IoU page's table, landscapes


def test_iou_page_table_computes_every_loss_from_one_geometry_pass(monkeypatch):
    from lossviz.analysis import iou as A

    calls = []
    geometry = iou_module._geometry
    monkeypatch.setattr(iou_module, "_geometry", lambda *a: calls.append(1) or geometry(*a))
    rows = A.all_losses((34.0, 30.0, 70.0, 66.0), (40.0, 38.0, 82.0, 78.0), A.Options(mode="log", alpha=2.0))
    assert len(calls) == 1  # was one per loss (8) before the batch
    assert [r.code for r in rows] == list(A.loss_codes())


@pytest.mark.parametrize("pred", [(34.0, 30.0, 70.0, 66.0), (8.0, 12.0, 30.0, 36.0), (46.0, 42.0, 66.0, 58.0)])
def test_iou_page_table_rows_equal_each_loss_computed_alone(pred):
    from lossviz.analysis import iou as A

    options = A.Options(mode="square", alpha_gating=True, alpha=2.0, alpha_variant="ciou", nwd_constant=5.0)
    for row in A.all_losses(pred, (40.0, 38.0, 82.0, 78.0), options):
        alone = A.loss_row(row.code, pred, (40.0, 38.0, 82.0, 78.0), options)
        assert (row.code, row.name, row.value, row.options) == (alone.code, alone.name, alone.value, alone.options)
        assert row.grad == pytest.approx(alone.grad, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("plane", ["centre", "size"])
@pytest.mark.parametrize("code", ALL)
def test_landscape_from_the_batch_equals_autograd_through_the_plane(code, plane):
    """The chain rule from edge gradients to (cx, cy) or (w, h) is autograd's own, bit for bit."""
    from lossviz.analysis import iou as A

    target, fixed, n = (40.0, 38.0, 82.0, 78.0), ((36.0, 20.0) if plane == "centre" else (52.0, 48.0)), 12
    options = A.Options(alpha_variant="giou")
    land = A.landscape(code, target, plane, fixed, n=n, options=options)
    xx, yy = torch.meshgrid(torch.as_tensor(land.xs), torch.as_tensor(land.ys), indexing="xy")
    params = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=-1).requires_grad_(True)
    fixed_t = torch.tensor(fixed, dtype=torch.float64)
    half = (fixed_t if plane == "centre" else params) / 2
    centre = params if plane == "centre" else fixed_t
    boxes = torch.cat([centre - half, centre + half], dim=-1)
    tgt = torch.tensor([target], dtype=torch.float64).expand(n * n, 4)
    value = IOU_LOSSES[code](boxes, tgt, **options.for_loss(code))
    value.sum().backward()
    assert np.array_equal(land.loss, value.detach().numpy().reshape(n, n))
    assert np.array_equal(land.grad_x, params.grad[:, 0].numpy().reshape(n, n))
    assert np.array_equal(land.grad_y, params.grad[:, 1].numpy().reshape(n, n))


def test_several_losses_gradients_are_edge_major_views_not_interleaved_copies():
    """Issue 15 item 5: interleaving each loss's four [N] edge gradients into a contiguous [N, 4] (a stride-4 copy,
    ~9 of them per call) cost as much as the edge arithmetic; the batch returns transposed views of [4, N] blocks."""
    pred, target = random_pairs(64)
    grads = iou_losses_and_grads(pred, target, losses=None).grads
    for c, g in grads.items():
        assert g.shape == pred.shape, c
        assert g.stride() == (1, pred.shape[0]), c  # edge-major storage, no interleaving copy
        alone = iou_losses_and_grads(pred, target, losses=(c,)).grads[c]
        torch.testing.assert_close(g.contiguous(), alone, rtol=1e-12, atol=1e-12, msg=c)


def test_siou_closed_form_gradient_splits_ties_as_autograd():
    """The batch's SIoU gradient is written by hand (not autograd): at |0|, max(w, w_t) ties, coinciding centres
    (σ² at its floor) and zero-size boxes it must still equal the single loss's autograd gradient."""
    pred = torch.tensor(
        [
            [0.0, 0.0, 2.0, 2.0],  # same width and height as the target, shifted in x only (dy = 0)
            [1.0, 1.0, 3.0, 5.0],  # same centre as the target (dx = dy = 0)
            [0.0, 0.0, 0.0, 0.0],  # a point
            [5.0, 5.0, 5.0, 9.0],  # a segment, far away
            [0.0, 0.0, 4.0, 4.0],  # identical boxes
        ],
        dtype=torch.float64,
    )
    target = torch.tensor(
        [[3.0, 0.0, 5.0, 2.0], [0.0, 2.0, 4.0, 4.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 4.0, 4.0]],
        dtype=torch.float64,
    )
    for theta in (1.0, 4.0):
        values, grads = iou_losses_and_grads(pred, target, losses=("iou", "siou", "eiou"), theta=theta)
        for code, options in (("siou", {"theta": theta}), ("eiou", {})):
            value, grad = single(code, pred, target, **options)
            assert torch.equal(values[code], value), code
            torch.testing.assert_close(grads[code], grad, rtol=1e-12, atol=1e-12, msg=code)


def test_siou_and_eiou_own_terms_are_differentiated_in_closed_form_by_the_batch():
    """Issue 15 item 5: autograd through SIoU's own terms was ~195 kernels over the pairs (a quarter of all nine
    losses' batch) and EIoU's ~60; with several losses their own terms come detached with a closed-form gradient,
    while the shared 1 - IoU and ρ²/c² keep their graph (differentiated once for every loss)."""
    pred, target = random_pairs(20)
    request = iou_module._batch_request(("iou", "diou", "siou", "eiou"), {})
    leaves: list = []
    hand: dict = {}
    terms = iou_module._batch_terms(pred, target, 1e-7, request, leaves, hand)
    assert sorted(hand) == ["eiou", "siou"]
    assert [t.requires_grad for t in terms["siou"].values()] == [True, False, False]
    assert [t.requires_grad for t in terms["eiou"].values()] == [True, True, False, False]
    assert terms["eiou"]["ρ²/c²"] is terms["diou"]["ρ²/c²"]
    grads = hand["siou"](torch.ones_like(leaves[0]))
    assert [x is None for x in grads] == [False, False, True, True, False, False, False, False]


def test_several_losses_edge_gradients_are_written_in_place_into_their_block():
    """Issue 15 item 5: each loss's edge gradients were computed in fresh temporaries and then stacked (a copy of
    four [N] rows per loss); they are now written in place into the loss's (4, N) block."""
    pred, target = random_pairs(64)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        grads = iou_losses_and_grads(pred, target, losses=None).grads
    ran = {e.name for e in prof.events()}
    assert "aten::stack" not in ran and "aten::cat" not in ran
    assert all(g.stride() == (1, pred.shape[0]) for g in grads.values())


def test_the_input_check_sums_each_box_tensor_instead_of_running_isfinite():
    """Issue 15 item 5: ``isfinite`` made four passes over each (N, 4) box tensor, then ``all``; a finite sum proves
    the same in one reduction (NaN or ±inf anywhere makes the sum NaN or inf), and whatever is not proven finite that
    way (a sum that overflows, a NaN, infinities that cancel) goes through the full checks, which decide."""
    pred, target = random_pairs(64)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        iou_losses_and_grads(pred, target, losses=None)
    assert not any(e.name == "aten::isfinite" for e in prof.events())
    far = torch.tensor([[2e38, 0.0, 2e38, 1.0], [0.0, 0.0, 1.0, 1.0]])  # finite boxes whose sum overflows to inf
    assert torch.equal(iou_losses(far, far, losses="iou")["iou"], IOU_LOSSES["iou"](far, far))
    cancelling = torch.tensor([[-math.inf, 0.0, math.inf, 1.0]])  # the sum is NaN
    for fn in (iou_losses, iou_losses_and_grads, IOU_LOSSES["giou"]):
        with pytest.raises(ValueError, match="pred contains NaN or inf"):
            fn(cancelling, GOOD.float())
        with pytest.raises(ValueError, match="target contains NaN or inf"):
            fn(GOOD.float(), torch.tensor([[0.0, 0.0, math.inf, 1.0]]))


def test_tie_slopes_equal_autograds_split_of_max_in_two_kernels():
    """Issue 15 item 5: the edge masks and SIoU's max/clamp slopes were eq, gt, a cast and a select each; they are
    ``heaviside(a - b, 1/2)`` now, which must still equal autograd's split of ``max`` (ties, subnormal gaps, huge
    values whose difference overflows)."""
    for dtype in (torch.float32, torch.float64):
        tiny = torch.finfo(dtype).tiny
        big = torch.finfo(dtype).max
        a = torch.tensor([1.0, 1.0, 0.0, tiny / 4, -tiny / 4, big, -big, 3.0, -2.0], dtype=dtype)
        b = torch.tensor([1.0, 2.0, 0.0, 0.0, 0.0, -big, big, -1.0, -2.0], dtype=dtype)
        x = a.clone().requires_grad_(True)
        torch.maximum(x, b).sum().backward()
        slope = iou_module._tie_slope(a, b)
        assert slope.dtype == dtype
        assert torch.equal(slope, x.grad)
    pred, target = random_pairs(30)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        iou_module._geometry(pred, target, 1e-7, [])
    assert not any(e.name == "aten::eq" for e in prof.events())  # (the masks were its only comparisons for equality)
