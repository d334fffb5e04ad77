"""Normalized Gaussian Wasserstein Distance (NWD): a box similarity for tiny objects, and its loss ``1 − NWD``.

Each box ``(x1, y1, x2, y2)`` is modelled as a 2-D Gaussian ``N(c, diag(w²/4, h²/4))`` (c the centre). Between two
such Gaussians the squared 2-Wasserstein distance has the closed form

    W₂² = ‖c₁ − c₂‖² + ((w₁ − w₂)² + (h₁ − h₂)²) / 4

and ``NWD = exp(−W₂ / C)`` with a dataset constant C (12.8 px in the official code: AI-TOD's mean object size).
Unlike IoU, NWD is not normalised by the boxes' own size: a 2 px offset costs the same for an 8 px and an 800 px box,
and disjoint boxes still get a graded similarity and a gradient.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ._validate import check_boxes, check_param, check_reduction, check_same_shape, half_safe, reduce_boxes

__all__ = ["nwd", "nwd_loss"]

MAX_CONSTANT = 1e6  # px; C beyond this makes every pair look identical (exp(−W₂/C) → 1)


def _check(pred: Tensor, target: Tensor, constant: float, eps: float) -> tuple[float, float]:
    check_boxes("pred", pred)
    check_boxes("target", target)
    check_same_shape("pred", pred, "target", target)
    if pred.dtype != target.dtype:
        raise ValueError(f"pred and target must have the same dtype, got {pred.dtype} and {target.dtype}")
    if pred.device != target.device:
        raise ValueError(f"pred and target must be on the same device, got {pred.device} and {target.device}")
    constant = check_param("constant", constant, gt=0.0, le=MAX_CONSTANT)
    eps = check_param("eps", eps, gt=0.0, lt=1.0)
    return constant, eps


def _nwd(pred: Tensor, target: Tensor, constant: float, eps: float) -> Tensor:
    dtype = torch.promote_types(pred.dtype, torch.float32)  # at least float32 inside, even for half inputs
    p, g = pred.to(dtype), target.to(dtype)
    centre_p = (p[..., :2] + p[..., 2:]) / 2
    centre_g = (g[..., :2] + g[..., 2:]) / 2
    d = centre_p - centre_g
    dwh = (p[..., 2:] - p[..., :2]) - (g[..., 2:] - g[..., :2])
    return _nwd_from(d[..., 0], d[..., 1], dwh[..., 0], dwh[..., 1], constant, eps)


def _nwd_from(dx: Tensor, dy: Tensor, dw: Tensor, dh: Tensor, constant: float, eps: float) -> Tensor:
    """NWD from the centres' and the sizes' differences (pred − target); the batch of IoU losses calls it with its
    shared geometry's numbers."""
    centre_distance = dx**2 + dy**2 + eps  # the official code's eps: W₂ >= sqrt(eps) > 0
    wh_distance = (dw**2 + dh**2) / 4
    # An eps below the dtype's range (1e-50 in float32 is 0) must not bring back sqrt's infinite slope at 0.
    w2 = (centre_distance + wh_distance).clamp_min(torch.finfo(dx.dtype).tiny)
    return torch.exp(-torch.sqrt(w2) / constant)


@half_safe
def nwd(pred: Tensor, target: Tensor, *, constant: float = 12.8, eps: float = 1e-6) -> Tensor:
    """Normalized Gaussian Wasserstein Distance ``exp(−W₂/C)`` between aligned box pairs (a similarity in (0, 1]).

    Follows the official code (``jwwangchn/NWD``, ``bbox_overlaps(..., mode='wasserstein')``), including its eps:
    ``eps`` is added to the squared centre distance, so two identical boxes give ``exp(−√eps / C)``
    (``1 − 7.8e-5`` for the defaults), not exactly 1, and the square root never sees 0 (finite gradients).
    The official code also adds eps to every width and height; that cancels in the differences and is omitted.

    Args:
        pred: ``Tensor[..., 4]`` boxes, xyxy, in pixels. Zero-area boxes are allowed.
        target: ``Tensor[..., 4]`` boxes, same shape, dtype and device.
        constant: C, in pixels, in ``(0, 1e6]``; default 12.8 (the official AI-TOD value; dataset dependent).
        eps: ``0 < eps < 1``, added to the squared centre distance (px²); default ``1e-6`` as in the official code.

    Returns:
        ``Tensor[...]`` in the dtype of ``pred`` (computed in at least float32).

    Raises:
        ValueError: non-floating, non-finite or inverted boxes, mismatched shapes, dtypes or devices, or
            ``constant``/``eps`` out of range. The message names the argument.

    Reference: Wang, Xu, Yang, Yu, "A Normalized Gaussian Wasserstein Distance for Tiny Object Detection",
    arXiv:2110.13389 (https://arxiv.org/abs/2110.13389).
    """
    constant, eps = _check(pred, target, constant, eps)
    return _nwd(pred, target, constant, eps).to(pred.dtype)


def _nwd_terms(pred: Tensor, target: Tensor, eps: float, constant: float = 12.8) -> dict[str, Tensor]:
    """NWD loss as the IoU family's registry writes a loss: one named term (see ``iou.IOU_LOSS_SPECS``)."""
    constant, eps = _check(pred, target, constant, eps)
    return {"1 - NWD": 1 - _nwd(pred, target, constant, eps)}


@half_safe
def nwd_loss(
    pred: Tensor,
    target: Tensor,
    *,
    constant: float = 12.8,
    reduction: str = "none",
    eps: float = 1e-6,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """NWD loss ``1 − NWD = 1 − exp(−W₂/C)``, with ``W₂² = ‖c₁ − c₂‖² + ((w₁ − w₂)² + (h₁ − h₂)²)/4 + eps``.

    Its gradient w.r.t. a centre offset Δ is ``exp(−W₂/C)/C · Δ/W₂``: about ``1/C`` per pixel for any box size
    (IoU's is about ``2/w``), and still non-zero for disjoint boxes.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy, pixels.
        target: ``Tensor[..., 4]`` target boxes, same shape, dtype and device.
        constant: C in pixels, in ``(0, 1e6]``; default 12.8 (official code, AI-TOD).
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: ``0 < eps < 1``, added to the squared centre distance; default ``1e-6`` (official code), so identical
            boxes give a loss of ``1 − exp(−√eps/C)`` ≈ 7.8e-5, not 0.
        weight: optional per-pair weight ``Tensor[...]`` (or ``Tensor[..., 4]``, averaged), as mmdetection.
        avg_factor: optional ``> 0`` divisor replacing the count of ``"mean"``, as mmdetection.

    Returns:
        The loss in ``[0, 1)``, in the dtype of ``pred`` (computed in at least float32; float16/bfloat16 inputs are
        upcast and the result cast back).

    Raises:
        ValueError: as :func:`nwd`, or an unknown ``reduction``.

    Reference: Wang et al., arXiv:2110.13389 (https://arxiv.org/abs/2110.13389); official code ``jwwangchn/NWD``.
    """
    check_reduction(reduction)
    loss = _nwd_terms(pred, target, eps, constant)["1 - NWD"]
    return reduce_boxes(loss, reduction, weight, avg_factor).to(pred.dtype)
