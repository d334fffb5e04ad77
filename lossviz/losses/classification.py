"""Classification losses for the foreground/background imbalance of dense detectors.

Focal loss (torchvision numerics), class-balanced weighting by the effective number of samples, gradient
harmonizing (GHM-C / GHM-R, mmdetection semantics) and AP-loss with its error-driven update (official code).
Pure torch. Logits are raw scores (before the sigmoid); targets are in ``[0, 1]``; ``labels`` are only ever class
indices. float16/bfloat16 inputs are computed in float32 and returned in their own dtype; counts and sums are never
held in half precision. Hyper-parameters are keyword-only.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

from ._validate import MAX_SCALE, check_param, check_reduction, check_same_shape, check_tensor, half_safe, reduce

__all__ = [
    "CB_LOSS_TYPES",
    "APLossFunction",
    "APLossResult",
    "GHMWeights",
    "ap_loss",
    "asl1_loss",
    "class_balanced_loss",
    "class_balanced_weights",
    "effective_number",
    "focal_loss_grad",
    "ghm_c_loss",
    "ghm_c_weights",
    "ghm_r_loss",
    "ghm_r_weights",
    "modulating_factor",
    "sigmoid_focal_loss",
]

CB_LOSS_TYPES = ("softmax", "sigmoid", "focal")
MAX_GAMMA = 1000.0  # focusing parameters above this make (1 - p_t)^gamma 0 for every p_t > 0.007 anyway
MAX_BINS = 100_000
MIN_AP_DELTA, MAX_AP_DELTA = 1e-6, 1e6  # the step's half-width, in logit units
_MU_FLOOR = math.sqrt(torch.finfo(torch.float32).tiny)  # mu² must not underflow float32


def _check_targets(name: str, targets: Tensor) -> None:
    check_tensor(name, targets)
    if bool((targets < 0).any()) or bool((targets > 1).any()):
        raise ValueError(f"{name} must lie in [0, 1]")


def _check_alpha_gamma(alpha: float, gamma: float) -> tuple[float, float]:
    # alpha < 0 disables the alpha weighting (torchvision); alpha > 1 is not a weight.
    a = check_param("alpha", alpha, le=1.0)
    g = check_param("gamma", gamma, ge=0.0, le=MAX_GAMMA)
    return a, g


# ----------------------------------------------------------------------------------------------------- focal loss


@half_safe
def modulating_factor(p_t: Tensor, *, gamma: float) -> Tensor:
    """Focal loss's modulating factor ``(1 - p_t)^gamma``.

    Args:
        p_t (Tensor[...]): probability of the true class, in ``[0, 1]``.
        gamma (float): focusing parameter, ``0 <= gamma <= 1000`` (``0`` gives all ones: plain cross-entropy).

    Raises:
        ValueError: if ``p_t`` is not a floating tensor in ``[0, 1]`` or ``gamma`` is out of range.

    Reference: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, https://arxiv.org/abs/1708.02002.
    """
    check_tensor("p_t", p_t)
    if bool((p_t < 0).any()) or bool((p_t > 1).any()):
        raise ValueError("p_t must lie in [0, 1]")
    g = check_param("gamma", gamma, ge=0.0, le=MAX_GAMMA)
    return (1.0 - p_t) ** g


def _focal_factor(q: Tensor, gamma: float) -> Tensor:
    """``q ** gamma`` (``q = 1 - p_t``) with torchvision's values but a finite gradient where ``q`` is exactly 0.

    For ``0 < gamma < 1`` a plain ``q ** gamma`` back-propagates ``gamma * 0 ** (gamma - 1) * dq/dx = inf * 0 = NaN``
    once the sigmoid saturates (``p_t == 1`` in floating point: ``|x|`` above ~17 in float32, ~37 in float64), although
    the focal loss's true derivative tends to 0 there. Below 0 (rounding) the factor is 0, not NaN.
    """
    if gamma == 0:
        return torch.ones_like(q)
    positive = q > 0
    return torch.where(positive, torch.where(positive, q, torch.ones_like(q)) ** gamma, torch.zeros_like(q))


@half_safe
def sigmoid_focal_loss(
    logits: Tensor,
    targets: Tensor,
    *,
    alpha: float = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Sigmoid focal loss ``FL = alpha_t * (1 - p_t)^gamma * BCE`` (torchvision's numerics).

    Args:
        logits (Tensor[...]): raw scores (torchvision calls them ``inputs``).
        targets (Tensor[...]): same shape, in ``[0, 1]`` (1 positive, 0 negative).
        alpha (float): weight of the positives in ``[0, 1]``; negatives get ``1 - alpha``. ``alpha < 0`` disables
            the weighting (``alpha_t = 1``). Default 0.25.
        gamma (float): focusing parameter ``0 <= gamma <= 1000``. Default 2. ``gamma = 0`` with ``alpha < 0`` is
            BCE.
        reduction (str): "none" | "mean" | "sum".
        weight (Tensor | None): per-element weight broadcastable to ``logits``, ``>= 0`` (mmdetection's).
        avg_factor (float | None): ``> 0``; "mean" divides the sum by it (e.g. the number of positives).

    Returns:
        Tensor[...] (or a scalar when reduced), in ``logits``' dtype. The modulating factor carries gradient.

    Raises:
        ValueError: if ``logits``/``targets`` are not finite floating tensors of one shape, ``targets`` leaves
            ``[0, 1]``, ``alpha > 1``, ``gamma`` is outside ``[0, 1000]``, or ``reduction``/``weight``/
            ``avg_factor`` is invalid.

    Reference: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, https://arxiv.org/abs/1708.02002;
    torchvision.ops.sigmoid_focal_loss.
    """
    check_tensor("logits", logits)
    _check_targets("targets", targets)
    check_same_shape("logits", logits, "targets", targets)
    alpha, gamma = _check_alpha_gamma(alpha, gamma)
    check_reduction(reduction)
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * _focal_factor(1 - p_t, gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return reduce(loss, reduction, weight, avg_factor)


@half_safe
def focal_loss_grad(logits: Tensor, targets: Tensor, *, alpha: float = 0.25, gamma: float = 2.0) -> Tensor:
    """Closed-form derivative of :func:`sigmoid_focal_loss` (reduction "none") with respect to the logit.

    With ``p = sigmoid(x)``, ``p_t = p*y + (1-p)(1-y)``, ``CE = BCE(x, y)`` and ``m = (1 - p_t)^gamma``::

        dCE/dx = p - y,     dp_t/dx = p(1 - p)(2y - 1),     dm/dx = -gamma (1 - p_t)^(gamma-1) dp_t/dx
        dFL/dx = alpha_t * ((p - y) * m + CE * dm/dx)

    For a hard label this is ``alpha_t (1 - p_t)^gamma (gamma p_t log p_t + p_t - 1) * (2y - 1)``.

    Args:
        logits (Tensor[...]), targets (Tensor[...] in [0, 1]), alpha, gamma: as in :func:`sigmoid_focal_loss`.

    Returns:
        Tensor[...]: ``d FL_i / d x_i``.

    Raises:
        ValueError: as :func:`sigmoid_focal_loss`.

    Reference: Lin et al., ICCV 2017, appendix (derivative of FL*), https://arxiv.org/abs/1708.02002.
    """
    check_tensor("logits", logits)
    _check_targets("targets", targets)
    check_same_shape("logits", logits, "targets", targets)
    alpha, gamma = _check_alpha_gamma(alpha, gamma)
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    q = 1 - p_t
    m = _focal_factor(q, gamma)
    dp_t = p * (1 - p) * (2 * targets - 1)
    if gamma == 0:
        dm = torch.zeros_like(logits)
    else:
        safe_q = torch.where(q > 0, q, torch.ones_like(q))
        dm = torch.where(q > 0, -gamma * safe_q ** (gamma - 1) * dp_t, torch.zeros_like(q))
    grad = (p - targets) * m + ce * dm
    if alpha >= 0:
        grad = (alpha * targets + (1 - alpha) * (1 - targets)) * grad
    return grad


# ------------------------------------------------------------------------------------------------ class-balanced


@half_safe
def effective_number(n: Tensor, *, beta: float) -> Tensor:
    """Effective number of samples ``E_n = (1 - beta^n) / (1 - beta)``.

    Args:
        n (Tensor[...]): sample counts, ``>= 0``.
        beta (float): in ``[0, 1)``; ``beta = 0`` gives ``E_n = 1`` for every ``n >= 1``; ``E_n -> n`` as
            ``beta -> 1``.

    Returns:
        Tensor[...] with ``1 <= E_n <= n`` for ``n >= 1``.

    Raises:
        ValueError: if ``n`` is not a finite floating tensor ``>= 0`` or ``beta`` is outside ``[0, 1)``.

    Reference: Cui et al., "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019,
    https://arxiv.org/abs/1901.05555.
    """
    check_tensor("n", n)
    if bool((n < 0).any()):
        raise ValueError("n must be >= 0")
    beta = check_param("beta", beta, ge=0.0, lt=1.0)
    if beta == 0.0:
        return (n > 0).to(n.dtype)
    # 1 - beta^n = -expm1(n log beta): accurate when beta is close to 1.
    return -torch.expm1(n * math.log(beta)) / (1.0 - beta)


@half_safe
def class_balanced_weights(counts: Tensor, *, beta: float) -> Tensor:
    """Per-class weights ``w_c = (1 - beta) / (1 - beta^{n_c})``, normalised so they sum to the number of classes.

    Args:
        counts (Tensor[C]): samples per class, each ``> 0`` (integer or floating tensor).
        beta (float): in ``[0, 1)``. ``beta = 0`` gives all ones; ``beta -> 1`` tends to inverse frequency.

    Returns:
        Tensor[C] (float64 for integer counts), summing to ``C`` and decreasing in the count.

    Raises:
        ValueError: if ``counts`` is not a non-empty 1-D tensor of finite values ``> 0`` or ``beta`` is outside
            ``[0, 1)``.

    Reference: Cui et al., CVPR 2019, eq. (4) and their code's normalisation, https://arxiv.org/abs/1901.05555.
    """
    if not isinstance(counts, Tensor):
        raise ValueError(f"counts must be a torch.Tensor, got {type(counts).__name__}")
    if counts.ndim != 1 or counts.numel() == 0:
        raise ValueError(f"counts must be a non-empty 1-D tensor, got shape {tuple(counts.shape)}")
    n = counts if counts.is_floating_point() else counts.to(torch.float64)
    check_tensor("counts", n)
    if bool((n <= 0).any()):
        raise ValueError("counts must all be > 0")
    e = effective_number(n, beta=beta)
    w = 1.0 / e  # = (1 - beta) / (1 - beta^n)
    return w / w.sum() * n.numel()


@half_safe
def class_balanced_loss(
    logits: Tensor,
    labels: Tensor,
    counts: Tensor,
    *,
    beta: float = 0.9999,
    loss_type: str = "softmax",
    gamma: float = 2.0,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Class-balanced loss: each sample's loss times its class's weight :func:`class_balanced_weights`.

    Args:
        logits (Tensor[N, C]): class scores.
        labels (Tensor[N]): integer class indices in ``[0, C)``.
        counts (Tensor[C]): training samples per class (``> 0``).
        beta (float): in ``[0, 1)``. Default 0.9999.
        loss_type (str): "softmax" (``-w_y log softmax(z)_y``), "sigmoid" (``w_y * sum_c BCE(z_c, [c = y])``) or
            "focal" (``w_y * sum_c (1 - p_t)^gamma BCE``, without alpha, as in the paper).
        gamma (float): focusing parameter of the "focal" variant, ``0 <= gamma <= 1000``.
        reduction (str): "none" | "mean" | "sum".
        weight (Tensor | None): per-sample weight ``Tensor[N]``, ``>= 0``, on top of the class weights.
        avg_factor (float | None): ``> 0``; "mean" divides the sum by it.

    Returns:
        Tensor[N] (or a scalar when reduced).

    Raises:
        ValueError: if ``logits`` is not a finite ``(N, C)`` floating tensor, ``labels`` not integer indices in
            ``[0, C)``, ``counts`` not ``(C,)`` positive counts, or a hyper-parameter, ``reduction``, ``weight`` or
            ``avg_factor`` invalid.

    Reference: Cui et al., "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019,
    https://arxiv.org/abs/1901.05555.
    """
    check_tensor("logits", logits)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, C), got {tuple(logits.shape)}")
    if not isinstance(labels, Tensor) or labels.is_floating_point() or labels.dtype == torch.bool:
        raise ValueError("labels must be an integer tensor of class indices")
    if labels.shape != logits.shape[:1]:
        raise ValueError(f"labels must have shape (N,) = {tuple(logits.shape[:1])}, got {tuple(labels.shape)}")
    if loss_type not in CB_LOSS_TYPES:
        raise ValueError(f"loss_type must be one of {CB_LOSS_TYPES}, got {loss_type!r}")
    gamma = check_param("gamma", gamma, ge=0.0, le=MAX_GAMMA)
    check_reduction(reduction)
    num_classes = logits.shape[1]
    if isinstance(counts, Tensor) and counts.shape != (num_classes,):
        raise ValueError(f"counts must have shape (C,) = ({num_classes},), got {tuple(counts.shape)}")
    if bool((labels < 0).any()) or bool((labels >= num_classes).any()):
        raise ValueError(f"labels must lie in [0, {num_classes})")
    weights = class_balanced_weights(counts, beta=beta).to(device=logits.device, dtype=logits.dtype)
    w = weights[labels]
    if loss_type == "softmax":
        per_sample = F.cross_entropy(logits, labels, reduction="none")
    else:
        one_hot = F.one_hot(labels, num_classes).to(logits.dtype)
        g = 0.0 if loss_type == "sigmoid" else gamma
        per_sample = sigmoid_focal_loss(logits, one_hot, alpha=-1.0, gamma=g).sum(dim=1)
    return reduce(w * per_sample, reduction, weight, avg_factor)


# ------------------------------------------------------------------------------------------------------------ GHM


class GHMWeights(NamedTuple):
    """GHM weights and what they were made from.

    weights (Tensor[...]): per-element weight ``N / count(bin) / (non-empty bins)`` (momentum: the running count).
    g (Tensor[...]): the detached gradient norm of each element.
    counts (Tensor[bins]): how many elements fall in each unit region (the gradient density histogram).
    acc_sum (Tensor[bins]): the running counts to pass to the next call (equals ``counts`` without momentum).
    index (Tensor[...]): the unit region (0 .. bins - 1) each element falls in.
    """

    weights: Tensor
    g: Tensor
    counts: Tensor
    acc_sum: Tensor
    index: Tensor


def _ghm_weights(g: Tensor, bins: int, momentum: float, acc_sum: Tensor | None, last_edge: float) -> GHMWeights:
    if isinstance(bins, bool) or not isinstance(bins, int) or not 1 <= bins <= MAX_BINS:
        raise ValueError(f"bins must be an integer in [1, {MAX_BINS}], got {bins!r}")
    mmt = check_param("momentum", momentum, ge=0.0, lt=1.0)
    if acc_sum is not None:
        check_tensor("acc_sum", acc_sum)
        if acc_sum.shape != (bins,):
            raise ValueError(f"acc_sum must have shape ({bins},), got {tuple(acc_sum.shape)}")
    edges = torch.arange(bins + 1, dtype=torch.float64, device=g.device) / bins
    edges[-1] = last_edge
    flat = g.reshape(-1).to(torch.float64)
    idx = (torch.bucketize(flat, edges, right=True) - 1).clamp(0, bins - 1)
    # Counts and running sums in float64 (float16 would count only to 2048 exactly and overflow at 65504).
    counts = torch.bincount(idx, minlength=bins).to(torch.float64)
    nonempty = counts > 0
    prev = acc_sum.to(torch.float64) if acc_sum is not None else torch.zeros(bins, dtype=torch.float64, device=g.device)
    new_acc = torch.where(nonempty, mmt * prev + (1 - mmt) * counts, prev)
    tot = max(flat.numel(), 1)
    n_valid = int(nonempty.sum())
    per_bin = torch.where(nonempty, tot / torch.where(nonempty, new_acc, torch.ones_like(new_acc)), 0.0)
    if n_valid > 0:
        per_bin = per_bin / n_valid
    weights = per_bin[idx].reshape(g.shape).to(g.dtype)
    dtype = g.dtype
    return GHMWeights(weights, g, counts.to(dtype), new_acc.to(dtype), idx.reshape(g.shape))


@half_safe(keep=("weights", "counts", "acc_sum"))
def ghm_c_weights(
    logits: Tensor, targets: Tensor, *, bins: int = 10, momentum: float = 0.0, acc_sum: Tensor | None = None
) -> GHMWeights:
    """GHM-C weights from the gradient norm ``g = |sigmoid(x) - y|`` (detached) in ``bins`` unit regions.

    Args:
        logits (Tensor[...]), targets (Tensor[...] in [0, 1]): predictions and binary targets.
        bins (int): number of unit regions of ``[0, 1]``, ``1 <= bins <= 100000``. Default 10 (the paper uses 30).
        momentum (float): in ``[0, 1)``; with ``momentum > 0`` a bin's count is the running
            ``acc = momentum * acc + (1 - momentum) * count`` (mmdetection's update, bins that are empty keep theirs).
        acc_sum (Tensor[bins] | None): the running counts from the previous call (None: zeros).

    Returns:
        :class:`GHMWeights`. For float16/bfloat16 logits ``weights``, ``counts`` and ``acc_sum`` are float32 (a
        weight ``N / count`` or a count above 65504 does not fit float16); ``g`` is in the logits' dtype.

    Raises:
        ValueError: if ``logits``/``targets`` are not finite floating tensors of one shape, ``targets`` leaves
            ``[0, 1]``, ``bins`` is not an integer in ``[1, 100000]``, ``momentum`` is outside ``[0, 1)`` or
            ``acc_sum`` is not a finite ``(bins,)`` tensor.

    Reference: Li et al., "Gradient Harmonized Single-stage Detector", AAAI 2019, https://arxiv.org/abs/1811.05181;
    mmdetection ``GHMC``.
    """
    check_tensor("logits", logits)
    _check_targets("targets", targets)
    check_same_shape("logits", logits, "targets", targets)
    g = (torch.sigmoid(logits.detach()) - targets).abs()
    return _ghm_weights(g, bins, momentum, acc_sum, last_edge=1.0 + 1e-6)


@half_safe
def ghm_c_loss(
    logits: Tensor,
    targets: Tensor,
    *,
    bins: int = 10,
    momentum: float = 0.0,
    acc_sum: Tensor | None = None,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """GHM-C loss: BCE weighted by :func:`ghm_c_weights` (the weights carry no gradient).

    ``reduction="mean"`` is mmdetection's ``GHMC`` value (weighted BCE summed, divided by the element count).

    Args:
        logits, targets, bins, momentum, acc_sum: as :func:`ghm_c_weights`.
        reduction: "none" (default), "mean" or "sum".
        weight: per-element weight broadcastable to ``logits``, ``>= 0`` (mmdetection's ``label_weight``).
        avg_factor: ``> 0``; "mean" divides the sum by it.

    Raises:
        ValueError: as :func:`ghm_c_weights`, and for an invalid ``reduction``, ``weight`` or ``avg_factor``.

    Reference: Li et al., AAAI 2019, https://arxiv.org/abs/1811.05181; mmdetection ``GHMC``.
    """
    check_reduction(reduction)
    w = ghm_c_weights(logits, targets, bins=bins, momentum=momentum, acc_sum=acc_sum).weights
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return reduce(w * bce, reduction, weight, avg_factor)


def _check_asl1(pred: Tensor, target: Tensor, mu: float) -> float:
    """The checks ASL1 and GHM-R share: two finite tensors of one shape and ``mu > 0``.

    Returns ``max(mu, 1.1e-19)``: below that ``mu²`` underflows float32 and ``d / sqrt(d² + mu²)`` is 0/0 at
    ``d = 0``; the loss changes by less than 1.1e-19.
    """
    check_tensor("pred", pred)
    check_tensor("target", target)
    check_same_shape("pred", pred, "target", target)
    return max(check_param("mu", mu, gt=0.0, le=MAX_SCALE), _MU_FLOOR)


@half_safe
def asl1_loss(
    pred: Tensor,
    target: Tensor,
    *,
    mu: float = 0.02,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Authentic Smooth L1 ``sqrt(d^2 + mu^2) - mu`` with ``d = pred - target``.

    Args:
        pred, target: ``Tensor[...]`` of the same shape.
        mu: ``0 < mu <= 1e6`` (values below 1.1e-19 act as 1.1e-19). Default 0.02.
        reduction: "none" (default), "mean" or "sum".
        weight: per-element weight broadcastable to ``pred``, ``>= 0``.
        avg_factor: ``> 0``; "mean" divides the sum by it.

    Raises:
        ValueError: if ``pred``/``target`` are not finite floating tensors of one shape, ``mu`` is outside
            ``(0, 1e6]``, or ``reduction``/``weight``/``avg_factor`` is invalid.

    Reference: Li et al., "Gradient Harmonized Single-stage Detector", AAAI 2019, eq. (13),
    https://arxiv.org/abs/1811.05181.
    """
    mu = _check_asl1(pred, target, mu)
    check_reduction(reduction)
    d = pred - target
    return reduce(torch.sqrt(d * d + mu * mu) - mu, reduction, weight, avg_factor)


@half_safe(keep=("weights", "counts", "acc_sum"))
def ghm_r_weights(
    pred: Tensor,
    target: Tensor,
    *,
    mu: float = 0.02,
    bins: int = 10,
    momentum: float = 0.0,
    acc_sum: Tensor | None = None,
) -> GHMWeights:
    """GHM-R weights from the ASL1 gradient norm ``g = |d| / sqrt(d^2 + mu^2)`` (detached).

    Arguments as :func:`asl1_loss` and :func:`ghm_c_weights`; half-precision inputs give float32 ``weights``,
    ``counts`` and ``acc_sum``.

    Raises:
        ValueError: as :func:`asl1_loss` and :func:`ghm_c_weights`.

    Reference: Li et al., AAAI 2019, https://arxiv.org/abs/1811.05181; mmdetection ``GHMR`` (last edge 1e3).
    """
    mu = _check_asl1(pred, target, mu)
    d = (pred - target).detach()
    g = (d / torch.sqrt(d * d + mu * mu)).abs()
    return _ghm_weights(g, bins, momentum, acc_sum, last_edge=1e3)


@half_safe
def ghm_r_loss(
    pred: Tensor,
    target: Tensor,
    *,
    mu: float = 0.02,
    bins: int = 10,
    momentum: float = 0.0,
    acc_sum: Tensor | None = None,
    reduction: str = "none",
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """GHM-R loss: ASL1 weighted by :func:`ghm_r_weights`. ``reduction="mean"`` is mmdetection's ``GHMR`` value.

    Raises:
        ValueError: as :func:`ghm_r_weights`, and for an invalid ``reduction``, ``weight`` or ``avg_factor``.

    Reference: Li et al., AAAI 2019, https://arxiv.org/abs/1811.05181; mmdetection ``GHMR``.
    """
    check_reduction(reduction)
    w = ghm_r_weights(pred, target, mu=mu, bins=bins, momentum=momentum, acc_sum=acc_sum).weights
    return reduce(w * asl1_loss(pred, target, mu=mu), reduction, weight, avg_factor)


# -------------------------------------------------------------------------------------------------------- AP-loss


class APLossResult(NamedTuple):
    """AP-loss and everything behind it (flattened anchors; ``P`` positives, ``M`` negatives).

    loss (Tensor[]): ``1 - mean interpolated precision``; backward gives the error-driven ``update``.
    order (Tensor[K]): indices of the non-ignored anchors by descending score (ties by position).
    rank (Tensor[N]): 1-based rank of each anchor in that order (0 for ignored anchors).
    pos_index (Tensor[P]), neg_index (Tensor[M]): anchor indices of the positives and negatives.
    precision (Tensor[P]): interpolated precision of each positive; ``raw_precision`` before interpolation.
    L (Tensor[P, M]): ``L_ij = f(s_j - s_i) / rank(i)``, ``f`` the piecewise-linear step; the primary terms.
    L_update (Tensor[P, M]): ``L`` with each row rescaled so it sums to ``1 - precision_i`` (interpolation).
    update (Tensor[N]): error-driven update per anchor: positives ``-(1 - prec_i)/P``, negatives
        ``sum_i L_update_ij / P``, ignored 0.
    """

    loss: Tensor
    order: Tensor
    rank: Tensor
    pos_index: Tensor
    neg_index: Tensor
    precision: Tensor
    raw_precision: Tensor
    L: Tensor
    L_update: Tensor
    update: Tensor


def _step(x: Tensor, delta: float) -> Tensor:
    """Piecewise-linear step: 0 below ``-delta``, 1 above ``delta``, linear between (0.5 at 0)."""
    return torch.clamp(x / (2 * delta) + 0.5, min=0.0, max=1.0)


def _check_ap_inputs(scores: Tensor, labels: Tensor, delta: float) -> float:
    check_tensor("logits", scores)
    if not isinstance(labels, Tensor):
        raise ValueError(f"targets must be a torch.Tensor, got {type(labels).__name__}")
    check_same_shape("logits", scores, "targets", labels)
    if labels.is_floating_point() and not bool(torch.isfinite(labels).all()):
        raise ValueError("targets contains NaN or inf")
    if not bool(((labels == 1) | (labels == 0) | (labels == -1)).all()):
        raise ValueError("targets must be 1 (positive), 0 (negative) or -1 (ignored)")
    if not bool((labels == 1).any()):
        raise ValueError("targets must contain at least one positive (1): AP is undefined without positives")
    return check_param("delta", delta, ge=MIN_AP_DELTA, le=MAX_AP_DELTA)


def _ap_terms(scores: Tensor, labels: Tensor, delta: float) -> APLossResult:
    s = scores.detach().reshape(-1)
    y = labels.reshape(-1)
    pos_index = torch.nonzero(y == 1).reshape(-1)
    neg_index = torch.nonzero(y == 0).reshape(-1)
    s_pos, s_neg = s[pos_index], s[neg_index]
    n_pos = pos_index.numel()
    # a_i = 0.5 + sum_k f(s_k - s_i) over positives (self gives 0.5, so a_i counts itself as 1); b_i over negatives.
    a = 0.5 + _step(s_pos[None, :] - s_pos[:, None], delta).sum(dim=1)
    f_neg = _step(s_neg[None, :] - s_pos[:, None], delta)  # [P, M]
    b = f_neg.sum(dim=1)
    rank_i = a + b
    raw = a / rank_i
    L = f_neg / rank_i[:, None]
    # Interpolated precision: max precision over positives ranked at or below (higher recall), as in the official
    # loop over positives by ascending score.
    asc = torch.sort(s_pos, stable=True).indices
    prec = torch.empty_like(raw)
    prec[asc] = torch.cummax(raw[asc], dim=0).values
    interpolated = prec > raw
    scale = torch.where(interpolated, (1 - prec) / torch.where(interpolated, 1 - raw, torch.ones_like(raw)), 1.0)
    L_update = L * scale[:, None]
    update = torch.zeros_like(s)
    update[pos_index] = -(1 - prec) / n_pos
    update[neg_index] = L_update.sum(dim=0) / n_pos
    loss = 1 - prec.mean()
    valid = torch.nonzero(y != -1).reshape(-1)
    order = valid[torch.sort(s[valid], descending=True, stable=True).indices]
    rank = torch.zeros(s.shape, dtype=torch.long, device=s.device)
    rank[order] = torch.arange(1, order.numel() + 1, device=s.device)
    return APLossResult(
        loss,
        order,
        rank.reshape(scores.shape),
        pos_index,
        neg_index,
        prec,
        raw,
        L,
        L_update,
        update.reshape(scores.shape),
    )


class APLossFunction(torch.autograd.Function):
    """AP-loss as an autograd function whose backward is the paper's error-driven update, not autograd's.

    ``APLossFunction.apply(scores, labels, delta)`` -> scalar loss; ``scores.grad`` becomes ``update * grad_out``.

    Raises:
        ValueError: as :func:`ap_loss`.

    Reference: Chen et al., "Towards Accurate One-Stage Object Detection with AP-Loss", CVPR 2019 (official code),
    https://arxiv.org/abs/1904.06373.
    """

    @staticmethod
    def forward(ctx, scores: Tensor, labels: Tensor, delta: float = 1.0, terms: APLossResult | None = None):
        if terms is None:
            delta = _check_ap_inputs(scores, labels, delta)
            terms = _ap_terms(scores, labels, delta)
        ctx.save_for_backward(terms.update)
        return terms.loss.clone()

    @staticmethod
    def backward(ctx, grad_output):
        (update,) = ctx.saved_tensors
        return grad_output * update, None, None, None


@half_safe
def ap_loss(logits: Tensor, targets: Tensor, *, delta: float = 1.0) -> APLossResult:
    """AP-loss ``1 - mean interpolated precision`` of the positives, with the error-driven update.

    For each positive ``i``: ``rank(i) = 0.5 + sum_{k in P} f(s_k - s_i) + sum_{j in N} f(s_j - s_i)`` with the
    piecewise-linear step ``f`` of half-width ``delta``; ``L_ij = f(s_j - s_i) / rank(i)``; precision
    ``1 - sum_j L_ij``, interpolated (max over lower-scored positives). Negatives more than ``delta`` below every
    positive get ``L_ij = 0``. ``result.loss.backward()`` puts the update into ``scores.grad``.

    Args:
        logits (Tensor[...]): scores of the anchors (ranked across the whole tensor).
        targets (Tensor[...]): same shape; 1 positive, 0 negative, -1 ignored. At least one positive.
        delta (float): half-width of the linear part of the step, ``1e-6 <= delta <= 1e6``. Default 1 (the
            paper's).

    Returns:
        :class:`APLossResult`.

    Raises:
        ValueError: if ``logits`` is not a finite floating tensor, ``targets`` has another shape, a value other
            than 1, 0 or -1, or no positive, or ``delta`` is out of range.

    Reference: Chen et al., "Towards Accurate One-Stage Object Detection with AP-Loss", CVPR 2019,
    https://arxiv.org/abs/1904.06373.
    """
    delta = _check_ap_inputs(logits, targets, delta)
    terms = _ap_terms(logits, targets, delta)
    loss = APLossFunction.apply(logits, targets, delta, terms)
    return terms._replace(loss=loss)
