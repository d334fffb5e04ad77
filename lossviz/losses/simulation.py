"""The DIoU paper's box-regression simulation: anchors regressed onto targets by gradient descent on a loss.

Zheng et al., "Distance-IoU Loss: Faster and Better Learning for Bounding Box Regression", AAAI 2020
(https://arxiv.org/abs/1911.08287), Section "Simulation experiment", and its official MATLAB code
(github.com/Zzh-tju/DIoU, folder ``simulation experiment/``: ``test_1715k.m`` and the hand-written gradients
``dIOU.m``, ``dGIOU.m``, ``dDIOU.m``, ``dCIOU.m``).

Pure torch, not a loss: the protocol (centres, anchors, targets), a faithful vectorised port of the official
gradients (``gradients="paper"``), the exact gradients of this core's losses by autograd (``gradients="autograd"``)
and the vectorised step loop. Boxes here are ``(x, y, w, h)`` (centre, width, height), as in the paper's update
``B ← B − η·(2 − IoU)·∇_B L``; the losses are called on the matching ``(x1, y1, x2, y2)`` boxes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from . import iou as _iou
from ._validate import check_param

__all__ = [
    "ASPECTS",
    "AUTOGRAD_LOSSES",
    "PAPER_LOSSES",
    "PAPER_SCHEDULE",
    "SCALES",
    "Schedule",
    "SimulationResult",
    "autograd_gradient",
    "disc_centres",
    "paper_gradient",
    "paper_iou",
    "protocol_boxes",
    "simulate_boxes",
    "xywh_to_xyxy",
]

_C1, _C2 = math.sqrt(3.0), math.sqrt(2.0)
#: The 7 unit-area (w, h) shapes of ``test_1715k.m`` lines 35–62 and 92–119: aspect ratios 1:4, 1:3, 1:2, 1:1, 2:1,
#: 3:1, 4:1 (w:h).
ASPECTS: tuple[tuple[float, float], ...] = (
    (0.5, 2.0),
    (_C1 / 3, _C1),
    (_C2 / 2, _C2),
    (1.0, 1.0),
    (_C2, _C2 / 2),
    (_C1, _C1 / 3),
    (2.0, 0.5),
)
#: The 7 anchor scales (anchor area / target area) of ``test_1715k.m`` lines 66–86.
SCALES: tuple[float, ...] = (0.5, 0.67, 0.75, 1.0, 1.33, 1.5, 2.0)
CASES_PER_CENTRE = len(ASPECTS) * len(SCALES) * len(ASPECTS)  # 343

#: Losses with a port of the official hand-written gradient.
PAPER_LOSSES = ("iou", "giou", "diou", "ciou")
#: Losses of the core that ``gradients="autograd"`` can simulate.
AUTOGRAD_LOSSES = ("iou", "giou", "diou", "ciou", "eiou", "siou", "alpha_iou")


@dataclass(frozen=True)
class Schedule:
    """A piecewise-constant learning rate: ``rates[i]`` for the steps up to and including ``until[i]`` (1-based).

    The paper's (``test_1715k.m`` lines 130, 147, 164): η = 0.1 for steps 1–160, 0.01 for 161–180, 0.001 for 181–200.
    Steps past the last ``until`` keep the last rate.
    """

    rates: tuple[float, ...] = (0.1, 0.01, 0.001)
    until: tuple[int, ...] = (160, 180, 200)

    def __post_init__(self) -> None:
        if len(self.rates) == 0 or len(self.rates) != len(self.until):
            raise ValueError("schedule needs as many rates as step bounds, at least one")
        for r in self.rates:
            check_param("learning rate", r, gt=0.0, le=100.0)
        if any(int(u) < 1 for u in self.until) or list(self.until) != sorted(self.until):
            raise ValueError(f"schedule step bounds must be increasing and >= 1, got {self.until}")

    def rate(self, step: int) -> float:
        """η at 1-based ``step``."""
        for r, u in zip(self.rates, self.until, strict=True):
            if step <= u:
                return float(r)
        return float(self.rates[-1])


PAPER_SCHEDULE = Schedule()


def disc_centres(points: int, *, seed: int = 0, centre: tuple[float, float] = (10.0, 10.0), radius: float = 3.0):
    """``points`` anchor centres uniform over a disc, as ``test_1715k.m`` lines 8–11.

    Radius ``radius·sqrt(u)`` and angle ``2π·v`` with ``u, v ~ U(0, 1)``: uniform in area (``radius·u`` would crowd
    the centre).

    Args:
        points: number of centres, ``>= 1``.
        seed: seed of the torch generator (MATLAB's ``rand`` stream cannot be reproduced; the law is the same).
        centre: the disc's centre ``(x, y)``. Default ``(10, 10)``, the targets' centre.
        radius: the disc's radius. Default ``3``.

    Returns:
        ``Tensor[points, 2]`` float64 centres ``(x, y)``.

    Raises:
        ValueError: if ``points < 1`` or ``radius <= 0``.
    """
    if int(points) != points or points < 1:
        raise ValueError(f"points must be a whole number >= 1, got {points!r}")
    radius = check_param("radius", radius, gt=0.0)
    gen = torch.Generator().manual_seed(int(seed))
    u = torch.rand(int(points), generator=gen, dtype=torch.float64)
    v = torch.rand(int(points), generator=gen, dtype=torch.float64)
    r = radius * torch.sqrt(u)
    theta = 2 * math.pi * v
    return torch.stack([centre[0] + r * torch.cos(theta), centre[1] + r * torch.sin(theta)], dim=-1)


def protocol_boxes(centres: Tensor, *, target_centre: tuple[float, float] = (10.0, 10.0)) -> tuple[Tensor, Tensor]:
    """The 343 anchor/target pairs at each centre, in the order of ``test_1715k.m``'s loops (centre, target, scale,
    anchor aspect).

    At each centre: 7 targets of area 1 centred at ``target_centre`` with the 7 :data:`ASPECTS`; for each, anchors
    of area ``scale × 1`` for the 7 :data:`SCALES` in each of the 7 aspects.

    Args:
        centres: ``Tensor[P, 2]`` anchor centres.
        target_centre: the targets' centre. Default ``(10, 10)``.

    Returns:
        ``(anchors, targets)``: two ``Tensor[P·343, 4]`` in ``(x, y, w, h)``, dtype of ``centres``.
    """
    if centres.ndim != 2 or centres.shape[-1] != 2:
        raise ValueError(f"centres must have shape (P, 2), got {tuple(centres.shape)}")
    dt, dev = centres.dtype, centres.device
    shapes = torch.tensor(ASPECTS, dtype=dt, device=dev)  # (7, 2)
    scales = torch.tensor(SCALES, dtype=dt, device=dev)  # (7,)
    # per (target aspect c, scale o, anchor aspect l): anchor w, h = shape_l · sqrt(S), S = scale_o · (area 1)
    side = torch.sqrt(scales)[None, :, None, None] * shapes[None, None, :, :]  # (1, 7, 7, 2)
    anchor_wh = side.expand(len(ASPECTS), -1, -1, -1).reshape(-1, 2)  # (343, 2)
    target_wh = shapes[:, None, None, :].expand(-1, len(SCALES), len(ASPECTS), -1).reshape(-1, 2)  # (343, 2)
    p = centres.shape[0]
    anchors = torch.cat(
        [centres[:, None, :].expand(p, CASES_PER_CENTRE, 2), anchor_wh[None].expand(p, -1, -1)], dim=-1
    ).reshape(-1, 4)
    tc = torch.tensor(target_centre, dtype=dt, device=dev)
    targets = torch.cat([tc.expand(CASES_PER_CENTRE, 2), target_wh], dim=-1)[None].expand(p, -1, -1).reshape(-1, 4)
    return anchors.contiguous(), targets.contiguous()


def xywh_to_xyxy(boxes: Tensor) -> Tensor:
    """``(x, y, w, h)`` → ``(x1, y1, x2, y2)`` (differentiable)."""
    x, y, w, h = boxes.unbind(-1)
    return torch.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], dim=-1)


# --------------------------------------------------------------------------------------------------------------------
# The official hand-written gradients, ported. MATLAB's ``t, b, l, r`` are our ``y1, y2, x1, x2``. The MATLAB
# functions return the gradient of the IoU-like *score* (1 − loss) and the update adds it; we return its negative,
# the gradient of the loss, and the step subtracts it: the same update.
# --------------------------------------------------------------------------------------------------------------------


def _tblr(b: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:  # to_tblr.m
    x, y, w, h = b.unbind(-1)
    return y - h / 2, y + h / 2, x - w / 2, x + w / 2


def _d_iou_edges(p, g):
    """dIOU.m: d IoU / d (t, b, l, r), with its conditions and its edge swap (lines 22–35)."""
    pt, pb, pl, pr = p
    gt_, gb, gl, gr = g
    it, ib = torch.maximum(pt, gt_), torch.minimum(pb, gb)  # In.m
    il, ir = torch.maximum(pl, gl), torch.minimum(pr, gr)
    iw, ih = ir - il, ib - it
    inter = ih * iw
    union = (pb - pt) * (pr - pl) + (gb - gt_) * (gr - gl) - inter
    zero = torch.zeros_like(pt)
    # dIbox.m: the intersection's extent is read even where it is negative (no overlap)
    di_t = torch.where(pt > gt_, -iw, zero)
    di_b = torch.where(pb < gb, iw, zero)
    di_l = torch.where(pl > gl, -ih, zero)
    di_r = torch.where(pr < gr, ih, zero)
    # dXbox.m, dUbox.m
    du_t, du_b = -(pr - pl) - di_t, (pr - pl) - di_b
    du_l, du_r = -(pb - pt) - di_l, (pb - pt) - di_r
    overlap = (it < ib) & (il < ir)
    ok = overlap & (union > 0)
    u2 = torch.where(ok, union * union, torch.ones_like(union))
    s = [torch.where(ok, (union * di - inter * du) / u2, zero) for di, du in ((di_t, du_t), (di_b, du_b))]
    s += [torch.where(ok, (union * di - inter * du) / u2, zero) for di, du in ((di_l, du_l), (di_r, du_r))]
    st, sb, sl, sr = s
    # lines 26–27 and 33–34: "s.dt=s.db; s.db=s.dt;" runs in sequence, so an inverted box gets db in both
    flip_v, flip_h = ~(pt < pb), ~(pl < pr)
    st = torch.where(flip_v, sb, st)
    sl = torch.where(flip_h, sr, sl)
    geo = {"inter": inter, "union": union, "overlap": overlap, "du": (du_t, du_b, du_l, du_r)}
    return (st, sb, sl, sr), geo


def paper_iou(pred: Tensor, target: Tensor) -> Tensor:
    """iou.m: ``I/U`` where the boxes strictly overlap, else 0. ``(x, y, w, h)`` boxes ``Tensor[..., 4]``."""
    pt, pb, pl, pr = _tblr(pred)
    gt_, gb, gl, gr = _tblr(target)
    it, ib = torch.maximum(pt, gt_), torch.minimum(pb, gb)
    il, ir = torch.maximum(pl, gl), torch.minimum(pr, gr)
    inter = (ib - it) * (ir - il)
    union = (pb - pt) * (pr - pl) + (gb - gt_) * (gr - gl) - inter
    ok = (it < ib) & (il < ir)
    return torch.where(ok, inter / torch.where(ok, union, torch.ones_like(union)), torch.zeros_like(inter))


def _to_xywh(s):
    """to_xywh.m: dx = dl + dr, dy = dt + db, dw = dr − dl, dh = db − dt (the exact chain rule halves dw, dh)."""
    st, sb, sl, sr = s
    return sl + sr, st + sb, sr - sl, sb - st


def _d_giou(p, g):
    """dGIOU.m (in t, b, l, r)."""
    pt, pb, pl, pr = p
    gt_, gb, gl, gr = g
    s_iou, geo = _d_iou_edges(p, g)
    union, du = geo["union"], geo["du"]
    ct, cb = torch.minimum(pt, gt_), torch.maximum(pb, gb)  # cover.m
    cl, cr = torch.minimum(pl, gl), torch.maximum(pr, gr)
    cw, ch = cr - cl, cb - ct
    carea = ch * cw
    zero = torch.zeros_like(pt)
    dc = (
        torch.where(pt < gt_, -cw, zero),  # dCbox.m
        torch.where(pb > gb, cw, zero),
        torch.where(pl < gl, -ch, zero),
        torch.where(pr > gr, ch, zero),
    )
    pos = carea > 0
    c2 = torch.where(pos, carea * carea, torch.ones_like(carea))
    pen = [torch.where(pos, (carea * du_i - union * dc_i) / c2, zero) for du_i, dc_i in zip(du, dc, strict=True)]
    # lines 9–25: overlapping → dIOU + penalty (if C > 0); otherwise the penalty alone (its dU still subtracts dIbox)
    return tuple(torch.where(geo["overlap"], si + pi, pi) for si, pi in zip(s_iou, pen, strict=True))


def _d_distance(a: Tensor, b: Tensor, p, g):
    """dDIOU.m / dCIOU.m lines 4–80: gradient of −ρ²/c² in (x, y, w, h), with the enclosing box's derivatives as
    written (``Cw`` and ``Ch`` both built from all four sides, lines 57–64; ``−1`` when the prediction spans the
    target, lines 65–70)."""
    pt, pb, pl, pr = p
    gt_, gb, gl, gr = g
    ct, cb = torch.minimum(pt, gt_), torch.maximum(pb, gb)
    cl, cr = torch.minimum(pl, gl), torch.maximum(pr, gr)
    ccw, cch = cr - cl, cb - ct
    c = cch * cch + ccw * ccw
    one = torch.ones_like(pt)
    zero = torch.zeros_like(pt)
    top, bot = torch.where(pt < gt_, one, zero), torch.where(pb > gb, one, zero)
    left, right = torch.where(pl < gl, one, zero), torch.where(pr > gr, one, zero)
    d_dx = right - left  # Cr.dx − Cl.dx
    d_dy = bot - top  # Cb.dy − Ct.dy
    d_dw = 0.5 * right + 0.5 * left  # Cr.dw − Cl.dw
    d_dh = 0.5 * bot + 0.5 * top  # Cb.dh − Ct.dh
    cw_dw = torch.where((left > 0) & (right > 0), -one, d_dw)  # line 65–67
    ch_dh = torch.where((top > 0) & (bot > 0), -one, d_dh)  # line 68–70
    # Cw.(dx, dy, dw, dh) = (d_dx, d_dy, cw_dw, d_dh); Ch.(dx, dy, dw, dh) = (d_dx, d_dy, d_dw, ch_dh)
    ax, ay = a[..., 0], a[..., 1]
    bx, by = b[..., 0], b[..., 1]
    d = (ax - bx) ** 2 + (ay - by) ** 2
    cc = c * c
    sx = (2 * (bx - ax) * c - (2 * ccw * d_dx + 2 * cch * d_dx) * d) / cc
    sy = (2 * (by - ay) * c - (2 * ccw * d_dy + 2 * cch * d_dy) * d) / cc
    sw = (2 * ccw * cw_dw + 2 * cch * d_dw) * d / cc
    sh = (2 * ccw * d_dh + 2 * cch * ch_dh) * d / cc
    return sx, sy, sw, sh


def paper_gradient(loss: str, pred: Tensor, target: Tensor) -> Tensor:
    """The official hand-written gradient of ``loss`` w.r.t. ``pred``'s ``(x, y, w, h)``, quirks included.

    A vectorised port of ``dIOU.m``, ``dGIOU.m`` (each followed by ``to_xywh.m``), ``dDIOU.m`` and ``dCIOU.m``:

    - ``dw``, ``dh`` of the IoU part are ``dr − dl`` and ``db − dt``, not halved (``to_xywh.m`` lines 4–5,
      ``dDIOU.m`` lines 80–81, ``dCIOU.m`` lines 84–85);
    - ``dIOU.m`` lines 26–27, 33–34: for an inverted box both edges get the second edge's derivative;
    - ``dGIOU.m`` line 5 / ``dIbox.m``: ``dU`` subtracts the intersection's derivative even for disjoint boxes,
      reading its (negative) extent;
    - ``dDIOU.m`` lines 57–70: ``Cw`` and ``Ch`` carry the derivatives of all four enclosing sides, and ``−1``
      replaces the enclosing width's (height's) derivative when the prediction spans the target;
    - ``dCIOU.m`` lines 73–76: ``α = v/(1 − IoU + v + 1e-7)`` held fixed and ``∂v/∂w`` without its ``1/(w² + h²)``.

    Args:
        loss: one of :data:`PAPER_LOSSES`.
        pred: ``Tensor[..., 4]`` boxes ``(x, y, w, h)``.
        target: ``Tensor[..., 4]`` boxes ``(x, y, w, h)``, same shape.

    Returns:
        ``Tensor[..., 4]``: the gradient of the loss (the negative of what the MATLAB functions return).

    Raises:
        ValueError: for an unknown ``loss`` or mismatched shapes.

    Reference: Zheng et al., AAAI 2020, https://arxiv.org/abs/1911.08287; github.com/Zzh-tju/DIoU.
    """
    if loss not in PAPER_LOSSES:
        raise ValueError(f"loss must be one of {PAPER_LOSSES} for paper gradients, got {loss!r}")
    if pred.shape != target.shape or pred.shape[-1:] != (4,):
        raise ValueError(
            f"pred and target must both have shape (..., 4), got {tuple(pred.shape)}, {tuple(target.shape)}"
        )
    p, g = _tblr(pred), _tblr(target)
    if loss == "iou":
        s = _to_xywh(_d_iou_edges(p, g)[0])
    elif loss == "giou":
        s = _to_xywh(_d_giou(p, g))
    else:
        dist = _d_distance(pred, target, p, g)
        s_iou = _to_xywh(_d_iou_edges(p, g)[0])
        s = [a + b for a, b in zip(dist, s_iou, strict=True)]
        if loss == "ciou":
            w, h = pred[..., 2], pred[..., 3]
            diff = torch.atan(target[..., 2] / target[..., 3]) - torch.atan(w / h)
            v = 4 / math.pi**2 * diff * diff
            alpha = v / (1 - paper_iou(pred, target) + v + 1e-7)
            s[2] = s[2] + alpha * (8 / math.pi**2 * diff * h)
            s[3] = s[3] + alpha * (-8 / math.pi**2 * diff * w)
    return -torch.stack(list(s), dim=-1)


# --------------------------------------------------------------------------------------------------------------------
# The same official gradients, fused for the step loop. ``paper_gradient`` above is the line-by-line port (tested
# against a scalar transliteration of the MATLAB files); ``_paper_score_step`` computes the same numbers in fewer
# kernels, for rows ``x, y, w, h`` of contiguous ``Tensor[m]`` (struct of arrays, not strided views of ``(m, 4)``):
#
# - the edge sums of ``to_xywh.m`` are taken in closed form. With ``A = (U + I)/U²`` and ``B = I/U²`` (0 where the
#   boxes do not strictly overlap or ``U <= 0``, dIOU.m line 20), dIOU.m's ``(U·dI − I·dU)/U²`` with
#   ``dU = dX − dI`` (dUbox.m) gives ``dx = A·(dI_l + dI_r)``, ``dw = A·(dI_r − dI_l) − 2B·h_p`` (likewise y, h with
#   ``w_p``), where ``h_p = b − t`` and ``w_p = r − l`` are the prediction's extents as to_tblr.m gives them;
# - dIbox.m's conditional extents become indicator sums: ``dI_l + dI_r = ih·([r < r_g] − [l > l_g])``;
# - the IoU (iou.m) of the ``(2 − IoU)`` factor and of CIoU's α is ``I/U`` from the same intersection and union;
# - the targets' edges, area and ``atan(w_g/h_g)`` are computed once per chunk (:class:`_Targets`).
# Every quirk of paper_gradient is kept (listed there, with its line); ``test_fused_paper_step_equals_the_port``
# checks the two against each other in float64, branches included.
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class _Targets:
    """The per-chunk constants of the targets (struct of arrays)."""

    x: Tensor
    y: Tensor
    t: Tensor
    b: Tensor
    l: Tensor  # noqa: E741
    r: Tensor
    area: Tensor
    atan: Tensor | None

    @classmethod
    def of(cls, tgt: Tensor, aspect: bool) -> _Targets:
        """``tgt``: ``Tensor[4, m]`` rows x, y, w, h."""
        x, y, w, h = tgt
        t, b, l, r = y - h / 2, y + h / 2, x - w / 2, x + w / 2  # to_tblr.m  # noqa: E741
        return cls(x, y, t, b, l, r, (b - t) * (r - l), torch.atan(w / h) if aspect else None)


def _ind(op: Callable[..., Tensor], a: Tensor, b: Tensor | float) -> Tensor:
    """``op(a, b)`` as 0/1 in ``a``'s float dtype, written by the comparison kernel itself (no bool → float copy)."""
    return op(a, b, out=torch.empty_like(a))


def _paper_score_step(loss: str, box: Tensor, g: _Targets) -> tuple[Tensor, Tensor]:
    """The official functions' output (gradient of the score 1 − L) for ``box`` (``Tensor[4, m]`` rows x, y, w, h)
    and iou.m's IoU: ``(Tensor[4, m], Tensor[m])``. Same numbers as ``-paper_gradient`` up to rounding.

    Masks are 0/1 floats and ``torch.where`` is avoided (it is the slowest elementwise kernel on CPU); scaled sums
    are ``addcmul``/``add(alpha=)``, one kernel each.
    """
    x, y, w, h = box
    tiny = torch.finfo(x.dtype).tiny
    pt, pb = torch.add(y, h, alpha=-0.5), torch.add(y, h, alpha=0.5)  # to_tblr.m
    pl, pr = torch.add(x, w, alpha=-0.5), torch.add(x, w, alpha=0.5)
    pw, ph = pr - pl, pb - pt
    # In.m; the intersection's extents, negative for disjoint boxes (dIbox.m reads them anyway)
    iw = torch.minimum(pr, g.r).sub_(torch.maximum(pl, g.l))
    ih = torch.minimum(pb, g.b).sub_(torch.maximum(pt, g.t))
    inter = ih * iw
    union = torch.addcmul(g.area, pw, ph).sub_(inter)
    # dIOU.m line 20 / iou.m: strict overlap (it < ib, il < ir) and U > 0; U > 0 always holds for an overlapping
    # pair whose target has an area, so iou.m's I/U is taken under the same mask
    smallest = torch.minimum(iw, ih)
    ok = _ind(torch.gt, torch.minimum(smallest, union, out=smallest), 0.0)
    safe_u = union.clamp(min=tiny)  # where ok, U itself
    iou = torch.mul(inter, ok).div_(safe_u)  # iou.m: I/U, else 0
    inv_u = ok / safe_u
    b_ = iou * inv_u  # B = I/U²
    a_ = inv_u + b_  # A = (U + I)/U²
    # dIbox.m as indicators: dI_t = −iw·[t > t_g], dI_b = iw·[b < b_g], dI_l = −ih·[l > l_g], dI_r = ih·[r < r_g]
    di_t, di_b = _ind(torch.gt, pt, g.t).mul_(iw), _ind(torch.lt, pb, g.b).mul_(iw)
    di_l, di_r = _ind(torch.gt, pl, g.l).mul_(ih), _ind(torch.lt, pr, g.r).mul_(ih)
    di_x, di_w = di_r - di_l, di_r.add_(di_l)  # dI_l + dI_r, dI_r − dI_l (signs folded in)
    di_y, di_h = di_b - di_t, di_b.add_(di_t)
    s = torch.empty_like(box)
    sx, sy, sw, sh = s
    torch.mul(a_, di_x, out=sx)
    torch.mul(a_, di_y, out=sy)
    torch.mul(a_, di_w, out=sw).addcmul_(b_, ph, value=-2)
    torch.mul(a_, di_h, out=sh).addcmul_(b_, pw, value=-2)
    # dIOU.m lines 26–27, 33–34 (an inverted box gets the second edge's derivative on both edges) move only zeros
    # here: t >= b makes ih <= 0, so such a box never strictly overlaps and its s is 0 (paper_gradient keeps the swap)
    if loss == "giou":  # dGIOU.m: s_iou (0 unless overlapping) + the enclosing-area penalty, always
        cw = torch.maximum(pr, g.r).sub_(torch.minimum(pl, g.l))  # cover.m
        ch = torch.maximum(pb, g.b).sub_(torch.minimum(pt, g.t))
        carea = cw * ch
        inv_c = _ind(torch.gt, carea, 0.0).div_(carea.clamp(min=tiny))  # 1/C where C > 0, else 0
        e_ = union.mul_(inv_c).mul_(inv_c)  # U/C²
        # dCbox.m: dC_t = −cw·[t < t_g], dC_b = cw·[b > b_g], dC_l = −ch·[l < l_g], dC_r = ch·[r > r_g]
        ct_, cb_ = _ind(torch.lt, pt, g.t), _ind(torch.gt, pb, g.b)
        cl_, cr_ = _ind(torch.lt, pl, g.l), _ind(torch.gt, pr, g.r)
        ech, ecw = e_ * ch, e_.mul_(cw)
        # (C·dU − U·dC)/C² with dU = dX − dI (dUbox.m, dIbox.m even for disjoint boxes), summed as to_xywh.m
        sx.addcmul_(inv_c, di_x, value=-1).addcmul_(ech, cr_ - cl_, value=-1)
        sy.addcmul_(inv_c, di_y, value=-1).addcmul_(ecw, cb_ - ct_, value=-1)
        sw.addcmul_(inv_c, di_w.add_(ph, alpha=-2), value=-1).addcmul_(ech, cr_.add_(cl_), value=-1)
        sh.addcmul_(inv_c, di_h.add_(pw, alpha=-2), value=-1).addcmul_(ecw, cb_.add_(ct_), value=-1)
    elif loss in ("diou", "ciou"):  # dDIOU.m / dCIOU.m lines 4–81: −∂(ρ²/c²) plus the IoU part
        ccw = torch.maximum(pr, g.r).sub_(torch.minimum(pl, g.l))
        cch = torch.maximum(pb, g.b).sub_(torch.minimum(pt, g.t))
        inv_c = torch.mul(ccw, ccw).addcmul_(cch, cch).reciprocal_()  # 1/c, c = Cw² + Ch²
        top, bot = _ind(torch.lt, pt, g.t), _ind(torch.gt, pb, g.b)
        left, right = _ind(torch.lt, pl, g.l), _ind(torch.gt, pr, g.r)
        d_dx, d_dy = right - left, bot - top  # Cr.dx − Cl.dx, Cb.dy − Ct.dy
        d_dw = torch.add(right, left).mul_(0.5)  # Cr.dw − Cl.dw
        d_dh = torch.add(bot, top).mul_(0.5)  # Cb.dh − Ct.dh
        # lines 65–70: −1 for the enclosing width's (height's) derivative when the prediction spans the target
        cw_dw = torch.addcmul(d_dw, left, right, value=-2)
        ch_dh = torch.addcmul(d_dh, top, bot, value=-2)
        dx, dy = g.x - x, g.y - y
        q = torch.mul(dx, dx).addcmul_(dy, dy).mul_(inv_c).mul_(inv_c)  # ρ²/c²·(1/c); twice it below
        span = (ccw + cch).mul_(q)  # Cw and Ch both carry all four sides' dx, dy (lines 57–64)
        sx.addcmul_(dx, inv_c, value=2).addcmul_(span, d_dx, value=-2)
        sy.addcmul_(dy, inv_c, value=2).addcmul_(span, d_dy, value=-2)
        sw.addcmul_(cw_dw.mul_(ccw).addcmul_(cch, d_dw), q, value=2)
        sh.addcmul_(ch_dh.mul_(cch).addcmul_(ccw, d_dh), q, value=2)
        if loss == "ciou":  # dCIOU.m lines 73–76: α held fixed, ∂v/∂w without 1/(w² + h²)
            diff = g.atan - torch.atan(w / h)
            v = (diff * (4 / math.pi**2)).mul_(diff)
            alpha = v / (1 - iou).add_(v).add_(1e-7)
            k = alpha.mul_(diff).mul_(8 / math.pi**2)  # α·8/π²·(atan(w_g/h_g) − atan(w/h))
            sw.addcmul_(k, h)
            sh.addcmul_(k, w, value=-1)
    return s, iou


# --------------------------------------------------------------------------------------------------------------------
# Exact gradients of the core's losses
# --------------------------------------------------------------------------------------------------------------------

_LOSS_FNS: dict[str, Callable[..., Tensor]] = {
    "iou": _iou.iou_loss,
    "giou": _iou.giou_loss,
    "diou": _iou.diou_loss,
    "ciou": _iou.ciou_loss,
    "eiou": _iou.eiou_loss,
    "siou": _iou.siou_loss,
    "alpha_iou": _iou.alpha_iou_loss,
}

#: Width and height are floored here before the loss sees a box, so a box squeezed to zero stays valid xyxy.
MIN_SIZE = 1e-6


def autograd_gradient(loss: str, pred: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """Exact gradient of the core's ``loss`` (``lossviz.losses.<loss>_loss``, ``reduction="none"``) w.r.t.
    ``pred``'s ``(x, y, w, h)``, by autograd, and the IoU of each pair (no gradient).

    CIoU's α carries no gradient (the core's convention, as torchvision and mmdetection). Widths and heights below
    :data:`MIN_SIZE` are floored to it before conversion (their gradient is then 0).

    Args:
        loss: one of :data:`AUTOGRAD_LOSSES`.
        pred, target: ``Tensor[..., 4]`` boxes ``(x, y, w, h)``, floating point.

    Returns:
        ``(grad, iou)``: ``Tensor[..., 4]`` and ``Tensor[...]``, detached.

    Raises:
        ValueError: for an unknown ``loss`` (the core's own checks for the boxes).
    """
    if loss not in _LOSS_FNS:
        raise ValueError(f"loss must be one of {AUTOGRAD_LOSSES}, got {loss!r}")
    with torch.enable_grad():
        b = pred.detach().clone().requires_grad_(True)
        wh = b[..., 2:].clamp(min=MIN_SIZE)
        xyxy = torch.cat([b[..., :2] - wh / 2, b[..., :2] + wh / 2], dim=-1)
        t_xyxy = xywh_to_xyxy(target)
        value = _LOSS_FNS[loss](xyxy, t_xyxy, reduction="none")
        (grad,) = torch.autograd.grad(value.sum(), b)
    with torch.no_grad():
        iou = _iou._geometry(xyxy.detach(), t_xyxy, 1e-7).iou
    return grad, iou


#: The paper's four losses from one geometry, as the core's ``_<loss>_terms`` sum them (same terms, same order):
#: the step loop's autograd path calls these on boxes it built itself, so it skips the core's per-call input checks
#: (NaN/inf and inverted-box scans: several passes and a sync each) and takes the (2 − IoU) factor's IoU from the same
#: forward pass instead of a second :func:`lossviz.losses.box_geometry`.
_FAST_TERMS: dict[str, Callable[[_iou.BoxGeometry, float], Tensor]] = {
    "iou": lambda g, eps: 1 - g.iou,
    "giou": lambda g, eps: (1 - g.iou) + _iou._giou_penalty(g, eps),
    "diou": lambda g, eps: (1 - g.iou) + _iou._diou_penalty(g, eps),
    "ciou": lambda g, eps: (1 - g.iou) + _iou._diou_penalty(g, eps) + _iou._ciou_alpha(g, eps, False) * g.v,
}
_EPS = 1e-7  # the core losses' default eps


def _autograd_step(loss: str, pred: Tensor, target: Tensor, t_xyxy: Tensor) -> tuple[Tensor, Tensor]:
    """:func:`autograd_gradient` for the step loop: same numbers, no input checks, IoU from the same forward pass.
    ``t_xyxy``: ``target`` already in ``(x1, y1, x2, y2)``. Losses outside :data:`_FAST_TERMS` take the checked
    path."""
    if loss not in _FAST_TERMS or pred.dtype not in (torch.float32, torch.float64):
        return autograd_gradient(loss, pred, target)
    with torch.enable_grad():
        b = pred.detach().clone().requires_grad_(True)
        wh = b[..., 2:].clamp(min=MIN_SIZE)
        xyxy = torch.cat([b[..., :2] - wh / 2, b[..., :2] + wh / 2], dim=-1)
        g = _iou._geometry(xyxy, t_xyxy, max(_EPS, float(torch.finfo(pred.dtype).tiny)))
        (grad,) = torch.autograd.grad(_FAST_TERMS[loss](g, _EPS).sum(), b)
    return grad, g.iou.detach()


# --------------------------------------------------------------------------------------------------------------------
# The step loop
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class SimulationResult:
    """What :func:`simulate_boxes` returns.

    Attributes:
        error: ``Tensor[iters]`` float64: ``E(t) = Σ_cases |Δx| + |Δy| + |Δw| + |Δh|`` after step ``t = 1..iters``.
        final_error: ``Tensor[N]``: each case's ``|Δx| + |Δy| + |Δw| + |Δh|`` after the last step.
        final: ``Tensor[N, 4]``: the boxes after the last step, ``(x, y, w, h)``.
        path: ``Tensor[iters + 1, N, 4]`` every step's boxes (step 0 = the anchors) when asked for, else None.
    """

    error: Tensor
    final_error: Tensor
    final: Tensor
    path: Tensor | None = None


def simulate_boxes(
    anchors: Tensor,
    targets: Tensor,
    loss: str,
    *,
    gradients: str = "autograd",
    iters: int = 200,
    schedule: Schedule = PAPER_SCHEDULE,
    iou_factor: bool = True,
    record_path: bool = False,
    chunk_size: int = 262144,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Regress ``anchors`` onto ``targets``: ``B ← B − η_t·(2 − IoU)·∇_B L`` for ``t = 1..iters`` (vectorised).

    The cases are independent, so they run in chunks of ``chunk_size`` (all steps on one chunk, then the next):
    each chunk's tensors stay in cache. No Python loop over cases.

    Args:
        anchors: ``Tensor[N, 4]`` start boxes ``(x, y, w, h)``, float32 or float64 (float16/bfloat16 run in float32).
        targets: ``Tensor[N, 4]`` target boxes ``(x, y, w, h)``.
        loss: a name of :data:`AUTOGRAD_LOSSES` (``gradients="autograd"``) or :data:`PAPER_LOSSES` (``"paper"``).
        gradients: ``"autograd"`` (exact, from the core's losses) or ``"paper"`` (the official hand-written ones).
        iters: number of steps, ``>= 1``. Default 200.
        schedule: the learning rates. Default the paper's.
        iou_factor: multiply the step by ``(2 − IoU)`` as the paper does. Default True.
        record_path: also return every step's boxes (memory ``(iters + 1)·N·4`` values: for a few cases).
        chunk_size: cases per chunk, ``>= 1``.
        progress: called with the fraction done (0..1) after each step of each chunk.

    Returns:
        :class:`SimulationResult` (boxes in the computation dtype; ``error`` float64).

    Raises:
        ValueError: on bad shapes, an unknown loss or gradient mode, ``iters < 1`` or ``chunk_size < 1``.
    """
    if gradients not in ("autograd", "paper"):
        raise ValueError(f"gradients must be 'autograd' or 'paper', got {gradients!r}")
    names = PAPER_LOSSES if gradients == "paper" else AUTOGRAD_LOSSES
    if loss not in names:
        raise ValueError(f"loss must be one of {names} with gradients={gradients!r}, got {loss!r}")
    if anchors.ndim != 2 or anchors.shape[-1] != 4 or anchors.shape != targets.shape:
        raise ValueError(f"anchors and targets must both be (N, 4), got {tuple(anchors.shape)}, {tuple(targets.shape)}")
    if int(iters) != iters or iters < 1:
        raise ValueError(f"iters must be a whole number >= 1, got {iters!r}")
    if int(chunk_size) != chunk_size or chunk_size < 1:
        raise ValueError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    iters, chunk_size = int(iters), int(chunk_size)
    dtype = anchors.dtype if anchors.dtype in (torch.float32, torch.float64) else torch.float32
    n = anchors.shape[0]
    rates = [schedule.rate(k) for k in range(1, iters + 1)]
    error = torch.zeros(iters, dtype=torch.float64, device=anchors.device)
    final = torch.empty(n, 4, dtype=dtype, device=anchors.device)
    path = torch.empty(iters + 1, n, 4, dtype=dtype, device=anchors.device) if record_path else None
    chunks = max(1, math.ceil(n / chunk_size))
    done, total = 0, chunks * iters
    for lo in range(0, max(n, 1), chunk_size):
        hi = min(n, lo + chunk_size)
        err = torch.empty(iters, dtype=dtype, device=anchors.device)
        if gradients == "paper":
            # struct of arrays: rows x, y, w, h of one contiguous (4, m) tensor; the fused official gradient
            b = anchors[lo:hi].T.to(dtype).clone(memory_format=torch.contiguous_format)  # a copy, even for m = 1
            tgt = targets[lo:hi].T.to(dtype).contiguous()
            consts = _Targets.of(tgt, aspect=loss == "ciou")
        else:
            b = anchors[lo:hi].to(dtype).clone()
            tgt = targets[lo:hi].to(dtype)
            t_xyxy = xywh_to_xyxy(tgt)
        box = b.T if gradients == "paper" else b  # (m, 4) view
        if path is not None:
            path[0, lo:hi] = box
        with torch.no_grad():
            for k in range(iters):
                if gradients == "paper":
                    # s = −∇L, the official functions' output: B − η(2 − IoU)∇L = B + η(2 − IoU)s
                    s, iou = _paper_score_step(loss, b, consts)
                    if iou_factor:
                        b.addcmul_(s, torch.rsub(iou, 2).mul_(rates[k]))
                    else:
                        b.add_(s, alpha=rates[k])
                    err[k] = torch.sub(b, tgt, out=s).abs_().sum()
                else:
                    grad, iou = _autograd_step(loss, b, tgt, t_xyxy)
                    step = (2 - iou).unsqueeze(-1) * grad if iou_factor else grad
                    b.sub_(rates[k] * step)
                    err[k] = (b - tgt).abs_().sum()
                if path is not None:
                    path[k + 1, lo:hi] = box
                done += 1
                if progress is not None:
                    progress(done / total)
        error += err.to(torch.float64)
        final[lo:hi] = box
    final_error = (final - targets.to(dtype)).abs().sum(-1)
    return SimulationResult(error=error, final_error=final_error, final=final, path=path)
