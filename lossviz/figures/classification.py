"""Plotly figures of the classification page: focal curves, population shares, class-balanced weights, GHM-C
histograms and the AP-loss ranking. Each function takes an analysis result and returns a ``go.Figure``.

The figures that follow a slider (focal curves and gradients, the population, the GHM-C histograms) are built as
plain dicts: with ``as_dict=True`` the function returns that dict, which ``plotly_chart`` serialises without plotly's
validation (well under a millisecond instead of ~20 ms per figure on every rerun); without it, a ``go.Figure``."""

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
from lossviz.figures import style
from lossviz.figures._dict import figure_builder
from lossviz.i18n import t

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
POS_COLOR = "#2ca02c"
NEG_COLOR = "#d62728"
IGN_COLOR = "#7f7f7f"
CURRENT_COLOR = style.INK  # readable on light and dark pages


def _dict_layout(title: str, x: str, y: str, **kw) -> dict:
    """The dict twin of ``_layout`` (the template is added by ``figure_builder``)."""
    layout = {
        "title": {"text": title, "x": 0.0, "xanchor": "left"},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(kw)
    return layout


def _lines(x, y, name: str, line: dict) -> dict:
    return {"type": "scatter", "x": x, "y": y, "mode": "lines", "name": name, "line": line}


def _hline(layout: dict, y: float, line: dict, annotation_text: str | None = None) -> None:
    """What ``fig.add_hline`` adds: a line across the plot at ``y`` and, optionally, its label top right."""
    shape = {"type": "line", "line": line, "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y"}
    layout.setdefault("shapes", []).append(shape)
    if annotation_text is not None:
        label = {"showarrow": False, "text": annotation_text, "x": 1, "xanchor": "right", "xref": "x domain",
                 "y": y, "yanchor": "bottom", "yref": "y"}  # fmt: skip
        layout.setdefault("annotations", []).append(label)


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


@figure_builder
def focal_loss_figure(c: FocalCurves) -> dict:
    """The classic figure: loss against p_t for several gammas (no alpha), and the user's alpha and gamma."""
    traces = [_lines(c.p_t, c.loss[g], _gamma_label(g), {"color": PALETTE[i]}) for i, g in enumerate(c.gammas)]
    current = {"color": CURRENT_COLOR, "width": 3, "dash": "dash"}
    traces.append(_lines(c.p_t, c.current, _current_label(c.alpha, c.gamma), current))
    layout = _dict_layout(t("cls.fig.focal_title"), t("cls.fig.p_t"), t("common.loss"))
    layout["yaxis"]["range"] = [0, 5]
    return {"data": traces, "layout": layout}


@figure_builder
def modulating_figure(c: FocalCurves) -> dict:
    traces = [_lines(c.p_t, c.factor[g], _gamma_label(g), {"color": PALETTE[i]}) for i, g in enumerate(c.gammas)]
    current = {"color": CURRENT_COLOR, "width": 3, "dash": "dash"}
    traces.append(_lines(c.p_t, c.current_factor, f"γ = {c.gamma:g}", current))
    return {"data": traces, "layout": _dict_layout(t("cls.fig.factor_title"), t("cls.fig.p_t"), "(1 − p_t)^γ")}


@figure_builder
def focal_grad_figure(fg: FocalGrad) -> dict:
    """dL/dx against the logit for CE and FL, for a positive and a negative."""
    traces = []
    for y, color in ((1, POS_COLOR), (0, NEG_COLOR)):
        who = t("cls.positive") if y == 1 else t("cls.negative")
        traces.append(_lines(fg.x, fg.ce_grad[y], f"CE, {who}", {"color": color, "dash": "dot"}))
        traces.append(_lines(fg.x, fg.fl_grad[y], f"FL, {who}", {"color": color, "width": 3}))
    layout = _dict_layout(t("cls.fig.grad_title"), t("cls.fig.logit"), "∂L/∂x")
    _hline(layout, 0, {"color": "#999", "width": 1})
    return {"data": traces, "layout": layout}


@figure_builder
def population_figure(p: PopulationShares) -> dict:
    """Stacked shares (in %) of the negatives and the positives in the total loss and total |gradient|."""
    cats = [
        t("cls.fig.pop_cat", loss=name, kind=t(f"cls.fig.kind_{kind}"))
        for kind in ("loss", "grad")
        for name in ("CE", "FL")
    ]
    neg = [100 * p.share(kind, name) for kind in ("loss", "grad") for name in ("CE", "FL")]
    pos = [100 - v for v in neg]
    traces = [
        {"type": "bar", "x": cats, "y": ys, "name": name, "marker": {"color": color},
         "text": [f"{v:.1f}%" for v in ys], "textposition": "inside"}
        for ys, name, color in ((neg, t("cls.fig.pop_neg", n=p.n_neg), NEG_COLOR),
                                (pos, t("cls.fig.pop_pos", n=p.n_pos), POS_COLOR))
    ]  # fmt: skip
    layout = _dict_layout(t("cls.fig.pop_title"), "", t("cls.fig.share"), barmode="stack")
    layout["yaxis"]["range"] = [0, 100]
    return {"data": traces, "layout": layout}


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


@figure_builder
def ghm_density_figure(s: GHMSimulation) -> dict:
    width = 1.0 / s.bins
    traces = [{"type": "bar", "x": s.centres, "y": s.counts, "width": width * 0.95, "name": t("cls.fig.ghm_count"),
               "marker": {"color": PALETTE[0]}}]  # fmt: skip
    if s.momentum > 0:
        traces.append({"type": "scatter", "x": s.centres, "y": s.acc_sum, "mode": "markers+lines",
                       "name": t("cls.fig.ghm_running"), "line": {"color": PALETTE[1]}})  # fmt: skip
    layout = _dict_layout(t("cls.fig.ghm_density_title"), t("cls.fig.g"), t("cls.fig.count"))
    layout["yaxis"].update(type="log", dtick=1)  # label the decades only: minor labels clutter a short axis
    layout["xaxis"]["range"] = [0, 1]
    return {"data": traces, "layout": layout}


@figure_builder
def ghm_weight_figure(s: GHMSimulation) -> dict:
    traces = [{"type": "bar", "x": s.centres, "y": s.bin_weight, "width": 0.95 / s.bins, "name": t("cls.fig.weight"),
               "marker": {"color": PALETTE[2]}}]  # fmt: skip
    layout = _dict_layout(t("cls.fig.ghm_weight_title"), t("cls.fig.g"), t("cls.fig.weight"))
    _hline(layout, 1.0, {"color": "#999", "dash": "dot"}, annotation_text=t("cls.fig.no_reweight"))
    layout["yaxis"].update(type="log", dtick=1)
    layout["xaxis"]["range"] = [0, 1]
    return {"data": traces, "layout": layout}


@figure_builder
def ghm_contrib_figure(s: GHMSimulation) -> dict:
    """Each unit region's share of the total |gradient| under CE, focal loss and GHM-C."""
    traces = [
        {"type": "bar", "x": s.centres, "y": 100 * share, "name": name, "marker": {"color": color}}
        for (name, share), color in zip(s.shares().items(), (PALETTE[0], PALETTE[1], PALETTE[2]), strict=True)
    ]
    layout = _dict_layout(t("cls.fig.ghm_contrib_title"), t("cls.fig.g"), t("cls.fig.share"), barmode="group")
    layout["xaxis"]["range"] = [0, 1]
    return {"data": traces, "layout": layout}


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
