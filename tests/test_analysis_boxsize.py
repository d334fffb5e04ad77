"""The size sweep against closed forms: each curve of the gradient-vs-size plot, the notes' Δx = 2 px table, the
error modes, IoU vs NWD, the DFL view, and bad arguments."""

import math

import numpy as np
import pytest
import torch

from lossviz import losses
from lossviz.analysis import boxsize as A

S = A.SizeSettings  # defaults: Δx = 2 px, no stds, Smooth L1 β = 1


def _sweep(**kwargs) -> A.SizeSweep:
    return A.size_sweep(S(**kwargs))


def test_sizes_run_log_spaced_from_2_to_1024_px():
    sw = _sweep()
    assert sw.sizes[0] == pytest.approx(2.0) and sw.sizes[-1] == pytest.approx(1024.0)
    np.testing.assert_allclose(np.diff(np.log(sw.sizes)), np.log(512) / (len(sw.sizes) - 1))


def test_l2_on_the_encoded_delta_has_gradient_2dx_over_w():
    sw = _sweep()
    w = sw.sizes
    np.testing.assert_allclose(sw.grad_encoded["L2"], 2 * 2.0 / w, rtol=1e-12)
    np.testing.assert_allclose(sw.grad_pixel["L2"], 2 * 2.0 / w**2, rtol=1e-12)  # ∂T/∂Δx = 1/w
    np.testing.assert_allclose(sw.loss["L2"], (2.0 / w) ** 2, rtol=1e-12)


@pytest.mark.parametrize("beta", [1.0, 1 / 9])
def test_smooth_l1_gradient_is_t_over_beta_clipped_at_one(beta):
    sw = _sweep(smooth_beta=beta)
    T = 2.0 / sw.sizes
    np.testing.assert_allclose(sw.grad_encoded["Smooth L1"], np.minimum(T / beta, 1.0), rtol=1e-12)


def test_target_stds_divide_the_delta_and_multiply_the_encoded_gradient():
    sw = _sweep(stds=True)
    T = 2.0 / (0.1 * sw.sizes)
    np.testing.assert_allclose(sw.encoded, T, rtol=1e-12)
    np.testing.assert_allclose(sw.grad_encoded["L2"], 2 * T, rtol=1e-12)
    np.testing.assert_allclose(sw.grad_pixel["L2"], 2 * T / (0.1 * sw.sizes), rtol=1e-12)


def test_iou_loss_of_two_equal_squares_offset_by_delta_is_2delta_over_w_plus_delta():
    sw = _sweep(error=3.0)
    w, d = sw.sizes, 3.0
    over = w > d  # the squares overlap
    np.testing.assert_allclose(sw.loss["IoU"][over], 2 * d / (w[over] + d), rtol=1e-6)
    np.testing.assert_allclose(sw.grad_pixel["IoU"][over], 2 * w[over] / (w[over] + d) ** 2, rtol=1e-6)
    np.testing.assert_allclose(sw.grad_encoded["IoU"][over], 2 * w[over] ** 2 / (w[over] + d) ** 2, rtol=1e-6)
    assert np.all(sw.grad_pixel["IoU"][~over] == 0)  # disjoint: no gradient at all
    # GIoU equals IoU while they overlap (the enclosing box is the union); DIoU = CIoU adds Δ²/c² (equal aspect)
    np.testing.assert_allclose(sw.loss["GIoU"][over], sw.loss["IoU"][over], rtol=1e-6)
    c2 = (w + d) ** 2 + w**2
    np.testing.assert_allclose(sw.loss["DIoU"][over], 2 * d / (w[over] + d) + d**2 / c2[over], rtol=1e-6)
    np.testing.assert_allclose(sw.loss["CIoU"], sw.loss["DIoU"], rtol=1e-12)


def test_nwd_gradient_per_pixel_does_not_depend_on_the_size():
    sw = _sweep(nwd_constant=12.8)
    W = math.sqrt(4.0 + 1e-6)
    np.testing.assert_allclose(sw.grad_pixel["NWD"], math.exp(-W / 12.8) / 12.8 * 2.0 / W, rtol=1e-10)
    assert sw.ratio("pixel", "NWD") == pytest.approx(1.0)


def _matches_printed(value: float, printed: str) -> bool:
    """``value`` rounds to ``printed`` (to within half a unit of its last printed decimal, e.g. 0.03125 → 0.0313)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 0.5 * 10.0**-decimals + 1e-12


def test_the_notes_table_for_a_2px_shift():
    """wave2-notes §1.6: Δx = 2 px, w = 8…128: T, ∂L2/∂T, ∂SmoothL1/∂T (β = 1 and 1/9), ∂L_IoU/∂Δx per pixel."""
    table = [  # w, T, L2, SL1 β=1, SL1 β=1/9, IoU per px, as printed there
        (8, "0.25", "0.5", "0.25", "1", "0.160"),
        (16, "0.125", "0.25", "0.125", "1", "0.0988"),
        (32, "0.0625", "0.125", "0.0625", "0.5625", "0.0554"),
        (64, "0.0313", "0.0625", "0.0313", "0.2813", "0.0294"),
        # the notes print 0.0152 for IoU at w = 128; their own closed form 2w/(w + Δ)² = 256/16900 = 0.015148
        (128, "0.0156", "0.0313", "0.0156", "0.1406", "0.0151"),
    ]
    sw1, sw9 = _sweep(), _sweep(smooth_beta=1 / 9)
    for w, *printed in table:
        [k] = np.flatnonzero(np.isclose(sw1.sizes, w))  # the table's sizes are grid points of the sweep
        got = (
            sw1.encoded[k],
            sw1.grad_encoded["L2"][k],
            sw1.grad_encoded["Smooth L1"][k],
            sw9.grad_encoded["Smooth L1"][k],
            sw1.grad_pixel["IoU"][k],
        )
        for value, text in zip(got, printed, strict=True):
            assert _matches_printed(value, text), (w, value, text)


def test_small_over_large_ratio_shows_the_distortion_and_its_remedies():
    sw = _sweep()
    assert sw.ratio("encoded", "L2") == pytest.approx(512 / 8)  # 2Δ/w: 64 times larger for the 8 px box
    assert sw.ratio("pixel", "L2") == pytest.approx((512 / 8) ** 2)
    assert sw.ratio("pixel", "IoU") > 30  # ≈ 2/w per pixel
    assert sw.ratio("pixel", "NWD") == pytest.approx(1.0)


@pytest.mark.parametrize("name", A.DIST_LOSSES)
@pytest.mark.parametrize("mode, error", [("pixels", 2.0), ("pixels", 64.0), ("relative", 0.5)])
def test_distribution_losses_gradient_wrt_logits_is_bounded_by_one_at_every_size(name, mode, error):
    sw = _sweep(mode=mode, error=error)
    g = sw.grad_encoded[name]
    assert np.all(g <= 1) and np.all(g >= 0)
    assert np.all(np.isnan(sw.grad_pixel[name]))  # no per-pixel gradient: the parameters are logits


def test_cbbl_curve_is_the_core_ce_gradient_p_minus_p_star():
    sw = _sweep()
    k = int(np.argmin(abs(sw.sizes - 16)))
    grid = losses.cbbl_grid(10, 2.0, kind="exponential", beta=1.0)
    T = torch.tensor([2.0 / sw.sizes[k]], dtype=torch.float64)
    q = 0.95 * losses.two_hot(T, grid) + 0.05 / 11
    p_star = losses.two_hot(torch.zeros(1, dtype=torch.float64), grid)
    assert sw.grad_encoded["C-BBL"][k] == pytest.approx(float((q - p_star).abs().max()), rel=1e-10)


def test_relative_and_fixed_iou_modes_make_delta_and_iou_losses_scale_free():
    for mode, error in (("relative", 0.2), ("iou", 0.6)):
        for comp in A.COMPONENTS:
            sw = _sweep(component=comp, mode=mode, error=error)
            for name in ("L2", "Smooth L1", "IoU", "GIoU", "DIoU"):
                assert sw.ratio("encoded", name) == pytest.approx(1.0, rel=1e-6), (mode, comp, name)
    sw = _sweep(mode="iou", error=0.6)
    np.testing.assert_allclose(sw.iou, 0.6, rtol=1e-6)
    sw = _sweep(component="w", mode="iou", error=0.6)
    np.testing.assert_allclose(sw.iou, 0.6, rtol=1e-6)


def test_width_error_is_encoded_as_log_ratio():
    sw = _sweep(component="w", error=4.0, stds=True)
    T = np.log((sw.sizes + 4.0) / sw.sizes) / 0.2
    np.testing.assert_allclose(sw.encoded, T, rtol=1e-12)
    np.testing.assert_allclose(sw.grad_encoded["L2"], 2 * T, rtol=1e-10)
    # ∂L/∂w_pred = ∂L/∂T · ∂T/∂w_pred = 2T / (0.2·(w + Δw))
    np.testing.assert_allclose(sw.grad_pixel["L2"], 2 * T / (0.2 * (sw.sizes + 4.0)), rtol=1e-10)


def test_gfl_stride_follows_the_anchor_size():
    np.testing.assert_array_equal(A.gfl_stride(np.array([2, 64, 128, 256, 2048])), [8, 8, 16, 32, 128])


def test_columns_hold_every_curve_for_the_csv():
    cols = _sweep().columns()
    assert {"w_px", "error_px", "T", "IoU", "NWD |dL/dpixel|", "C-BBL max|dL/dlogit|", "L2 |dL/dT|"} <= set(cols)
    assert len({len(v) for v in cols.values()}) == 1


def test_iou_collapses_for_tiny_boxes_while_nwd_treats_every_size_alike():
    c = A.nwd_vs_offset((8.0, 64.0), max_offset=16.0, constant=12.8, points=161)
    k = int(np.argmin(abs(c.offsets - 4.0)))
    assert c.iou[8.0][k] == pytest.approx((8 - 4) / (8 + 4))
    assert c.iou[64.0][k] == pytest.approx((64 - 4) / (64 + 4))
    np.testing.assert_allclose(c.nwd[8.0], c.nwd[64.0])  # equal sizes: only the offset matters
    np.testing.assert_allclose(c.nwd[8.0], np.exp(-np.sqrt(c.offsets**2 + 1e-6) / 12.8), rtol=1e-12)
    assert np.all(c.iou[8.0][c.offsets >= 8] == 0) and np.all(c.nwd[8.0] > 0)


def test_dfl_view_is_the_core_dfl_with_a_gradient_p_minus_p_star():
    v = A.dfl_view(16, y=6.3, mu=5.0, sigma=1.0)
    np.testing.assert_allclose(v.grid, np.arange(17))
    np.testing.assert_allclose(v.target_dist[6:8], [0.7, 0.3])
    assert v.target_dist.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(v.grad, v.probs - v.target_dist, atol=1e-12)
    logits = torch.as_tensor(np.log(v.probs))[None]
    assert v.ce == pytest.approx(
        float(losses.distribution_focal_loss(logits, torch.tensor([6.3], dtype=torch.float64)))
    )
    assert np.all(v.sweep_grad_l1 <= 2 + 1e-12)
    assert A.dfl_view(16, y=20.0).t_used == 16.0


def test_seed_grid_never_reaches_plus_alpha():
    assert A.seed_grid_end(2.0, 10) == pytest.approx(1.636, abs=1e-3)  # the notes' number
    assert A.seed_grid_end(5.0, 5) < 5.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: _sweep(component="y"), "component must be one of"),
        (lambda: _sweep(mode="area"), "mode must be one of"),
        (lambda: _sweep(error=0.0), "error must be > 0"),
        (lambda: _sweep(mode="iou", error=1.0), "IoU in"),
        (lambda: _sweep(smooth_beta=-1.0), "beta must be >= 0"),
        (lambda: _sweep(nwd_constant=0.0), "constant must be > 0"),
        (lambda: A.size_sweep(names=("Huber",)), "name must be one of"),
        (lambda: A.nwd_vs_offset((0.0,)), "sizes must be positive"),
        (lambda: A.dfl_view(sigma=0.0), "sigma must be > 0"),
    ],
)
def test_analysis_rejects_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_box_size_figures_take_every_colour_from_the_shared_palette():
    # issue 14: one palette everywhere; a loss has the same colour here as on the regression and IoU pages
    from lossviz.figures import boxsize as F
    from lossviz.figures import style

    def colours(node) -> set[str]:
        if isinstance(node, dict):
            items = [(k, v) for k, v in node.items() if k != "template"]  # the shared template is style's own
            return set().union(*(({v} if "color" in k and isinstance(v, str) else colours(v)) for k, v in items))
        return set().union(*map(colours, node)) if isinstance(node, list | tuple) else set()

    sweep = A.size_sweep(A.SizeSettings(points=9))
    size = F.size_figure(sweep, A.LOSS_NAMES, as_dict=True)
    nwd = F.nwd_figure(A.nwd_vs_offset((8.0, 64.0), points=9), as_dict=True)
    palette = {v for v in vars(style).values() if isinstance(v, str)} | set(style.LOSS.values())
    palette |= set(style.CATEGORICAL)
    for fig in (size, nwd):
        assert colours(fig) <= palette, colours(fig) - palette
    for code, name in A.LOSS_CODES.items():
        tr = next(tr for tr in size["data"] if tr["legendgroup"] == name)
        assert tr["line"]["color"] == style.LOSS[code], name


def test_losses_that_share_a_colour_on_the_size_chart_differ_in_dash():
    # A fresh user could not tell Balanced L1 from DIoU (both red) or Smooth L1 from GIoU (both blue) on the size chart.
    from lossviz.figures import boxsize as FB

    names = list(FB.COLORS)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if FB.COLORS[a] == FB.COLORS[b] or {a, b} == {"Smooth L1", "GIoU"}:
                assert FB.DASH[a] != FB.DASH[b], (a, b)
