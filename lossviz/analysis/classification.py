"""Analysis for the classification page: focal curves, a population's loss/gradient shares, class-balanced weights,
a GHM-C simulation and an AP-loss ranking.

Everything calls the torch core (``lossviz.losses``) and ``value_and_grad``; nothing re-implements a loss. Plain CE
is the focal loss with ``alpha < 0`` and ``gamma = 0`` (the core's BCE). Results are numpy arrays in frozen
dataclasses. Parsing of what the user types raises :class:`InputError`, whose ``code`` and ``params`` the page turns
into a translated message.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from lossviz import losses
from lossviz.losses import value_and_grad

F64 = torch.float64
#: The classic figure's gammas (Lin et al. 2017, Fig. 1).
CLASSIC_GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
#: Betas of the effective-number figure (Cui et al. 2019, Fig. 3 uses this range).
CB_BETAS = (0.0, 0.9, 0.99, 0.999, 0.9999)
#: Example class counts: a long tail, and the foreground/background split of a dense detector.
COUNT_PRESETS = {
    "long_tail": "5000,2000,800,300,120,50,20,8",
    "fg_bg": "100000,100",
}
DEFAULT_ANCHORS = "3.0:1,2.2:0,1.5:1,0.8:0,0.3:1,-0.2:0,-1.0:0,-1.5:1,-2.5:0,-4.0:0"
#: Example anchor lists for AP-loss: a mixed ranking, a perfect one (every positive above every negative by 2δ at
#: δ = 1), and positives buried under negatives.
AP_PRESETS = {
    "example": DEFAULT_ANCHORS,
    "perfect": "4:1,3.5:1,3:1,1:0,0.5:0,-1:0,-2:0",
    "buried": "3:0,2.5:0,2:0,1.5:1,1:0,0.5:0,0:1,-1:0",
}
#: The class-balanced panel's beta choices (the paper's grid and its ends) and the losses the weight multiplies.
CB_BETA_OPTIONS = (0.0, 0.9, 0.99, 0.999, 0.9999, 0.99999)
CB_LOSS_TYPES = ("softmax", "sigmoid", "focal")
#: Every control of the classification page as data: ``(widget, label key, URL key, *range and default[, options])``
#: per row; the URL keys are the page's links (never rename one) and the ranges are those the core accepts.
CONTROLS = {
    "alpha_switch": (("toggle", "cls.use_alpha", "cls_use_alpha", True),),
    "focal": (("slider", "cls.gamma", "cls_gamma", 0.0, 5.0, 2.0, 0.1),
              ("slider", "cls.alpha", "cls_alpha", 0.0, 1.0, 0.25, 0.05)),
    "population": (("number_input", "cls.pop.n_neg", "cls_nneg", 1, 1_000_000, 100_000, 1000),
                   ("number_input", "cls.pop.n_pos", "cls_npos", 1, 100_000, 100, 10),
                   ("slider", "cls.pop.neg_p", "cls_neg_p", 0.001, 0.5, 0.05, 0.001, {"format": "%.3f"}),
                   ("slider", "cls.pop.pos_p", "cls_pos_p", 0.01, 0.99, 0.5, 0.01)),
    "cb": (("text_input", "cls.cb.counts", "cls_counts", COUNT_PRESETS["long_tail"]),
           ("selectbox", "cls.cb.beta", "cls_beta", list(CB_BETA_OPTIONS), 3),
           ("segmented", "cls.cb.loss_type", "cls_cb_type", list(CB_LOSS_TYPES), "softmax")),
    "cb_gamma": (("slider", "cls.gamma", "cls_cb_gamma", 0.0, 5.0, 2.0, 0.1),),
    "ghm": (("slider", "cls.ghm.bins", "cls_bins", 1, 30, 10, 1),
            ("slider", "cls.ghm.momentum", "cls_momentum", 0.0, 0.95, 0.0, 0.05),
            ("slider", "cls.ghm.easy", "cls_ghm_easy", 0.0, 0.99, 0.9, 0.01),
            ("slider", "cls.ghm.outliers", "cls_ghm_out", 0.0, 0.2, 0.01, 0.005, {"format": "%.3f"})),
    "ap": (("text_input", "cls.ap.anchors", "cls_anchors", DEFAULT_ANCHORS),
           ("slider", "cls.ap.delta", "cls_delta", 0.1, 3.0, 1.0, 0.1)),
    "ap_interp": (("toggle", "cls.ap.interp", "cls_ap_interp", False),),
}  # fmt: skip
#: Tab labels are what the URL holds (``cls_panel=Focal+loss``): proper names, the same in every language.
PANELS = {"focal": "Focal loss", "cb": "Class-balanced", "ghm": "GHM-C", "ap": "AP-loss"}
#: Every URL key of the page: its tab (``cls_panel``) and its controls (also those of the tabs not open).
URL_KEYS = ("cls_panel", *(spec[2] for row in CONTROLS.values() for spec in row))
MAX_CLASSES = 50
MAX_ANCHORS = 60
#: |value| below this (relative to 1) is float64 round-off of a quantity that is exactly 0: shown as 0.
ROUND_OFF = 1e-12


@dataclass(frozen=True)
class Paper:
    """The paper behind a panel: who and where, its title, its arXiv id."""

    cite: str
    title: str
    arxiv: str

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv}"


#: One paper per panel (the ids also stand in the core's docstrings and ``shared/reference/losses.md``).
PAPERS = {
    "focal": Paper("Lin et al., ICCV 2017", "Focal Loss for Dense Object Detection", "1708.02002"),
    "cb": Paper("Cui et al., CVPR 2019", "Class-Balanced Loss Based on Effective Number of Samples", "1901.05555"),
    "ghm": Paper("Li et al., AAAI 2019", "Gradient Harmonized Single-stage Detector", "1811.05181"),
    "ap": Paper("Chen et al., CVPR 2019", "Towards Accurate One-Stage Object Detection with AP-Loss", "1904.06373"),
}


@dataclass(frozen=True)
class Preset:
    """Control values (URL keys -> values) that reproduce ``figure`` of the paper ``PAPERS[paper]``."""

    values: Mapping[str, object]
    paper: str
    figure: str


#: Focal-loss presets. Fig. 1 of Lin et al.: CE and FL for gamma in {0, 0.5, 1, 2, 5}, loss against p_t, no alpha
#: (the classic curves are always drawn; alpha off and gamma = 2 makes "yours" one of them, not an extra curve).
#: The paper's pick (Table 1a/1b): gamma = 2 with alpha = 0.25.
FOCAL_PRESETS = {
    "fig1": Preset({"cls_use_alpha": False, "cls_gamma": 2.0}, "focal", "Fig. 1"),
    "best": Preset({"cls_use_alpha": True, "cls_alpha": 0.25, "cls_gamma": 2.0}, "focal", "Table 1"),
}


#: The focal tab's switch, sliders and population inputs at their defaults, by URL key (a slider's or a number
#: input's default is its sixth field, a toggle's its fourth).
_FOCAL_DEFAULTS = {spec[2]: spec[3] if spec[0] == "toggle" else spec[5]
                   for row in ("alpha_switch", "focal", "population") for spec in CONTROLS[row]}  # fmt: skip


def focal_values(state: Mapping[str, object]) -> tuple[float, float]:
    """``(alpha, gamma)`` of the focal tab from its controls' values by URL key; ``alpha`` is -1 (no α weighting)
    when ``cls_use_alpha`` is off. Missing values are the controls' defaults."""
    get = lambda key: state.get(key, _FOCAL_DEFAULTS[key])  # noqa: E731
    return (float(get("cls_alpha")) if get("cls_use_alpha") else -1.0), float(get("cls_gamma"))


def population_values(state: Mapping[str, object]) -> tuple[int, int, float, float]:
    """``(n_neg, n_pos, neg_p, pos_p)`` of the focal tab's population from its inputs' values by URL key (missing:
    the defaults), as :func:`population_shares` takes them after ``alpha`` and ``gamma``."""
    get = lambda key: state.get(key, _FOCAL_DEFAULTS[key])  # noqa: E731
    return int(get("cls_nneg")), int(get("cls_npos")), float(get("cls_neg_p")), float(get("cls_pos_p"))


def matching_preset(presets: Mapping[str, Preset], state: Mapping[str, object]) -> str | None:
    """The first preset whose every value equals the control value in ``state`` (None: the view is the user's)."""
    for code, preset in presets.items():
        if all(_same(state.get(k), v) for k, v in preset.values.items()):
            return code
    return None


def _same(a: object, b: object) -> bool:
    if isinstance(b, bool) or isinstance(a, bool):
        return a is b or a == b
    try:
        return abs(float(a) - float(b)) < 1e-9  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b


def snap_zero(values: np.ndarray | float, scale: float = 1.0) -> np.ndarray | float:
    """Values within float64 round-off of 0 (``|v| < ROUND_OFF * scale``) set to exactly 0 (no "-0.0000" shown)."""
    arr = np.asarray(values, dtype=np.float64)
    out = np.where(np.abs(arr) < ROUND_OFF * scale, 0.0, arr) + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(out) if np.ndim(values) == 0 else out


class InputError(ValueError):
    """Bad user input: ``code`` names the problem (``cls.err.<code>`` in the translations), ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


def _t(values: Sequence[float] | np.ndarray) -> torch.Tensor:
    return torch.tensor(np.asarray(values, dtype=np.float64), dtype=F64)  # a copy: cached arrays are read-only


def logit(p: np.ndarray | float) -> np.ndarray:
    """``log(p / (1 - p))``, the logit that gives probability ``p``."""
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


# ----------------------------------------------------------------------------------------------------- focal loss


@dataclass(frozen=True)
class FocalCurves:
    """Loss and modulating factor against ``p_t`` (for a positive: ``p_t = p``).

    loss[g] is FL with ``gamma = g`` and no alpha (g = 0 is CE); ``current`` is FL with the user's alpha and gamma.
    """

    p_t: np.ndarray
    gammas: tuple[float, ...]
    loss: dict[float, np.ndarray]
    factor: dict[float, np.ndarray]
    current: np.ndarray
    current_factor: np.ndarray
    alpha: float
    gamma: float

    def columns(self) -> dict[str, np.ndarray]:
        cols = {"p_t": self.p_t}
        for g in self.gammas:
            cols[f"FL_gamma={g:g}"] = self.loss[g]
            cols[f"factor_gamma={g:g}"] = self.factor[g]
        cols[f"FL_alpha={self.alpha:g}_gamma={self.gamma:g}"] = self.current
        return cols


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)  # shared by every caller of a cached helper: nobody may change it in place
    return a


@functools.lru_cache(maxsize=8)
def _classic_curves(gammas: tuple[float, ...], n: int):
    """``p_t``, and loss and factor per gamma (no alpha): the same for every user's alpha and gamma, so computed
    once per process (a slider step then evaluates the core once, for the user's own curve)."""
    p_t = np.linspace(0.005, 0.995, n)
    x = _t(logit(p_t))
    y = torch.ones_like(x)
    loss = {g: _frozen(losses.sigmoid_focal_loss(x, y, alpha=-1.0, gamma=g).numpy()) for g in gammas}
    factor = {g: _frozen(losses.modulating_factor(_t(p_t), gamma=g).numpy()) for g in gammas}
    return _frozen(p_t), loss, factor


#: Points of a curve against p_t or the logit: a few per pixel of a phone-wide chart are as smooth as thousands.
CURVE_POINTS = 121


def focal_curves(
    alpha: float, gamma: float, gammas: Sequence[float] = CLASSIC_GAMMAS, n: int = CURVE_POINTS
) -> FocalCurves:
    """The classic focal-loss figure: loss against ``p_t`` of a positive for several gammas, plus the user's."""
    gammas = tuple(float(g) for g in gammas)
    p_t, loss, factor = _classic_curves(gammas, int(n))
    x = _t(logit(p_t))
    current = losses.sigmoid_focal_loss(x, torch.ones_like(x), alpha=alpha, gamma=gamma).numpy()
    factor_now = factor.get(float(gamma))
    if factor_now is None:
        factor_now = losses.modulating_factor(_t(p_t), gamma=gamma).numpy()
    return FocalCurves(p_t, gammas, dict(loss), dict(factor), current, factor_now, alpha, gamma)


@dataclass(frozen=True)
class FocalGrad:
    """Loss and its derivative w.r.t. the logit ``x``, for a positive (y = 1) and a negative (y = 0)."""

    x: np.ndarray
    ce: dict[int, np.ndarray]
    ce_grad: dict[int, np.ndarray]
    fl: dict[int, np.ndarray]
    fl_grad: dict[int, np.ndarray]
    alpha: float
    gamma: float

    def columns(self) -> dict[str, np.ndarray]:
        cols = {"logit": self.x}
        for y in (1, 0):
            cols[f"CE_y={y}"] = self.ce[y]
            cols[f"dCE/dx_y={y}"] = self.ce_grad[y]
            cols[f"FL_y={y}"] = self.fl[y]
            cols[f"dFL/dx_y={y}"] = self.fl_grad[y]
        return cols


def _both_labels(x: np.ndarray, alpha: float, gamma: float) -> tuple[dict, dict]:
    """Focal loss and its autograd gradient at the logits ``x`` for y = 1 and for y = 0, from one core call."""
    value, grad = value_and_grad(
        losses.sigmoid_focal_loss, np.concatenate([x, x]), np.repeat([1.0, 0.0], len(x)), alpha=alpha, gamma=gamma
    )
    k = len(x)
    return {1: _frozen(value[:k]), 0: _frozen(value[k:])}, {1: _frozen(grad[:k]), 0: _frozen(grad[k:])}


@functools.lru_cache(maxsize=8)
def _ce_both_labels(x_range: float, n: int):
    x = _frozen(np.linspace(-x_range, x_range, n))
    return (x, *_both_labels(x, -1.0, 0.0))


def focal_gradients(alpha: float, gamma: float, x_range: float = 8.0, n: int = CURVE_POINTS) -> FocalGrad:
    """CE and focal loss and their autograd gradients against the logit, for both labels (CE once per process)."""
    x, ce, ce_grad = _ce_both_labels(float(x_range), int(n))
    fl, fl_grad = _both_labels(x, alpha, gamma)
    return FocalGrad(x, dict(ce), dict(ce_grad), fl, fl_grad, alpha, gamma)


@dataclass(frozen=True)
class PopulationShares:
    """A population of negatives and positives under CE and FL: totals and each group's share.

    ``loss[name]`` / ``grad[name]`` are ``(negatives_total, positives_total)`` for ``name`` in ("CE", "FL"); the
    gradient total is the sum of ``|dL/dx|`` over the group.
    """

    n_neg: int
    n_pos: int
    neg_p: float
    pos_p: float
    loss: dict[str, tuple[float, float]]
    grad: dict[str, tuple[float, float]]

    def share(self, kind: str, name: str) -> float:
        """Share of the negatives in the total ``kind`` ("loss" or "grad") under ``name`` ("CE" or "FL")."""
        neg, pos = getattr(self, kind)[name]
        total = neg + pos
        return neg / total if total > 0 else 0.0

    def rows(self) -> list[dict[str, object]]:
        out = []
        for name in ("CE", "FL"):
            for kind in ("loss", "grad"):
                neg, pos = getattr(self, kind)[name]
                out.append(
                    {
                        "loss": name,
                        "quantity": kind,
                        "negatives": neg,
                        "positives": pos,
                        "neg_share": self.share(kind, name),
                    }
                )
        return out


#: Logit offsets (in units of the spread) and their weights: the normal distribution on an even grid of
#: ``POPULATION_POINTS`` points over ±8σ. A sum over n draws is n times this weighted mean (the trapezoid rule on a
#: Gaussian is exact to float64 round-off here), so the totals cost the same for 100 or 1,000,000 samples.
POPULATION_POINTS = 257
_Z = np.linspace(-8.0, 8.0, POPULATION_POINTS)
_W = np.exp(-0.5 * _Z**2) / np.exp(-0.5 * _Z**2).sum()


def _check_population(n_neg: int, n_pos: int, neg_p: float, pos_p: float) -> None:
    if int(n_neg) < 1 or int(n_pos) < 1:
        raise InputError("population", n_neg=n_neg, n_pos=n_pos)
    for name, p in (("neg_p", neg_p), ("pos_p", pos_p)):
        if not 0.0 < float(p) < 1.0:
            raise InputError("probability", name=name, value=p)


def population_totals(
    n_neg: int, n_pos: int, neg_p: float, pos_p: float, alpha: float, gamma: float, spread: float = 0.5
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Focal loss (``alpha``, ``gamma``; ``alpha < 0, gamma = 0`` is CE) summed over the population: ``n_neg``
    negatives with logits normal around ``logit(neg_p)`` and ``n_pos`` positives around ``logit(pos_p)``, both with
    standard deviation ``spread``. The sums are the expected ones (``n`` times the mean over the distribution), from
    the core's loss and autograd gradient on ``POPULATION_POINTS`` logits per group, not from a random sample.

    Returns ``((loss_neg, loss_pos), (grad_neg, grad_pos))``, the gradient as the sum of ``|dL/dx|``.
    """
    _check_population(n_neg, n_pos, neg_p, pos_p)
    (loss_neg, loss_pos), (grad_neg, grad_pos) = _population_means(float(neg_p), float(pos_p), alpha, gamma, spread)
    neg, pos = int(n_neg), int(n_pos)
    return (neg * loss_neg, pos * loss_pos), (neg * grad_neg, pos * grad_pos)


@functools.lru_cache(maxsize=256)
def _population_means(neg_p: float, pos_p: float, alpha: float, gamma: float, spread: float):
    """Mean loss and mean ``|dL/dx|`` of one negative and of one positive (CE's stay cached while gamma moves)."""
    x = np.concatenate([logit(neg_p) + spread * _Z, logit(pos_p) + spread * _Z])
    y = np.concatenate([np.zeros(POPULATION_POINTS), np.ones(POPULATION_POINTS)])
    value, dx = value_and_grad(losses.sigmoid_focal_loss, x, y, alpha=alpha, gamma=gamma)
    k, dx = POPULATION_POINTS, np.abs(dx)
    return (float(_W @ value[:k]), float(_W @ value[k:])), (float(_W @ dx[:k]), float(_W @ dx[k:]))


def population_shares(
    n_neg: int, n_pos: int, neg_p: float, pos_p: float, alpha: float, gamma: float, spread: float = 0.5
) -> PopulationShares:
    """Loss and ``|gradient|`` per group under CE and under focal loss (see :func:`population_totals`)."""
    ce = population_totals(n_neg, n_pos, neg_p, pos_p, -1.0, 0.0, spread)
    fl = population_totals(n_neg, n_pos, neg_p, pos_p, alpha, gamma, spread)
    return PopulationShares(
        int(n_neg), int(n_pos), float(neg_p), float(pos_p), {"CE": ce[0], "FL": fl[0]}, {"CE": ce[1], "FL": fl[1]}
    )


# ------------------------------------------------------------------------------------------------ class-balanced


def parse_counts(text: str) -> list[int]:
    """Class counts typed as ``"5000, 2000, 800"``: positive integers, 1 to ``MAX_CLASSES`` of them."""
    parts = [p.strip() for p in str(text).replace(";", ",").replace("\n", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise InputError("counts_empty")
    if len(parts) > MAX_CLASSES:
        raise InputError("counts_too_many", n=len(parts), max=MAX_CLASSES)
    out = []
    for i, p in enumerate(parts, start=1):
        try:
            v = float(p)
        except ValueError:
            raise InputError("counts_not_number", index=i, value=p) from None
        if not math.isfinite(v) or v != int(v):
            raise InputError("counts_not_integer", index=i, value=p)
        if v <= 0:
            raise InputError("counts_not_positive", index=i, value=p)
        if v > 1e9:
            raise InputError("counts_too_large", index=i, value=p)
        out.append(int(v))
    return out


@dataclass(frozen=True)
class EffectiveNumberCurves:
    n: np.ndarray
    betas: tuple[float, ...]
    effective: dict[float, np.ndarray]

    def columns(self) -> dict[str, np.ndarray]:
        return {"n": self.n, **{f"E_n_beta={b:g}": self.effective[b] for b in self.betas}}


def effective_number_curves(betas: Sequence[float] = CB_BETAS, n_max: int = 100000, points: int = 121):
    """``E_n`` against ``n`` (log-spaced from 1 to ``n_max``) for each beta."""
    n = np.unique(np.round(np.logspace(0, math.log10(n_max), points)))
    eff = {float(b): losses.effective_number(_t(n), beta=b).numpy() for b in betas}
    return EffectiveNumberCurves(n, tuple(float(b) for b in betas), eff)


@dataclass(frozen=True)
class CBTable:
    """Per-class numbers for the counts the user typed.

    weights: class-balanced weights (sum = C); inverse: inverse frequency normalised the same way (beta -> 1);
    sample_loss: the CB loss of one not-yet-learned sample (all logits 0) of each class, for ``loss_type``.
    """

    counts: np.ndarray
    beta: float
    effective: np.ndarray
    weights: np.ndarray
    inverse: np.ndarray
    loss_type: str
    sample_loss: np.ndarray

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "class": np.arange(len(self.counts)),
            "count": self.counts,
            "effective_number": self.effective,
            f"weight_beta={self.beta:g}": self.weights,
            "inverse_frequency": self.inverse,
            f"cb_{self.loss_type}_loss_at_zero_logits": self.sample_loss,
        }


def class_balanced_table(counts: Sequence[int], beta: float, loss_type: str = "softmax", gamma: float = 2.0):
    """Effective numbers, CB weights and each class's CB loss on a zero-logit sample (calls the core)."""
    c = torch.as_tensor(np.asarray(counts, dtype=np.int64))
    eff = losses.effective_number(c.to(F64), beta=beta).numpy()
    w = losses.class_balanced_weights(c, beta=beta).numpy()
    inv = 1.0 / c.double().numpy()
    inv = inv / inv.sum() * len(inv)
    k = len(counts)
    labels = torch.arange(k)
    sample = losses.class_balanced_loss(
        torch.zeros(k, k, dtype=F64), labels, c, beta=beta, loss_type=loss_type, gamma=gamma
    ).numpy()
    return CBTable(np.asarray(counts), float(beta), eff, w, inv, loss_type, sample)


# ------------------------------------------------------------------------------------------------------------ GHM


@dataclass(frozen=True)
class GHMSimulation:
    """GHM-C on a sampled batch (the last of ``steps`` batches, so momentum has a history).

    counts: elements per unit region (gradient density); bin_weight: the weight each region's elements get;
    ce_grad / fl_grad / ghm_grad: per region, the summed ``|dL/dx|`` under CE, focal loss (alpha 0.25, gamma 2) and
    GHM-C; shares are these divided by their totals.
    """

    edges: np.ndarray
    counts: np.ndarray
    acc_sum: np.ndarray
    bin_weight: np.ndarray
    ce_grad: np.ndarray
    fl_grad: np.ndarray
    ghm_grad: np.ndarray
    g: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    bins: int = 10
    momentum: float = 0.0
    loss_ce: float = 0.0
    loss_ghm: float = 0.0

    @property
    def centres(self) -> np.ndarray:
        return 0.5 * (self.edges[:-1] + self.edges[1:])

    def shares(self) -> dict[str, np.ndarray]:
        return {
            k: v / v.sum() if v.sum() > 0 else v
            for k, v in (("CE", self.ce_grad), ("FL", self.fl_grad), ("GHM-C", self.ghm_grad))
        }

    def columns(self) -> dict[str, np.ndarray]:
        s = self.shares()
        return {
            "bin_left": self.edges[:-1],
            "bin_right": self.edges[1:],
            "count": self.counts,
            "running_count": self.acc_sum,
            "weight": self.bin_weight,
            "grad_CE": self.ce_grad,
            "grad_FL": self.fl_grad,
            "grad_GHM-C": self.ghm_grad,
            "share_CE": s["CE"],
            "share_FL": s["FL"],
            "share_GHM-C": s["GHM-C"],
        }


def ghm_sample(n: int, easy: float, outliers: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A batch of ``n`` predictions: a share ``easy`` of easy negatives (p ~ 0.02), a share ``outliers`` of
    mislabelled-looking examples (g near 1), the rest moderately hard examples of either label.
    """
    if int(n) < 1:
        raise InputError("ghm_n", n=n)
    if not (0.0 <= easy <= 1.0 and 0.0 <= outliers <= 1.0 and easy + outliers <= 1.0):
        raise InputError("ghm_mix", easy=easy, outliers=outliers)
    rng = np.random.default_rng(seed)
    n = int(n)
    n_easy = round(n * easy)
    n_out = min(round(n * outliers), n - n_easy)
    n_mid = n - n_easy - n_out
    x_easy = rng.normal(-4.0, 0.8, n_easy)
    y_easy = np.zeros(n_easy)
    x_mid = rng.normal(0.0, 1.5, n_mid)
    y_mid = (rng.random(n_mid) < 0.5).astype(float)
    sign = np.where(rng.random(n_out) < 0.5, 1.0, -1.0)
    x_out = sign * rng.normal(5.0, 0.8, n_out)
    y_out = (sign < 0).astype(float)  # confidently wrong: high score on a negative, low on a positive
    return np.concatenate([x_easy, x_mid, x_out]), np.concatenate([y_easy, y_mid, y_out])


@functools.lru_cache(maxsize=16)
def _ghm_batches(n: int, easy: float, outliers: float, steps: int, seed: int):
    """The ``steps`` sampled batches as tensors, and CE's loss and gradient and focal loss's gradient (alpha 0.25,
    gamma 2) on the last one: the same for every ``bins`` and ``momentum``."""
    batches = [tuple(_t(a) for a in ghm_sample(n, easy, outliers, seed=seed + s)) for s in range(steps)]
    x_np, y_np = batches[-1][0].numpy(), batches[-1][1].numpy()
    ce_val, ce_dx = value_and_grad(losses.sigmoid_focal_loss, x_np, y_np, alpha=-1.0, gamma=0.0)
    _, fl_dx = value_and_grad(losses.sigmoid_focal_loss, x_np, y_np, alpha=0.25, gamma=2.0)
    return batches, tuple(_frozen(a) for a in (ce_val, ce_dx, fl_dx))


def ghm_simulation(
    bins: int, momentum: float, n: int = 20000, easy: float = 0.9, outliers: float = 0.01, steps: int = 5, seed: int = 0
) -> GHMSimulation:
    """GHM-C over ``steps`` batches (seeds ``seed`` onwards) carrying the running counts; reports the last.

    The batches and the CE and focal-loss gradients on the last one do not depend on ``bins`` or ``momentum``: they
    are computed once per mixture, so moving those sliders evaluates GHM-C only.
    """
    batches, (ce_val, ce_dx, fl_dx) = _ghm_batches(int(n), float(easy), float(outliers), max(1, int(steps)), seed)
    acc = prev = None
    for x_t, y_t in batches:
        prev = acc
        res = losses.ghm_c_weights(x_t, y_t, bins=int(bins), momentum=momentum, acc_sum=prev)
        acc = res.acc_sum
    x_np, y_np = batches[-1][0].numpy(), batches[-1][1].numpy()
    g = res.g.numpy()
    w = res.weights.numpy()
    idx = res.index.numpy()
    ghm_val, ghm_dx = value_and_grad(losses.ghm_c_loss, x_np, y_np, bins=int(bins), momentum=momentum, acc_sum=prev)
    per_bin = np.zeros(int(bins))
    np.add.at(per_bin, idx, w)
    counts = res.counts.numpy()
    bin_weight = np.divide(per_bin, counts, out=np.zeros_like(per_bin), where=counts > 0)

    def by_bin(v: np.ndarray) -> np.ndarray:
        out = np.zeros(int(bins))
        np.add.at(out, idx, np.abs(v))
        return out

    return GHMSimulation(
        edges=np.linspace(0.0, 1.0, int(bins) + 1),
        counts=counts,
        acc_sum=res.acc_sum.numpy(),
        bin_weight=bin_weight,
        ce_grad=by_bin(ce_dx),
        fl_grad=by_bin(fl_dx),
        ghm_grad=by_bin(ghm_dx),
        g=g,
        weights=w,
        bins=int(bins),
        momentum=float(momentum),
        loss_ce=float(ce_val.mean()),
        loss_ghm=float(ghm_val.mean()),
    )


# -------------------------------------------------------------------------------------------------------- AP-loss


def _anchor_score(value: object, index: int) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError("anchor_score_missing", index=index)
    try:
        s = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError("anchor_score", index=index, value=value) from None
    if not math.isfinite(s) or abs(s) > 1e6:
        raise InputError("anchor_score", index=index, value=value)
    return s


def _anchor_label(value: object, index: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError("anchor_label_missing", index=index)
    try:
        lab = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError("anchor_label", index=index, value=value) from None
    if lab not in (1.0, 0.0, -1.0):
        raise InputError("anchor_label", index=index, value=value)
    return int(lab)


def parse_anchors(text: str) -> tuple[list[float], list[int]]:
    """Anchors typed as ``"score:label, ..."`` (label 1, 0 or -1). Raises :class:`InputError`.

    A list without a positive parses (the table stays editable); :func:`ap_analysis` refuses it.
    """
    parts = [p.strip() for p in str(text).replace(";", ",").replace("\n", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise InputError("anchors_empty")
    if len(parts) > MAX_ANCHORS:
        raise InputError("anchors_too_many", n=len(parts), max=MAX_ANCHORS)
    scores, labels = [], []
    for i, p in enumerate(parts, start=1):
        bits = p.split(":")
        if len(bits) != 2:
            raise InputError("anchor_format", index=i, value=p)
        scores.append(_anchor_score(bits[0].strip(), i))
        labels.append(_anchor_label(bits[1].strip(), i))
    return scores, labels


def parse_anchors_or_empty(text: str) -> tuple[list[float], list[int], InputError | None]:
    """:func:`parse_anchors`, or no anchors and the :class:`InputError` (so an empty table can rebuild the list)."""
    try:
        return *parse_anchors(text), None
    except InputError as err:
        return [], [], err


def apply_table_edits(
    scores: Sequence[float], labels: Sequence[int], edits: Mapping[str, object] | None
) -> tuple[list[float], list[int]]:
    """Apply ``st.data_editor``'s edit state (``edited_rows``, ``deleted_rows``, ``added_rows``) to the anchors.

    Every cell is validated (numbers typed as text, empty cells, labels other than 1/0/-1 raise :class:`InputError`
    naming the row), so a bad edit gives a message instead of a traceback.
    """
    rows: list[dict[str, object]] = [{"score": s, "label": lab} for s, lab in zip(scores, labels, strict=True)]
    edits = edits or {}
    for idx, change in dict(edits.get("edited_rows") or {}).items():
        i = int(idx)
        if 0 <= i < len(rows) and isinstance(change, Mapping):
            rows[i].update({k: v for k, v in change.items() if k in ("score", "label")})
    deleted = {int(i) for i in (edits.get("deleted_rows") or [])}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    for new in edits.get("added_rows") or []:
        if isinstance(new, Mapping):
            rows.append({"score": new.get("score"), "label": new.get("label")})
    if len(rows) > MAX_ANCHORS:
        raise InputError("anchors_too_many", n=len(rows), max=MAX_ANCHORS)
    out_s = [_anchor_score(r["score"], i) for i, r in enumerate(rows, start=1)]
    out_l = [_anchor_label(r["label"], i) for i, r in enumerate(rows, start=1)]
    return out_s, out_l


def anchors_after_edits(scores: Sequence[float], labels: Sequence[int], edits: Mapping[str, object] | None) -> str:
    """The anchor text after the table edits (:func:`apply_table_edits`, which raises for a bad edit)."""
    return format_anchors(*apply_table_edits(scores, labels, edits))


def format_anchors(scores: Sequence[float], labels: Sequence[int]) -> str:
    """The inverse of :func:`parse_anchors`."""
    return ",".join(f"{float(s):g}:{int(lab)}" for s, lab in zip(scores, labels, strict=True))


@dataclass(frozen=True)
class APAnalysis:
    """AP-loss on a list of anchors, beside plain CE (arrays per anchor unless stated)."""

    scores: np.ndarray
    labels: np.ndarray
    rank: np.ndarray
    order: np.ndarray
    pos_index: np.ndarray
    neg_index: np.ndarray
    precision: np.ndarray  # per positive (interpolated)
    raw_precision: np.ndarray  # per positive
    L: np.ndarray  # [P, M]
    L_update: np.ndarray  # [P, M]
    update: np.ndarray
    ce_grad: np.ndarray
    loss: float
    delta: float

    def precision_per_anchor(self) -> np.ndarray:
        out = np.full(len(self.scores), np.nan)
        out[self.pos_index] = self.precision
        return out

    def columns(self) -> dict[str, np.ndarray]:
        """One row per anchor, in rank order (ignored anchors last)."""
        ignored = np.flatnonzero(self.labels == -1)
        rows = np.concatenate([self.order, ignored]).astype(int)
        prec = self.precision_per_anchor()
        return {
            "rank": self.rank[rows],
            "anchor": rows + 1,
            "score": self.scores[rows],
            "label": self.labels[rows],
            "precision": prec[rows],
            "ap_update": self.update[rows],
            "ce_grad": self.ce_grad[rows],
        }


def ap_analysis(scores: Sequence[float], labels: Sequence[int], delta: float = 1.0) -> APAnalysis:
    """AP-loss terms and update (core) and the CE gradient ``sigmoid(s) - y`` (autograd) for each anchor."""
    if len(scores) == 0:
        raise InputError("anchors_empty")
    if 1 not in [int(v) for v in labels]:
        raise InputError("anchors_no_positive")
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    res = losses.ap_loss(_t(s), torch.as_tensor(y), delta=delta)
    valid = y != -1
    ce_grad = np.zeros_like(s)
    if valid.any():
        _, g = value_and_grad(losses.sigmoid_focal_loss, s[valid], y[valid].astype(float), alpha=-1.0, gamma=0.0)
        ce_grad[valid] = g
    return APAnalysis(
        scores=s,
        labels=y,
        rank=res.rank.numpy(),
        order=res.order.numpy(),
        pos_index=res.pos_index.numpy(),
        neg_index=res.neg_index.numpy(),
        precision=res.precision.numpy(),
        raw_precision=res.raw_precision.numpy(),
        L=res.L.numpy(),
        L_update=res.L_update.numpy(),
        update=res.update.numpy(),
        ce_grad=ce_grad,
        loss=float(res.loss.detach()),
        delta=float(delta),
    )
