"""Distribution Focal Loss: mmdetection's formula, the two-hot CE it equals, its bounded gradient, bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.losses import cbbl_ce_loss, distribution_focal_loss, two_hot, value_and_grad

F64 = torch.float64


def _mmdet_dfl(pred: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
    """mmdetection ``mmdet/models/losses/gfocal_loss.py`` ``distribution_focal_loss``, as written there."""
    dis_left = label.long()
    dis_right = dis_left + 1
    weight_left = dis_right.to(label.dtype) - label
    weight_right = label - dis_left.to(label.dtype)
    return (
        TF.cross_entropy(pred, dis_left, reduction="none") * weight_left
        + TF.cross_entropy(pred, dis_right, reduction="none") * weight_right
    )


def test_dfl_matches_mmdetection_on_gfl_shaped_inputs():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(500, 17, generator=gen, dtype=F64) * 3
    label = torch.rand(500, generator=gen, dtype=F64) * 15.99  # mmdetection clamps targets below reg_max
    torch.testing.assert_close(distribution_focal_loss(logits, label), _mmdet_dfl(logits, label))
    torch.testing.assert_close(
        distribution_focal_loss(logits, label, reduction="mean"), _mmdet_dfl(logits, label).mean()
    )


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 20), st.floats(0, 1), st.integers(0, 2**31 - 1))
def test_dfl_is_the_two_hot_cross_entropy_on_the_integer_grid(n, frac, seed):
    y = torch.tensor([frac * n], dtype=F64)
    logits = torch.randn(1, n + 1, generator=torch.Generator().manual_seed(seed), dtype=F64)
    target = two_hot(y, torch.arange(n + 1, dtype=F64))
    torch.testing.assert_close(distribution_focal_loss(logits, y), cbbl_ce_loss(logits, target))


def test_dfl_gradient_is_softmax_minus_two_hot_and_bounded_by_one():
    logits = torch.tensor([[8.0, -8.0, 0.0, 0.0, -3.0]], dtype=F64)  # confident and wrong
    y = torch.tensor([3.25], dtype=F64)
    _, grad = value_and_grad(distribution_focal_loss, logits, y)
    expected = torch.softmax(logits, -1) - torch.tensor([[0, 0, 0, 0.75, 0.25]], dtype=F64)
    np.testing.assert_allclose(grad, expected.numpy(), atol=1e-12)
    assert np.abs(grad).max() <= 1


def test_integer_targets_are_plain_cross_entropy_and_the_top_bin_is_accepted():
    logits = torch.randn(3, 5, generator=torch.Generator().manual_seed(1), dtype=F64)
    y = torch.tensor([0.0, 2.0, 4.0], dtype=F64)  # y = n = 4: mmdetection would index bin 5
    torch.testing.assert_close(distribution_focal_loss(logits, y), TF.cross_entropy(logits, y.long(), reduction="none"))


def test_target_carries_no_gradient_and_half_precision_is_kept():
    logits = torch.zeros(2, 17, dtype=torch.float16, requires_grad=True)
    y = torch.tensor([3.3, 15.5], dtype=torch.float16, requires_grad=True)
    loss = distribution_focal_loss(logits, y)
    assert loss.dtype == torch.float16
    loss.sum().backward()
    assert y.grad is None and bool(torch.isfinite(logits.grad).all())


@pytest.mark.parametrize(
    ("logits", "target", "match"),
    [
        (torch.zeros(2, 5), torch.tensor([1.0, 4.5]), r"target must lie in \[0, n\]"),
        (torch.zeros(2, 5), torch.tensor([-0.1, 1.0]), r"target must lie in \[0, n\]"),
        (torch.zeros(2, 5), torch.tensor([1.0]), "target must have shape"),
        (torch.zeros(2, 1), torch.tensor([0.0, 0.0]), "logits must have shape"),
        (torch.zeros(2, 5, dtype=torch.long), torch.tensor([1.0, 2.0]), "logits must be a floating-point"),
        (torch.zeros(2, 5), torch.tensor([1.0, float("inf")]), "target contains NaN or inf"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_argument(logits, target, match):
    with pytest.raises(ValueError, match=match):
        distribution_focal_loss(logits, target)
