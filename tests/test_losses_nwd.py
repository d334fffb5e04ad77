"""NWD: the closed form, the official code's numbers (eps quirk included), gradients, dtypes, bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.losses import iou_loss, nwd, nwd_loss

F64 = torch.float64


def _official(b1: np.ndarray, b2: np.ndarray, constant: float = 12.8, eps: float = 1e-6) -> np.ndarray:
    """jwwangchn/NWD ``bbox_overlaps(mode='wasserstein', is_aligned=False)``, transcribed to numpy (pairwise),
    eps on the squared centre distance and on every width and height, as in that file."""
    c1 = (b1[:, None, :2] + b1[:, None, 2:]) / 2
    c2 = (b2[None, :, :2] + b2[None, :, 2:]) / 2
    whs = c1 - c2
    center_distance = whs[..., 0] ** 2 + whs[..., 1] ** 2 + eps
    w1 = b1[:, None, 2] - b1[:, None, 0] + eps
    h1 = b1[:, None, 3] - b1[:, None, 1] + eps
    w2 = b2[None, :, 2] - b2[None, :, 0] + eps
    h2 = b2[None, :, 3] - b2[None, :, 1] + eps
    wh_distance = ((w1 - w2) ** 2 + (h1 - h2) ** 2) / 4
    return np.exp(-np.sqrt(center_distance + wh_distance) / constant)


BOXES = np.array(
    [
        [0.0, 0.0, 10.0, 10.0],
        [2.0, 0.0, 12.0, 10.0],  # shifted 2 px
        [100.0, 100.0, 101.0, 103.0],  # tiny and far away (disjoint)
        [5.0, 5.0, 5.0, 5.0],  # zero area
        [0.0, 0.0, 640.0, 480.0],
    ]
)


def test_nwd_matches_the_official_code_on_every_pair():
    expected = _official(BOXES, BOXES)
    n = len(BOXES)
    p = torch.as_tensor(BOXES, dtype=F64).repeat_interleave(n, 0)
    g = torch.as_tensor(BOXES, dtype=F64).repeat(n, 1)
    np.testing.assert_allclose(nwd(p, g).numpy().reshape(n, n), expected, rtol=1e-12)
    np.testing.assert_allclose(nwd(p, g, constant=5.0).numpy().reshape(n, n), _official(BOXES, BOXES, 5.0), rtol=1e-12)


def test_identical_boxes_give_the_official_eps_value_not_exactly_one():
    b = torch.tensor([[3.0, 4.0, 20.0, 9.0], [5.0, 5.0, 5.0, 5.0]], dtype=F64)  # a box and a zero-area box
    expected = math.exp(-math.sqrt(1e-6) / 12.8)
    torch.testing.assert_close(nwd(b, b), torch.full((2,), expected, dtype=F64))
    assert 1 - expected == pytest.approx(7.8125e-5, rel=1e-3)  # the ≈ 7.8e-5 of the notes
    torch.testing.assert_close(nwd_loss(b, b), torch.full((2,), 1 - expected, dtype=F64))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-50, 50), min_size=2, max_size=2),
    st.lists(st.floats(0, 80), min_size=4, max_size=4),
    st.floats(0.5, 40),
)
def test_nwd_is_exp_of_minus_the_gaussian_wasserstein_distance(centre_shift, sizes, constant):
    w1, h1, w2, h2 = sizes
    dx, dy = centre_shift
    p = torch.tensor([[-w1 / 2, -h1 / 2, w1 / 2, h1 / 2]], dtype=F64)
    g = torch.tensor([[dx - w2 / 2, dy - h2 / 2, dx + w2 / 2, dy + h2 / 2]], dtype=F64)
    w2_sq = dx**2 + dy**2 + ((w1 - w2) ** 2 + (h1 - h2) ** 2) / 4  # N(c, diag(w²/4, h²/4)) closed form
    expected = math.exp(-math.sqrt(w2_sq + 1e-6) / constant)
    assert nwd(p, g, constant=constant).item() == pytest.approx(expected, rel=1e-9, abs=1e-15)
    assert nwd(g, p, constant=constant).item() == pytest.approx(expected, rel=1e-9, abs=1e-15)  # symmetric


@pytest.mark.parametrize("w", [4.0, 16.0, 256.0])
def test_nwd_gradient_per_pixel_is_exp_over_c_whatever_the_box_size(w):
    d = 3.0
    shift = torch.tensor(d, dtype=F64, requires_grad=True)
    target = torch.tensor([[0.0, 0.0, w, w]], dtype=F64)
    pred = target + torch.stack([shift, torch.zeros_like(shift), shift, torch.zeros_like(shift)])
    nwd_loss(pred, target).sum().backward()
    W = math.sqrt(d * d + 1e-6)
    assert shift.grad.item() == pytest.approx(math.exp(-W / 12.8) / 12.8 * d / W, rel=1e-12)


def test_disjoint_boxes_still_get_a_gradient_where_iou_gets_none():
    pred = torch.tensor([[0.0, 0.0, 4.0, 4.0]], dtype=F64, requires_grad=True)
    target = torch.tensor([[10.0, 0.0, 14.0, 4.0]], dtype=F64)
    nwd_loss(pred, target).sum().backward()
    assert pred.grad[0, 0] < 0 and pred.grad[0, 2] < 0  # moving right lowers the loss
    p2 = pred.detach().clone().requires_grad_(True)
    iou_loss(p2, target).sum().backward()
    assert float(p2.grad.abs().sum()) == 0.0


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, F64])
def test_identical_and_zero_area_boxes_have_finite_gradients_in_every_dtype(dtype):
    boxes = torch.tensor([[1.0, 1.0, 9.0, 5.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0]], dtype=dtype)
    target = torch.tensor([[1.0, 1.0, 9.0, 5.0], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0]], dtype=dtype)
    pred = boxes.clone().requires_grad_(True)
    loss = nwd_loss(pred, target)
    assert loss.dtype == dtype
    loss.sum().backward()
    assert bool(torch.isfinite(pred.grad).all())
    assert bool((loss >= 0).all()) and bool((loss < 1).all())


def test_half_inputs_are_computed_in_float32_inside():
    # 300 px apart: the squared centre distance 90000 overflows float16 (max 65504) and would give NWD = 0
    p = torch.tensor([[0.0, 0.0, 2.0, 2.0]], dtype=torch.float16)
    g = torch.tensor([[300.0, 0.0, 302.0, 2.0]], dtype=torch.float16)
    out = nwd(p, g, constant=1000.0)
    assert out.dtype == torch.float16
    assert out.item() == pytest.approx(math.exp(-0.3), abs=1e-3)


def test_reductions():
    p = torch.tensor([[0.0, 0.0, 4.0, 4.0], [0.0, 0.0, 8.0, 8.0]], dtype=F64)
    g = p + 1
    each = nwd_loss(p, g)
    torch.testing.assert_close(nwd_loss(p, g, reduction="mean"), each.mean())
    torch.testing.assert_close(nwd_loss(p, g, reduction="sum"), each.sum())
    assert nwd_loss(p[:0], g[:0], reduction="mean").item() == 0.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pred": torch.tensor([[4.0, 0.0, 0.0, 4.0]])}, "pred has inverted boxes"),
        ({"target": torch.tensor([[0.0, 0.0, 4.0]])}, r"target must have shape \(\.\.\., 4\)"),
        ({"target": torch.tensor([[0.0, 0.0, float("nan"), 4.0]])}, "target contains NaN"),
        ({"target": torch.tensor([[0.0, 0.0, 4.0, 4.0]], dtype=F64)}, "same dtype"),
        ({"constant": 0.0}, "constant must be > 0"),
        ({"eps": 0.0}, "eps must be > 0"),
        ({"reduction": "max"}, "reduction must be one of"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_argument(kwargs, match):
    args = {"pred": torch.tensor([[0.0, 0.0, 4.0, 4.0]]), "target": torch.tensor([[1.0, 0.0, 5.0, 4.0]]), **kwargs}
    with pytest.raises(ValueError, match=match):
        nwd_loss(args.pop("pred"), args.pop("target"), **args)
