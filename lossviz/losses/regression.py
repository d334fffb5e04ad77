"""Elementwise regression losses on residuals: L1, L2, Smooth L1 and Libra R-CNN's Balanced L1.

Every loss takes ``pred`` and ``target`` of the same shape (float16, bfloat16, float32 or float64, any device) and
works on the residual ``d = pred - target``; half-precision inputs are computed in float32 and the result is returned
in the input's dtype (see ``_validate.half_safe``). Hyper-parameters are keyword-only. The closed-form
derivatives ``*_grad(d, ...)`` are written from the formulas, not
from autograd, so the app (and the tests) can compare the two.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from ._validate import MAX_SCALE, check_param, check_reduction, check_same_shape, check_tensor, half_safe, reduce

__all__ = [
    "balanced_l1_b",
    "balanced_l1_grad",
    "balanced_l1_loss",
    "l1_grad",
    "l1_loss",
    "l2_grad",
    "l2_loss",
    "smooth_l1_grad",
    "smooth_l1_loss",
]


#: Below this β the quadratic part of Smooth L1 is narrower than any float32 number: the loss is the L1 loss exactly.
_TINY_BETA = float(torch.finfo(torch.float32).tiny)


def _residual(pred: Tensor, target: Tensor, reduction: str) -> Tensor:
    check_tensor("pred", pred)
    check_tensor("target", target)
    check_same_shape("pred", pred, "target", target)
    check_reduction(reduction)
    return pred - target


def _check_balanced(alpha: float, gamma: float, beta: float) -> tuple[float, float, float]:
    alpha = check_param("alpha", alpha, ge=1e-3, le=1e3)
    gamma = check_param("gamma", gamma, ge=1e-3, le=1e3)
    beta = check_param("beta", beta, ge=1e-6, le=MAX_SCALE)
    if gamma / alpha > 700:  # e^{γ/α} overflows float64 beyond ~709
        raise ValueError(f"gamma / alpha must be <= 700 (b = e^(gamma/alpha) - 1 overflows), got {gamma / alpha}")
    return alpha, gamma, beta


@half_safe
def l1_loss(
    pred: Tensor,
    target: Tensor,
    *,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """L1 loss ``|d|`` with ``d = pred - target``.

    Args:
        pred, target: ``Tensor[...]`` of the same shape, floating point, finite.
        reduction: "none" (default, one value per element), "mean" or "sum".
        weight: optional ``Tensor`` broadcastable to ``pred``, ``>= 0`` (mmdetection's ``weight``).
        avg_factor: optional ``> 0``; "mean" divides the sum by it instead of the element count.

    Returns:
        ``Tensor[...]`` for "none", else a scalar; in ``pred``'s dtype.

    Raises:
        ValueError: if ``pred`` or ``target`` is not a floating tensor, holds NaN/inf, or their shapes differ; if
            ``reduction`` is unknown or ``weight``/``avg_factor`` is invalid. The message names the argument.

    Reference: the absolute error; Fast R-CNN's Smooth L1 reduces to it for ``beta = 0`` (Girshick, "Fast R-CNN",
    ICCV 2015, https://arxiv.org/abs/1504.08083).
    """
    d = _residual(pred, target, reduction)
    return reduce(d.abs(), reduction, weight, avg_factor)


@half_safe
def l2_loss(
    pred: Tensor,
    target: Tensor,
    *,
    half: bool = False,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """L2 (squared) loss ``d²``, or ``0.5·d²`` with ``half=True``.

    Computed in float32 for half inputs; a squared residual above 65504 (``|d|`` > 255) is ``inf`` once returned
    in float16, because float16 cannot hold it (its gradient, ``2d``, stays finite).

    Args:
        pred, target: ``Tensor[...]`` of the same shape, floating point, finite.
        half: scale by 0.5 (so that the gradient is ``d`` instead of ``2d``).
        reduction: "none" (default), "mean" or "sum".
        weight: optional ``Tensor`` broadcastable to ``pred``, ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the sum by it.

    Raises:
        ValueError: if ``pred`` or ``target`` is not a floating tensor, holds NaN/inf, or their shapes differ; if
            ``half`` is not a bool, ``reduction`` is unknown or ``weight``/``avg_factor`` is invalid.

    Reference: the squared error, as used for box deltas in R-CNN (Girshick et al., "Rich feature hierarchies for
    accurate object detection and semantic segmentation", CVPR 2014, https://arxiv.org/abs/1311.2524).
    """
    if not isinstance(half, bool):
        raise ValueError(f"half must be a bool, got {half!r}")
    d = _residual(pred, target, reduction)
    loss = d * d
    return reduce(0.5 * loss if half else loss, reduction, weight, avg_factor)


@half_safe
def smooth_l1_loss(
    pred: Tensor,
    target: Tensor,
    *,
    beta: float = 1.0,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Smooth L1 loss, torch's convention: ``0.5·d²/β`` for ``|d| < β``, else ``|d| − 0.5·β``.

    Any ``beta >= 0`` gives a finite value and gradient: the quadratic branch is evaluated at ``min(|d|, β)`` as
    ``0.5·x·(x/β)`` (never ``d²/β``, which overflows for a tiny β and poisons the gradient through ``torch.where``),
    and a β below float32's smallest normal number (1.2e-38) is the L1 loss, as in
    ``torch.nn.functional.smooth_l1_loss`` (the two differ by at most ``β/2``).

    Args:
        pred, target: ``Tensor[...]`` of the same shape, floating point, finite.
        beta: the inlier/outlier boundary, ``0 <= beta <= 1e6``; ``beta = 0`` is exactly the L1 loss. Default 1.
        reduction: "none" (default), "mean" or "sum".
        weight: optional ``Tensor`` broadcastable to ``pred``, ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the sum by it.

    Raises:
        ValueError: if ``pred`` or ``target`` is not a floating tensor, holds NaN/inf, or their shapes differ; if
            ``beta`` is outside ``[0, 1e6]``, ``reduction`` is unknown or ``weight``/``avg_factor`` is invalid.

    Reference: Girshick, "Fast R-CNN", ICCV 2015, https://arxiv.org/abs/1504.08083;
    ``torch.nn.functional.smooth_l1_loss``.
    """
    beta = check_param("beta", beta, ge=0, le=MAX_SCALE)
    d = _residual(pred, target, reduction)
    ad = d.abs()
    if beta < _TINY_BETA:
        return reduce(ad, reduction, weight, avg_factor)
    x = ad.clamp(max=beta)
    loss = torch.where(ad < beta, 0.5 * x * (x / beta), ad - 0.5 * beta)
    return reduce(loss, reduction, weight, avg_factor)


def balanced_l1_b(*, alpha: float = 0.5, gamma: float = 1.5) -> float:
    """``b = e^{γ/α} − 1``: the constant that makes Balanced L1's gradient continuous at ``|d| = 1``.

    Raises:
        ValueError: if ``alpha`` or ``gamma`` is not ``> 0`` or ``gamma / alpha > 700`` (``b`` overflows).

    Reference: Pang et al., "Libra R-CNN: Towards Balanced Learning for Object Detection", CVPR 2019, eq. (9),
    https://arxiv.org/abs/1904.02701.
    """
    alpha, gamma, _ = _check_balanced(alpha, gamma, 1.0)
    return math.expm1(gamma / alpha)


@half_safe
def balanced_l1_loss(
    pred: Tensor,
    target: Tensor,
    *,
    alpha: float = 0.5,
    gamma: float = 1.5,
    beta: float = 1.0,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Balanced L1 loss of Libra R-CNN, in mmdetection's form.

    With ``x = |d|`` and ``b = e^{γ/α} − 1``::

        x < β:  α/b·(b·x + 1)·ln(b·x/β + 1) − α·x
        x ≥ β:  γ·x + γ/b − α·β

    The loss is continuous at ``x = β`` for every valid ``α, γ, β``. Its gradient is continuous there only for
    ``β = 1``; for ``β ≠ 1`` this form (the one people train with) has a jump at ``β``, and for ``β > 1`` it is
    slightly negative near 0 (see ``balanced_l1_grad``).

    Args:
        pred, target: ``Tensor[...]`` of the same shape, floating point, finite.
        alpha: inlier gradient scale, ``1e-3 <= α <= 1e3`` (default 0.5).
        gamma: outlier gradient cap, ``1e-3 <= γ <= 1e3`` and ``γ/α <= 700`` (default 1.5).
        beta: inlier/outlier boundary, ``1e-6 <= β <= 1e6`` (default 1.0).
        reduction: "none" (default), "mean" or "sum".
        weight: optional ``Tensor`` broadcastable to ``pred``, ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the sum by it.

    Raises:
        ValueError: if ``pred`` or ``target`` is not a floating tensor, holds NaN/inf, or their shapes differ; if
            ``alpha``, ``gamma`` or ``beta`` is out of range or ``gamma / alpha > 700`` (``b`` overflows float64);
            if ``reduction``, ``weight`` or ``avg_factor`` is invalid.

    Reference: Pang et al., "Libra R-CNN: Towards Balanced Learning for Object Detection", CVPR 2019,
    https://arxiv.org/abs/1904.02701; mmdetection ``mmdet/models/losses/balanced_l1_loss.py``.
    """
    alpha, gamma, beta = _check_balanced(alpha, gamma, beta)
    d = _residual(pred, target, reduction)
    b = math.expm1(gamma / alpha)
    x = d.abs()
    # The inlier branch is written as α·(x + 1/b)·ln(b·x/β + 1) − α·x (the same function) and evaluated at
    # min(x, β), so that neither branch overflows for far outliers or a huge b: torch.where would otherwise turn
    # an inf in the unused branch into a NaN gradient.
    xi = _inlier_part(x, b, beta)
    inlier = alpha * (xi + 1 / b) * torch.log1p(b * xi / beta) - alpha * xi
    outlier = gamma * x + gamma / b - alpha * beta
    return reduce(torch.where(x < beta, inlier.to(x.dtype), outlier), reduction, weight, avg_factor)


def _inlier_part(x: Tensor, b: float, beta: float) -> Tensor:
    """``min(x, β)``, in float64 when ``x``'s dtype cannot hold ``b`` (float32 beyond γ/α ≈ 88)."""
    xi = x.clamp(max=beta)
    if b >= torch.finfo(x.dtype).max / 4:
        xi = xi.double()
    return xi


@half_safe
def l1_grad(d: Tensor) -> Tensor:
    """``d|d|/dd = sign(d)`` (0 at ``d = 0``, the subgradient torch's autograd picks).

    Raises:
        ValueError: if ``d`` is not a floating tensor or holds NaN/inf.

    Reference: Girshick, "Fast R-CNN", ICCV 2015, https://arxiv.org/abs/1504.08083 (the outlier branch of eq. 3).
    """
    check_tensor("d", d)
    return torch.sign(d)


@half_safe
def l2_grad(d: Tensor, *, half: bool = False) -> Tensor:
    """Derivative of ``d²`` (``2d``) or of ``0.5·d²`` (``d``) with respect to the residual.

    Raises:
        ValueError: if ``d`` is not a floating tensor or holds NaN/inf, or ``half`` is not a bool.

    Reference: Girshick et al., CVPR 2014, https://arxiv.org/abs/1311.2524.
    """
    if not isinstance(half, bool):
        raise ValueError(f"half must be a bool, got {half!r}")
    check_tensor("d", d)
    return d if half else 2 * d


@half_safe
def smooth_l1_grad(d: Tensor, *, beta: float = 1.0) -> Tensor:
    """Closed-form derivative of ``smooth_l1_loss`` w.r.t. the residual ``d``: ``d/β`` inside, ``sign(d)`` outside.

    Args:
        d: ``Tensor[...]`` residuals ``pred − target``.
        beta: ``0 <= beta <= 1e6``; ``beta`` below 1.2e-38 (``beta = 0`` included) gives ``sign(d)``.

    Raises:
        ValueError: if ``d`` is not a floating tensor or holds NaN/inf, or ``beta`` is outside ``[0, 1e6]``.

    Reference: Girshick, "Fast R-CNN", ICCV 2015, eq. (3), https://arxiv.org/abs/1504.08083.
    """
    beta = check_param("beta", beta, ge=0, le=MAX_SCALE)
    check_tensor("d", d)
    if beta < _TINY_BETA:
        return torch.sign(d)
    return torch.where(d.abs() < beta, d.clamp(-beta, beta) / beta, torch.sign(d))


@half_safe
def balanced_l1_grad(d: Tensor, *, alpha: float = 0.5, gamma: float = 1.5, beta: float = 1.0) -> Tensor:
    """Closed-form derivative of ``balanced_l1_loss`` (mmdetection form) w.r.t. the residual ``d``.

    Differentiating ``α/b·(b·x + 1)·ln(b·x/β + 1) − α·x`` in ``x = |d|`` gives, for ``x < β``::

        α·ln(b·x/β + 1) + α·(b·x + 1)/(b·x + β) − α

    and ``γ`` for ``x ≥ β``, each times ``sign(d)``. For ``β = 1`` the inlier part is the paper's
    ``α·ln(b·x + 1)``, which equals ``γ`` at ``x = 1``. For ``β ≠ 1`` the extra term ``α·(b·x + 1)/(b·x + β) − α``
    does not vanish: the gradient is ``α·(1/β − 1)`` just above 0 and jumps at ``x = β`` by
    ``α·(1 − β)/(β·(b + 1))``. For ``β > 1`` the slope near 0 is negative, so the loss dips below 0 there.

    Raises:
        ValueError: if ``d`` is not a floating tensor or holds NaN/inf, or a hyper-parameter is out of range (as
            for :func:`balanced_l1_loss`).

    Reference: Pang et al., "Libra R-CNN", CVPR 2019, eq. (8)–(9), https://arxiv.org/abs/1904.02701; mmdetection
    ``balanced_l1_loss``.
    """
    alpha, gamma, beta = _check_balanced(alpha, gamma, beta)
    check_tensor("d", d)
    b = math.expm1(gamma / alpha)
    x = d.abs()
    xi = _inlier_part(x, b, beta)  # (b·x + 1)/(b·x + β) written as (x + 1/b)/(x + β/b): no overflow for huge b
    inlier = alpha * torch.log1p(b * xi / beta) + alpha * (xi + 1 / b) / (xi + beta / b) - alpha
    outlier = torch.full_like(x, gamma)
    return torch.sign(d) * torch.where(x < beta, inlier.to(x.dtype), outlier)
