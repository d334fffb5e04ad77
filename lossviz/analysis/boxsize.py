"""Analysis for the Box-size page: the same error at every object size, through every loss, by autograd.

Setting (the C-BBL paper's argument, made computable): a square ground-truth box of side ``w`` centred at the origin
is also the anchor (``w_a = w``), and the prediction differs from it by one error, either a centre shift ``Δx`` or a
width change ``Δw`` (height kept). The error is fixed in pixels, or relative to ``w``, or set so that the pair has a
fixed IoU. The prediction is built from a pixel leaf ``p`` through the Faster R-CNN encoding
``T_x = Δx/(w_a·s_x)``, ``T_w = ln(w/w_a)/s_w`` (``s`` = mmdetection's target stds, or 1) and decoded back, so one
backward pass gives both ``∂L/∂p`` (per pixel) and ``∂L/∂T`` (per encoded unit) for every loss:

* delta losses (L2, Smooth L1, Balanced L1) on ``T`` against the target 0;
* box losses (IoU, GIoU, DIoU, CIoU, NWD) on the decoded boxes;
* distribution losses (C-BBL's CE on a two-hot target, GFL's DFL): the parameters are logits, so the curve is the
  largest ``|∂L/∂logit_i| = |p_i − p*_i|`` (at most 1 at any size); they have no per-pixel gradient.

Nothing here re-implements a loss: every value and gradient comes from ``lossviz.losses`` and torch autograd.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from lossviz import losses
from lossviz.analysis.regression import CbblView, cbbl_logits, cbbl_view
from lossviz.losses import value_and_grad

#: Stable names (they go into the URL), in drawing order.
DELTA_LOSSES = ("L2", "Smooth L1", "Balanced L1")
BOX_LOSSES = ("IoU", "GIoU", "DIoU", "CIoU", "NWD")
DIST_LOSSES = ("C-BBL", "DFL")
LOSS_NAMES = DELTA_LOSSES + BOX_LOSSES + DIST_LOSSES
#: Short language-independent codes for the URL (``bs_show=smooth_l1``), in the same order.
LOSS_CODES = dict(zip(("l2", "smooth_l1", "balanced_l1", "iou", "giou", "diou", "ciou", "nwd", "cbbl", "dfl"),
                      LOSS_NAMES, strict=True))  # fmt: skip
#: The arXiv paper behind each loss (the IoU family's from the core's registration).
PAPERS = {
    "Smooth L1": "https://arxiv.org/abs/1504.08083",
    "Balanced L1": "https://arxiv.org/abs/1904.02701",
    **{name: losses.IOU_LOSS_SPECS[name.lower()].paper for name in ("IoU", "GIoU", "DIoU", "CIoU")},
    "NWD": "https://arxiv.org/abs/2110.13389",
    "C-BBL": "https://arxiv.org/abs/2303.01803",
    "DFL": "https://arxiv.org/abs/2006.04388",
}
COMPONENTS = ("x", "w")  # which coordinate carries the error
MODES = ("pixels", "relative", "iou")  # how the error is fixed across sizes
STDS = {"x": 0.1, "w": 0.2}  # mmdetection's DeltaXYWHBBoxCoder target_stds (0.1, 0.1, 0.2, 0.2)
SIZE_RANGE = (2.0, 1024.0)
SMALL, LARGE = 8.0, 512.0  # the sizes compared by the small/large ratio
SOFT = 0.05  # a distribution prediction is (1 − SOFT)·two_hot(prediction) + SOFT·uniform
GFL_STRIDES = (8, 16, 32, 64, 128)  # GFL's FPN levels; anchor (octave_base_scale 8) = 8·stride
CBBL_PRESETS = {"rpn": (2.0, 1.0, 10), "rcnn": (5.0, 1.0, 5)}  # (α, β, n) reported for the RPN and the R-CNN head

# ------------------------------------------------------------------------------------------------- the page's controls
#: The page's sections (URL codes, ``bs_section=nwd``); only the selected one is computed and drawn.
SECTIONS = ("size", "nwd", "dist")
#: URL key prefixes of each section's controls: a link that sets one (and names no section) opens that section.
SECTION_PREFIXES = {
    "size": ("bs_comp", "bs_mode", "bs_px", "bs_rel", "bs_iou", "bs_sl1_beta", "bs_stds", "bs_show"),
    "nwd": ("bs_nwd_",),
    "dist": ("bs_cb_", "bs_dfl_"),
}
COMPONENT_LABELS = {"x": "Δx", "w": "Δw"}
#: Older links carried the display labels (bs_comp=Δw, bs_mode=IoU, bs_show=Smooth+L1); they map to the codes.
LEGACY = {**{v: k for k, v in COMPONENT_LABELS.items()}, "px": "pixels", "× w": "relative", "IoU": "iou",
          **{name: code for code, name in LOSS_CODES.items()}}  # fmt: skip
#: The error slider of each mode: (label key, URL key, min, max, default, step).
ERROR_SLIDERS = {
    "pixels": ("bs.size.px", "bs_px", 0.25, 64.0, 2.0, 0.25),
    "relative": ("bs.size.rel", "bs_rel", 0.01, 1.0, 0.1, 0.01),
    "iou": ("bs.size.iou", "bs_iou", 0.05, 0.95, 0.7, 0.05),
}
#: Every URL key of the box-size page (the shell's registry of its links), also those of the sections not shown.
URL_KEYS = (
    "bs_section", "bs_comp", "bs_mode", *(s[1] for s in ERROR_SLIDERS.values()), "bs_sl1_beta", "bs_stds", "bs_show",
    "bs_nwd_small", "bs_nwd_large", "bs_nwd_c", "bs_nwd_max",
    "bs_cb_kind", "bs_cb_n", "bs_cb_a", "bs_cb_beta", "bs_cb_t", "bs_cb_mu", "bs_cb_sigma",
    "bs_dfl_y", "bs_dfl_mu", "bs_dfl_sigma",
)  # fmt: skip


def section_for(url_keys, default: str = "size") -> str:
    """The section a link opens: the one whose controls it sets (the first in page order), else ``default``."""
    keys = list(url_keys)
    for section, prefixes in SECTION_PREFIXES.items():
        if any(k.startswith(prefixes) for k in keys):
            return section
    return default


@dataclass(frozen=True)
class SizeSettings:
    """Everything the size sweep depends on (hashable: the page caches on it)."""

    component: str = "x"
    mode: str = "pixels"
    error: float = 2.0  # pixels ("pixels"), fraction of w ("relative"), or the pair's IoU ("iou")
    stds: bool = False
    smooth_beta: float = 1.0
    nwd_constant: float = 12.8
    cbbl_alpha: float = 2.0
    cbbl_beta: float = 1.0
    cbbl_n: int = 10
    reg_max: int = 16
    points: int = 73  # 8 per octave: the powers of 2 (8, 32, 512, …) are grid points; the eye sees no more


@dataclass(frozen=True)
class SizeSweep:
    """Loss and gradient magnitude of every loss at every size. Gradients are absolute values; NaN where a loss has
    no such gradient (distribution losses per pixel)."""

    sizes: np.ndarray  # w, log-spaced over SIZE_RANGE
    error_px: np.ndarray  # the pixel error at each size
    encoded: np.ndarray  # the encoded error T at each size (divided by the std when stds are on)
    iou: np.ndarray  # IoU of the pair at each size
    loss: dict[str, np.ndarray]
    grad_pixel: dict[str, np.ndarray]  # |∂L/∂p|
    grad_encoded: dict[str, np.ndarray]  # |∂L/∂T| (delta and box losses) or max_i |∂L/∂logit_i| (distributions)

    def at(self, kind: str, name: str, w: float) -> float:
        """A gradient ("pixel" or "encoded") of ``name`` at size ``w`` (log-linear interpolation)."""
        values = (self.grad_pixel if kind == "pixel" else self.grad_encoded)[name]
        return float(np.interp(math.log(w), np.log(self.sizes), values))

    def ratio(self, kind: str, name: str, small: float = SMALL, large: float = LARGE) -> float:
        """``|grad(small)| / |grad(large)|``: 1 for a scale-free loss, > 1 when small boxes get larger gradients."""
        lo, hi = self.at(kind, name, small), self.at(kind, name, large)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return math.nan
        if hi == 0:
            return math.inf if lo > 0 else math.nan
        return lo / hi

    def columns(self) -> dict[str, np.ndarray]:
        cols: dict[str, np.ndarray] = {
            "w_px": self.sizes,
            "error_px": self.error_px,
            "T": self.encoded,
            "IoU": self.iou,
        }
        for name in self.loss:
            cols[f"{name} loss"] = self.loss[name]
            cols[f"{name} |dL/dpixel|"] = self.grad_pixel[name]
            cols[f"{name} |dL/dT|" if name not in DIST_LOSSES else f"{name} max|dL/dlogit|"] = self.grad_encoded[name]
        return cols


def _check_settings(s: SizeSettings) -> None:
    if s.component not in COMPONENTS:
        raise ValueError(f"component must be one of {COMPONENTS}, got {s.component!r}")
    if s.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {s.mode!r}")
    if not math.isfinite(s.error) or s.error <= 0:
        raise ValueError(f"error must be > 0, got {s.error}")
    if s.mode == "iou" and not s.error < 1:
        raise ValueError(f"error must be an IoU in (0, 1) when mode='iou', got {s.error}")
    if not (isinstance(s.points, int) and s.points >= 2):
        raise ValueError(f"points must be an integer >= 2, got {s.points!r}")
    if not (isinstance(s.reg_max, int) and s.reg_max >= 1):
        raise ValueError(f"reg_max must be an integer >= 1, got {s.reg_max!r}")


def pixel_error(sizes: np.ndarray, component: str, mode: str, error: float) -> np.ndarray:
    """The pixel error at each size: fixed, ``error·w``, or the shift/width change that gives IoU = ``error``.

    For equal squares shifted by Δ, IoU = (w − Δ)/(w + Δ), so Δ = w(1 − u)/(1 + u); for a width change Δw (same
    centre and height) IoU = w/(w + Δw), so Δw = w(1/u − 1).
    """
    w = np.asarray(sizes, dtype=float)
    if mode == "pixels":
        return np.full_like(w, float(error))
    if mode == "relative":
        return float(error) * w
    u = float(error)
    return w * (1 - u) / (1 + u) if component == "x" else w * (1 / u - 1)


def gfl_stride(w: np.ndarray) -> np.ndarray:
    """The GFL level an object of size ``w`` lands on, approximated as the stride whose anchor (8·stride) is
    nearest to ``w`` on a log scale."""
    level = np.clip(np.round(np.log2(np.asarray(w, dtype=float) / 8.0)), 3, 7)
    return 2.0**level


def _box_loss(name: str, s: SizeSettings) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if name == "IoU":
        return losses.iou_loss
    if name == "GIoU":
        return losses.giou_loss
    if name == "DIoU":
        return losses.diou_loss
    if name == "CIoU":
        return losses.ciou_loss
    return lambda pred, target: losses.nwd_loss(pred, target, constant=s.nwd_constant)


def _delta_loss(name: str, s: SizeSettings) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if name == "L2":
        return losses.l2_loss
    if name == "Smooth L1":
        return lambda pred, target: losses.smooth_l1_loss(pred, target, beta=s.smooth_beta)
    return losses.balanced_l1_loss


def _encode_decode(p: torch.Tensor, w: torch.Tensor, s: SizeSettings) -> tuple[torch.Tensor, torch.Tensor]:
    """From the pixel leaf to the encoded delta ``T`` and the decoded predicted box (xyxy)."""
    std = STDS[s.component] if s.stds else 1.0
    half = w / 2
    if s.component == "x":
        T = p / (w * std)  # p: the centre shift Δx
        cx = T * std * w
        box = torch.stack([cx - half, -half, cx + half, half], dim=-1)
    else:
        T = torch.log(p / w) / std  # p: the predicted width w + Δw
        half_p = w * torch.exp(T * std) / 2
        box = torch.stack([-half_p, -half, half_p, half], dim=-1)
    return T, box


def _soft_logits(value: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Logits of a confident prediction of ``value`` on ``grid``: ln((1 − SOFT)·two_hot + SOFT/(n + 1))."""
    q = (1 - SOFT) * losses.two_hot(value, grid) + SOFT / grid.numel()
    return torch.log(q)


def _max_logit_grad(fn: Callable, logits: torch.Tensor, target: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    loss, grad = value_and_grad(fn, logits, target)
    return loss, np.abs(grad).max(-1)


def size_sweep(s: SizeSettings = SizeSettings(), names: tuple[str, ...] = LOSS_NAMES) -> SizeSweep:
    """Every loss in ``names`` against object size, with its autograd gradients (see the module docstring)."""
    _check_settings(s)
    unknown = [n for n in names if n not in LOSS_NAMES]
    if unknown:
        raise ValueError(f"name must be one of {LOSS_NAMES}, got {unknown}")
    sizes = np.geomspace(*SIZE_RANGE, s.points)
    err = pixel_error(sizes, s.component, s.mode, s.error)
    w = torch.as_tensor(sizes, dtype=torch.float64)
    target = torch.stack([-w / 2, -w / 2, w / 2, w / 2], dim=-1)
    with torch.no_grad():
        p0 = torch.as_tensor(err, dtype=torch.float64) + (0 if s.component == "x" else w)
        T0, box0 = _encode_decode(p0, w, s)
        iou = losses.box_geometry(box0, target).iou.numpy()
    loss: dict[str, np.ndarray] = {}
    g_pix: dict[str, np.ndarray] = {}
    g_enc: dict[str, np.ndarray] = {}
    leaves: list[torch.Tensor] = []  # one pixel leaf and one encoded delta per delta or box loss
    encoded: list[torch.Tensor] = []
    values: dict[str, torch.Tensor] = {}
    for name in names:
        if name in DIST_LOSSES:
            value, grad = _distribution_curve(name, s, sizes, T0, err)
            loss[name], g_enc[name] = value, grad
            g_pix[name] = np.full_like(sizes, np.nan)
            continue
        p = p0.clone().requires_grad_(True)
        T, box = _encode_decode(p, w, s)
        if name in DELTA_LOSSES:
            values[name] = _delta_loss(name, s)(T, torch.zeros_like(T))
        else:
            values[name] = _box_loss(name, s)(box, target)
        leaves.append(p)
        encoded.append(T)
    if values:  # one backward pass for every loss: each loss depends on its own leaf only
        grads = torch.autograd.grad(torch.stack([v.sum() for v in values.values()]).sum(), leaves + encoded)
        for i, (name, value) in enumerate(values.items()):
            loss[name] = value.detach().numpy()
            g_pix[name], g_enc[name] = grads[i].abs().numpy(), grads[len(values) + i].abs().numpy()
    return SizeSweep(sizes, err, T0.numpy(), iou, {n: loss[n] for n in names}, g_pix, g_enc)


def _distribution_curve(
    name: str, s: SizeSettings, sizes: np.ndarray, T: torch.Tensor, err: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """C-BBL: target two-hot of 0 (the anchor is the ground truth), prediction a confident distribution at ``T``
    (clamped to the grid). DFL: target the left distance ``w/2`` in stride units of the object's GFL level, the
    prediction moved by the error in those units. Returns the loss and max |∂L/∂logit|."""
    if name == "C-BBL":
        grid = losses.cbbl_grid(s.cbbl_n, s.cbbl_alpha, kind="exponential", beta=s.cbbl_beta)
        logits = _soft_logits(T.clamp(-s.cbbl_alpha, s.cbbl_alpha), grid)
        target = losses.two_hot(torch.zeros_like(T), grid)
        return _max_logit_grad(losses.cbbl_ce_loss, logits, target)
    stride = torch.as_tensor(gfl_stride(sizes), dtype=torch.float64)
    top = s.reg_max - 0.01  # mmdetection clamps the distance targets below reg_max
    dist = (torch.as_tensor(sizes, dtype=torch.float64) / 2 / stride).clamp(max=top)
    shift = torch.as_tensor(err, dtype=torch.float64) / stride
    moved = dist - shift if s.component == "x" else dist + shift / 2  # left edge moves by Δx, or by Δw/2
    grid = torch.arange(s.reg_max + 1, dtype=torch.float64)
    logits = _soft_logits(moved.clamp(0, s.reg_max), grid)
    return _max_logit_grad(lambda lg, y: losses.distribution_focal_loss(lg, y), logits, dist)


# ------------------------------------------------------------------------------------------------- IoU vs NWD


@dataclass(frozen=True)
class NwdCurves:
    """IoU and NWD of two equal squares against their horizontal offset, for each size."""

    offsets: np.ndarray
    sizes: tuple[float, ...]
    iou: dict[float, np.ndarray]
    nwd: dict[float, np.ndarray]
    constant: float

    def probe(self) -> list[tuple[float, float, float, float]]:
        """``(w, offset, IoU, NWD)`` for each size at half the tiny box's side (its IoU is 1/3 there), or at the
        largest offset shown when that is smaller: the numbers the page prints under the chart."""
        d = min(self.sizes[0] / 2, float(self.offsets[-1]))
        i = int(np.abs(self.offsets - d).argmin())
        return [(w, float(self.offsets[i]), float(self.iou[w][i]), float(self.nwd[w][i])) for w in self.sizes]

    def columns(self) -> dict[str, np.ndarray]:
        cols: dict[str, np.ndarray] = {"offset_px": self.offsets}
        for w in self.sizes:
            cols[f"IoU w={w:g}"] = self.iou[w]
            cols[f"NWD w={w:g}"] = self.nwd[w]
        return cols


def nwd_vs_offset(
    sizes: tuple[float, ...] = (8.0, 64.0), max_offset: float = 16.0, constant: float = 12.8, points: int = 161
) -> NwdCurves:
    """IoU (core ``box_geometry``) and NWD (core ``nwd``) of a ``w × w`` square and its copy shifted by 0…max px."""
    if not sizes or any(not math.isfinite(w) or w <= 0 for w in sizes):
        raise ValueError(f"sizes must be positive, got {sizes}")
    if not math.isfinite(max_offset) or max_offset <= 0:
        raise ValueError(f"max_offset must be > 0, got {max_offset}")
    d = torch.linspace(0, float(max_offset), int(points), dtype=torch.float64)
    iou, sim = {}, {}
    for w in sizes:
        h = float(w) / 2
        target = torch.tensor([-h, -h, h, h], dtype=torch.float64).expand(len(d), 4)
        pred = target + torch.stack([d, torch.zeros_like(d), d, torch.zeros_like(d)], dim=-1)
        iou[float(w)] = losses.box_geometry(pred, target).iou.numpy()
        sim[float(w)] = losses.nwd(pred, target, constant=constant).numpy()
    return NwdCurves(d.numpy(), tuple(float(w) for w in sizes), iou, sim, float(constant))


# ------------------------------------------------------------------------------------- C-BBL and DFL side by side


def dfl_view(
    reg_max: int = 16, y: float = 6.3, mu: float = 5.0, sigma: float = 1.0, sweep_points: int = 161
) -> CbblView:
    """GFL's DFL on its uniform grid ``0 … reg_max`` (``Integral``), in the same view as C-BBL's: the two-hot target
    of ``y``, a Gaussian belief at ``mu``, DFL (core ``distribution_focal_loss``) and its autograd gradient, the
    entropy term ``|H(p*) − H(p)|``, the decoded expectation, and a sweep of ``mu`` over the grid."""
    if not (isinstance(reg_max, int) and reg_max >= 1):
        raise ValueError(f"reg_max must be an integer >= 1, got {reg_max!r}")
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    for name, value in (("y", y), ("mu", mu)):
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}")
    grid = torch.arange(reg_max + 1, dtype=torch.float64)
    y_used = min(max(float(y), 0.0), float(reg_max))
    y_t = torch.tensor([y_used], dtype=torch.float64)
    target = losses.two_hot(y_t, grid)
    logits = cbbl_logits(grid, torch.tensor([float(mu)], dtype=torch.float64), sigma)
    dfl, grad = value_and_grad(losses.distribution_focal_loss, logits, y_t)
    unc = losses.cbbl_uncertainty_loss(logits, target)
    mus = torch.linspace(0, float(reg_max), int(sweep_points), dtype=torch.float64)
    sweep_logits = cbbl_logits(grid, mus, sigma)
    sweep_y = y_t.expand(len(mus))
    sweep_dfl, sweep_grad = value_and_grad(losses.distribution_focal_loss, sweep_logits, sweep_y)
    sweep_unc = losses.cbbl_uncertainty_loss(sweep_logits, target.expand(len(mus), -1))
    return CbblView(
        grid=grid.numpy(),
        t=float(y),
        t_used=y_used,
        target_dist=target[0].numpy(),
        probs=torch.softmax(logits, -1)[0].numpy(),
        grad=grad[0],
        ce=float(dfl[0]),
        uncertainty=float(unc[0]),
        decoded=float(losses.decode_expectation(logits, grid)[0]),
        sweep_mu=mus.numpy(),
        sweep_ce=sweep_dfl,
        sweep_uncertainty=sweep_unc.numpy(),
        sweep_grad_l1=np.abs(sweep_grad).sum(-1),
    )


def distribution_columns(view: CbblView) -> dict[str, np.ndarray]:
    """A distribution view's grid, target, prediction and gradient as the columns of its CSV download."""
    return {"grid": view.grid, "target p*": view.target_dist, "prediction p": view.probs, "dL/dlogit": view.grad}


def seed_grid_end(alpha: float, n: int) -> float:
    """The last point of the seed's literal grid ``y_i = −α + i·2α/(n + 1)``, i = 0…n: it stops short of +α."""
    return -alpha + n * 2 * alpha / (n + 1)


__all__ = [
    "CBBL_PRESETS",
    "COMPONENTS",
    "COMPONENT_LABELS",
    "DIST_LOSSES",
    "ERROR_SLIDERS",
    "LEGACY",
    "LOSS_CODES",
    "LOSS_NAMES",
    "MODES",
    "PAPERS",
    "SECTIONS",
    "URL_KEYS",
    "NwdCurves",
    "SizeSettings",
    "SizeSweep",
    "cbbl_view",
    "dfl_view",
    "distribution_columns",
    "gfl_stride",
    "nwd_vs_offset",
    "pixel_error",
    "section_for",
    "seed_grid_end",
    "size_sweep",
]
