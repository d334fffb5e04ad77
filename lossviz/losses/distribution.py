"""C-BBL: box regression as classification over a grid of offsets, decoded by expectation.

A target offset ``t`` in ``[-a, a]`` is encoded as a *two-hot* distribution over ``n + 1`` grid points (linear
interpolation between the two neighbours, so that ``Σ p*_i·g_i = t``); the network predicts logits over the same
grid; the loss is the cross-entropy ``CE(p, p*)`` (its gradient w.r.t. the logits is ``p − p*``) plus the
uncertainty term ``|H(p*) − H(p)|``. GFL's Distribution Focal Loss (``distribution_focal_loss``) is the same two-hot
cross-entropy on the integer grid ``0 … reg_max``, written in mmdetection's form.
"""

from __future__ import annotations

import math
import numbers

import torch
from torch import Tensor

from ._validate import check_param, check_reduction, check_tensor, half_safe, reduce

__all__ = [
    "cbbl_ce_loss",
    "cbbl_entropy",
    "cbbl_grid",
    "cbbl_uncertainty_loss",
    "decode_expectation",
    "distribution_focal_loss",
    "two_hot",
]

GRID_KINDS = ("uniform", "exponential")


def cbbl_grid(
    n: int,
    a: float,
    *,
    kind: str = "uniform",
    beta: float = 1.0,
    dtype: torch.dtype = torch.float64,
    device: torch.device | str | None = None,
) -> Tensor:
    """The ``n + 1`` grid values ``g_0 < … < g_n`` spanning ``[-a, a]``.

    ``uniform``: ``y_i = −a + i·2a/n``, ``i = 0 … n`` (the seed's ``2a/(n+1)`` would not reach ``a``; ``2a/n`` does).
    ``exponential``: ``g_i = sign(y_i)·a/(e^{aβ} − 1)·(e^{β|y_i|} − 1)``: dense near 0, sparse near ``±a``.

    Args:
        n: number of intervals, an integer ``>= 1``.
        a: half-width of the range, ``> 0``.
        kind: "uniform" or "exponential".
        beta: growth rate of the exponential grid, ``> 0`` (ignored for "uniform").
        dtype, device: of the returned tensor.

    Returns:
        ``Tensor[n + 1]``, strictly increasing, ``g_0 = −a``, ``g_n = a`` (computed in float64, then cast).

    Raises:
        ValueError: if ``n`` is not an integer ``>= 1``, ``a`` or ``beta`` is not ``> 0``, ``kind`` is unknown, or
            ``a * beta > 700`` for the exponential grid.

    Reference: Sun et al., "Confidence-driven Bounding Box Localization for Small Object Detection" (C-BBL),
    eq. (5)–(7), https://arxiv.org/abs/2303.01803.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral | float) or not float(n).is_integer():
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    n = int(check_param("n", n, ge=1))
    a = check_param("a", a, gt=0)
    beta = check_param("beta", beta, gt=0)
    if kind not in GRID_KINDS:
        raise ValueError(f"kind must be one of {GRID_KINDS}, got {kind!r}")
    if kind == "exponential" and a * beta > 700:
        raise ValueError(f"a * beta must be <= 700 (e^(a*beta) overflows), got {a * beta}")
    i = torch.arange(n + 1, dtype=torch.float64)
    y = -a + i * (2 * a / n)
    y[-1] = a  # exact end point despite rounding
    if kind == "exponential":
        scale = a / math.expm1(a * beta)
        y = torch.sign(y) * scale * torch.expm1(beta * y.abs())
        y[0], y[-1] = -a, a
    return y.to(dtype=dtype, device=device)


def _check_grid(grid: Tensor) -> None:
    check_tensor("grid", grid)
    if grid.ndim != 1 or grid.numel() < 2:
        raise ValueError(f"grid must be a 1-D tensor of at least 2 points, got shape {tuple(grid.shape)}")
    if not bool((grid[1:] > grid[:-1]).all()):
        raise ValueError("grid must be strictly increasing")


def _check_dist(name: str, p: Tensor, size: int) -> None:
    check_tensor(name, p)
    if p.ndim < 1 or p.shape[-1] != size:
        raise ValueError(f"{name} must have shape (..., {size}) to match the grid, got {tuple(p.shape)}")
    if bool((p < 0).any()):
        raise ValueError(f"{name} must be non-negative (a probability distribution)")
    tol = 1e-3 if p.dtype in (torch.float16, torch.bfloat16) else 1e-4
    if p.numel() and not bool(((p.sum(-1) - 1).abs() <= tol).all()):
        raise ValueError(f"{name} must sum to 1 along the last dimension")


@half_safe
def two_hot(t: Tensor, grid: Tensor) -> Tensor:
    """The two-hot target distribution of ``t`` over ``grid``.

    With ``g_l <= t <= g_{l+1}`` the two neighbours, ``p*_l = (g_{l+1} − t)/(g_{l+1} − g_l)`` and
    ``p*_{l+1} = (t − g_l)/(g_{l+1} − g_l)``; every other entry is 0. So ``Σ p*_i = 1`` and ``Σ p*_i·g_i = t``.
    Values of ``t`` outside ``[g_0, g_n]`` are clamped to the nearest end (all the mass on ``g_0`` or ``g_n``):
    a grid cannot represent them, and the decoded expectation then equals the clamped value.

    Args:
        t: ``Tensor[...]`` targets, floating point, finite.
        grid: ``Tensor[n + 1]`` strictly increasing (see ``cbbl_grid``).

    Returns:
        ``Tensor[..., n + 1]`` in the dtype of ``t``.

    Raises:
        ValueError: if ``t`` is not a finite floating tensor or ``grid`` is not a strictly increasing 1-D tensor of
            at least 2 points.

    Reference: C-BBL, eq. (6), https://arxiv.org/abs/2303.01803; also Generalized Focal Loss's DFL target (Li et al.
    2020, https://arxiv.org/abs/2006.04388).
    """
    check_tensor("t", t)
    _check_grid(grid)
    g = grid.to(dtype=t.dtype, device=t.device)
    n = g.numel() - 1
    tc = t.clamp(g[0], g[-1])
    left = (torch.searchsorted(g, tc.detach().contiguous(), right=True) - 1).clamp(0, n - 1)
    g_left, g_right = g[left], g[left + 1]
    w_right = (tc - g_left) / (g_right - g_left)
    w_left = 1 - w_right
    out = torch.zeros((*t.shape, n + 1), dtype=t.dtype, device=t.device)
    out = out.scatter_add(-1, left.unsqueeze(-1), w_left.unsqueeze(-1))
    return out.scatter_add(-1, (left + 1).unsqueeze(-1), w_right.unsqueeze(-1))


@half_safe
def decode_expectation(logits_or_probs: Tensor, grid: Tensor, *, from_logits: bool = True) -> Tensor:
    """Decode a distribution over the grid to a value: ``Σ p_i·g_i``, ``p = softmax(logits)`` if ``from_logits``.

    Args:
        logits_or_probs: ``Tensor[..., n + 1]``; probabilities must be non-negative and sum to 1 when
            ``from_logits=False``.
        grid: ``Tensor[n + 1]``.

    Returns:
        ``Tensor[...]``.

    Raises:
        ValueError: if ``grid`` is invalid or the last dimension does not match it, or probabilities are negative
            or do not sum to 1.

    Reference: C-BBL, eq. (8) (expectation instead of a top-k average), https://arxiv.org/abs/2303.01803.
    """
    _check_grid(grid)
    if from_logits:
        check_tensor("logits", logits_or_probs)
        if logits_or_probs.ndim < 1 or logits_or_probs.shape[-1] != grid.numel():
            raise ValueError(
                f"logits must have shape (..., {grid.numel()}) to match the grid, got {tuple(logits_or_probs.shape)}"
            )
        p = torch.softmax(logits_or_probs, dim=-1)
    else:
        _check_dist("probs", logits_or_probs, grid.numel())
        p = logits_or_probs
    return (p * grid.to(dtype=p.dtype, device=p.device)).sum(-1)


def _check_logits_target(logits: Tensor, target_dist: Tensor, reduction: str) -> None:
    check_tensor("logits", logits)
    if logits.ndim < 1 or logits.shape[-1] < 2:
        raise ValueError(f"logits must have shape (..., n + 1) with n >= 1, got {tuple(logits.shape)}")
    _check_dist("target_dist", target_dist, logits.shape[-1])
    if target_dist.shape != logits.shape:
        raise ValueError(
            f"logits and target_dist must have the same shape, got {tuple(logits.shape)} and {tuple(target_dist.shape)}"
        )
    check_reduction(reduction)


@half_safe
def cbbl_entropy(p: Tensor) -> Tensor:
    """Shannon entropy ``H(p) = −Σ p_i·ln p_i`` over the last dimension, with ``0·ln 0 = 0`` (nats).

    Raises:
        ValueError: if ``p`` is not a finite floating tensor.

    Reference: C-BBL, eq. (11), https://arxiv.org/abs/2303.01803.
    """
    check_tensor("p", p)
    return -torch.special.xlogy(p, p).sum(-1)


@half_safe
def cbbl_ce_loss(logits: Tensor, target_dist: Tensor, *, reduction: str = "none") -> Tensor:
    """Cross-entropy ``CE(p, p*) = −Σ p*_i·ln p_i`` with ``p = softmax(logits)``.

    Its gradient w.r.t. the logits is ``p − p*`` (``p*`` sums to 1). Computed with ``log_softmax``, so it stays
    finite for any finite logits.

    Args:
        logits: ``Tensor[..., n + 1]``.
        target_dist: ``Tensor[..., n + 1]`` non-negative, summing to 1 (e.g. from ``two_hot``).
        reduction: "none" (default, one value per distribution), "mean" or "sum".

    Raises:
        ValueError: if ``logits`` is not a finite floating ``(..., n + 1)`` tensor, ``target_dist`` is not a
            distribution of the same shape, or ``reduction`` is unknown.

    Reference: C-BBL, eq. (9)–(10), https://arxiv.org/abs/2303.01803.
    """
    _check_logits_target(logits, target_dist, reduction)
    loss = -(target_dist * torch.log_softmax(logits, dim=-1)).sum(-1)
    return reduce(loss, reduction)


@half_safe
def cbbl_uncertainty_loss(logits: Tensor, target_dist: Tensor, *, reduction: str = "none") -> Tensor:
    """Uncertainty term ``|H(p*) − H(p)|`` with ``p = softmax(logits)`` and ``0·ln 0 = 0``.

    ``H(p) = −Σ p_i·log_softmax_i`` is smooth in the logits, so the gradient is finite everywhere (at
    ``H(p*) = H(p)`` autograd takes the subgradient 0 of ``|·|``). ``target_dist`` is treated as a label.

    Args:
        logits: ``Tensor[..., n + 1]``.
        target_dist: ``Tensor[..., n + 1]`` non-negative, summing to 1.
        reduction: "none" (default), "mean" or "sum".

    Raises:
        ValueError: as :func:`cbbl_ce_loss`.

    Reference: C-BBL, eq. (11), https://arxiv.org/abs/2303.01803.
    """
    _check_logits_target(logits, target_dist, reduction)
    h_target = -torch.special.xlogy(target_dist, target_dist).detach().sum(-1)
    log_p = torch.log_softmax(logits, dim=-1)
    h_pred = -(log_p.exp() * log_p).sum(-1)
    return reduce((h_target - h_pred).abs(), reduction)


def distribution_focal_loss(logits: Tensor, target: Tensor, *, reduction: str = "none") -> Tensor:
    """Distribution Focal Loss (GFL): cross-entropy on the two integer bins around a continuous target.

    With ``l = ⌊y⌋`` and ``r = l + 1`` (bins ``0 … n`` standing for the values ``0 … n``, GFL's ``Integral``)::

        DFL(S, y) = −((r − y)·ln S_l + (y − l)·ln S_r),   S = softmax(logits)

    which is mmdetection's ``distribution_focal_loss`` (``F.cross_entropy`` on ``l`` and on ``r``, weighted), and equal
    to :func:`cbbl_ce_loss` with the two-hot target of ``y`` on the integer grid. The target is a label (no gradient
    flows into it); the gradient w.r.t. the logits is ``S − p*``, bounded by 1 in size. mmdetection clamps its
    targets to ``reg_max − 0.01`` because ``y = n`` would index bin ``n + 1``; here ``y = n`` is accepted and puts
    all the weight on bin ``n`` (the limit of the formula).

    Args:
        logits: ``Tensor[..., n + 1]`` with ``n >= 1`` (GFL: ``reg_max + 1 = 17`` bins), floating point, finite.
        target: ``Tensor[...]`` (``logits.shape[:-1]``), values in ``[0, n]`` (distances in bin units).
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.

    Returns:
        The loss in the dtype of ``logits`` (computed in at least float32).

    Raises:
        ValueError: bad logits (shape, dtype, non-finite), a target of the wrong shape, non-finite or outside
            ``[0, n]``, or an unknown ``reduction``.

    Reference: Li et al., "Generalized Focal Loss: Learning Qualified and Distributed Bounding Boxes for Dense Object
    Detection", NeurIPS 2020, arXiv:2006.04388 (https://arxiv.org/abs/2006.04388); mmdetection
    ``mmdet/models/losses/gfocal_loss.py``.
    """
    check_tensor("logits", logits)
    if logits.ndim < 1 or logits.shape[-1] < 2:
        raise ValueError(f"logits must have shape (..., n + 1) with n >= 1, got {tuple(logits.shape)}")
    check_tensor("target", target)
    if target.shape != logits.shape[:-1]:
        raise ValueError(
            f"target must have shape logits.shape[:-1] = {tuple(logits.shape[:-1])}, got {tuple(target.shape)}"
        )
    check_reduction(reduction)
    n = logits.shape[-1] - 1
    if target.numel() and not bool(((target >= 0) & (target <= n)).all()):
        raise ValueError(f"target must lie in [0, n] = [0, {n}] (bin units)")
    dtype = torch.promote_types(logits.dtype, torch.float32)
    y = target.detach().to(device=logits.device, dtype=dtype)
    left = y.floor().long().clamp(max=n - 1)
    w_left = (left + 1).to(dtype) - y
    w_right = y - left.to(dtype)
    log_p = torch.log_softmax(logits.to(dtype), dim=-1)
    log_left = log_p.gather(-1, left.unsqueeze(-1)).squeeze(-1)
    log_right = log_p.gather(-1, (left + 1).unsqueeze(-1)).squeeze(-1)
    loss = -(w_left * log_left + w_right * log_right)
    return reduce(loss, reduction).to(logits.dtype)
