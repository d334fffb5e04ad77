"""Plotly figures of the classification page: focal curves, population shares, class-balanced weights, GHM-C
histograms and the AP-loss ranking. Each function takes an analysis result and returns a ``go.Figure``."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lossviz.analysis.classification import (
    APAnalysis,
    CBTable,
    EffectiveNumberCurves,
    FocalCurves,
    FocalGrad,
    GHMSimulation,
    PopulationShares,
)
from lossviz.i18n import t

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
POS_COLOR = "#2ca02c"
NEG_COLOR = "#d62728"
IGN_COLOR = "#7f7f7f"
CURRENT_COLOR = "#111111"


def _layout(fig: go.Figure, title: str, x: str, y: str, **kw) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        xaxis_title=x,
        yaxis_title=y,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
        **kw,
    )
    return fig


def _gamma_label(g: float) -> str:
    return "γ = 0 (CE)" if g == 0 else f"γ = {g:g}"


def _current_label(alpha: float, gamma: float) -> str:
    a = t("cls.off") if alpha < 0 else f"{alpha:g}"
    return t("cls.fig.current", alpha=a, gamma=f"{gamma:g}")


def focal_loss_figure(c: FocalCurves) -> go.Figure:
    """The classic figure: loss against p_t for several gammas (no alpha), and the user's alpha and gamma."""
    fig = go.Figure()
    for i, g in enumerate(c.gammas):
        fig.add_scatter(x=c.p_t, y=c.loss[g], mode="lines", name=_gamma_label(g), line={"color": PALETTE[i]})
    fig.add_scatter(
        x=c.p_t,
        y=c.current,
        mode="lines",
        name=_current_label(c.alpha, c.gamma),
        line={"color": CURRENT_COLOR, "width": 3, "dash": "dash"},
    )
    fig.update_yaxes(range=[0, 5])
    return _layout(fig, t("cls.fig.focal_title"), t("cls.fig.p_t"), t("common.loss"))


def modulating_figure(c: FocalCurves) -> go.Figure:
    fig = go.Figure()
    for i, g in enumerate(c.gammas):
        fig.add_scatter(x=c.p_t, y=c.factor[g], mode="lines", name=_gamma_label(g), line={"color": PALETTE[i]})
    fig.add_scatter(
        x=c.p_t,
        y=c.current_factor,
        mode="lines",
        name=f"γ = {c.gamma:g}",
        line={"color": CURRENT_COLOR, "width": 3, "dash": "dash"},
    )
    return _layout(fig, t("cls.fig.factor_title"), t("cls.fig.p_t"), "(1 − p_t)^γ")


def focal_grad_figure(fg: FocalGrad) -> go.Figure:
    """dL/dx against the logit for CE and FL, for a positive and a negative."""
    fig = go.Figure()
    for y, color in ((1, POS_COLOR), (0, NEG_COLOR)):
        who = t("cls.positive") if y == 1 else t("cls.negative")
        fig.add_scatter(x=fg.x, y=fg.ce_grad[y], mode="lines", name=f"CE, {who}", line={"color": color, "dash": "dot"})
        fig.add_scatter(x=fg.x, y=fg.fl_grad[y], mode="lines", name=f"FL, {who}", line={"color": color, "width": 3})
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    return _layout(fig, t("cls.fig.grad_title"), t("cls.fig.logit"), "∂L/∂x")


def population_figure(p: PopulationShares) -> go.Figure:
    """Stacked shares (in %) of the negatives and the positives in the total loss and total |gradient|."""
    cats = [
        t("cls.fig.pop_cat", loss=name, kind=t(f"cls.fig.kind_{kind}"))
        for kind in ("loss", "grad")
        for name in ("CE", "FL")
    ]
    neg = [100 * p.share(kind, name) for kind in ("loss", "grad") for name in ("CE", "FL")]
    fig = go.Figure()
    fig.add_bar(
        x=cats,
        y=neg,
        name=t("cls.fig.pop_neg", n=p.n_neg),
        marker_color=NEG_COLOR,
        text=[f"{v:.1f}%" for v in neg],
        textposition="inside",
    )
    fig.add_bar(
        x=cats,
        y=[100 - v for v in neg],
        name=t("cls.fig.pop_pos", n=p.n_pos),
        marker_color=POS_COLOR,
        text=[f"{100 - v:.1f}%" for v in neg],
        textposition="inside",
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(range=[0, 100])
    return _layout(fig, t("cls.fig.pop_title"), "", t("cls.fig.share"))


def effective_number_figure(e: EffectiveNumberCurves) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=e.n, y=e.n, mode="lines", name="E_n = n", line={"color": "#999", "dash": "dot"})
    for i, b in enumerate(e.betas):
        fig.add_scatter(x=e.n, y=e.effective[b], mode="lines", name=f"β = {b:g}", line={"color": PALETTE[i]})
    fig.update_xaxes(type="log")
    fig.update_yaxes(type="log")
    return _layout(fig, t("cls.fig.eff_title"), t("cls.fig.n"), "E_n")


def cb_weights_figure(tb: CBTable) -> go.Figure:
    labels = [f"{i} (n={int(c)})" for i, c in enumerate(tb.counts)]
    fig = go.Figure()
    fig.add_bar(x=labels, y=tb.weights, name=t("cls.fig.cb_weight", beta=f"{tb.beta:g}"), marker_color=PALETTE[0])
    fig.add_bar(x=labels, y=tb.inverse, name=t("cls.fig.inverse"), marker_color=PALETTE[1], opacity=0.6)
    fig.add_hline(y=1.0, line={"color": "#999", "dash": "dot"}, annotation_text=t("cls.fig.no_reweight"))
    fig.update_layout(barmode="group")
    return _layout(fig, t("cls.fig.cb_title"), t("cls.fig.class"), t("cls.fig.weight"))


def ghm_density_figure(s: GHMSimulation) -> go.Figure:
    fig = go.Figure()
    width = 1.0 / s.bins
    fig.add_bar(x=s.centres, y=s.counts, width=width * 0.95, name=t("cls.fig.ghm_count"), marker_color=PALETTE[0])
    if s.momentum > 0:
        fig.add_scatter(
            x=s.centres, y=s.acc_sum, mode="markers+lines", name=t("cls.fig.ghm_running"), line={"color": PALETTE[1]}
        )
    fig.update_yaxes(type="log")
    fig.update_xaxes(range=[0, 1])
    return _layout(fig, t("cls.fig.ghm_density_title"), t("cls.fig.g"), t("cls.fig.count"))


def ghm_weight_figure(s: GHMSimulation) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=s.centres, y=s.bin_weight, width=0.95 / s.bins, name=t("cls.fig.weight"), marker_color=PALETTE[2])
    fig.add_hline(y=1.0, line={"color": "#999", "dash": "dot"}, annotation_text=t("cls.fig.no_reweight"))
    fig.update_yaxes(type="log")
    fig.update_xaxes(range=[0, 1])
    return _layout(fig, t("cls.fig.ghm_weight_title"), t("cls.fig.g"), t("cls.fig.weight"))


def ghm_contrib_figure(s: GHMSimulation) -> go.Figure:
    """Each unit region's share of the total |gradient| under CE, focal loss and GHM-C."""
    fig = go.Figure()
    for (name, share), color in zip(s.shares().items(), (PALETTE[0], PALETTE[1], PALETTE[2]), strict=True):
        fig.add_bar(x=s.centres, y=100 * share, name=name, marker_color=color)
    fig.update_layout(barmode="group")
    fig.update_xaxes(range=[0, 1])
    return _layout(fig, t("cls.fig.ghm_contrib_title"), t("cls.fig.g"), t("cls.fig.share"))


def _anchor_name(a: APAnalysis, i: int) -> str:
    kind = {1: "P", 0: "N", -1: "I"}[int(a.labels[i])]
    return f"{kind}{i + 1}"


def ap_update_figure(a: APAnalysis) -> go.Figure:
    """Per anchor in rank order: the AP-loss error-driven update beside plain CE's gradient."""
    cols = a.columns()
    idx = cols["anchor"] - 1
    names = [
        f"#{r} {_anchor_name(a, i)} ({s:.2f})" if r else f"– {_anchor_name(a, i)}"
        for r, i, s in zip(cols["rank"], idx, cols["score"], strict=True)
    ]
    colors = [POS_COLOR if a.labels[i] == 1 else NEG_COLOR if a.labels[i] == 0 else IGN_COLOR for i in idx]
    fig = go.Figure()
    fig.add_bar(x=names, y=cols["ap_update"], name=t("cls.fig.ap_update"), marker_color=colors)
    fig.add_bar(
        x=names,
        y=cols["ce_grad"],
        name=t("cls.fig.ce_grad"),
        marker_color=colors,
        opacity=0.35,
        marker_pattern_shape="/",
    )
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.update_layout(barmode="group")
    return _layout(fig, t("cls.fig.ap_update_title"), t("cls.fig.anchor_by_rank"), "∂L/∂s")


def ap_matrix_figure(a: APAnalysis, interpolated: bool = False) -> go.Figure:
    """Heatmap of ``L_ij`` (positives as rows, negatives as columns, both by descending score)."""
    pos = a.pos_index[np.argsort(-a.scores[a.pos_index], kind="stable")]
    neg = a.neg_index[np.argsort(-a.scores[a.neg_index], kind="stable")]
    rows = np.searchsorted(np.sort(a.pos_index), pos)
    cols = np.searchsorted(np.sort(a.neg_index), neg)
    m = (a.L_update if interpolated else a.L)[np.ix_(rows, cols)] if len(neg) else np.zeros((len(pos), 0))
    y = [f"{_anchor_name(a, i)} ({a.scores[i]:.2f})" for i in pos]
    x = [f"{_anchor_name(a, j)} ({a.scores[j]:.2f})" for j in neg]
    fig = go.Figure(
        go.Heatmap(
            z=m,
            x=x,
            y=y,
            colorscale="Reds",
            zmin=0,
            zmax=max(float(m.max()) if m.size else 1.0, 1e-9),
            text=np.round(m, 3),
            texttemplate="%{text}",
            hovertemplate="i=%{y}<br>j=%{x}<br>L_ij=%{z:.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    title = t("cls.fig.ap_matrix_interp_title") if interpolated else t("cls.fig.ap_matrix_title")
    return _layout(fig, title, t("cls.fig.negatives"), t("cls.fig.positives"))
