"""IoU-family box-regression losses: IoU, GIoU, DIoU, CIoU, EIoU, SIoU, α-IoU and Wise-IoU.

Boxes are ``(x1, y1, x2, y2)`` with ``x2 >= x1`` and ``y2 >= y1``; ``pred`` and ``target`` have the same shape
``(..., 4)`` and the losses return one value per box, shape ``(...)``, before ``reduction``. Every loss is built on
:func:`box_geometry`, the one place where intersections, unions, enclosing boxes, centres and aspect terms are
computed (in the spirit of torchvision's ``_loss_inter_union``), so a page can draw exactly what a formula sees.
Each loss is the sum of named terms (``1 - IoU``, ``ρ²/c²``, ...) that :func:`iou_loss_terms` returns one by one.

Numerics follow torchvision's ``generalized_box_iou_loss``, ``distance_box_iou_loss`` and ``complete_box_iou_loss``
(``eps = 1e-7`` added to the union and to the squared enclosing diagonal). Zero-area boxes (``x1 == x2``) are valid
inputs: every loss and every gradient stays finite for them.

Precision: float16 and bfloat16 boxes are computed in float32 (areas and squared diagonals overflow float16 beyond
65504, i.e. a 256-pixel box; bfloat16 keeps only 8 bits, so box centres at 1e4 would be off by 32) and the loss is
returned in the input's dtype; gradients too large for float16 (the CIoU aspect term of a zero-size box, ~1/eps)
saturate at ±65504 instead of becoming ``inf``.

**eps is absolute, not relative** (torchvision's default ``1e-7``, in squared box units): it is added to the union
area and to ``c²``. For two identical boxes of side ``s``, ``1 - IoU = eps / (s² + eps)``: more than 1% once
``s² < 99·eps`` (side below ~3e-3 for ``eps = 1e-7``), 0.5 at ``s² = eps`` (side 3.2e-4) and 0.909 for side 1e-4
(a small object in normalised ``[0, 1]`` coordinates). Boxes in pixels are never affected. For normalised
coordinates, either scale boxes up or pass ``eps`` well below the smallest box area (e.g. ``1e-12``):
:func:`eps_share` says how much of each IoU denominator is eps.

Hyper-parameters are keyword-only; every loss accepts mmdetection's ``weight=`` (per box, or per coordinate
``(..., 4)``, averaged over the 4 like mmdetection) and ``avg_factor=``.
"""

from __future__ import annotations

import contextlib
import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import Tensor

from ._validate import (
    HALF_DTYPES,
    check_boxes,
    check_param,
    check_reduction,
    check_same_shape,
    half_safe,
    reduce_boxes,
    upcast,
)
from .nwd import MAX_CONSTANT as MAX_NWD_CONSTANT
from .nwd import _nwd, _nwd_from, _nwd_terms, nwd_loss

__all__ = [
    "ALPHA_IOU_VARIANTS",
    "IOU_BATCH_DEFAULT",
    "IOU_LOSSES",
    "IOU_LOSS_DEFAULTS",
    "IOU_LOSS_NAMES",
    "IOU_LOSS_SPECS",
    "IOU_MODES",
    "TERM_TEX",
    "WIOU_VERSIONS",
    "BoxGeometry",
    "IouLossSpec",
    "IouLossesAndGrads",
    "IouOption",
    "alpha_iou_loss",
    "box_geometry",
    "box_iou",
    "ciou_loss",
    "diou_loss",
    "eiou_loss",
    "eps_share",
    "generalized_box_iou",
    "giou_loss",
    "iou_loss",
    "iou_loss_terms",
    "iou_losses",
    "iou_losses_and_grads",
    "siou_loss",
    "wiou_loss",
]

IOU_MODES = ("linear", "log", "square")
ALPHA_IOU_VARIANTS = ("iou", "giou", "diou", "ciou")
WIOU_VERSIONS = ("v1", "v3")
_LOG_IOU_FLOOR = 1e-6  # mmdetection's ``iou_loss`` clamps IoU here before the log
_V_FACTOR = 4.0 / math.pi**2
_NOTHING = contextlib.nullcontext()
MAX_POWER = 1000.0  # upper bound of SIoU's θ and α-IoU's α (x**1000 is 0 for every x < 0.99)


class BoxGeometry(NamedTuple):
    """Everything the IoU-family formulas read off a (pred, target) pair; tensors of shape ``(...)``.

    Attributes:
        inter: intersection area (0 when the boxes do not overlap, also when they only touch).
        union: ``area_pred + area_target - inter`` (no eps).
        iou: ``inter / (union + eps)``, torchvision's convention.
        area_pred, area_target: box areas.
        enclose: ``(..., 4)`` smallest box enclosing both, xyxy.
        enclose_area: its area ``C = cw * ch``.
        cx, cy, cx_t, cy_t: centres of pred and target.
        rho2: squared distance between the centres.
        c2: squared diagonal of the enclosing box, ``cw**2 + ch**2`` (no eps; losses divide by ``c2 + eps``).
        w, h, w_t, h_t: widths and heights of pred and target.
        cw, ch: width and height of the enclosing box.
        v: CIoU aspect-ratio term ``4/π² · (atan(w_t/h_t) - atan(w/h))²``, with ``h + eps`` in the ratios so that
            flat boxes (``h = 0``) give ``atan → π/2`` instead of NaN.
    """

    inter: Tensor
    union: Tensor
    iou: Tensor
    area_pred: Tensor
    area_target: Tensor
    enclose: Tensor
    enclose_area: Tensor
    cx: Tensor
    cy: Tensor
    cx_t: Tensor
    cy_t: Tensor
    rho2: Tensor
    c2: Tensor
    w: Tensor
    h: Tensor
    w_t: Tensor
    h_t: Tensor
    cw: Tensor
    ch: Tensor
    v: Tensor


# --------------------------------------------------------------------------------------------------------------------
# Validation and geometry
# --------------------------------------------------------------------------------------------------------------------


def _check_pair(pred: Tensor, target: Tensor, eps: float) -> float:
    if _surely_finite(pred, target):  # then only the shapes and the boxes' orientation are left to check
        for name, boxes in (("pred", pred), ("target", target)):
            if boxes.ndim < 1 or boxes.shape[-1] != 4:
                check_boxes(name, boxes)  # (raises the shape error)
            if bool((boxes[..., 2:] < boxes[..., :2]).any()):
                raise ValueError(f"{name} has inverted boxes: need x2 >= x1 and y2 >= y1")
    else:
        check_boxes("pred", pred)
        check_boxes("target", target)
    check_same_shape("pred", pred, "target", target)
    if pred.dtype != target.dtype:
        raise ValueError(f"pred and target must have the same dtype, got {pred.dtype} and {target.dtype}")
    if pred.device != target.device:
        raise ValueError(f"pred and target must be on the same device, got {pred.device} and {target.device}")
    eps = check_param("eps", eps, gt=0.0, lt=1.0)
    return max(eps, float(torch.finfo(pred.dtype).tiny))  # below the smallest normal number eps would vanish


def _surely_finite(*boxes: object) -> bool:
    """True when every one is a floating-point tensor whose sum is finite: then no value is NaN or ±inf (either
    would make the sum NaN or inf). One reduction per tensor instead of ``isfinite``'s four passes and ``all``; a
    sum that overflows (or anything else) gives False, and the full checks decide (and name the argument)."""
    if not all(isinstance(b, Tensor) and b.is_floating_point() for b in boxes):
        return False
    return all(math.isfinite(float(b.detach().sum())) for b in boxes)


#: The eight quantities :func:`_geometry` reads off ``pred``, in this order: pred's width and height, the
#: intersection's width and height, the enclosing box's width and height, pred's centre. Every field of
#: :class:`BoxGeometry` is a function of them (and of ``target``); each is a difference, a sum or a min/max of pred's
#: coordinates, so their gradients map onto ``(x1, y1, x2, y2)`` with a few additions (:func:`_edge_grads`).
_LEAVES = ("w", "h", "iw", "ih", "cw", "ch", "cx", "cy")


def _geometry(pred: Tensor, target: Tensor, eps: float, leaves: list[Tensor] | None = None) -> BoxGeometry:
    """:func:`box_geometry` without the input checks (callers have validated).

    With a list ``leaves``, the eight quantities of :data:`_LEAVES` are computed from the detached boxes and become
    autograd leaves (appended to ``leaves``, in that order, followed by the four masks of :func:`_edge_grads`): the
    geometry is then differentiable with respect to them instead of ``pred``, with the same values bit for bit
    (``enclose``, which no loss reads, is then left empty).
    """
    x1, y1, x2, y2 = pred.unbind(dim=-1)
    x1t, y1t, x2t, y2t = target.unbind(dim=-1)
    with torch.no_grad() if leaves is not None else _NOTHING:
        w, h = x2 - x1, y2 - y1
        # Intersection: like torchvision, only a strictly positive overlap counts (touching boxes give 0, no gradient).
        iw = torch.min(x2, x2t) - torch.max(x1, x1t)
        ih = torch.min(y2, y2t) - torch.max(y1, y1t)
        ex1, ey1 = torch.min(x1, x1t), torch.min(y1, y1t)
        ex2, ey2 = torch.max(x2, x2t), torch.max(y2, y2t)
        # (not for the batch's leaves: no loss reads the enclosing box's corners, and an (..., 4) stack is slow)
        enclose = torch.stack([ex1, ey1, ex2, ey2], dim=-1) if leaves is None else ex1.new_empty(0)
        cw, ch = ex2 - ex1, ey2 - ey1
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    if leaves is not None:
        w, h, iw, ih, cw, ch, cx, cy = (x.requires_grad_(True) for x in (w, h, iw, ih, cw, ch, cx, cy))
        leaves.extend((w, h, iw, ih, cw, ch, cx, cy))
        with torch.no_grad():  # ∂max(x1, x1t)/∂x1 etc.: 1, 0, or 1/2 at a tie (autograd's split of max and min)
            leaves.extend(_tie_slope(a, b) for a, b in ((x1, x1t), (y1, y1t), (x2t, x2), (y2t, y2)))

    w_t, h_t = x2t - x1t, y2t - y1t
    area_pred = w * h
    area_target = w_t * h_t

    inter = torch.where((iw > 0) & (ih > 0), iw * ih, torch.zeros_like(iw))
    union = area_pred + area_target - inter
    iou = inter / (union + eps)

    enclose_area = cw * ch
    c2 = cw**2 + ch**2

    cx_t, cy_t = (x1t + x2t) / 2, (y1t + y2t) / 2
    rho2 = (cx - cx_t) ** 2 + (cy - cy_t) ** 2

    v = _V_FACTOR * (torch.atan(w_t / (h_t + eps)) - torch.atan(w / (h + eps))) ** 2

    return BoxGeometry(
        inter=inter,
        union=union,
        iou=iou,
        area_pred=area_pred,
        area_target=area_target,
        enclose=enclose,
        enclose_area=enclose_area,
        cx=cx,
        cy=cy,
        cx_t=cx_t,
        cy_t=cy_t,
        rho2=rho2,
        c2=c2,
        w=w,
        h=h,
        w_t=w_t,
        h_t=h_t,
        cw=cw,
        ch=ch,
        v=v,
    )


@half_safe(keep=BoxGeometry._fields)
def box_geometry(pred: Tensor, target: Tensor, *, eps: float = 1e-7) -> BoxGeometry:
    """Intersection, union, IoU, enclosing box, centres, distances and aspect term of box pairs.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape, dtype and device as ``pred``.
        eps: small positive number added to denominators, ``0 < eps < 1`` (below float32's smallest normal number,
            1.2e-38, it acts as that number). Default ``1e-7``. Absolute, not relative: it dominates the IoU of boxes
            whose area is below ~100·eps (see the module docstring).

    Returns:
        :class:`BoxGeometry`; each field has shape ``(...)`` except ``enclose`` which is ``(..., 4)``.
        Differentiable with respect to both inputs. For float16/bfloat16 boxes every field is float32: areas and
        squared diagonals of ordinary pixel boxes do not fit float16.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, has NaN/inf or inverted boxes, if the
            shapes, dtypes or devices differ, or if ``eps`` is out of range. The message names the argument.

    Reference: Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019,
    https://arxiv.org/abs/1902.09630; Zheng et al., "Distance-IoU Loss", AAAI 2020, https://arxiv.org/abs/1911.08287.
    """
    eps = _check_pair(pred, target, eps)
    return _geometry(pred, target, eps)


@half_safe
def eps_share(pred: Tensor, target: Tensor, *, eps: float = 1e-7) -> Tensor:
    """The share of eps in the IoU denominator, ``eps / (union + eps)``, per box pair.

    ``IoU = inter / (union + eps)`` is smaller than the true IoU by exactly this fraction, so a pair of identical
    boxes gets ``1 - IoU`` equal to it. A share above 1% means the loss reflects eps more than the boxes: the boxes
    are tiny compared with ``sqrt(eps)`` (side ~3e-3 for the default ``1e-7``).

    Args:
        pred, target: ``Tensor[..., 4]`` boxes, xyxy, same shape.
        eps: as for the losses, ``0 < eps < 1``. Default ``1e-7``.

    Returns:
        ``Tensor[...]`` in ``(0, 1]``.

    Raises:
        ValueError: as :func:`box_geometry`.

    Reference: torchvision ``_loss_inter_union`` (the absolute eps); Rezatofighi et al., CVPR 2019,
    https://arxiv.org/abs/1902.09630.
    """
    eps = _check_pair(pred, target, eps)
    union = _geometry(pred, target, eps).union
    return eps / (union + eps)


def _safe_pow(x: Tensor, exponent: float, eps: float) -> Tensor:
    """``x ** exponent`` for ``x >= 0`` with a finite gradient at 0 for any exponent > 0.

    Exact above ``eps``; below it the power is replaced by its chord ``x · eps**(exponent - 1)`` (continuous at
    ``eps``, 0 at 0), so ``exponent < 1`` does not produce an infinite slope at 0.
    """
    x = x.clamp(min=0)
    above = x > eps
    powered = x.clamp(min=eps) ** exponent
    return torch.where(above, powered, x * eps ** (exponent - 1.0))


# --------------------------------------------------------------------------------------------------------------------
# Loss terms: each loss is the sum of its named terms (written once here; the public functions sum and reduce them)
# --------------------------------------------------------------------------------------------------------------------

Terms = dict[str, Tensor]


def _finish(terms: Terms, reduction: str, weight: Tensor | None, avg_factor: float | None) -> Tensor:
    """Sum the terms, apply mmdetection's box ``weight`` (``(..., 4)`` weights are averaged) and reduce."""
    return reduce_boxes(_total(terms), reduction, weight, avg_factor)


def _total(terms: Terms) -> Tensor:
    values = iter(terms.values())
    total = next(values)
    for term in values:
        total = total + term
    return total


def _giou_penalty(g: BoxGeometry, eps: float) -> Tensor:
    return (g.enclose_area - g.union) / (g.enclose_area + eps)


def _diou_penalty(g: BoxGeometry, eps: float) -> Tensor:
    return g.rho2 / (g.c2 + eps)


def _ciou_alpha(g: BoxGeometry, eps: float, gated: bool) -> Tensor:
    """CIoU trade-off weight ``α = v / (1 - IoU + v + eps)``, without gradient (optionally 0 where IoU <= 0.5)."""
    with torch.no_grad():
        alpha = g.v / (1 - g.iou + g.v + eps)
        if gated:
            alpha = torch.where(g.iou > 0.5, alpha, torch.zeros_like(alpha))
    return alpha


class _Shared:
    """One pair set's geometry and the sub-expressions several losses read, each computed once.

    A single loss builds one for itself; :func:`iou_losses` builds one for all the losses it computes, so ``1 - IoU``,
    GIoU's and DIoU's penalties and CIoU's ``α·v`` are the *same tensors* in every loss that reads them (and their
    gradients can be taken once). The arithmetic is the same either way, so the values are bit for bit equal.
    """

    __slots__ = ("eps", "g", "memo")

    def __init__(self, g: BoxGeometry, eps: float) -> None:
        self.g = g
        self.eps = eps
        self.memo: dict[object, Tensor] = {}

    def _get(self, key: object, make: Callable[[], Tensor]) -> Tensor:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def l_iou(self) -> Tensor:
        return self._get("1 - IoU", lambda: 1 - self.g.iou)

    def giou_penalty(self) -> Tensor:
        return self._get("(C - U)/C", lambda: _giou_penalty(self.g, self.eps))

    def diou_penalty(self) -> Tensor:
        return self._get("ρ²/c²", lambda: _diou_penalty(self.g, self.eps))

    def alpha_v(self, gated: bool) -> Tensor:
        return self._get(("α·v", gated), lambda: _ciou_alpha(self.g, self.eps, gated) * self.g.v)


def _shared(pred: Tensor, target: Tensor, eps: float) -> _Shared:
    eps = _check_pair(pred, target, eps)
    return _Shared(_geometry(pred, target, eps), eps)


def _iou_from(s: _Shared, mode: str = "linear") -> Terms:
    if mode == "linear":
        return {"1 - IoU": s.l_iou()}
    if mode == "square":
        return {"1 - IoU²": 1 - s.g.iou**2}
    return {"-ln IoU": -torch.log(s.g.iou.clamp(min=_LOG_IOU_FLOOR))}


def _giou_from(s: _Shared) -> Terms:
    return {"1 - IoU": s.l_iou(), "(C - U)/C": s.giou_penalty()}


def _diou_from(s: _Shared) -> Terms:
    return {"1 - IoU": s.l_iou(), "ρ²/c²": s.diou_penalty()}


def _ciou_from(s: _Shared, alpha_gating: bool = False) -> Terms:
    terms = {"1 - IoU": s.l_iou(), "ρ²/c²": s.diou_penalty(), "α·v": s.alpha_v(alpha_gating)}
    if alpha_gating:
        # mmdetection clamps CIoU = IoU - ρ²/c² - α·v to [-1, 1]; the correction is 0 unless the clamp bites
        ciou = s.g.iou - terms["ρ²/c²"] - terms["α·v"]
        terms["clamp"] = ciou - ciou.clamp(min=-1.0, max=1.0)
    return terms


def _eiou_from(s: _Shared) -> Terms:
    g, eps = s.g, s.eps
    return {
        "1 - IoU": s.l_iou(),
        "ρ²/c²": s.diou_penalty(),
        "(w - w_t)²/C_w²": (g.w - g.w_t) ** 2 / (g.cw**2 + eps),
        "(h - h_t)²/C_h²": (g.h - g.h_t) ** 2 / (g.ch**2 + eps),
    }


def _siou_from(s: _Shared, theta: float = 4.0) -> Terms:
    g, eps = s.g, s.eps
    dx = g.cx_t - g.cx
    dy = g.cy_t - g.cy
    # σ² floored relative to the enclosing diagonal (scale-free) and at the dtype's tiny (finite 1/σ² in backward).
    sigma2 = torch.maximum(dx**2 + dy**2, eps * g.c2).clamp(min=torch.finfo(dx.dtype).tiny)
    angle_cost = 2 * (dx * dy).abs() / sigma2
    gamma = 2 - angle_cost
    rho_x = (dx / g.cw.clamp(min=eps)) ** 2
    rho_y = (dy / g.ch.clamp(min=eps)) ** 2
    distance_cost = (1 - torch.exp(-gamma * rho_x)) + (1 - torch.exp(-gamma * rho_y))
    omega_w = (g.w - g.w_t).abs() / torch.max(g.w, g.w_t).clamp(min=eps)
    omega_h = (g.h - g.h_t).abs() / torch.max(g.h, g.h_t).clamp(min=eps)
    shape_cost = (1 - torch.exp(-omega_w)) ** theta + (1 - torch.exp(-omega_h)) ** theta
    return {"1 - IoU": s.l_iou(), "Δ/2": distance_cost / 2, "Ω/2": shape_cost / 2}


def _alpha_iou_from(s: _Shared, alpha: float = 3.0, variant: str = "iou") -> Terms:
    eps = s.eps
    terms = {"1 - IoU^α": 1 - _safe_pow(s.g.iou, alpha, eps)}
    if variant == "giou":
        terms["((C - U)/C)^α"] = _safe_pow(s.giou_penalty(), alpha, eps)
    elif variant in ("diou", "ciou"):
        terms["(ρ²/c²)^α"] = _safe_pow(s.diou_penalty(), alpha, eps)
        if variant == "ciou":
            terms["(β·v)^α"] = _safe_pow(s.alpha_v(False), alpha, eps)
    return terms


def _wiou_from(
    s: _Shared,
    version: str = "v1",
    wiou_alpha: float = 1.9,
    delta: float = 3.0,
    mean_iou_loss: float | None = None,
) -> Terms:
    g, eps = s.g, s.eps
    l_iou = s.l_iou()
    r_minus_1 = torch.expm1(g.rho2 / (g.c2 + eps).detach())  # R - 1, R = exp(ρ² / (c²)*)
    if version == "v1":
        return {"1 - IoU": l_iou, "(R - 1)(1 - IoU)": r_minus_1 * l_iou}
    with torch.no_grad():
        if mean_iou_loss is None:
            mean = l_iou.mean() if l_iou.numel() > 0 else l_iou.new_tensor(1.0)
            mean = mean.clamp(min=eps)
        else:
            mean = mean_iou_loss
        beta = l_iou / mean
        focus = beta / (delta * wiou_alpha ** (beta - delta))
    return {"r(1 - IoU)": focus * l_iou, "r(R - 1)(1 - IoU)": focus * r_minus_1 * l_iou}


#: A closed-form gradient: cot (d reduced / d per-box loss) → the gradient of a loss's own terms w.r.t. the leaves.
HandGrad = Callable[[Tensor], list[Tensor | None]]


def _siou_by_hand(s: _Shared, theta: float = 4.0) -> tuple[Terms, HandGrad]:
    """SIoU's terms (the values of :func:`_siou_from`, bit for bit, detached) and its own terms' gradient with
    respect to the geometry's leaves (:data:`_LEAVES`) in closed form, for the batch.

    Autograd through ``Δ/2`` and ``Ω/2`` ran ~190 kernels over the pairs (SIoU alone was a quarter of the batch of
    all nine losses); the closed form runs about a third of them. Ties are split as autograd splits them:
    ``|x|`` has slope 0 at 0, ``max(a, b)`` gives each side 1/2 at a tie, a clamp passes the gradient at its bound.
    """
    g, eps = s.g, s.eps
    # (the gradient below reads these, not g: g holds the whole graph, which would then live as long as it)
    cw, ch, w, w_t, h, h_t = g.cw, g.ch, g.w, g.w_t, g.h, g.h_t
    with torch.no_grad():
        dx = g.cx_t - g.cx
        dy = g.cy_t - g.cy
        tiny = torch.finfo(dx.dtype).tiny
        sq = dx**2 + dy**2
        floor = eps * g.c2
        widest = torch.maximum(sq, floor)
        sigma2 = widest.clamp(min=tiny)
        dxy = dx * dy
        angle_cost = 2 * dxy.abs() / sigma2
        gamma = 2 - angle_cost
        cwc, chc = g.cw.clamp(min=eps), g.ch.clamp(min=eps)
        qx, qy = dx / cwc, dy / chc
        rho_x, rho_y = qx**2, qy**2
        ex, ey = torch.exp(-gamma * rho_x), torch.exp(-gamma * rho_y)
        distance_cost = (1 - ex) + (1 - ey)
        dw, dh = g.w - g.w_t, g.h - g.h_t
        mw, mh = torch.max(g.w, g.w_t), torch.max(g.h, g.h_t)
        mwc, mhc = mw.clamp(min=eps), mh.clamp(min=eps)
        omega_w, omega_h = dw.abs() / mwc, dh.abs() / mhc
        e_w, e_h = torch.exp(-omega_w), torch.exp(-omega_h)
        b_w, b_h = 1 - e_w, 1 - e_h
        shape_cost = b_w**theta + b_h**theta
        terms = {"1 - IoU": s.l_iou(), "Δ/2": distance_cost / 2, "Ω/2": shape_cost / 2}

    def grad(cot: Tensor) -> list[Tensor | None]:
        with torch.no_grad():
            half = cot * 0.5
            # Δ = Σ 1 - exp(-γ·ρ), γ = 2 - 2|dx·dy|/σ², ρ_x = (dx / C_w)², σ² = max(dx² + dy², eps·c²). Common
            # factors (2, -1) are applied once at the end and products fused (addcmul): fewer kernels.
            minus_g_angle = torch.addcmul(ex * rho_x, ey, rho_y).mul_(half)  # -d/dΛ = d/dγ
            g_sigma2 = (minus_g_angle * angle_cost).div_(sigma2).mul_(widest >= tiny)  # the clamp's pass
            g_sq = g_sigma2 * _tie_slope(sq, floor)  # d max(sq, floor) / d sq, 1/2 at a tie
            g_floor = g_sigma2 - g_sq
            g_dxy_half = (minus_g_angle * dxy.sgn()).div_(sigma2)  # -(d/d(dx·dy)) / 2
            half_gamma = half * gamma
            g_qx_half, g_qy_half = (half_gamma * ex).mul_(qx), (half_gamma * ey).mul_(qy)  # d/dq / 2
            g_cx = torch.addcmul(g_qx_half / cwc, g_sq, dx).addcmul_(g_dxy_half, dy, value=-1).mul_(-2)
            g_cy = torch.addcmul(g_qy_half / chc, g_sq, dy).addcmul_(g_dxy_half, dx, value=-1).mul_(-2)
            g_cw = (g_qx_half * qx).div_(cwc).mul_(cw >= eps).mul_(-2).addcmul_(g_floor, cw, value=2 * eps)
            g_ch = (g_qy_half * qy).div_(chc).mul_(ch >= eps).mul_(-2).addcmul_(g_floor, ch, value=2 * eps)
            # Ω = Σ (1 - exp(-ω))^θ, ω_w = |w - w_t| / max(w, w_t)
            half_theta = half * theta
            g_ww, g_hh = (
                (half_theta * b ** (theta - 1)).mul_(e).mul_(d.sgn() - om * (m >= eps) * _tie_slope(x, xt)).div_(mc)
                for b, e, d, om, m, mc, x, xt in (
                    (b_w, e_w, dw, omega_w, mw, mwc, w, w_t),
                    (b_h, e_h, dh, omega_h, mh, mhc, h, h_t),
                )
            )
        return [g_ww, g_hh, None, None, g_cw, g_ch, g_cx, g_cy]

    return terms, grad


def _eiou_by_hand(s: _Shared) -> tuple[Terms, HandGrad]:
    """EIoU's terms (the values of :func:`_eiou_from`, bit for bit; its own two detached) and its own terms'
    gradient with respect to the leaves in closed form: ``d/dw (w - w_t)²/(C_w² + eps) = 2(w - w_t)/(C_w² + eps)``,
    ``d/dC_w = -2·C_w·term/(C_w² + eps)``; the same in h."""
    g, eps = s.g, s.eps
    terms = {"1 - IoU": s.l_iou(), "ρ²/c²": s.diou_penalty()}
    cw, ch = g.cw, g.ch  # (read by the gradient instead of g, which holds the whole graph)
    with torch.no_grad():
        dw, dh = g.w - g.w_t, g.h - g.h_t
        den_w, den_h = g.cw**2 + eps, g.ch**2 + eps
        t_w, t_h = dw**2 / den_w, dh**2 / den_h
    terms |= {"(w - w_t)²/C_w²": t_w, "(h - h_t)²/C_h²": t_h}

    def grad(cot: Tensor) -> list[Tensor | None]:
        with torch.no_grad():
            g_w, g_h = ((cot * d).div_(den).mul_(2) for d, den in ((dw, den_w), (dh, den_h)))
            g_cw = (cot * t_w).div_(den_w).mul_(cw).mul_(-2)
            g_ch = (cot * t_h).div_(den_h).mul_(ch).mul_(-2)
        return [g_w, g_h, None, None, g_cw, g_ch, None, None]

    return terms, grad


#: The losses whose own terms the batch differentiates in closed form (the others: autograd down to the leaves).
_BY_HAND: dict[str, Callable[..., tuple[Terms, HandGrad]]] = {"siou": _siou_by_hand, "eiou": _eiou_by_hand}


def _tie_slope(a: Tensor, b: Tensor) -> Tensor:
    """``d max(a, b) / d a`` as autograd takes it: 1, 0, or 1/2 at a tie, in ``a``'s dtype.

    Two kernels (a subtraction and a step) instead of four (two comparisons, a cast, a select): ``a - b`` is 0
    exactly when ``a == b`` for finite floats (subtraction does not underflow to 0 with IEEE subnormals; only
    ``torch.set_flush_denormal(True)`` would merge values closer than 1e-38 into a tie), and ±inf keeps its sign.
    """
    return torch.heaviside(a - b, a.new_full((), 0.5))


#: code → the loss's terms from a shared geometry, given validated options (NWD reads the boxes, not the geometry).
_FROM_SHARED: dict[str, Callable[..., Terms]] = {
    "iou": _iou_from,
    "giou": _giou_from,
    "diou": _diou_from,
    "ciou": _ciou_from,
    "eiou": _eiou_from,
    "siou": _siou_from,
    "alpha_iou": _alpha_iou_from,
    "wiou": _wiou_from,
}


def _checked_options(code: str, options: dict[str, object]) -> dict[str, object]:
    """``options`` of loss ``code`` validated against its registration (``_opt``), in registration order."""
    return {name: _opt(code, name, value) for name, value in options.items()}


def _terms_of(code: str) -> Callable[..., Terms]:
    """The ``(pred, target, eps, **options) -> Terms`` function of loss ``code`` (what ``IouLossSpec.terms`` holds)."""

    def terms(pred: Tensor, target: Tensor, eps: float, **options: object) -> Terms:
        opts = _checked_options(code, options)
        return _FROM_SHARED[code](_shared(pred, target, eps), **opts)

    terms.__name__ = terms.__qualname__ = f"_{code}_terms"
    return terms


_iou_terms = _terms_of("iou")
_giou_terms = _terms_of("giou")
_diou_terms = _terms_of("diou")
_ciou_terms = _terms_of("ciou")
_eiou_terms = _terms_of("eiou")
_siou_terms = _terms_of("siou")
_alpha_iou_terms = _terms_of("alpha_iou")
_wiou_terms = _terms_of("wiou")


# --------------------------------------------------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------------------------------------------------


@half_safe
def iou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    mode: str = "linear",
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """IoU loss in three scalings.

    ``mode="linear"``: ``1 - IoU``; ``"log"``: ``-ln(max(IoU, 1e-6))`` (UnitBox; mmdetection's ``IoULoss``
    default); ``"square"``: ``1 - IoU²``. Disjoint boxes all get the same loss and no gradient at all, which is the
    weakness GIoU/DIoU were designed to fix.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        mode: ``"linear"`` (default), ``"log"`` or ``"square"``.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union. Default ``1e-7``; absolute, see the module docstring.

    Returns:
        The loss, in ``[0, 1]`` for ``linear``/``square`` and in ``[0, ln 1e6]`` for ``log``.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Yu et al., "UnitBox: An Advanced Object Detection Network", ACM MM 2016,
    https://arxiv.org/abs/1608.01471.
    """
    check_reduction(reduction)
    return _finish(_iou_terms(pred, target, eps, mode=mode), reduction, weight, avg_factor)


@half_safe
def giou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Generalized IoU loss ``1 - IoU + (C - union) / (C + eps)``, C the area of the smallest enclosing box.

    Same numerics as torchvision's ``generalized_box_iou_loss``. Values lie in ``[0, 2)``; for disjoint boxes the
    penalty grows with the empty space between them, so the gradient is not zero.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union and to ``C``. Default ``1e-7``; absolute, see the module docstring.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Rezatofighi et al., "Generalized Intersection over Union: A Metric and A Loss for Bounding Box
    Regression", CVPR 2019, https://arxiv.org/abs/1902.09630.
    """
    check_reduction(reduction)
    return _finish(_giou_terms(pred, target, eps), reduction, weight, avg_factor)


@half_safe
def diou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Distance IoU loss ``1 - IoU + ρ² / (c² + eps)``.

    ρ is the distance between the box centres and c the diagonal of the smallest enclosing box (torchvision's
    ``distance_box_iou_loss``). Values lie in ``[0, 2)``; the penalty pulls the centres together directly.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union and to ``c²``. Default ``1e-7``; absolute, see the module docstring.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Zheng et al., "Distance-IoU Loss: Faster and Better Learning for Bounding Box Regression", AAAI 2020,
    https://arxiv.org/abs/1911.08287.
    """
    check_reduction(reduction)
    return _finish(_diou_terms(pred, target, eps), reduction, weight, avg_factor)


@half_safe
def ciou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    alpha_gating: bool = False,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Complete IoU loss ``1 - IoU + ρ²/(c² + eps) + α·v``.

    ``v = 4/π² · (atan(w_t/h_t) - atan(w/h))²`` measures the aspect-ratio mismatch and
    ``α = v / (1 - IoU + v + eps)`` is computed without gradient, as in torchvision's ``complete_box_iou_loss``.

    For a zero-size prediction (``w = h = 0``) the aspect term's gradient is of order ``1/eps`` (1e7 by default):
    finite in float32/float64; for float16 inputs it saturates at ±65504, the largest float16 (never ``inf``).

    With ``alpha_gating=True`` the mmdetection 3.x convention is used instead: ``α = 0`` where ``IoU <= 0.5`` (so
    CIoU equals DIoU for poorly overlapping pairs) and the CIoU value ``IoU - ρ²/c² - α·v`` is clamped to
    ``[-1, 1]`` before ``1 - CIoU``.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union, ``c²``, the heights inside ``atan`` and α's denominator. Default ``1e-7``;
            absolute, see the module docstring.
        alpha_gating: mmdetection 3.x gating and clamping (default ``False``: torchvision).

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Zheng et al., "Enhancing Geometric Factors in Model Learning and Inference for Object Detection and
    Instance Segmentation", IEEE TCYB 2021, https://arxiv.org/abs/2005.03572.
    """
    check_reduction(reduction)
    return _finish(_ciou_terms(pred, target, eps, alpha_gating=alpha_gating), reduction, weight, avg_factor)


@half_safe
def eiou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Efficient IoU loss ``1 - IoU + ρ²/c² + (w - w_t)²/C_w² + (h - h_t)²/C_h²``.

    C_w and C_h are the width and height of the smallest enclosing box; each denominator gets ``+ eps``. Unlike
    CIoU's aspect term, the width and height errors are penalised separately and never vanish for a wrong size.

    Note: mmdetection's class ``EIoULoss`` is a different loss, the "Extended IoU" of Peng & Yu (2021), a smoothed
    ``1 - IoU``; it is not this one.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union, ``c²``, ``C_w²`` and ``C_h²``. Default ``1e-7``; absolute, see the module docstring.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Zhang et al., "Focal and Efficient IOU Loss for Accurate Bounding Box Regression",
    Neurocomputing 2022, https://arxiv.org/abs/2101.08158.
    """
    check_reduction(reduction)
    return _finish(_eiou_terms(pred, target, eps), reduction, weight, avg_factor)


@half_safe
def siou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    theta: float = 4.0,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """SCYLLA-IoU loss ``1 - IoU + (Δ + Ω) / 2`` with the paper's sign.

    With ``dx = cx_t - cx``, ``dy = cy_t - cy`` and σ the centre distance:

    * angle cost ``Λ = 1 - 2·sin²(arcsin(|dy|/σ) - π/4)``, which equals ``sin 2α = 2·|dx|·|dy| / σ²``
      (computed in that form: no ``arcsin``/``sqrt``, finite gradient when the centres coincide);
    * distance cost ``Δ = Σ_{t=x,y} (1 - exp(-γ·ρ_t))`` with ``γ = 2 - Λ``, ``ρ_x = (dx / C_w)²``,
      ``ρ_y = (dy / C_h)²`` (C_w, C_h the enclosing box size);
    * shape cost ``Ω = Σ_{t=w,h} (1 - exp(-ω_t))^θ`` with ``ω_w = |w - w_t| / max(w, w_t)``,
      ``ω_h = |h - h_t| / max(h, h_t)``.

    Note: mmdetection's ``siou_loss`` defaults to ``neg_gamma=False``, which uses ``exp(+γρ)`` and so flips the sign
    of the distance term (the loss then *decreases* as the centres move apart); lossviz follows the paper.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        theta: shape-cost exponent θ, ``1 <= θ <= 1000`` (the paper uses 2–6, default 4).
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union; floor of ``C_w``, ``C_h``, ``max(w, w_t)``, ``max(h, h_t)`` and of ``σ² / c²``.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Gevorgyan, "SIoU Loss: More Powerful Learning for Bounding Box Regression", 2022,
    https://arxiv.org/abs/2205.12740.
    """
    check_reduction(reduction)
    return _finish(_siou_terms(pred, target, eps, theta=theta), reduction, weight, avg_factor)


@half_safe
def alpha_iou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    alpha: float = 3.0,
    variant: str = "iou",
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """α-IoU: the power generalisation of the IoU-family losses.

    * ``variant="iou"``: ``1 - IoU^α``
    * ``"giou"``: ``1 - IoU^α + ((C - U) / C)^α``
    * ``"diou"``: ``1 - IoU^α + (ρ² / c²)^α``
    * ``"ciou"``: ``1 - IoU^α + (ρ² / c²)^α + (β·v)^α`` with CIoU's ``β = v / (1 - IoU + v + eps)`` (no gradient)

    ``α = 1`` recovers the plain losses; ``α > 1`` up-weights high-IoU pairs (the paper's default is 3). Powers are
    taken with a finite slope at 0 so ``α < 1`` gives finite gradients for disjoint boxes.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        alpha: the power α, ``0 < α <= 1000``. Default 3.
        variant: ``"iou"`` (default), ``"giou"``, ``"diou"`` or ``"ciou"``.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union and denominators. Default ``1e-7``; absolute, see the module docstring.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: He et al., "Alpha-IoU: A Family of Power Intersection over Union Losses for Bounding Box
    Regression", NeurIPS 2021, https://arxiv.org/abs/2110.13675.
    """
    check_reduction(reduction)
    return _finish(_alpha_iou_terms(pred, target, eps, alpha=alpha, variant=variant), reduction, weight, avg_factor)


@half_safe
def wiou_loss(
    pred: Tensor,
    target: Tensor,
    *,
    version: str = "v1",
    wiou_alpha: float = 1.9,
    delta: float = 3.0,
    mean_iou_loss: float | None = None,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
) -> Tensor:
    """Wise-IoU loss, v1 and v3.

    * ``version="v1"``: ``R · (1 - IoU)`` with ``R = exp(ρ² / (c²)*)``, where ``(c²)*`` is the squared enclosing
      diagonal *detached* from the graph (so R amplifies the IoU loss of distant pairs without pulling the
      enclosing box to grow).
    * ``version="v3"``: ``r · L_v1`` with the non-monotonic focusing coefficient ``r = β / (δ · α^(β - δ))`` and the
      outlier degree ``β = (1 - IoU)* / mean_iou_loss`` (detached). ``mean_iou_loss`` is the running mean of
      ``1 - IoU`` that a trainer keeps; when ``None`` the mean over the given boxes is used.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape.
        version: ``"v1"`` (default) or ``"v3"``.
        reduction: ``"none"`` (default) → ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalar.
        eps: added to the union and ``c²``. Default ``1e-7``; absolute, see the module docstring.
        wiou_alpha: v3's α, ``1 <= α <= 100`` (below 1, r grows without bound for outliers). Default 1.9.
        delta: v3's δ, ``0.01 <= δ <= 100``. Default 3.
        mean_iou_loss: v3's normaliser in ``[1e-6, 1]``, or ``None`` for the mean over the batch.

        weight: optional per-box weight ``Tensor[...]`` (or per coordinate ``Tensor[..., 4]``, averaged over the
            last dimension as mmdetection does), ``>= 0``.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.

    Raises:
        ValueError: if a box tensor is not floating point, not ``(..., 4)``, holds NaN/inf or inverted boxes, if
            ``pred`` and ``target`` differ in shape, dtype or device, if ``eps`` is outside ``(0, 1)``, or if
            an option, ``reduction``, ``weight`` or ``avg_factor`` is invalid. The message names the argument.

    Reference: Tong et al., "Wise-IoU: Bounding Box Regression Loss with Dynamic Focusing Mechanism",
    2023, https://arxiv.org/abs/2301.10051.
    """
    check_reduction(reduction)
    terms = _wiou_terms(
        pred, target, eps, version=version, wiou_alpha=wiou_alpha, delta=delta, mean_iou_loss=mean_iou_loss
    )
    return _finish(terms, reduction, weight, avg_factor)


# --------------------------------------------------------------------------------------------------------------------
# Pairwise matrices (torchvision.ops.box_iou / generalized_box_iou)
# --------------------------------------------------------------------------------------------------------------------


def _pairwise_inputs(boxes1: Tensor, boxes2: Tensor) -> tuple[Tensor, Tensor]:
    out = []
    for name, b in (("boxes1", boxes1), ("boxes2", boxes2)):
        if isinstance(b, Tensor) and not b.is_floating_point() and not b.is_complex() and b.dtype != torch.bool:
            b = b.to(torch.float32)  # integer boxes are upcast, as torchvision does
        check_boxes(name, b)
        if b.ndim != 2:
            raise ValueError(f"{name} must have shape (N, 4), got {tuple(b.shape)}")
        out.append(b)
    b1, b2 = out
    if b1.dtype != b2.dtype:
        dtype = torch.promote_types(b1.dtype, b2.dtype)
        b1, b2 = b1.to(dtype), b2.to(dtype)
    if b1.device != b2.device:
        raise ValueError(f"boxes1 and boxes2 must be on the same device, got {b1.device} and {b2.device}")
    return b1, b2


def _safe_div(num: Tensor, den: Tensor) -> Tensor:
    """``num / den`` where ``den > 0``, else 0, with finite gradients everywhere."""
    positive = den > 0
    return torch.where(positive, num / torch.where(positive, den, torch.ones_like(den)), torch.zeros_like(num))


def _pairwise_inter_union(b1: Tensor, b2: Tensor) -> tuple[Tensor, Tensor]:
    area1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    area2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    lt = torch.max(b1[:, None, :2], b2[None, :, :2])
    rb = torch.min(b1[:, None, 2:], b2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[:, None] + area2[None, :] - inter
    return inter, union


@half_safe
def box_iou(boxes1: Tensor, boxes2: Tensor, *, eps: float = 0.0) -> Tensor:
    """Pairwise IoU matrix, as torchvision's ``ops.box_iou``.

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy (integer boxes are upcast to float32).
        boxes2: ``Tensor[M, 4]`` xyxy.
        eps: added to the union (default 0, torchvision's exact value). A pair whose union is 0 (two zero-area
            boxes) gets IoU 0 instead of NaN.

    Returns:
        ``Tensor[N, M]``: IoU of every pair, in the promoted input dtype (computed in float32 for float16/bfloat16,
        whose areas overflow beyond 65504).

    Raises:
        ValueError: if a box tensor is not ``(N, 4)`` finite xyxy boxes with ``x2 >= x1``, ``y2 >= y1``, the
            devices differ, or ``eps`` is outside ``[0, 1)``.

    Reference: torchvision.ops.box_iou; Yu et al., "UnitBox", ACM MM 2016, https://arxiv.org/abs/1608.01471.
    """
    eps = check_param("eps", eps, ge=0.0, lt=1.0)
    b1, b2 = _pairwise_inputs(boxes1, boxes2)
    inter, union = _pairwise_inter_union(b1, b2)
    return _safe_div(inter, union + eps)


@half_safe
def generalized_box_iou(boxes1: Tensor, boxes2: Tensor, *, eps: float = 0.0) -> Tensor:
    """Pairwise GIoU matrix ``IoU - (C - U) / C``, as torchvision's ``ops.generalized_box_iou``.

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy (integer boxes are upcast to float32).
        boxes2: ``Tensor[M, 4]`` xyxy.
        eps: added to the union and to ``C`` (default 0). Zero denominators give 0 instead of NaN.

    Returns:
        ``Tensor[N, M]`` with values in ``[-1, 1]``, in the promoted input dtype (computed in at least float32).

    Raises:
        ValueError: as :func:`box_iou`.

    Reference: Rezatofighi et al., CVPR 2019, https://arxiv.org/abs/1902.09630; torchvision.ops.generalized_box_iou.
    """
    eps = check_param("eps", eps, ge=0.0, lt=1.0)
    b1, b2 = _pairwise_inputs(boxes1, boxes2)
    inter, union = _pairwise_inter_union(b1, b2)
    iou = _safe_div(inter, union + eps)
    lt = torch.min(b1[:, None, :2], b2[None, :, :2])
    rb = torch.max(b1[:, None, 2:], b2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    area_c = wh[..., 0] * wh[..., 1]
    return iou - _safe_div(area_c - union, area_c + eps)


# --------------------------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------------------------


_COMMON = ("pred", "target", "reduction", "eps", "weight", "avg_factor")


def _registry_entry(fn: Callable[..., Tensor], code: str) -> Callable[..., Tensor]:
    """Wrap ``fn`` to the uniform signature ``(pred, target, reduction="none", eps=1e-7, **options)``."""
    params = inspect.signature(fn).parameters
    allowed = tuple(name for name in params if name not in _COMMON)

    def loss(
        pred: Tensor,
        target: Tensor,
        *,
        reduction: str = "none",
        eps: float = 1e-7,
        weight: Tensor | None = None,
        avg_factor: float | None = None,
        **options: object,
    ) -> Tensor:
        unknown = sorted(set(options) - set(allowed))
        if unknown:
            raise ValueError(f"unknown option(s) {unknown} for loss {code!r}; allowed: {list(allowed)}")
        return fn(pred, target, reduction=reduction, eps=eps, weight=weight, avg_factor=avg_factor, **options)

    loss.__name__ = fn.__name__
    loss.__qualname__ = fn.__qualname__
    loss.__doc__ = fn.__doc__
    loss.__wrapped__ = fn  # type: ignore[attr-defined]
    return loss


@dataclass(frozen=True)
class IouOption:
    """One option of an IoU-family loss: its name, default and the values it accepts.

    ``kind`` is ``"float"`` (``low``/``high`` bounds, ``low_open`` for ``>`` instead of ``>=``; ``optional``
    allows ``None``), ``"choice"`` (one of ``choices``) or ``"bool"``. :meth:`check` is what the loss itself
    runs, so the ranges shown by a page and the ones the core enforces are the same numbers.
    """

    name: str
    default: object
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False

    def check(self, value: object) -> object:
        """The validated value (a ``float`` for float options). Raises ``ValueError`` naming the option."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be a bool, got {value!r}")
            return value
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"{self.name} must be one of {self.choices}, got {value!r}")
            return value
        if value is None and self.optional:
            return None
        if self.low_open:
            return check_param(self.name, value, gt=self.low, le=self.high)
        return check_param(self.name, value, ge=self.low, le=self.high)


@dataclass(frozen=True)
class IouLossSpec:
    """Everything about one IoU-family loss, written once; the analysis, the page and the canvas derive from it.

    Attributes:
        code: stable identifier (URL value, registry key).
        name: display name (the paper's).
        fn: the public loss function.
        terms: ``(pred, target, eps, **options) -> {term notation: Tensor}``; the loss is their sum.
        options: the loss's own options (beyond ``reduction``, ``eps``, ``weight``, ``avg_factor``).
        reads: the geometry parts the formula reads (``"inter"``, ``"enclose"``, ``"rho"``, ``"c"``,
            ``"aspect"``), for a canvas to draw; ``reads_by`` refines them by the value of one option.
        paper: arXiv link of the loss.
    """

    code: str
    name: str
    fn: Callable[..., Tensor]
    terms: Callable[..., Terms]
    options: tuple[IouOption, ...]
    reads: tuple[str, ...]
    paper: str
    reads_by: tuple[str, dict[str, tuple[str, ...]]] | None = None

    def option(self, name: str) -> IouOption:
        for opt in self.options:
            if opt.name == name:
                return opt
        raise ValueError(f"unknown option {name!r} for loss {self.code!r}; allowed: {[o.name for o in self.options]}")

    @property
    def defaults(self) -> dict[str, object]:
        return {opt.name: opt.default for opt in self.options}

    def reads_for(self, options: dict[str, object] | None = None) -> tuple[str, ...]:
        """The geometry parts read with these option values (defaults for the ones not given)."""
        if self.reads_by is None:
            return self.reads
        name, table = self.reads_by
        value = (options or {}).get(name, self.option(name).default)
        return table.get(value, self.reads)


#: LaTeX of every term notation that :func:`iou_loss_terms` returns (the formula view is their sum).
TERM_TEX: dict[str, str] = {
    "1 - IoU": r"1 - \mathrm{IoU}",
    "1 - IoU²": r"1 - \mathrm{IoU}^2",
    "-ln IoU": r"-\ln \max(\mathrm{IoU}, 10^{-6})",
    "(C - U)/C": r"\frac{|C| - |B \cup B^{gt}|}{|C|}",
    "ρ²/c²": r"\frac{\rho^2}{c^2}",
    "α·v": r"\alpha v",
    "clamp": r"\mathrm{clamp}",
    "(w - w_t)²/C_w²": r"\frac{(w - w^{gt})^2}{C_w^2}",
    "(h - h_t)²/C_h²": r"\frac{(h - h^{gt})^2}{C_h^2}",
    "Δ/2": r"\frac{\Delta}{2}",
    "Ω/2": r"\frac{\Omega}{2}",
    "1 - IoU^α": r"1 - \mathrm{IoU}^{\alpha}",
    "((C - U)/C)^α": r"\left(\frac{|C| - |B \cup B^{gt}|}{|C|}\right)^{\alpha}",
    "(ρ²/c²)^α": r"\left(\frac{\rho^2}{c^2}\right)^{\alpha}",
    "(β·v)^α": r"(\beta v)^{\alpha}",
    "r(1 - IoU)": r"r\,(1 - \mathrm{IoU})",
    "(R - 1)(1 - IoU)": r"(R - 1)(1 - \mathrm{IoU})",
    "r(R - 1)(1 - IoU)": r"r\,(R - 1)(1 - \mathrm{IoU})",
    "1 - NWD": r"1 - e^{-W_2 / C}",
}

_INTER, _ENC, _DIST, _ASPECT = ("inter",), ("inter", "enclose"), ("inter", "rho", "c"), ("inter", "rho", "c", "aspect")

#: The IoU family, one registration per loss.
IOU_LOSS_SPECS: dict[str, IouLossSpec] = {
    spec.code: spec
    for spec in (
        IouLossSpec(
            "iou", "IoU", iou_loss, _iou_terms,
            (IouOption("mode", "linear", kind="choice", choices=IOU_MODES),),
            _INTER, "https://arxiv.org/abs/1608.01471",
        ),
        IouLossSpec("giou", "GIoU", giou_loss, _giou_terms, (), _ENC, "https://arxiv.org/abs/1902.09630"),
        IouLossSpec("diou", "DIoU", diou_loss, _diou_terms, (), _DIST, "https://arxiv.org/abs/1911.08287"),
        IouLossSpec(
            "ciou", "CIoU", ciou_loss, _ciou_terms, (IouOption("alpha_gating", False, kind="bool"),),
            _ASPECT, "https://arxiv.org/abs/2005.03572",
        ),
        IouLossSpec(
            "eiou", "EIoU", eiou_loss, _eiou_terms, (), (*_DIST, "enclose"), "https://arxiv.org/abs/2101.08158"
        ),
        IouLossSpec(
            "siou", "SIoU", siou_loss, _siou_terms, (IouOption("theta", 4.0, low=1.0, high=MAX_POWER),),
            ("inter", "rho", "enclose"), "https://arxiv.org/abs/2205.12740",
        ),
        IouLossSpec(
            "alpha_iou", "α-IoU", alpha_iou_loss, _alpha_iou_terms,
            (
                IouOption("alpha", 3.0, low=0.0, high=MAX_POWER, low_open=True),
                IouOption("variant", "iou", kind="choice", choices=ALPHA_IOU_VARIANTS),
            ),
            _INTER, "https://arxiv.org/abs/2110.13675",
            reads_by=("variant", {"iou": _INTER, "giou": _ENC, "diou": _DIST, "ciou": _ASPECT}),
        ),
        IouLossSpec(
            "wiou", "Wise-IoU", wiou_loss, _wiou_terms,
            (
                IouOption("version", "v1", kind="choice", choices=WIOU_VERSIONS),
                IouOption("wiou_alpha", 1.9, low=1.0, high=100.0),
                IouOption("delta", 3.0, low=0.01, high=100.0),
                IouOption("mean_iou_loss", None, low=1e-6, high=1.0, optional=True),
            ),
            _DIST, "https://arxiv.org/abs/2301.10051",
        ),
        IouLossSpec(
            "nwd", "NWD", nwd_loss, _nwd_terms,
            (IouOption("constant", 12.8, low=0.0, high=MAX_NWD_CONSTANT, low_open=True),),
            ("rho",), "https://arxiv.org/abs/2110.13389",
        ),
    )
}  # fmt: skip

#: Stable codes → callables ``(pred, target, *, reduction="none", eps=1e-7, weight, avg_factor, **options)``.
IOU_LOSSES: dict[str, Callable[..., Tensor]] = {
    code: _registry_entry(spec.fn, code) for code, spec in IOU_LOSS_SPECS.items()
}

#: Stable codes → display names (language-independent).
IOU_LOSS_NAMES: dict[str, str] = {code: spec.name for code, spec in IOU_LOSS_SPECS.items()}

#: Stable codes → the options each loss accepts, with their defaults.
IOU_LOSS_DEFAULTS: dict[str, dict[str, object]] = {code: spec.defaults for code, spec in IOU_LOSS_SPECS.items()}

_TERM_FUNCTIONS: dict[str, Callable[..., Terms]] = {code: spec.terms for code, spec in IOU_LOSS_SPECS.items()}


def _opt(code: str, name: str, value: object) -> object:
    """Validate option ``name`` of loss ``code`` against its registration (the one place its range is written)."""
    return IOU_LOSS_SPECS[code].option(name).check(value)


@half_safe
def iou_loss_terms(
    code: str, pred: Tensor, target: Tensor, *, eps: float = 1e-7, **options: object
) -> dict[str, Tensor]:
    """The named additive terms of the loss ``code``; their sum is ``IOU_LOSSES[code](pred, target, **options)``.

    Keys are the formula's own (language-independent) notation, in the order the formula writes them, e.g.
    ``{"1 - IoU": ..., "ρ²/c²": ..., "α·v": ...}`` for CIoU; each value has shape ``(...)`` and is differentiable.
    Wise-IoU's product ``R·(1 - IoU)`` is split as ``(1 - IoU) + (R - 1)(1 - IoU)``; gated CIoU adds a ``"clamp"``
    correction (0 unless mmdetection's clamp to [-1, 1] is active).

    Args:
        code: a key of :data:`IOU_LOSSES`.
        pred, target: ``Tensor[..., 4]`` boxes, xyxy.
        eps: as for the loss.
        **options: the loss's options (see :data:`IOU_LOSS_DEFAULTS`).

    Raises:
        ValueError: unknown ``code`` or option, and everything the loss itself rejects.

    Reference: the papers of each loss (see :data:`IOU_LOSSES`), e.g. CIoU: https://arxiv.org/abs/2005.03572.
    """
    if code not in _TERM_FUNCTIONS:
        raise ValueError(f"code must be one of {tuple(_TERM_FUNCTIONS)}, got {code!r}")
    unknown = sorted(set(options) - set(IOU_LOSS_DEFAULTS[code]))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for loss {code!r}; allowed: {list(IOU_LOSS_DEFAULTS[code])}")
    return _TERM_FUNCTIONS[code](pred, target, eps, **options)


# --------------------------------------------------------------------------------------------------------------------
# Batch: every requested loss (and its gradient) from one geometry pass
# --------------------------------------------------------------------------------------------------------------------

#: The losses :func:`iou_losses` computes by default: torchvision's four.
IOU_BATCH_DEFAULT = ("iou", "giou", "diou", "ciou")


class IouLossesAndGrads(NamedTuple):
    """What :func:`iou_losses_and_grads` returns: loss code → value, and loss code → ``∂ value / ∂ pred``."""

    values: dict[str, Tensor]
    grads: dict[str, Tensor]


def _batch_request(losses: Sequence[str] | None, options: dict[str, object]) -> dict[str, dict[str, object]]:
    """Requested codes → their validated options; unknown codes and options nobody requested take are refused."""
    if losses is None:
        codes = tuple(IOU_LOSS_SPECS)
    elif isinstance(losses, str):
        codes = (losses,)
    else:
        codes = tuple(dict.fromkeys(losses))
    bad = [c for c in codes if c not in IOU_LOSS_SPECS]
    if bad or not codes:
        raise ValueError(f"losses must be a non-empty selection of {tuple(IOU_LOSS_SPECS)}, got {losses!r}")
    taken = {o.name for c in codes for o in IOU_LOSS_SPECS[c].options}
    unknown = sorted(set(options) - taken)
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for losses {list(codes)}; allowed: {sorted(taken)}")
    return {
        c: _checked_options(c, {o.name: options[o.name] for o in IOU_LOSS_SPECS[c].options if o.name in options})
        for c in codes
    }


def _batch_terms(
    pred: Tensor,
    target: Tensor,
    eps: float,
    request: dict[str, dict[str, object]],
    leaves: list[Tensor] | None = None,
    hand: dict[str, HandGrad] | None = None,
) -> dict[str, Terms]:
    """Every requested loss's terms, from one input check and one :func:`box_geometry` pass.

    With a list ``leaves``, the geometry is differentiable with respect to the quantities it appends there (see
    :func:`_geometry`) instead of ``pred``, and NWD reads the geometry's centres and sizes (the same numbers). With a
    dict ``hand`` too, SIoU's and EIoU's own terms come detached and their closed-form leaf gradients are put there.
    """
    geo_eps = _check_pair(pred, target, eps)
    shared = _Shared(_geometry(pred, target, geo_eps, leaves), geo_eps) if set(request) - {"nwd"} else None
    leaves = leaves if shared is not None else None
    out: dict[str, Terms] = {}
    for code, opts in request.items():
        if code == "nwd":  # NWD reads the boxes themselves; its eps is the raw one, as nwd_loss takes it
            constant = opts.get("constant", IOU_LOSS_DEFAULTS["nwd"]["constant"])
            if leaves is None:
                nwd = _nwd(pred, target, constant, float(eps))
            else:  # the geometry's centres and sizes: the same numbers, differentiable through the leaves
                g = shared.g
                nwd = _nwd_from(g.cx - g.cx_t, g.cy - g.cy_t, g.w - g.w_t, g.h - g.h_t, constant, float(eps))
            out[code] = {"1 - NWD": 1 - nwd}
        elif code in _BY_HAND and leaves is not None and hand is not None:
            out[code], hand[code] = _BY_HAND[code](shared, **opts)
        else:
            out[code] = _FROM_SHARED[code](shared, **opts)
    return out


@half_safe
def iou_losses(
    pred: Tensor,
    target: Tensor,
    *,
    losses: Sequence[str] | None = IOU_BATCH_DEFAULT,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
    **options: object,
) -> dict[str, Tensor]:
    """Several IoU-family losses of the same box pairs from one input check and one geometry pass.

    The intersection, union, enclosing box, centre distance and aspect term (:func:`box_geometry`) are computed
    once, and so are the sub-expressions several losses share (``1 - IoU``, GIoU's ``(C - U)/C``, DIoU's
    ``ρ²/c²``, CIoU's ``α·v``); each loss is then the sum of its terms, exactly as the single function computes
    it: ``iou_losses(p, t, losses=("ciou",), alpha_gating=True)["ciou"]`` equals
    ``ciou_loss(p, t, alpha_gating=True)`` bit for bit. The values share one autograd graph, so
    ``sum(values).backward()`` runs one backward pass; :func:`iou_losses_and_grads` gives each loss's own gradient.

    Args:
        pred: ``Tensor[..., 4]`` predicted boxes, xyxy.
        target: ``Tensor[..., 4]`` target boxes, same shape, dtype and device.
        losses: codes of :data:`IOU_LOSSES` to compute (default ``("iou", "giou", "diou", "ciou")``, torchvision's
            four); ``None`` for every registered loss.
        reduction: ``"none"`` (default) → each value is ``Tensor[...]``; ``"mean"`` or ``"sum"`` → scalars.
        eps: as for the single losses, ``0 < eps < 1``, default ``1e-7`` (for ``"nwd"`` too, as
            ``IOU_LOSSES["nwd"]`` takes it).
        weight: optional per-box weight ``Tensor[...]`` (or ``Tensor[..., 4]``, averaged), ``>= 0``, for every loss.
        avg_factor: optional ``> 0``; "mean" divides the weighted sum by it instead of the number of boxes.
        **options: the losses' own options (:data:`IOU_LOSS_DEFAULTS`: ``mode``, ``alpha_gating``, ``theta``,
            ``alpha``, ``variant``, ``version``, ``wiou_alpha``, ``delta``, ``mean_iou_loss``, ``constant``); each
            goes to the requested losses that take it, the others keep their defaults.

    Returns:
        ``{code: loss}`` in the order of ``losses``; float16/bfloat16 inputs are computed in float32 and returned in
        their dtype, as the single losses.

    Raises:
        ValueError: an unknown loss code, an option no requested loss takes, and everything the single losses reject
            (boxes, ``eps``, option ranges, ``reduction``, ``weight``, ``avg_factor``). The message names the argument.

    Reference: Yu et al. (IoU) https://arxiv.org/abs/1608.01471; Rezatofighi et al. (GIoU)
    https://arxiv.org/abs/1902.09630; Zheng et al. (DIoU) https://arxiv.org/abs/1911.08287 and (CIoU)
    https://arxiv.org/abs/2005.03572; the other losses' papers in :data:`IOU_LOSS_SPECS`.
    """
    check_reduction(reduction)
    request = _batch_request(losses, options)
    terms = _batch_terms(pred, target, eps, request)
    return {code: _finish(t, reduction, weight, avg_factor) for code, t in terms.items()}


def _grad_units(terms: dict[str, Terms]) -> tuple[list[Tensor], dict[str, list[int]]]:
    """Backward units: each term tensor shared by several losses once, plus the sum of each loss's own terms.

    A loss whose terms no other requested loss reads is one unit, its total (one backward pass, as the single loss);
    a term that several losses read (``1 - IoU``, ``ρ²/c²``, ...) is differentiated once for all of them.
    """
    uses: dict[int, int] = {}
    for t in terms.values():
        for tensor in t.values():
            uses[id(tensor)] = uses.get(id(tensor), 0) + 1
    units: list[Tensor] = []
    index: dict[int, int] = {}
    parts: dict[str, list[int]] = {}
    for code, t in terms.items():
        mine = [x for x in t.values() if uses[id(x)] > 1]
        own = [x for x in t.values() if uses[id(x)] == 1 and x.requires_grad]  # (detached: closed-form gradient)
        parts[code] = []
        for x in mine:
            if id(x) not in index:
                index[id(x)] = len(units)
                units.append(x)
            parts[code].append(index[id(x)])
        if own:
            parts[code].append(len(units))
            units.append(_total(dict(enumerate(own))))
    return units, parts


def iou_losses_and_grads(
    pred: Tensor,
    target: Tensor,
    *,
    losses: Sequence[str] | None = IOU_BATCH_DEFAULT,
    reduction: str = "none",
    eps: float = 1e-7,
    weight: Tensor | None = None,
    avg_factor: float | None = None,
    **options: object,
) -> IouLossesAndGrads:
    """:func:`iou_losses` and, for each loss, its own autograd gradient with respect to ``pred``.

    One input check, one geometry pass, then one backward pass per *distinct* piece: a term several losses share
    (``1 - IoU`` for all of IoU, GIoU, DIoU and CIoU; ``ρ²/c²`` for DIoU and CIoU) is differentiated once, and the
    rest of each loss once (SIoU's and EIoU's own terms in closed form); each loss's gradient is the sum of its
    pieces' gradients. The gradients equal the single
    losses' ``backward()`` up to the order of floating-point additions (bit for bit for a loss computed alone).

    Args:
        pred, target, losses, reduction, eps, weight, avg_factor, **options: as :func:`iou_losses`.

    Returns:
        :class:`IouLossesAndGrads` ``(values, grads)``: ``values[code]`` as :func:`iou_losses` returns it (detached);
        ``grads[code]`` is ``Tensor[..., 4]``, the gradient of ``values[code]`` with respect to ``pred`` (for
        ``reduction="none"``, of its sum: each box's derivative of its own loss). float16/bfloat16 inputs are computed
        in float32; their gradients saturate at the dtype's largest value, as the single losses' do. With several
        losses each gradient is a transposed view of an edge-major ``(4, ...)`` block (not contiguous: call
        ``.contiguous()`` before ``.view``), because interleaving four ``[N]`` tensors costs as much as the rest.

    Raises:
        ValueError: as :func:`iou_losses`.

    Reference: each loss's own paper, as :func:`iou_losses` lists them; the shared geometry is UnitBox's IoU
    (https://arxiv.org/abs/1608.01471) with the DIoU/CIoU terms (https://arxiv.org/abs/1911.08287).
    """
    check_reduction(reduction)
    request = _batch_request(losses, options)
    if not isinstance(pred, Tensor) or not isinstance(target, Tensor):
        check_boxes("pred", pred)
        check_boxes("target", target)
    out_dtype = pred.dtype
    leaf = pred.detach().requires_grad_(pred.is_floating_point())
    # One loss alone: autograd through the whole graph, as the single loss's backward() (bit for bit). Several: the
    # geometry is differentiated with respect to its eight leaves (pred's size and centre, the intersection's and the
    # enclosing box's sizes), and each loss's leaf gradients are mapped onto the edges once (_edge_grads) instead of
    # running min, max and unbind backward for every piece.
    leaves: list[Tensor] | None = [] if len(request) > 1 else None
    with torch.enable_grad():
        p, t = upcast(leaf), upcast(target.detach())
        hand: dict[str, HandGrad] = {}
        terms = _batch_terms(p, t, eps, request, leaves, hand)
        totals = {code: _total(tm) for code, tm in terms.items()}
        values = {code: reduce_boxes(x.detach(), reduction, weight, avg_factor) for code, x in totals.items()}
        # d reduced / d per-box loss: what autograd would send into each loss's graph (weight / count for "mean")
        dummy = torch.zeros_like(next(iter(totals.values())), requires_grad=True)
        cot = torch.autograd.grad(reduce_boxes(dummy, reduction, weight, avg_factor).sum(), dummy)[0]
        units, parts = _grad_units(terms)
        terms = totals = None  # type: ignore[assignment]  # (the units keep what the backward passes need)
        inputs = [p] if not leaves else leaves[: len(_LEAVES)]
        unit_grads: list[tuple[Tensor | None, ...] | None] = []
        for i in range(len(units)):
            unit, units[i] = units[i], None  # type: ignore[call-overload]  # (its graph goes with its backward)
            g: tuple[Tensor | None, ...] = (None,) * len(inputs)
            if unit.requires_grad:
                g = torch.autograd.grad(unit, inputs, cot, retain_graph=i < len(units) - 1, allow_unused=True)
            unit_grads.append(g)
        unit = g = None  # type: ignore[assignment]
    # Each loss in turn: its pieces' gradients summed and mapped onto the edges; then whatever no later loss needs
    # (unit gradients, SIoU's and EIoU's closed-form intermediates) is let go at once, so fewer tensors are alive at
    # the same time (each call faulted in fewer fresh pages).
    last_use = {i: k for k, idx in enumerate(parts.values()) for i in idx}
    grads: dict[str, Tensor] = {}
    # With the leaves, each loss's edge gradients are written into a (4, ...) block of its own, allocated at its turn
    # (one (losses, 4, ...) block for all took more fresh pages a call), the low edges negated and flipped with one
    # neg_, and the loss gets its transposed view.
    for k, (code, idx) in enumerate(parts.items()):
        pieces = [unit_grads[i] for i in idx]
        for i in idx:
            if last_use[i] == k:
                unit_grads[i] = None
        if code in hand:  # (its closed-form gradients are new tensors: the sum is taken in them)
            mine = hand.pop(code)(cot)
            summed = [_add_all((h, *(u[j] for u in pieces)), h is not None) for j, h in enumerate(mine)]
        else:
            summed = [_add_all(u[j] for u in pieces) for j in range(len(inputs))]
        pieces = None  # type: ignore[assignment]
        if leaves:
            block = p.new_empty((4, *p.shape[:-1]))
            _edge_grads(summed, leaves[len(_LEAVES) :], block.unbind(0))
            block[:2].neg_()
            grads[code] = block.movedim(0, -1)
        else:
            grads[code] = summed[0] if summed[0] is not None else torch.zeros_like(p)
    if out_dtype in HALF_DTYPES:
        info = torch.finfo(out_dtype)
        values = {c: v.to(out_dtype) for c, v in values.items()}
        grads = {c: g.clamp(min=info.min, max=info.max).to(out_dtype) for c, g in grads.items()}
    return IouLossesAndGrads(values, grads)


def _add_all(tensors: Iterable[Tensor | None], fresh: bool = False) -> Tensor | None:
    """The sum of the tensors that are not None (None if none is), added left to right: into the first one if it is
    ``fresh`` (nobody else holds it), else the first addition makes a new tensor and the next ones add into it."""
    total = None
    for x in tensors:
        if x is None:
            continue
        if total is None:
            total = x
        elif fresh:
            total.add_(x)
        else:
            total, fresh = total + x, True
    return total


def _edge_grads(g: list[Tensor | None], masks: list[Tensor], out: Sequence[Tensor]) -> None:
    """Gradients of :data:`_LEAVES` → the gradient of ``(x1, y1, x2, y2)``, written into the four rows ``out`` with
    the rows of ``x1`` and ``y1`` *negated* (the caller negates them with one ``neg_``).

    ``w = x2 - x1``, ``cx = (x1 + x2) / 2``, ``iw = min(x2, x2t) - max(x1, x1t)``, ``cw = max(x2, x2t) - min(x1, x1t)``
    (and the same in y); ``masks`` hold ``∂max(x1, x1t)/∂x1``, ``∂max(y1, y1t)/∂y1``, ``∂min(x2, x2t)/∂x2`` and
    ``∂min(y2, y2t)/∂y2`` (1, 0, or 1/2 at a tie, as autograd splits a tie), so ``∂min(x1, x1t)/∂x1 = 1 - mask``:
    ``-∂/∂x1 = g_w - g_cx/2 + g_cw + (g_iw - g_cw)·m_x1``, ``∂/∂x2 = g_w + g_cx/2 + g_cw + (g_iw - g_cw)·m_x2``.
    Each row is computed in place in ``out`` (no per-row temporaries, no stacking copy).
    """
    for axis in (0, 1):
        gs, gi, ge, gc = g[axis], g[2 + axis], g[4 + axis], g[6 + axis]
        # the terms both rows share: g_s + g_e (once), ±g_c/2, and the intersection/enclosure mix (g_i - g_e)·mask
        base = gs if ge is None else ge if gs is None else gs + ge
        if gi is not None and ge is not None:
            prod, value = gi - ge, 1.0
        elif gi is not None:
            prod, value = gi, 1.0
        elif ge is not None:  # ge·(1 - mask): ge is already in base
            prod, value = ge, -1.0
        else:
            prod = None
        for row, m, half in ((out[axis], masks[axis], -0.5), (out[2 + axis], masks[2 + axis], 0.5)):
            _accumulate(row, base, gc, half, None if prod is None else (prod, m, value))


def _accumulate(out: Tensor, base: Tensor | None, gc: Tensor | None, half: float, prod: tuple | None) -> None:
    """``out = base + half·gc + value·a·b`` (``prod = (a, b, value)``), any of them absent, in as few kernels as
    possible, each writing ``out``."""
    if base is not None:
        if gc is not None:
            torch.add(base, gc, alpha=half, out=out)
        elif prod is not None:
            a, b, value = prod
            torch.addcmul(base, a, b, value=value, out=out)
            return
        else:
            out.copy_(base)
    elif gc is not None:
        torch.mul(gc, half, out=out)
    elif prod is not None:
        a, b, value = prod
        torch.mul(a, b, out=out)
        if value != 1.0:
            out.mul_(value)
        return
    else:
        out.zero_()
        return
    if prod is not None:
        a, b, value = prod
        out.addcmul_(a, b, value=value)
