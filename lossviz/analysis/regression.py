"""Analysis for the regression page: loss and gradient curves, hyper-parameter families, the gradient balance.

Everything here calls the torch core (``lossviz.losses``) and ``value_and_grad``; no loss is re-implemented.
Residuals are ``d = pred − target``; the curves evaluate each loss at ``pred = d``, ``target = 0``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import torch

from lossviz import losses
from lossviz.losses import value_and_grad

#: Stable, language-independent loss names (they go into the URL).
LOSS_NAMES = ("L1", "L2", "Smooth L1", "Balanced L1")
#: Family sweeps: the hyper-parameter code and its sweep range, as in the Libra R-CNN figure (α over 0.2…1.0).
FAMILY_PARAMS = ("alpha", "gamma", "beta")
FAMILY_RANGES = {"alpha": (0.2, 1.0), "gamma": (0.5, 3.0), "beta": (0.25, 2.0)}


@dataclass(frozen=True)
class Slider:
    """A slider of the page: URL key, label key (help key: label key + "_help" when ``help``), range and default."""

    key: str
    label: str
    lo: float
    hi: float
    default: float
    step: float
    help: bool = False


#: The loss hyper-parameters, in the order the page shows them; defaults are ``Params()``'s (mmdetection's).
PARAM_SLIDERS = (
    Slider("reg_sl1_beta", "reg.sl1_beta", 0.0, 3.0, 1.0, 0.05, True),
    Slider("reg_alpha", "reg.alpha", 0.05, 2.0, 0.5, 0.05, True),
    Slider("reg_gamma", "reg.gamma", 0.1, 5.0, 1.5, 0.1, True),
    Slider("reg_beta", "reg.beta", 0.05, 3.0, 1.0, 0.05, True),
)
#: The error mixture of the gradient-balance section (``Mixture``'s fields) and the inlier/outlier split.
MIXTURE_SLIDERS = (
    Slider("reg_out_frac", "reg.balance.out_frac", 0.0, 0.5, 0.1, 0.01),
    Slider("reg_in_scale", "reg.balance.in_scale", 0.05, 1.0, 0.3, 0.05),
    Slider("reg_out_scale", "reg.balance.out_scale", 0.5, 10.0, 3.0, 0.5),
    Slider("reg_split", "reg.balance.split", 0.1, 3.0, 1.0, 0.05),
)

#: Every URL key of the gradient-balance section (an old link that sets one opens the section).
BALANCE_KEYS = (*(s.key for s in MIXTURE_SLIDERS), "reg_seed")

#: The page's URL-bound sections (expanders), open or closed in the URL.
SECTION_KEYS = ("reg_sec_curves", "reg_sec_formulas", "reg_sec_sweep", "reg_sec_balance")
#: Every URL key of the page's controls.
URL_KEYS = (
    *(s.key for s in PARAM_SLIDERS),
    "reg_l2half", "reg_range", "reg_show", "reg_closed", "reg_fam", "reg_fam_n",
    *BALANCE_KEYS,
    *SECTION_KEYS,
)  # fmt: skip


@dataclass(frozen=True)
class Params:
    """Hyper-parameters of the four losses. ``smooth_beta`` is Smooth L1's β; α, γ, β are Balanced L1's."""

    smooth_beta: float = 1.0
    alpha: float = 0.5
    gamma: float = 1.5
    beta: float = 1.0
    l2_half: bool = False

    def kwargs(self, name: str) -> dict[str, object]:
        if name == "L2":
            return {"half": self.l2_half}
        if name == "Smooth L1":
            return {"beta": self.smooth_beta}
        if name == "Balanced L1":
            return {"alpha": self.alpha, "gamma": self.gamma, "beta": self.beta}
        if name == "L1":
            return {}
        raise ValueError(f"name must be one of {LOSS_NAMES}, got {name!r}")


def loss_fn(name: str) -> Callable[..., torch.Tensor]:
    """The core loss ``fn(pred, target, **kwargs)`` for a display name."""
    table = {
        "L1": losses.l1_loss,
        "L2": losses.l2_loss,
        "Smooth L1": losses.smooth_l1_loss,
        "Balanced L1": losses.balanced_l1_loss,
    }
    if name not in table:
        raise ValueError(f"name must be one of {LOSS_NAMES}, got {name!r}")
    return table[name]


def closed_form_grad(name: str, d: np.ndarray, params: Params) -> np.ndarray:
    """The hand-derived derivative of loss ``name`` w.r.t. ``d`` (from the core's ``*_grad`` functions)."""
    x = torch.as_tensor(np.asarray(d, dtype=np.float64))
    if name == "L1":
        g = losses.l1_grad(x)
    elif name == "L2":
        g = losses.l2_grad(x, half=params.l2_half)
    elif name == "Smooth L1":
        g = losses.smooth_l1_grad(x, beta=params.smooth_beta)
    elif name == "Balanced L1":
        g = losses.balanced_l1_grad(x, alpha=params.alpha, gamma=params.gamma, beta=params.beta)
    else:
        raise ValueError(f"name must be one of {LOSS_NAMES}, got {name!r}")
    return g.numpy()


def loss_and_grad(name: str, d: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Loss values and autograd gradients of loss ``name`` at residuals ``d`` (float64)."""
    d = np.asarray(d, dtype=np.float64)
    return value_and_grad(loss_fn(name), d, np.zeros_like(d), **params.kwargs(name))


def balanced_b(params: Params) -> float:
    """``b = e^{γ/α} − 1`` for the current α, γ."""
    return losses.balanced_l1_b(alpha=params.alpha, gamma=params.gamma)


#: Differences within this many float64 ulps of the magnitudes involved are round-off, shown as 0.
ROUNDOFF_ULPS = 16


def roundoff_zero(x: float, *magnitudes: float) -> float:
    """``x``, or 0.0 when ``|x|`` is within ``ROUNDOFF_ULPS`` float64 ulps of the largest of ``magnitudes`` (the
    values ``x`` was computed from): a difference of two equal numbers computed two ways is 0, not −2.22e-16."""
    scale = max((abs(float(m)) for m in magnitudes), default=0.0)
    return 0.0 if abs(x) <= ROUNDOFF_ULPS * np.finfo(np.float64).eps * scale else float(x)


def balanced_gradient_jump(params: Params) -> float:
    """Balanced L1's gradient just below ``β`` minus at ``β`` by the core, round-off shown as 0 (0 for ``β = 1``;
    mmdetection's quirk otherwise, ``α(1 − β)/(β·e^{γ/α})``, which float64 cannot resolve when it is tiny next to γ)."""
    beta = params.beta
    d = torch.tensor([np.nextafter(beta, 0.0), beta], dtype=torch.float64)
    g = losses.balanced_l1_grad(d, alpha=params.alpha, gamma=params.gamma, beta=beta)
    return roundoff_zero(float(g[0] - g[1]), float(g[0]), float(g[1]))


def balanced_gradient_at_beta(params: Params) -> tuple[float, float]:
    """Balanced L1's gradient just below ``β`` and at ``β`` (the two sides of the jump), by the core."""
    d = torch.tensor([np.nextafter(params.beta, 0.0), params.beta], dtype=torch.float64)
    g = losses.balanced_l1_grad(d, alpha=params.alpha, gamma=params.gamma, beta=params.beta)
    return float(g[0]), float(g[1])


def balanced_gradient_jump_exact(params: Params) -> float:
    """The jump of mmdetection's Balanced L1 gradient at ``β`` in exact arithmetic: ``α(1 − β)/(β·e^{γ/α})``
    (derived from the inlier branch at ``|d| = β`` with ``α·ln(b + 1) = γ``); it tells the page how big a jump
    float64 cannot show."""
    return params.alpha * (1.0 - params.beta) / params.beta * float(np.exp(-params.gamma / params.alpha))


def _residual_grid(max_abs: float, n_points: int, betas: Sequence[float]) -> np.ndarray:
    """``n_points`` residuals on ``[−max_abs, max_abs]`` plus each boundary ±β and the points just inside it,
    so a jump at β is drawn as a jump."""
    if not np.isfinite(max_abs) or max_abs <= 0:
        raise ValueError(f"max_abs must be > 0, got {max_abs}")
    if n_points < 3:
        raise ValueError(f"n_points must be >= 3, got {n_points}")
    d = np.linspace(-max_abs, max_abs, int(n_points))
    extra = [0.0]
    for beta in betas:
        if 0 < beta < max_abs:
            inside = np.nextafter(beta, 0.0)
            extra += [beta, -beta, inside, -inside]
    return np.unique(np.concatenate([d, extra]))


@dataclass(frozen=True)
class RegressionCurves:
    """Loss and gradient curves over residuals ``d``; ``grad`` by autograd, ``grad_closed`` by the closed forms."""

    d: np.ndarray
    names: tuple[str, ...]
    loss: dict[str, np.ndarray]
    grad: dict[str, np.ndarray]
    grad_closed: dict[str, np.ndarray]
    params: Params
    b: float
    jump: float

    @property
    def max_abs_diff(self) -> dict[str, float]:
        """Largest ``|autograd − closed form|`` over the plotted residuals, per loss."""
        return {n: float(np.max(np.abs(self.grad[n] - self.grad_closed[n]))) for n in self.names}

    def columns(self) -> dict[str, np.ndarray]:
        """The plotted data as named columns (for a CSV download)."""
        cols: dict[str, np.ndarray] = {"d": self.d}
        for n in self.names:
            cols[f"{n} loss"] = self.loss[n]
            cols[f"{n} gradient (autograd)"] = self.grad[n]
            cols[f"{n} gradient (closed form)"] = self.grad_closed[n]
        return cols

    def at(self, name: str, d: float) -> tuple[float, float]:
        """Loss and gradient of ``name`` at the plotted residual nearest to ``d``."""
        i = int(np.argmin(np.abs(self.d - d)))
        return float(self.loss[name][i]), float(self.grad[name][i])


def curves(
    params: Params = Params(),
    max_abs: float = 3.0,
    n_points: int = 601,
    names: Sequence[str] = LOSS_NAMES,
) -> RegressionCurves:
    """Loss, autograd gradient and closed-form gradient of each loss in ``names`` on ``[−max_abs, max_abs]``."""
    names = tuple(names)
    for n in names:
        loss_fn(n)  # validates the name
    b = balanced_b(params)
    jump = balanced_gradient_jump(params)
    d = _residual_grid(max_abs, n_points, (params.smooth_beta, params.beta))
    loss, grad, closed = {}, {}, {}
    for n in names:
        loss[n], grad[n] = loss_and_grad(n, d, params)
        closed[n] = closed_form_grad(n, d, params)
    return RegressionCurves(d, names, loss, grad, closed, params, b, jump)


@dataclass(frozen=True)
class RegressionFamily:
    """Balanced L1 for several values of one hyper-parameter, with Smooth L1 as the reference."""

    param: str
    values: np.ndarray
    d: np.ndarray
    loss: np.ndarray  # (len(values), len(d))
    grad: np.ndarray  # (len(values), len(d))
    b: np.ndarray  # b for each value
    smooth_loss: np.ndarray
    smooth_grad: np.ndarray
    params: Params

    def columns(self) -> dict[str, np.ndarray]:
        cols: dict[str, np.ndarray] = {"d": self.d}
        for v, loss, grad in zip(self.values, self.loss, self.grad, strict=True):
            cols[f"Balanced L1 {self.param}={v:g} loss"] = loss
            cols[f"Balanced L1 {self.param}={v:g} gradient"] = grad
        cols["Smooth L1 loss"] = self.smooth_loss
        cols["Smooth L1 gradient"] = self.smooth_grad
        return cols


def family(
    param: str,
    values: Sequence[float],
    params: Params = Params(),
    max_abs: float = 3.0,
    n_points: int = 401,
) -> RegressionFamily:
    """Sweep Balanced L1's ``param`` ("alpha", "gamma" or "beta") over ``values``, the others fixed at ``params``."""
    if param not in FAMILY_PARAMS:
        raise ValueError(f"param must be one of {FAMILY_PARAMS}, got {param!r}")
    values = np.asarray(list(values), dtype=np.float64)
    if values.size == 0:
        raise ValueError("values must not be empty")
    betas = [params.smooth_beta, params.beta] + (list(values) if param == "beta" else [])
    d = _residual_grid(max_abs, n_points, betas)
    losses_, grads, bs = [], [], []
    for v in values:
        p = Params(**{**params.__dict__, param: float(v)})
        loss, grad = loss_and_grad("Balanced L1", d, p)
        losses_.append(loss)
        grads.append(grad)
        bs.append(balanced_b(p))
    smooth_loss, smooth_grad = loss_and_grad("Smooth L1", d, params)
    return RegressionFamily(
        param, values, d, np.stack(losses_), np.stack(grads), np.asarray(bs), smooth_loss, smooth_grad, params
    )


#: Steps a sweep may use (×10^k): readable legends such as 0.25, 0.5, 0.75, never 0.8125.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)


def _nice_steps(raw: float) -> list[float]:
    """Nice steps (1, 2, 2.5, 5 × 10^k) at most ``raw``, largest first."""
    k = int(np.floor(np.log10(raw))) if raw > 0 else 0
    steps = [m * 10.0**e for e in range(k + 1, k - 4, -1) for m in reversed(NICE_STEPS)]
    return [s for s in steps if s <= raw * (1 + 1e-9)]


def family_values(param: str, count: int) -> np.ndarray:
    """``count`` readable values of ``param`` inside its sweep range: multiples of the largest nice step (1, 2, 2.5
    or 5 × 10^k) that still fits ``count`` values in the range, centred in it (α, 5 curves: 0.2, 0.4, …, 1.0)."""
    if param not in FAMILY_PARAMS:
        raise ValueError(f"param must be one of {FAMILY_PARAMS}, got {param!r}")
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    lo, hi = FAMILY_RANGES[param]
    count = int(count)
    if count == 1:
        return np.asarray([_nice_round(0.5 * (lo + hi))])
    for step in _nice_steps((hi - lo) / (count - 1)):
        first, last = np.ceil(lo / step - 1e-9), np.floor(hi / step + 1e-9)
        spare = int(last - first) - (count - 1)
        if spare >= 0:
            start = first + spare // 2
            return np.round((start + np.arange(count)) * step, 10)
    raise ValueError(f"no readable sweep of {count} values in [{lo}, {hi}]")  # unreachable for the ranges above


def _nice_round(x: float) -> float:
    """``x`` rounded to two significant digits."""
    return float(f"{x:.2g}")


@dataclass(frozen=True)
class Preset:
    """A one-click view: every control's URL value, and the paper figure it reproduces."""

    code: str  # language-independent (URL, i18n key suffix)
    values: dict[str, object]
    paper: str  # arXiv abstract URL of the figure's paper
    figure: str  # which figure, as the paper numbers it


#: One-click views. ``values`` are widget values keyed by the page's URL parameters.
PRESETS = {
    "libra_fig5": Preset(
        code="libra_fig5",
        values={
            "reg_alpha": 0.5,
            "reg_gamma": 1.5,
            "reg_beta": 1.0,
            "reg_sl1_beta": 1.0,
            "reg_l2half": False,
            "reg_range": 3.0,
            "reg_show": ["Smooth L1", "Balanced L1"],
            "reg_closed": False,
            "reg_fam": "alpha",
            "reg_fam_n": 5,
        },
        paper="https://arxiv.org/abs/1904.02701",
        figure="Fig. 5",
    ),
}


#: The controls inside each section (by its expander's key) that a paper preset sets: a closed section's controls are
#: not on screen, and their values do not count for the preset.
SECTION_CONTROLS = {
    "reg_sec_curves": ("reg_range", "reg_show", "reg_closed"),
    "reg_sec_sweep": ("reg_fam", "reg_fam_n"),
}


def preset_values(state: Mapping[str, object], open_sections: Sequence[str]) -> dict[str, object]:
    """What :func:`matching_preset` compares, by URL key: the hyper-parameters, the L2 switch and the controls of the
    sections in ``open_sections``; a control without a value in ``state`` is None (not on screen)."""
    keys = [*(s.key for s in PARAM_SLIDERS), "reg_l2half"]
    keys += [k for section in open_sections for k in SECTION_CONTROLS.get(section, ())]
    return {k: state.get(k) for k in keys}


def moved_cbbl(query: Mapping[str, str]) -> dict[str, str] | None:
    """C-BBL moved to the Box-size page: for an old link's ``reg_cb_*`` parameters, the new page's link carrying them
    (``bs_cb_*``) and the old parameters as text (``{"link", "params"}``); None when the link has none."""
    old = {k: v for k, v in query.items() if k.startswith("reg_cb_")}
    if not old:
        return None
    link = "boxsize?" + urlencode({"bs_cb_" + k.removeprefix("reg_cb_"): v for k, v in old.items()})
    return {"link": link, "params": ", ".join(f"`{k}={v}`" for k, v in old.items())}


def params_from(values: Mapping[str, object]) -> Params:
    """The hyper-parameters from the controls' values by URL key (``reg_sl1_beta``, ``reg_alpha``, ``reg_gamma``,
    ``reg_beta``; ``reg_l2half``, off when absent). Raises ``KeyError`` for a missing slider value."""
    return Params(*(float(values[s.key]) for s in PARAM_SLIDERS), l2_half=bool(values.get("reg_l2half", False)))


def matching_preset(values: dict[str, object]) -> Preset | None:
    """The paper-figure preset whose every value equals ``values`` (widget values by URL key), else None; a key
    missing from ``values`` (None: its widget is not on screen) does not count against a match."""
    for preset in PRESETS.values():
        if not preset.figure:
            continue
        if all(_same(values.get(k), v) for k, v in preset.values.items() if values.get(k) is not None):
            return preset
    return None


def _same(a: object, b: object) -> bool:
    if isinstance(b, list):
        return isinstance(a, list | tuple) and list(a) == b
    if isinstance(b, bool) or isinstance(a, bool):
        return a is b
    if isinstance(b, int | float) and isinstance(a, int | float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


#: The paper that introduced each loss (arXiv abstract), or "" for the textbook ones.
PAPERS = {
    "L1": "",
    "L2": "",
    "Smooth L1": "https://arxiv.org/abs/1504.08083",  # Girshick, Fast R-CNN, ICCV 2015
    "Balanced L1": "https://arxiv.org/abs/1904.02701",  # Pang et al., Libra R-CNN, CVPR 2019
}


@dataclass(frozen=True)
class Mixture:
    """Residuals drawn from a two-component zero-mean Gaussian mixture: many small errors and a few large ones."""

    n: int = 20_000
    outlier_fraction: float = 0.1
    inlier_scale: float = 0.3
    outlier_scale: float = 3.0
    seed: int = 0

    def sample(self) -> np.ndarray:
        if self.n < 1:
            raise ValueError(f"n must be >= 1, got {self.n}")
        if not 0 <= self.outlier_fraction <= 1:
            raise ValueError(f"outlier_fraction must be in [0, 1], got {self.outlier_fraction}")
        if not (self.inlier_scale > 0 and self.outlier_scale > 0):
            raise ValueError("inlier_scale and outlier_scale must be > 0")
        rng = np.random.default_rng(self.seed)
        is_outlier = rng.random(self.n) < self.outlier_fraction
        scale = np.where(is_outlier, self.outlier_scale, self.inlier_scale)
        return rng.normal(0.0, 1.0, self.n) * scale


@dataclass(frozen=True)
class GradientBalance:
    """How the total gradient magnitude ``Σ|∂L/∂d|`` splits between inliers (``|d| < split``) and outliers."""

    residuals: np.ndarray
    split: float
    inlier: np.ndarray  # bool mask
    names: tuple[str, ...]
    inlier_grad: dict[str, float]  # Σ|g| over inliers
    outlier_grad: dict[str, float]  # Σ|g| over outliers
    mixture: Mixture

    @property
    def inlier_count_share(self) -> float:
        return float(self.inlier.mean()) if self.inlier.size else 0.0

    def inlier_share(self, name: str) -> float:
        """Share of the total gradient magnitude that comes from inliers (0 when there is no gradient at all)."""
        total = self.inlier_grad[name] + self.outlier_grad[name]
        return self.inlier_grad[name] / total if total > 0 else 0.0

    def mean_grad(self, name: str, inlier: bool) -> float:
        """Mean ``|g|`` per inlier (or per outlier) sample; 0 for an empty group."""
        count = int(self.inlier.sum()) if inlier else int((~self.inlier).sum())
        total = self.inlier_grad[name] if inlier else self.outlier_grad[name]
        return total / count if count else 0.0

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "loss": n,
                "inlier_grad_sum": self.inlier_grad[n],
                "outlier_grad_sum": self.outlier_grad[n],
                "inlier_share": self.inlier_share(n),
                "mean_inlier_grad": self.mean_grad(n, True),
                "mean_outlier_grad": self.mean_grad(n, False),
            }
            for n in self.names
        ]


def gradient_balance(
    mixture: Mixture = Mixture(),
    params: Params = Params(),
    split: float = 1.0,
    names: Sequence[str] = LOSS_NAMES,
) -> GradientBalance:
    """Sample residuals from ``mixture`` (fixed seed) and split each loss's total gradient by ``|d| < split``."""
    if not np.isfinite(split) or split <= 0:
        raise ValueError(f"split must be > 0, got {split}")
    names = tuple(names)
    d = mixture.sample()
    inlier = np.abs(d) < split
    inlier_grad, outlier_grad = {}, {}
    for n in names:
        _, g = loss_and_grad(n, d, params)
        mag = np.abs(g)
        inlier_grad[n] = float(mag[inlier].sum())
        outlier_grad[n] = float(mag[~inlier].sum())
    return GradientBalance(d, float(split), inlier, names, inlier_grad, outlier_grad, mixture)


def balanced_gradient_near_zero(params: Params) -> float:
    """Balanced L1's gradient just above ``d = 0`` by the core: ``α·(1/β − 1)``, 0 (round-off removed) for β = 1."""
    d = torch.tensor([np.nextafter(0.0, 1.0)], dtype=torch.float64)
    g = float(losses.balanced_l1_grad(d, alpha=params.alpha, gamma=params.gamma, beta=params.beta)[0])
    return roundoff_zero(g, params.alpha, params.alpha / params.beta)


def balanced_loss_minimum(params: Params, n_points: int = 2001) -> tuple[float, float]:
    """``(d, L)`` where Balanced L1 is smallest on ``[0, β]`` (by the core, on ``n_points`` residuals): below 0 when
    the gradient near 0 is negative (β > 1), else ``(0, 0)``."""
    d = np.linspace(0.0, params.beta, int(n_points))
    loss, _ = loss_and_grad("Balanced L1", d, params)
    i = int(np.argmin(loss))
    return float(d[i]), roundoff_zero(float(loss[i]), params.alpha * params.beta, params.gamma * params.beta)


@dataclass(frozen=True)
class Notice:
    """One statement about the current parameters, with the values it quotes (the page translates ``code``)."""

    code: str
    values: dict[str, float]

    def formatted(self) -> dict[str, str]:
        """The values as the page prints them (4 significant digits)."""
        return {k: f"{v:.4g}" for k, v in self.values.items()}


def notices(params: Params) -> list[Notice]:
    """What is worth a warning about Balanced L1 at ``params``; each notice only when its own values say so.

    * ``jump``: the core's gradient jumps at ``β`` by more than round-off (β ≠ 1): from ``below`` to ``at``, a step
      of ``jump = at − below``;
    * ``jump_unresolved``: β ≠ 1 but the jump ``α(1 − β)/(β·e^{γ/α})`` is below float64's resolution next to γ;
    * ``near0``: the gradient just above ``d = 0`` is not 0 (β ≠ 1), positive or negative;
    * ``dip``: the loss goes below 0 on ``(0, β)`` (β > 1), with where and how far.
    """
    out = []
    jump = balanced_gradient_jump(params)
    if jump != 0:
        below, at = balanced_gradient_at_beta(params)
        out.append(Notice("jump", {"beta": params.beta, "jump": at - below, "below": below, "at": at}))
    elif params.beta != 1:
        out.append(Notice("jump_unresolved", {"beta": params.beta, "jump": balanced_gradient_jump_exact(params)}))
    near0 = balanced_gradient_near_zero(params)
    if near0 != 0:
        out.append(Notice("near0", {"beta": params.beta, "near0": near0}))
    at, lowest = balanced_loss_minimum(params)
    if lowest < 0:
        out.append(Notice("dip", {"beta": params.beta, "d": at, "loss": lowest}))
    return out


def probe(params: Params, d: float = 0.5, names: Sequence[str] = LOSS_NAMES) -> dict[str, tuple[float, float]]:
    """Loss and autograd gradient of each loss at one residual ``d`` (the page prints these next to the chart)."""
    out = {}
    for n in names:
        loss, grad = loss_and_grad(n, np.array([float(d)]), params)
        out[n] = (float(loss[0]), float(grad[0]))
    return out


@dataclass(frozen=True)
class Histogram:
    """Counts of inlier and outlier residuals on shared bins (pre-binned, so a figure sends 2×bins numbers)."""

    centers: np.ndarray
    width: float
    inlier: np.ndarray
    outlier: np.ndarray


def residual_histogram(bal: GradientBalance, bins: int = 80, quantile: float = 0.99) -> Histogram:
    """Histogram of ``bal.residuals`` split by the inlier mask, on ``bins`` equal bins over ``[−m, m]``.

    ``m`` is the larger of the ``quantile`` of ``|d|`` and 1.5 × the split, so the inliers are not squeezed into a
    couple of bins by a few far outliers; residuals beyond ``±m`` are counted in the end bins (folded tails).
    """
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    if not 0 < quantile <= 1:
        raise ValueError(f"quantile must be in (0, 1], got {quantile}")
    d = bal.residuals
    m = max(float(np.quantile(np.abs(d), quantile)) if d.size else 0.0, 1.5 * bal.split)
    edges = np.linspace(-m, m, int(bins) + 1)
    folded = np.clip(d, -m, m)
    inl, _ = np.histogram(folded[bal.inlier], edges)
    out, _ = np.histogram(folded[~bal.inlier], edges)
    return Histogram(0.5 * (edges[:-1] + edges[1:]), float(edges[1] - edges[0]), inl, out)


# ------------------------------------------------------------------------------------------------------- C-BBL

CBBL_KINDS = ("uniform", "exponential")


@dataclass(frozen=True)
class CbblView:
    """One C-BBL example: the grid, the two-hot target of ``t``, a predicted distribution, its loss and gradient,
    and a sweep of the prediction's centre ``mu`` over ``[-a, a]``."""

    grid: np.ndarray
    t: float  # the target as given
    t_used: float  # clamped into [-a, a]
    target_dist: np.ndarray  # p*
    probs: np.ndarray  # p = softmax(logits)
    grad: np.ndarray  # ∂CE/∂logits by autograd (= p − p*)
    ce: float
    uncertainty: float
    decoded: float
    sweep_mu: np.ndarray
    sweep_ce: np.ndarray
    sweep_uncertainty: np.ndarray
    sweep_grad_l1: np.ndarray  # Σ|∂CE/∂logits| = ‖p − p*‖₁ ≤ 2, whatever the error


def cbbl_logits(grid: torch.Tensor, mu: torch.Tensor, sigma: float) -> torch.Tensor:
    """Logits of a discretised Gaussian belief centred at ``mu``: ``−(g_i − mu)²/(2σ²)``; ``(..., n + 1)``."""
    return -((grid - mu.unsqueeze(-1)) ** 2) / (2 * sigma**2)


def cbbl_view(
    n: int = 16,
    a: float = 2.0,
    kind: str = "exponential",
    beta: float = 1.0,
    t: float = 0.3,
    mu: float = -0.5,
    sigma: float = 0.5,
    sweep_points: int = 161,
) -> CbblView:
    """Encode ``t`` on a C-BBL grid, predict a Gaussian belief at ``mu`` (width ``sigma``), and evaluate the core."""
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    for name, value in (("t", t), ("mu", mu)):
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}")
    grid = losses.cbbl_grid(n, a, kind=kind, beta=beta)
    t_tensor = torch.tensor([float(t)], dtype=torch.float64)
    target = losses.two_hot(t_tensor, grid)
    logits = cbbl_logits(grid, torch.tensor([float(mu)], dtype=torch.float64), sigma)
    ce, grad = value_and_grad(losses.cbbl_ce_loss, logits, target)
    unc = losses.cbbl_uncertainty_loss(logits, target)
    decoded = losses.decode_expectation(logits, grid)

    mus = torch.linspace(-a, a, int(sweep_points), dtype=torch.float64)
    sweep_logits = cbbl_logits(grid, mus, sigma)
    sweep_target = target.expand(len(mus), -1)
    sweep_ce, sweep_grad = value_and_grad(losses.cbbl_ce_loss, sweep_logits, sweep_target)
    sweep_unc = losses.cbbl_uncertainty_loss(sweep_logits, sweep_target)
    return CbblView(
        grid=grid.numpy(),
        t=float(t),
        t_used=float(t_tensor.clamp(-a, a)[0]),
        target_dist=target[0].numpy(),
        probs=torch.softmax(logits, -1)[0].numpy(),
        grad=grad[0],
        ce=float(ce[0]),
        uncertainty=float(unc[0]),
        decoded=float(decoded[0]),
        sweep_mu=mus.numpy(),
        sweep_ce=sweep_ce,
        sweep_uncertainty=sweep_unc.numpy(),
        sweep_grad_l1=np.abs(sweep_grad).sum(-1),
    )
