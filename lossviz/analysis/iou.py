"""Analysis for the IoU page: one box pair under every IoU-family loss, edge gradients, and loss landscapes.

Everything here calls the torch core (``lossviz.losses``) and autograd (``value_and_grad``); nothing re-implements a
loss. Boxes live in a fixed world ``[0, WORLD] x [0, WORLD]`` (y down, like images) as ``(x1, y1, x2, y2)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from lossviz import losses
from lossviz.losses import value_and_grad

WORLD = 100.0
MIN_SIZE = 1.0
#: Convention options: the choices come from the core's registration of each loss (losses.IOU_LOSS_SPECS).
MODES = losses.IOU_LOSS_SPECS["iou"].option("mode").choices
ALPHA_VARIANTS = losses.IOU_LOSS_SPECS["alpha_iou"].option("variant").choices
ALPHA_RANGE = (1.0, 5.0)  # the page's slider: a part of the core's range (0, 1000] (tested)
NWD_C_RANGE = (1.0, 100.0)  # the page's slider for NWD's C (world units; the core takes (0, 1e6])
#: The registry's option names → the fields of :class:`Options` that the page sets (other options: core defaults).
OPTION_FIELDS = {
    "mode": "mode",
    "alpha_gating": "alpha_gating",
    "alpha": "alpha",
    "variant": "alpha_variant",
    "constant": "nwd_constant",
}
EPS = 1e-7  # the core's default, used for every number on the page
EPS_NOTE_SHARE = 0.01  # above this share of the IoU denominator, the page says that eps dominates
EDGES = ("x1", "y1", "x2", "y2")
MIN_ARROW = 1e-3  # world units: shorter edge arrows are not drawn (invisible at any zoom)

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Options:
    """The user-facing convention options; ``for_loss`` picks the ones a given loss takes."""

    mode: str = "linear"
    alpha_gating: bool = False
    alpha: float = 3.0
    alpha_variant: str = "iou"
    nwd_constant: float = 12.8

    def for_loss(self, code: str) -> dict[str, object]:
        """The options loss ``code`` takes (from its registration in the core) with this view's values."""
        return {o.name: getattr(self, OPTION_FIELDS[o.name]) for o in _spec(code).options if o.name in OPTION_FIELDS}


@dataclass(frozen=True)
class OptionControl:
    """How the page offers one registered option: its URL key, the kind of control and its values.

    ``kind`` is ``"segmented"``, ``"toggle"``, ``"selectbox"`` or ``"slider"``; ``choices`` are the core's (for the
    first and third), ``low``/``high``/``step`` the slider's grid (inside the core's range) and ``default`` the
    core's default, all from the registration (``losses.IOU_LOSS_SPECS``).
    """

    name: str
    key: str
    kind: str
    default: object
    choices: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0

    @property
    def args(self) -> tuple[object, ...]:
        """The arguments after label and key of ``lossviz.components.controls.<kind>`` that offer this option."""
        if self.kind == "slider":
            return (self.low, self.high, self.default, self.step)
        if self.kind == "toggle":
            return (self.default,)
        if self.kind == "selectbox":
            return (list(self.choices), self.choices.index(self.default))
        return (list(self.choices), self.default)


def _control(name: str, key: str, kind: str, owner: str, **grid: float) -> OptionControl:
    opt = losses.IOU_LOSS_SPECS[owner].option(name)
    default = float(opt.default) if opt.kind == "float" else opt.default
    return OptionControl(name, key, kind, default, tuple(opt.choices), **grid)


#: Every option the page exposes, in the order the controls appear; the registry decides which loss takes which.
OPTION_CONTROLS: dict[str, OptionControl] = {
    "mode": _control("mode", "iou_mode", "segmented", "iou"),
    "alpha_gating": _control("alpha_gating", "iou_gating", "toggle", "ciou"),
    "alpha": _control("alpha", "iou_alpha", "slider", "alpha_iou", low=ALPHA_RANGE[0], high=ALPHA_RANGE[1], step=0.5),
    "variant": _control("variant", "iou_avariant", "selectbox", "alpha_iou"),
    "constant": _control("constant", "iou_nwd_c", "slider", "nwd", low=NWD_C_RANGE[0], high=NWD_C_RANGE[1], step=0.1),
}


def option_controls(code: str) -> tuple[OptionControl, ...]:
    """The controls of the options loss ``code`` takes, as its registration says."""
    return tuple(OPTION_CONTROLS[name] for name in option_names(code))


def unused_controls(code: str) -> tuple[OptionControl, ...]:
    """The page's option controls that loss ``code`` does not take (a URL that sets one gets a notice)."""
    taken = set(option_names(code))
    return tuple(c for name, c in OPTION_CONTROLS.items() if name not in taken)


def options_from(values: Mapping[str, object]) -> Options:
    """The :class:`Options` of a view from the registered option names the page shows and their values."""
    return Options(**{OPTION_FIELDS[k]: v for k, v in values.items() if v is not None})


def _spec(code: str) -> losses.IouLossSpec:
    if code not in losses.IOU_LOSS_SPECS:
        raise ValueError(f"loss must be one of {tuple(losses.IOU_LOSS_SPECS)}, got {code!r}")
    return losses.IOU_LOSS_SPECS[code]


def option_names(code: str) -> tuple[str, ...]:
    """The registered options of loss ``code`` that the page exposes, in registration order."""
    return tuple(o.name for o in _spec(code).options if o.name in OPTION_FIELDS)


def reads(code: str, options: Options | None = None) -> tuple[str, ...]:
    """The geometry parts that loss ``code`` reads with these options (for the canvas to draw)."""
    return _spec(code).reads_for((options or Options()).for_loss(code))


@dataclass(frozen=True)
class FormulaTerm:
    """One additive term of a loss: its LaTeX (from the core's TERM_TEX) and its value for the current pair."""

    key: str
    tex: str
    value: float


def formula_terms(
    code: str, pred: Sequence[float], target: Sequence[float], options: Options | None = None
) -> list[FormulaTerm]:
    """The loss as the core writes it: its named terms and their values (their sum is the loss)."""
    opts = (options or Options()).for_loss(code)
    p = torch.tensor([pred], dtype=torch.float64)
    g = torch.tensor([target], dtype=torch.float64)
    terms = losses.iou_loss_terms(code, p, g, eps=EPS, **opts)
    return [FormulaTerm(k, losses.TERM_TEX.get(k, k), float(v.reshape(-1)[0])) for k, v in terms.items()]


def eps_share(pred: Sequence[float], target: Sequence[float]) -> float:
    """Share of eps in this pair's IoU denominator (see ``losses.eps_share``)."""
    p = torch.tensor(pred, dtype=torch.float64)
    g = torch.tensor(target, dtype=torch.float64)
    return float(losses.eps_share(p, g, eps=EPS))


def loss_codes() -> tuple[str, ...]:
    """Codes of every IoU-family loss the core offers, in the core's order."""
    return tuple(losses.IOU_LOSSES)


def loss_name(code: str) -> str:
    """Display name of a loss code (language independent: the papers' names)."""
    return losses.IOU_LOSS_NAMES.get(code, code)


def loss_fn(code: str) -> Callable[..., torch.Tensor]:
    if code not in losses.IOU_LOSSES:
        raise ValueError(f"loss must be one of {tuple(losses.IOU_LOSSES)}, got {code!r}")
    return losses.IOU_LOSSES[code]


# --------------------------------------------------------------------------------------------------- box input


def sanitize_box(box: Sequence[float], world: float = WORLD, min_size: float = MIN_SIZE) -> tuple[Box, list[str]]:
    """Make a typed or dragged box drawable: finite, inside the world, ordered corners, at least ``min_size``.

    Returns the repaired box and the list of what was repaired (codes ``"nonfinite"``, ``"clamped"``,
    ``"swapped"``, ``"min_size"``) so the page can say so.
    """
    if len(box) != 4:
        raise ValueError(f"box must have 4 coordinates (x1, y1, x2, y2), got {len(box)}")
    notes: list[str] = []
    vals = []
    for v in box:
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = math.nan
        if not math.isfinite(f):
            notes.append("nonfinite")
            f = world / 2
        vals.append(f)
    clamped = [min(max(v, 0.0), world) for v in vals]
    if clamped != vals:
        notes.append("clamped")
    x1, y1, x2, y2 = clamped
    if x2 < x1 or y2 < y1:
        notes.append("swapped")
        x1, x2 = min(x1, x2), max(x1, x2)
        y1, y2 = min(y1, y2), max(y1, y2)
    if x2 - x1 < min_size or y2 - y1 < min_size:
        notes.append("min_size")
        x1, x2 = _grow(x1, x2, min_size, world)
        y1, y2 = _grow(y1, y2, min_size, world)
    return (x1, y1, x2, y2), list(dict.fromkeys(notes))


def _grow(lo: float, hi: float, size: float, world: float) -> tuple[float, float]:
    if hi - lo >= size:
        return lo, hi
    hi = lo + size
    if hi > world:
        hi, lo = world, world - size
    return lo, hi


# ------------------------------------------------------------------------------------------------ one box pair


@dataclass(frozen=True)
class Geometry:
    """What the IoU family looks at for one pair, as plain floats (from the core's ``box_geometry``)."""

    iou: float
    inter: float
    union: float
    area_pred: float
    area_target: float
    enclose: Box
    enclose_area: float
    centre: tuple[float, float]
    centre_t: tuple[float, float]
    rho2: float
    c2: float
    w: float
    h: float
    w_t: float
    h_t: float
    cw: float
    ch: float
    v: float
    inter_box: Box | None  # the intersection rectangle, None when the boxes do not overlap

    @property
    def aspect_angles(self) -> dict[str, float]:
        """The angles ``atan(w/h)`` that CIoU's ``v`` compares (radians; ``π/2`` for a flat box), for the canvas."""
        return {"pred": math.atan2(self.w, self.h), "target": math.atan2(self.w_t, self.h_t)}

    @property
    def rho(self) -> float:
        return math.sqrt(self.rho2)

    @property
    def c(self) -> float:
        return math.sqrt(self.c2)


def geometry(pred: Sequence[float], target: Sequence[float]) -> Geometry:
    """The core's geometry of ``pred`` against ``target`` (both ``(4,)`` xyxy)."""
    p = torch.as_tensor(pred, dtype=torch.float64).reshape(4)
    g = torch.as_tensor(target, dtype=torch.float64).reshape(4)
    geo = losses.box_geometry(p, g)

    def f(name: str) -> float:
        return float(getattr(geo, name))

    ix1, iy1 = max(float(p[0]), float(g[0])), max(float(p[1]), float(g[1]))
    ix2, iy2 = min(float(p[2]), float(g[2])), min(float(p[3]), float(g[3]))
    inter_box = (ix1, iy1, ix2, iy2) if f("inter") > 0 else None
    return Geometry(
        iou=f("iou"),
        inter=f("inter"),
        union=f("union"),
        area_pred=f("area_pred"),
        area_target=f("area_target"),
        enclose=tuple(float(x) for x in geo.enclose.reshape(4)),
        enclose_area=f("enclose_area"),
        centre=(f("cx"), f("cy")),
        centre_t=(f("cx_t"), f("cy_t")),
        rho2=f("rho2"),
        c2=f("c2"),
        w=f("w"),
        h=f("h"),
        w_t=f("w_t"),
        h_t=f("h_t"),
        cw=f("cw"),
        ch=f("ch"),
        v=f("v"),
        inter_box=inter_box,
    )


@dataclass(frozen=True)
class LossRow:
    """One loss evaluated on the pair: its value and d loss / d (x1, y1, x2, y2) of the predicted box."""

    code: str
    name: str
    value: float
    grad: tuple[float, float, float, float]
    options: dict[str, object] = field(default_factory=dict)

    @property
    def grad_norm(self) -> float:
        return math.sqrt(sum(g * g for g in self.grad))

    @property
    def zero_grad(self) -> bool:
        return all(g == 0.0 for g in self.grad)


def loss_row(code: str, pred: Sequence[float], target: Sequence[float], options: Options | None = None) -> LossRow:
    """Value and autograd gradient of one loss for one pair (float64)."""
    opts = (options or Options()).for_loss(code)
    value, grad = value_and_grad(
        loss_fn(code),
        np.asarray(pred, dtype=np.float64).reshape(1, 4),
        np.asarray(target, dtype=np.float64).reshape(1, 4),
        wrt=0,
        **opts,
    )
    g = np.asarray(grad, dtype=np.float64).reshape(4)
    return LossRow(code, loss_name(code), float(np.asarray(value).reshape(-1)[0]), tuple(float(x) for x in g), opts)


def all_losses(pred: Sequence[float], target: Sequence[float], options: Options | None = None) -> list[LossRow]:
    """Every IoU-family loss of the core on this pair, each with its edge gradient (float64).

    One call of the core's batch (``losses.iou_losses_and_grads``): one input check and one geometry pass for all
    the losses, each loss's gradient its own; the same numbers as :func:`loss_row` for each loss.
    """
    options = options or Options()
    per_loss = {code: options.for_loss(code) for code in loss_codes()}
    merged = {k: v for opts in per_loss.values() for k, v in opts.items()}
    p = torch.as_tensor(np.asarray(pred, dtype=np.float64).reshape(1, 4))
    g = torch.as_tensor(np.asarray(target, dtype=np.float64).reshape(1, 4))
    values, grads = losses.iou_losses_and_grads(p, g, losses=loss_codes(), **merged)
    return [
        LossRow(
            code,
            loss_name(code),
            float(values[code].reshape(-1)[0]),
            tuple(float(x) for x in grads[code].reshape(4)),
            per_loss[code],
        )
        for code in loss_codes()
    ]


@dataclass(frozen=True)
class Arrow:
    """A descent arrow drawn from the midpoint of one edge of the predicted box, in world units."""

    edge: str
    x0: float
    y0: float
    x1: float
    y1: float
    grad: float  # d loss / d edge coordinate (raw)


def edge_arrows(pred: Sequence[float], grad: Sequence[float], max_length: float = 15.0) -> list[Arrow]:
    """Gradient-descent arrows (direction ``-grad``) on the four edges; the largest component gets ``max_length``.

    Edges with an exactly zero derivative get no arrow (IoU loss of disjoint boxes: none at all), nor do edges
    whose arrow would be shorter than ``MIN_ARROW``.
    """
    x1, y1, x2, y2 = (float(v) for v in pred)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    g = [float(v) for v in grad]
    gmax = max(abs(v) for v in g)
    arrows: list[Arrow] = []
    if gmax == 0.0 or not math.isfinite(gmax):
        return arrows
    starts = {"x1": (x1, my, 1, 0), "y1": (mx, y1, 0, 1), "x2": (x2, my, 1, 0), "y2": (mx, y2, 0, 1)}
    for edge, gv in zip(EDGES, g, strict=True):
        if gv == 0.0:
            continue
        sx, sy, ux, uy = starts[edge]
        length = -gv / gmax * max_length
        if abs(length) < MIN_ARROW:
            continue
        arrows.append(Arrow(edge, sx, sy, sx + ux * length, sy + uy * length, gv))
    return arrows


# --------------------------------------------------------------------------------------------------- landscapes


@dataclass(frozen=True)
class Landscape:
    """A loss over a plane of predicted boxes, with its gradient w.r.t. the plane's two coordinates.

    ``plane == "centre"``: boxes of fixed size ``fixed = (w, h)`` centred at ``(xs[j], ys[i])``.
    ``plane == "size"``: boxes of fixed centre ``fixed = (cx, cy)`` of size ``(xs[j], ys[i])``.
    ``loss``, ``grad_x`` and ``grad_y`` are ``(len(ys), len(xs))``.
    """

    code: str
    plane: str
    xs: np.ndarray
    ys: np.ndarray
    loss: np.ndarray
    grad_x: np.ndarray
    grad_y: np.ndarray
    fixed: tuple[float, float]
    target: Box

    def columns(self) -> dict[str, np.ndarray]:
        """Long-format columns for a CSV of the plotted data."""
        xx, yy = np.meshgrid(self.xs, self.ys)
        names = ("cx", "cy") if self.plane == "centre" else ("w", "h")
        return {
            names[0]: xx.ravel(),
            names[1]: yy.ravel(),
            "loss": self.loss.ravel(),
            f"dL/d{names[0]}": self.grad_x.ravel(),
            f"dL/d{names[1]}": self.grad_y.ravel(),
        }


def _boxes_from_centre(params: torch.Tensor, size: torch.Tensor) -> torch.Tensor:
    half = size / 2
    return torch.cat([params - half, params + half], dim=-1)


def _boxes_from_size(params: torch.Tensor, centre: torch.Tensor) -> torch.Tensor:
    half = params / 2
    return torch.cat([centre - half, centre + half], dim=-1)


def landscape(
    code: str,
    target: Sequence[float],
    plane: str,
    fixed: tuple[float, float],
    n: int = 64,
    options: Options | None = None,
    world: float = WORLD,
    min_size: float = MIN_SIZE,
) -> Landscape:
    """The loss ``code`` and its autograd gradient over an ``n x n`` grid of predicted boxes, in one backward pass.

    ``plane="centre"``: centres over ``[0, world]^2`` at fixed size ``fixed = (w, h)``.
    ``plane="size"``: sizes over ``[min_size, world]^2`` at fixed centre ``fixed = (cx, cy)``.
    """
    if plane not in ("centre", "size"):
        raise ValueError(f"plane must be 'centre' or 'size', got {plane!r}")
    if not isinstance(n, int | np.integer) or not 2 <= int(n) <= 1024:
        raise ValueError(f"n must be an integer in [2, 1024], got {n!r}")
    n = int(n)
    loss_fn(code)  # refuses an unknown code with the page's message
    opts = (options or Options()).for_loss(code)
    lo = 0.0 if plane == "centre" else min_size
    xs = np.linspace(lo, world, n)
    ys = np.linspace(lo, world, n)
    xx, yy = np.meshgrid(xs, ys)
    params = torch.as_tensor(np.stack([xx.ravel(), yy.ravel()], axis=-1))
    fixed_t = torch.tensor([float(fixed[0]), float(fixed[1])], dtype=torch.float64)
    build = _boxes_from_centre if plane == "centre" else _boxes_from_size
    tgt = torch.as_tensor(np.asarray(target, dtype=np.float64).reshape(1, 4)).expand(n * n, 4)
    # The core's batch gives d loss / d (x1, y1, x2, y2); the plane's coordinates move the edges in pairs:
    # centre: x1 = cx - w/2, x2 = cx + w/2, so d/dcx = d/dx1 + d/dx2; size: d/dw = (d/dx2 - d/dx1) / 2.
    # One torch thread in the app (lossviz.analysis.configure_threads): a landscape is a few thousand boxes.
    values, grads = losses.iou_losses_and_grads(build(params, fixed_t), tgt, losses=(code,), **opts)
    value, edge = values[code].numpy(), grads[code]
    lo_edges, hi_edges = edge[:, :2], edge[:, 2:]
    plane_grad = lo_edges + hi_edges if plane == "centre" else (hi_edges - lo_edges) / 2
    grad = plane_grad.numpy().reshape(n, n, 2)
    return Landscape(
        code=code,
        plane=plane,
        xs=xs,
        ys=ys,
        loss=np.asarray(value).reshape(n, n),
        grad_x=grad[..., 0],
        grad_y=grad[..., 1],
        fixed=(float(fixed[0]), float(fixed[1])),
        target=tuple(float(v) for v in target),
    )


def centre_and_size(box: Sequence[float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((cx, cy), (w, h))`` of an xyxy box."""
    x1, y1, x2, y2 = (float(v) for v in box)
    return ((x1 + x2) / 2, (y1 + y2) / 2), (x2 - x1, y2 - y1)


def landscape_planes(pred: Sequence[float]) -> list[tuple[str, tuple[float, float], tuple[float, float]]]:
    """The two landscapes around the predicted box: ``(plane, fixed, current)`` for the centre plane (at the box's
    size, rounded to 0.001 so that a drag's round-off does not recompute it) and the size plane (at its centre)."""
    (cx, cy), (w, h) = centre_and_size(pred)
    return [("centre", (round(w, 3), round(h, 3)), (cx, cy)), ("size", (round(cx, 3), round(cy, 3)), (w, h))]


# ------------------------------------------------------------------------------------------------ SIoU, spelled out


@dataclass(frozen=True)
class SiouParts:
    """SIoU's distance cost Δ and shape cost Ω with the numbers that go into them, for the formula view.

    ``Δ = Σ_{t=x,y} (1 − exp(−γ ρ_t))`` with ``γ = 2 − Λ`` and ``ρ_x = (Δx / C_w)²``, ``ρ_y = (Δy / C_h)²``;
    ``Ω = Σ_{t=w,h} (1 − exp(−ω_t))^θ`` with ``ω_w = |w − w_gt| / max(w, w_gt)``. The torch core's
    ``iou_loss_terms("siou", ...)`` computes the terms themselves; :func:`siou_parts` reads the core's geometry for
    the inputs, and ``delta / 2`` and ``omega / 2`` equal the core's ``Δ/2`` and ``Ω/2`` (tested).
    """

    angle_cost: float
    gamma: float
    rho_x: float
    rho_y: float
    omega_w: float
    omega_h: float
    theta: float

    @property
    def delta(self) -> float:
        return (1 - math.exp(-self.gamma * self.rho_x)) + (1 - math.exp(-self.gamma * self.rho_y))

    @property
    def omega(self) -> float:
        return (1 - math.exp(-self.omega_w)) ** self.theta + (1 - math.exp(-self.omega_h)) ** self.theta


def siou_parts(pred: Sequence[float], target: Sequence[float]) -> SiouParts:
    """The inputs of SIoU's Δ and Ω for this pair, from the core's geometry (θ: the core's default)."""
    g = geometry(pred, target)
    dx, dy = g.centre_t[0] - g.centre[0], g.centre_t[1] - g.centre[1]
    sigma2 = max(dx * dx + dy * dy, EPS * g.c2)
    angle = 2 * abs(dx * dy) / sigma2 if sigma2 > 0 else 0.0
    theta = float(losses.IOU_LOSS_SPECS["siou"].option("theta").default)
    return SiouParts(
        angle_cost=angle,
        gamma=2 - angle,
        rho_x=(dx / max(g.cw, EPS)) ** 2,
        rho_y=(dy / max(g.ch, EPS)) ** 2,
        omega_w=abs(g.w - g.w_t) / max(g.w, g.w_t, EPS),
        omega_h=abs(g.h - g.h_t) / max(g.h, g.h_t, EPS),
        theta=theta,
    )


def paper(code: str) -> str:
    """The arXiv link of loss ``code``, from the core's registration."""
    return _spec(code).paper


# ------------------------------------------------------------------------------------------------------ presets

#: Textbook cases of seed 004: (pred, target), each exposing one weakness of the loss before it.
PRESETS: dict[str, tuple[Box, Box]] = {
    "disjoint": ((8.0, 12.0, 30.0, 36.0), (55.0, 45.0, 88.0, 82.0)),
    "overlap": ((34.0, 30.0, 70.0, 66.0), (40.0, 38.0, 82.0, 78.0)),
    "containment": ((46.0, 42.0, 66.0, 58.0), (25.0, 22.0, 80.0, 78.0)),
    "aspect": ((40.0, 25.0, 60.0, 75.0), (25.0, 40.0, 75.0, 60.0)),
    # DIoU paper (arXiv 1911.08287), Fig. 2: a prediction of a quarter of the target's area inside it, at three
    # positions: IoU and GIoU loss are both 0.75 in all three (C is the target), DIoU loss grows off-centre.
    "fig2_centre": ((35.0, 35.0, 65.0, 65.0), (20.0, 20.0, 80.0, 80.0)),
    "fig2_side": ((20.0, 35.0, 50.0, 65.0), (20.0, 20.0, 80.0, 80.0)),
    "fig2_corner": ((50.0, 20.0, 80.0, 50.0), (20.0, 20.0, 80.0, 80.0)),
}
DEFAULT_PRESET = "overlap"
#: The URL keys of the two boxes' coordinates (x1, y1, x2, y2).
BOX_KEYS: dict[str, tuple[str, str, str, str]] = {
    "pred": ("iou_px1", "iou_py1", "iou_px2", "iou_py2"),
    "target": ("iou_gx1", "iou_gy1", "iou_gx2", "iou_gy2"),
}
#: Every URL key of the IoU page (the shell's registry of its links: a key not here gets the unknown-key notice).
URL_KEYS = (
    "iou_loss",
    *(c.key for c in OPTION_CONTROLS.values()),
    *(k for keys in BOX_KEYS.values() for k in keys),
    "iou_table_open", "iou_land_open", "iou_res", "iou_field",
)  # fmt: skip


def box_values(pred: Sequence[float], target: Sequence[float]) -> tuple[dict[str, float], list[str]]:
    """New boxes (from the canvas or a preset) as the values of the coordinate inputs (``BOX_KEYS``, rounded to the
    inputs' 0.1), made drawable by :func:`sanitize_box`; and what had to be repaired."""
    values: dict[str, float] = {}
    notes: list[str] = []
    for which, box in (("pred", pred), ("target", target)):
        box, fixed = sanitize_box(box)
        notes += fixed
        values.update({k: round(float(v), 1) for k, v in zip(BOX_KEYS[which], box, strict=True)})
    return values, sorted(set(notes))


def pair_param(pred: Sequence[float], target: Sequence[float]) -> str:
    """The pair as one URL value ``x1,y1,x2,y2;x1,y1,x2,y2`` (the Simulation page's ``sim_pair``)."""
    return ";".join(",".join(f"{float(v):g}" for v in b) for b in (pred, target))


@dataclass(frozen=True)
class CaseSource:
    """Where a preset comes from: the loss whose paper shows it and which figure (language-independent)."""

    loss: str  # the code of the loss whose paper (arXiv link from the core's registration) shows the case
    figure: str  # e.g. "Fig. 2"; "" for a case the paper argues in its text

    @property
    def paper(self) -> str:
        return paper(self.loss)


#: Which paper figure or argument each preset reproduces.
CASE_SOURCES: dict[str, CaseSource] = {
    "disjoint": CaseSource("diou", "Fig. 1"),  # IoU has no gradient; GIoU first grows the prediction
    "overlap": CaseSource("giou", ""),
    "containment": CaseSource("diou", "Fig. 2"),
    "aspect": CaseSource("ciou", ""),  # same centre: DIoU = IoU loss, only CIoU's v sees the aspect
    "fig2_centre": CaseSource("diou", "Fig. 2"),
    "fig2_side": CaseSource("diou", "Fig. 2"),
    "fig2_corner": CaseSource("diou", "Fig. 2"),
}


def case_of(pred: Sequence[float], target: Sequence[float]) -> str | None:
    """The preset whose boxes these are, or None."""
    pair = (tuple(float(v) for v in pred), tuple(float(v) for v in target))
    return next((code for code, boxes in PRESETS.items() if boxes == pair), None)
