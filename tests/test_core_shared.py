"""The shared pieces of the loss core: input checks, reductions, and the autograd helper."""

import math

import numpy as np
import pytest
import torch

from lossviz.losses import _validate as v
from lossviz.losses import value_and_grad


def test_check_tensor_rejects_nan_inf_and_integers():
    with pytest.raises(ValueError, match="pred contains NaN or inf"):
        v.check_tensor("pred", torch.tensor([1.0, math.nan]))
    with pytest.raises(ValueError, match="pred contains NaN or inf"):
        v.check_tensor("pred", torch.tensor([math.inf]))
    with pytest.raises(ValueError, match="pred must be a floating-point tensor"):
        v.check_tensor("pred", torch.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"pred must be a torch\.Tensor"):
        v.check_tensor("pred", [1.0])


def test_check_boxes_names_the_argument_and_the_problem():
    with pytest.raises(ValueError, match=r"target must have shape \(\.\.\., 4\)"):
        v.check_boxes("target", torch.zeros(3, 5))
    with pytest.raises(ValueError, match="boxes has inverted boxes"):
        v.check_boxes("boxes", torch.tensor([[2.0, 0.0, 1.0, 1.0]]))
    v.check_boxes("boxes", torch.tensor([[1.0, 1.0, 1.0, 1.0]]))  # zero area is allowed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gt": 0}, "must be > 0"),
        ({"ge": 1}, "must be >= 1"),
        ({"lt": -1}, "must be < -1"),
        ({"le": -2}, "must be <= -2"),
    ],
)
def test_check_param_bounds(kwargs, message):
    with pytest.raises(ValueError, match=f"beta {message}"):
        v.check_param("beta", -1.0, **kwargs)


def test_check_param_rejects_non_numbers_and_non_finite():
    with pytest.raises(ValueError, match="alpha must be a number"):
        v.check_param("alpha", "abc")
    with pytest.raises(ValueError, match="alpha must be finite"):
        v.check_param("alpha", float("nan"))
    assert v.check_param("alpha", 1) == 1.0


def test_reduce_modes_and_empty_mean_is_zero():
    x = torch.tensor([1.0, 2.0, 3.0])
    assert torch.equal(v.reduce(x, "none"), x)
    assert v.reduce(x, "sum").item() == 6.0
    assert v.reduce(x, "mean").item() == 2.0
    assert v.reduce(torch.zeros(0), "mean").item() == 0.0
    with pytest.raises(ValueError, match="reduction must be one of"):
        v.reduce(x, "max")


def test_value_and_grad_matches_a_known_derivative():
    x = np.linspace(-2, 2, 9)
    loss, grad = value_and_grad(lambda a: a**3, x)
    np.testing.assert_allclose(loss, x**3)
    np.testing.assert_allclose(grad, 3 * x**2)


def test_value_and_grad_several_inputs_and_no_leak_into_inputs():
    a = torch.tensor([1.0, 2.0])
    b = np.array([3.0, 4.0])
    _, (ga, gb) = value_and_grad(lambda x, y: x * y, a, b, wrt=(0, 1))
    np.testing.assert_allclose(ga, b)
    np.testing.assert_allclose(gb, a.numpy())
    assert a.grad is None and not a.requires_grad


def test_value_and_grad_of_input_not_reached_is_zero():
    _, g = value_and_grad(lambda x, y: x * 2, np.ones(3), np.ones(3), wrt=1)
    np.testing.assert_array_equal(g, np.zeros(3))
