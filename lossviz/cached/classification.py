"""The classification page's caches, shared by every session and defined once per process.

Each public function takes what a tab's controls set and returns a :class:`View`: the analysis result's figures (as
dicts), metrics, tables, text and CSV columns, built once per input and language. The cache key includes the
language (the figures carry translated text), and the same inputs give the same figure dicts, so a chart whose
inputs did not change is not sent again (Streamlit's message cache).

Bad input (:class:`lossviz.analysis.classification.InputError`, never cached) comes back as a View without figures
whose ``error`` is the refusal, for the page to show; the view functions never raise for what a user typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lossviz.analysis import classification as A
from lossviz.cached.heap import freeze_imports
from lossviz.figures import classification as F
from lossviz.i18n import get_lang

_cache = st.cache_data(max_entries=64, show_spinner=False)


@dataclass(frozen=True)
class View:
    """What one tab section shows: figures by name, metric dicts, a table, a sentence, CSV data by file name."""

    figures: dict[str, dict]
    metrics: list[dict] = field(default_factory=list)
    table: Any = None
    text: str = ""
    csv: dict[str, Any] = field(default_factory=dict)
    result: Any = None  # the analysis result itself (tests and callers that need a number)
    error: Exception | None = None  # why the input was refused (then nothing else is set)

    def chart(self, key: str, height: int) -> dict[str, Any]:
        """The arguments of ``plotly_chart`` for the figure ``key`` (the chart's key is the figure's name)."""
        return {"fig": self.figures[key], "key": key, "height": height}


def _checked(make, *args) -> View:
    """``make(*args)``, or a View that only carries why the input was refused (a refusal is not cached)."""
    try:
        return make(*args)
    except ValueError as err:
        return View({}, error=err)


@_cache
def _focal(alpha: float, gamma: float, lang: str) -> View:
    curves, grads = A.focal_curves(alpha, gamma), A.focal_gradients(alpha, gamma)
    figures = {"cls_focal_curves": F.focal_loss_figure(curves, as_dict=True),
               "cls_focal_factor": F.modulating_figure(curves, as_dict=True),
               "cls_focal_grad": F.focal_grad_figure(grads, as_dict=True)}  # fmt: skip
    csv = {"focal_curves": F.focal_curves_csv(curves), "focal_gradients": F.focal_grad_csv(grads)}
    return View(figures, F.focal_metrics(alpha, gamma), csv=csv, result=(curves, grads))


def focal(alpha: float, gamma: float) -> View:
    """Focal-loss curves, modulating factor and gradients (``alpha < 0``: no α weighting)."""
    return _focal(float(alpha), float(gamma), get_lang())


def focal_in(state: Mapping[str, Any]) -> View:
    """:func:`focal` for the focal tab's controls' values in ``state`` (by URL key; missing: the defaults)."""
    return focal(*A.focal_values(state))


@_cache
def _population(n_neg: int, n_pos: int, neg_p: float, pos_p: float, alpha: float, gamma: float, lang: str) -> View:
    pop = A.population_shares(n_neg, n_pos, neg_p, pos_p, alpha, gamma)
    return View({"cls_pop": F.population_figure(pop, as_dict=True)}, F.population_metrics(pop),
                F.population_table(pop), F.population_summary(pop, alpha, gamma),
                {"focal_population": F.population_csv(pop)}, pop)  # fmt: skip


def population(n_neg: int, n_pos: int, neg_p: float, pos_p: float, alpha: float, gamma: float) -> View:
    """The negatives' share of loss and |gradient| in a population, under CE and focal loss."""
    return _population(int(n_neg), int(n_pos), float(neg_p), float(pos_p), float(alpha), float(gamma), get_lang())


def population_in(state: Mapping[str, Any]) -> View:
    """:func:`population` for the focal tab's population inputs, α and γ in ``state`` (missing: the defaults)."""
    return population(*A.population_values(state), *A.focal_values(state))


@_cache
def _effective(lang: str) -> View:
    eff = A.effective_number_curves()
    fig = F.effective_number_figure(eff, as_dict=True)
    return View({"cls_cb_eff": fig}, csv={"effective_number": F.effective_csv(eff)}, result=eff)


def effective() -> View:
    """The effective number E_n against n for the paper's betas."""
    return _effective(get_lang())


@_cache
def _class_balanced(counts: str, beta: float, loss_type: str, gamma: float, lang: str) -> View:
    tb = A.class_balanced_table(tuple(A.parse_counts(counts)), beta, loss_type, gamma)
    return View({"cls_cb_weights": F.cb_weights_figure(tb, as_dict=True)}, table=F.cb_table(tb),
                text=F.cb_summary(tb), csv={"class_balanced_weights": F.cb_csv(tb)}, result=tb)  # fmt: skip


def class_balanced(counts: str, beta: float, loss_type: str, gamma: float) -> View:
    """Class-balanced weights for the typed class counts (``error``: a bad list; no loss type: softmax)."""
    return _checked(_class_balanced, str(counts), float(beta), str(loss_type or "softmax"), float(gamma), get_lang())


@_cache
def _ghm(bins: int, momentum: float, easy: float, outliers: float, lang: str) -> View:
    sim = A.ghm_simulation(bins, momentum, easy=easy, outliers=outliers)
    figures = {"cls_ghm_density": F.ghm_density_figure(sim, as_dict=True),
               "cls_ghm_weight": F.ghm_weight_figure(sim, as_dict=True),
               "cls_ghm_contrib": F.ghm_contrib_figure(sim, as_dict=True)}  # fmt: skip
    return View(figures, F.ghm_metrics(sim), csv={"ghm_c": F.ghm_csv(sim)}, result=sim)


def ghm(bins: int, momentum: float, easy: float, outliers: float) -> View:
    """GHM-C on a simulated batch: gradient density, weights and each region's share of the gradient."""
    return _checked(_ghm, int(bins), float(momentum), float(easy), float(outliers), get_lang())


@_cache
def _ap_result(scores: tuple, labels: tuple, delta: float) -> A.APAnalysis:
    return A.ap_analysis(scores, labels, delta)  # one analysis for the table, the chart and the L_ij matrix


@_cache
def _ap(scores: tuple, labels: tuple, delta: float, lang: str) -> View:
    ap = _ap_result(scores, labels, delta)
    return View({"cls_ap_update": F.ap_update_figure(ap, as_dict=True)}, F.ap_metrics(ap), F.ap_table(ap),
                csv={"ap_loss_anchors": F.ap_csv(ap)}, result=ap)  # fmt: skip


def ap(scores, labels, delta: float) -> View:
    """AP-loss on the anchors: the ranking table and each anchor's update beside CE's gradient (``error``: a list
    without a positive, or other input the core refuses)."""
    return _checked(_ap, tuple(map(float, scores)), tuple(map(int, labels)), float(delta), get_lang())


@_cache
def _ap_matrix(scores: tuple, labels: tuple, delta: float, interpolated: bool, lang: str) -> View:
    ap = _ap_result(scores, labels, delta)
    fig = F.ap_matrix_figure(ap, interpolated=interpolated, as_dict=True)
    return View({"cls_ap_matrix": fig}, csv={"ap_loss_L_matrix": F.ap_matrix_csv(ap, interpolated)}, result=ap)


def ap_matrix(scores, labels, delta: float, interpolated: bool) -> View:
    """The L_ij matrix of AP-loss (or its interpolated rescaling)."""
    return _ap_matrix(tuple(map(float, scores)), tuple(map(int, labels)), float(delta), bool(interpolated), get_lang())


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
