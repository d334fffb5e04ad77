"""Plotly figures of the classification page: focal curves, population shares, class-balanced weights, GHM-C
histograms and the AP-loss ranking. Each function takes an analysis result and returns a ``go.Figure``.

The figures that follow a slider (focal curves and gradients, the population, the GHM-C histograms) are built as
plain dicts: with ``as_dict=True`` the function returns that dict, which ``plotly_chart`` serialises without plotly's
validation (well under a millisecond instead of ~20 ms per figure on every rerun); without it, a ``go.Figure``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossviz.analysis.classification import (
    APAnalysis,
    CBTable,
    EffectiveNumberCurves,
    FocalCurves,
    FocalGrad,
    GHMSimulation,
    InputError,
    PopulationShares,
    snap_zero,
)
from lossviz.figures import style as S
from lossviz.figures._dict import figure_builder
from lossviz.i18n import t

PALETTE = S.CATEGORICAL  # series without a fixed meaning (gammas, betas): the app's one palette
POS_COLOR, NEG_COLOR, CURRENT_COLOR = S.POSITIVE, S.NEGATIVE, S.INK  # readable on the light and the dark theme
GUIDE = {"color": S.INK, "dash": "dot", "width": 1.5}

#: The LaTeX beside each figure, one short line per entry (each fits a 390 px phone: no horizontal scroll).
FORMULAS = {
    "focal": [
        r"p_t = \begin{cases} p & y = 1 \\ 1 - p & y = 0 \end{cases}",
        r"\alpha_t = \begin{cases} \alpha & y = 1 \\ 1 - \alpha & y = 0 \end{cases}",
        r"\mathrm{FL}(p_t) = -\alpha_t\,(1 - p_t)^{\gamma} \log p_t",
    ],
    "focal_grad": [
        r"\begin{aligned}\frac{\partial \mathrm{FL}}{\partial x} &= \alpha_t\,(1 - p_t)^{\gamma}\,(2y - 1)"
        r"\\ &\quad\cdot\left(\gamma\, p_t \log p_t + p_t - 1\right)\end{aligned}",
    ],
    "cb": [
        r"E_n = \frac{1 - \beta^{n}}{1 - \beta}",
        r"w_c = C \cdot \frac{(1 - \beta)/(1 - \beta^{n_c})}{\sum_k (1 - \beta)/(1 - \beta^{n_k})}",
        r"\mathrm{CB}(z, y) = w_y\,\mathcal{L}(z, y)",
    ],
    "ghm": [
        r"g = |\sigma(x) - y|",
        r"w_i = \frac{N}{\mathrm{count}(\mathrm{bin}_i)\cdot n_{\text{non-empty}}}",
        r"\mathcal{L}_{\text{GHM-C}} = \frac{1}{N}\sum_i w_i\,\mathrm{CE}(x_i, y_i)",
    ],
    "ap": [
        r"f(x) = \mathrm{clip}\!\left(\tfrac{x}{2\delta} + \tfrac12,\,0,\,1\right)",
        r"\begin{aligned}\mathrm{rank}(i) = \tfrac12 &+ \textstyle\sum_{k \in P} f(s_k - s_i)"
        r"\\ &+ \textstyle\sum_{j \in N} f(s_j - s_i)\end{aligned}",
        r"L_{ij} = \frac{f(s_j - s_i)}{\mathrm{rank}(i)}",
        r"\mathrm{prec}_i = 1 - \textstyle\sum_{j \in N} L_{ij}",
        r"\mathcal{L}_{AP} = 1 - \frac{1}{|P|}\textstyle\sum_{i \in P} \mathrm{prec}_i",
    ],
}


def _dict_layout(title: str, x: str, y: str, **kw) -> dict:
    """Title top left; the legend in a row under the whole figure (container-referenced, so it sits below the x
    axis title and its tick labels whatever their height, and pushes the bottom margin instead of overlapping)."""
    layout = {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
        "xaxis": {"title": {"text": x}, "automargin": True},
        "yaxis": {"title": {"text": y}, "automargin": True},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 10},
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
    }
    layout.update(kw)
    return layout


def _f32(values) -> np.ndarray:
    """A curve's coordinates as float32: half the bytes of float64 on every rerun, 7 digits (finer than a pixel)."""
    return np.asarray(values, dtype=np.float32)


def _lines(x, y, name: str, line: dict) -> dict:
    return {"type": "scatter", "x": _f32(x), "y": _f32(y), "mode": "lines", "name": name, "line": line}


def _zero_line(layout: dict, y: float = 0.0) -> None:
    """A thin unlabelled line across the plot at ``y`` (what ``fig.add_hline`` adds)."""
    shape = {"type": "line", "line": {"color": S.INK, "width": 1}, "x0": 0, "x1": 1, "xref": "x domain", "y0": y,
             "y1": y, "yref": "y"}  # fmt: skip
    layout.setdefault("shapes", []).append(shape)


def _guide(x: list, y: float, name: str) -> dict:
    """A labelled reference level as a legend entry (a label drawn on the plot would sit on the bars)."""
    return {"type": "scatter", "x": x, "y": [y] * len(x), "mode": "lines", "name": name, "line": GUIDE,
            "hoverinfo": "skip"}  # fmt: skip


def _gamma_label(g: float) -> str:
    return "γ = 0 (CE)" if g == 0 else f"γ = {g:g}"


def _current_label(alpha: float, gamma: float) -> str:
    a = t("cls.off") if alpha < 0 else f"{alpha:g}"
    return t("cls.fig.current", alpha=a, gamma=f"{gamma:g}")


@figure_builder
def focal_loss_figure(c: FocalCurves) -> dict:
    """Lin et al.'s Fig. 1 (loss against p_t for several gammas, no alpha) and the user's alpha and gamma.

    When the user's curve is one of the classic ones (alpha off, a classic gamma) that curve is drawn bold instead
    of a second time: the chart is then exactly the paper's figure.
    """
    own = c.alpha < 0 and c.gamma in c.gammas
    traces = [
        _lines(c.p_t, c.loss[g], _gamma_label(g), {"color": PALETTE[i], "width": 4 if own and g == c.gamma else 2})
        for i, g in enumerate(c.gammas)
    ]
    if not own:
        current = {"color": CURRENT_COLOR, "width": 3, "dash": "dash"}
        traces.append(_lines(c.p_t, c.current, _current_label(c.alpha, c.gamma), current))
    layout = _dict_layout(t("cls.fig.focal_title"), t("cls.fig.p_t"), t("common.loss"))
    layout["yaxis"]["range"] = [0, 5]
    layout["xaxis"]["range"] = [0, 1]
    return {"data": traces, "layout": layout}


@figure_builder
def modulating_figure(c: FocalCurves) -> dict:
    traces = [_lines(c.p_t, c.factor[g], _gamma_label(g), {"color": PALETTE[i]}) for i, g in enumerate(c.gammas)]
    current = {"color": CURRENT_COLOR, "width": 3, "dash": "dash"}
    traces.append(_lines(c.p_t, c.current_factor, t("cls.fig.yours_gamma", gamma=f"{c.gamma:g}"), current))
    layout = _dict_layout(t("cls.fig.factor_title"), t("cls.fig.p_t"), "(1 − p<sub>t</sub>)<sup>γ</sup>")
    return {"data": traces, "layout": layout}


@figure_builder
def focal_grad_figure(fg: FocalGrad) -> dict:
    """dL/dx against the logit for CE and FL, for a positive and a negative."""
    traces = []
    for y, color in ((1, POS_COLOR), (0, NEG_COLOR)):
        who = t("cls.positive") if y == 1 else t("cls.negative")
        ce, fl = (t("cls.fig.series", loss=name, who=who) for name in ("CE", "FL"))
        traces.append(_lines(fg.x, fg.ce_grad[y], ce, {"color": color, "dash": "dot"}))
        traces.append(_lines(fg.x, fg.fl_grad[y], fl, {"color": color, "width": 3}))
    layout = _dict_layout(t("cls.fig.grad_title"), t("cls.fig.logit"), "∂L/∂x")
    _zero_line(layout)
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


@figure_builder
def effective_number_figure(e: EffectiveNumberCurves) -> dict:
    traces = [_lines(e.n, e.n, "E<sub>n</sub> = n", GUIDE)]
    traces += [_lines(e.n, e.effective[b], f"β = {b:g}", {"color": PALETTE[i]}) for i, b in enumerate(e.betas)]
    layout = _dict_layout(t("cls.fig.eff_title"), t("cls.fig.n"), "E<sub>n</sub>")
    layout["xaxis"]["type"] = "log"
    layout["yaxis"]["type"] = "log"
    return {"data": traces, "layout": layout}


@figure_builder
def cb_weights_figure(tb: CBTable) -> dict:
    labels = [f"{i} (n={int(c)})" for i, c in enumerate(tb.counts)]
    traces = [
        {"type": "bar", "x": labels, "y": tb.weights, "name": t("cls.fig.cb_weight", beta=f"{tb.beta:g}"),
         "marker": {"color": PALETTE[0]}},
        {"type": "bar", "x": labels, "y": tb.inverse, "name": t("cls.fig.inverse"),
         "marker": {"color": PALETTE[1]}, "opacity": 0.6},
        _guide(labels, 1.0, t("cls.fig.no_reweight")),
    ]  # fmt: skip
    layout = _dict_layout(t("cls.fig.cb_title"), t("cls.fig.class"), t("cls.fig.weight"), barmode="group")
    return {"data": traces, "layout": layout}


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
               "marker": {"color": PALETTE[2]}},
              _guide([0.0, 1.0], 1.0, t("cls.fig.no_reweight"))]  # fmt: skip
    layout = _dict_layout(t("cls.fig.ghm_weight_title"), t("cls.fig.g"), t("cls.fig.weight"))
    layout["yaxis"].update(type="log", dtick=1)
    layout["xaxis"]["range"] = [0, 1]
    return {"data": traces, "layout": layout}


@figure_builder
def ghm_contrib_figure(s: GHMSimulation) -> dict:
    """Each unit region's share of the total |gradient| under CE, focal loss and GHM-C."""
    traces = [
        {"type": "bar", "x": s.centres, "y": 100 * share, "name": name, "marker": {"color": color}}
        for (name, share), color in zip(s.shares().items(), (S.LOSS["ce"], S.LOSS["focal"], PALETTE[2]), strict=True)
    ]
    layout = _dict_layout(t("cls.fig.ghm_contrib_title"), t("cls.fig.g"), t("cls.fig.share"), barmode="group")
    layout["xaxis"]["range"] = [0, 1]
    return {"data": traces, "layout": layout}


def _anchor_name(a: APAnalysis, i: int) -> str:
    kind = {1: "P", 0: "N", -1: "I"}[int(a.labels[i])]
    return f"{kind}{i + 1}"


@figure_builder
def ap_update_figure(a: APAnalysis) -> dict:
    """Per anchor in rank order: the AP-loss error-driven update beside plain CE's gradient.

    One colour per series (so the legend tells them apart); the anchor's kind is in its tick label (P, N, I).
    """
    cols = a.columns()
    idx = cols["anchor"] - 1
    names = [
        f"#{r} {_anchor_name(a, i)}" if r else f"– {_anchor_name(a, i)}" for r, i in zip(cols["rank"], idx, strict=True)
    ]
    traces = [
        {"type": "bar", "x": names, "y": snap_zero(cols["ap_update"]), "name": t("cls.fig.ap_update"),
         "marker": {"color": PALETTE[4]}, "customdata": cols["score"],
         "hovertemplate": "%{x} (s = %{customdata:.2f})<br>%{y:.4f}<extra></extra>"},
        {"type": "bar", "x": names, "y": snap_zero(cols["ce_grad"]), "name": t("cls.fig.ce_grad"),
         "marker": {"color": S.LOSS["ce"]}, "customdata": cols["score"],
         "hovertemplate": "%{x} (s = %{customdata:.2f})<br>%{y:.4f}<extra></extra>"},
    ]  # fmt: skip
    layout = _dict_layout(t("cls.fig.ap_update_title"), t("cls.fig.anchor_by_rank"), "∂L/∂s", barmode="group")
    _zero_line(layout)
    return {"data": traces, "layout": layout}


@figure_builder
def ap_matrix_figure(a: APAnalysis, interpolated: bool = False) -> dict:
    """Heatmap of ``L_ij`` (positives as rows, negatives as columns, both by descending score)."""
    pos = a.pos_index[np.argsort(-a.scores[a.pos_index], kind="stable")]
    neg = a.neg_index[np.argsort(-a.scores[a.neg_index], kind="stable")]
    rows = np.searchsorted(np.sort(a.pos_index), pos)
    cols = np.searchsorted(np.sort(a.neg_index), neg)
    m = (a.L_update if interpolated else a.L)[np.ix_(rows, cols)] if len(neg) else np.zeros((len(pos), 0))
    heat = {
        "type": "heatmap", "z": m, "x": [_anchor_name(a, j) for j in neg], "y": [_anchor_name(a, i) for i in pos],
        "colorscale": S.HEAT, "zmin": 0, "zmax": max(float(m.max()) if m.size else 1.0, 1e-9),
        "text": np.round(m, 2), "texttemplate": "%{text}", "customdata": np.broadcast_to(a.scores[neg], m.shape),
        "hovertemplate": "i = %{y}<br>j = %{x} (s = %{customdata:.2f})<br>L<sub>ij</sub> = %{z:.4f}<extra></extra>",
    }  # fmt: skip
    title = t("cls.fig.ap_matrix_interp_title") if interpolated else t("cls.fig.ap_matrix_title")
    layout = _dict_layout(title, t("cls.fig.negatives"), t("cls.fig.positives"))
    layout["yaxis"]["autorange"] = "reversed"
    return {"data": [heat], "layout": layout}


# ---------------------------------------------------------------------------------- metrics and tables (no widgets)
# Each ``*_metrics`` returns keyword dicts for ``st.metric``; each ``*_table`` a DataFrame with translated headers.
# Round-off of a quantity that is exactly 0 is shown as 0 (never "-0.0 pp" or "-0.0000").


def error_text(err: Exception) -> str:
    """A refused input in words: an ``InputError``'s translated message (``cls.err.<code>``), else the generic one."""
    if isinstance(err, InputError):
        return t(f"cls.err.{err.code}", **err.params)
    return t("common.error", msg=err)


def _pp(v: float) -> str:
    """A difference in percentage points, signed; one that rounds to 0.0 is "0.0 pp" (no "+0.0"/"-0.0")."""
    r = round(float(v), 1)
    return "0.0 pp" if r == 0 else f"{r:+.1f} pp"


def focal_metrics(alpha: float, gamma: float) -> list[dict]:
    a_pos, a_neg = ("1", "1") if alpha < 0 else (f"{alpha:.2f}", f"{1 - alpha:.2f}")
    return [
        {"label": t("cls.metric.alpha_pos"), "value": a_pos},
        {"label": t("cls.metric.alpha_neg"), "value": a_neg},
        {"label": t("cls.metric.easy_factor"), "value": f"{(1 - 0.9) ** gamma:.4g}",
         "help": t("cls.metric.easy_factor_help")},
    ]  # fmt: skip


def population_metrics(p: PopulationShares) -> list[dict]:
    out = []
    for kind, key in (("loss", "cls.pop.m_loss"), ("grad", "cls.pop.m_grad")):
        ce, fl = 100 * p.share(kind, "CE"), 100 * p.share(kind, "FL")
        out.append({"label": t(key, name="CE"), "value": f"{ce:.1f}%"})
        change = _pp(fl - ce)
        out.append({"label": t(key, name="FL"), "value": f"{fl:.1f}%", "delta": change,
                    "delta_color": "off" if change == "0.0 pp" else "inverse"})  # fmt: skip
    return out


def population_summary(p: PopulationShares, alpha: float, gamma: float) -> str:
    """The sentence under the population: its claim follows the numbers (no "cut" when FL equals CE)."""
    shares = {f"{n.lower()}_{k}": 100 * p.share(k, n) for n in ("CE", "FL") for k in ("loss", "grad")}
    text = t("cls.pop.summary", n_neg=p.n_neg, n_pos=p.n_pos, **shares)
    if round(shares["fl_loss"], 1) < round(shares["ce_loss"], 1):
        return text + " " + t("cls.pop.summary_cut")
    if gamma == 0:
        return text + " " + t("cls.pop.summary_same", alpha=t("cls.off") if alpha < 0 else f"{alpha:g}")
    return text + " " + t("cls.pop.summary_no_cut")


def population_table(p: PopulationShares) -> pd.DataFrame:
    df = pd.DataFrame(p.rows())
    df["quantity"] = [t(f"cls.pop.kind.{q}") for q in df["quantity"]]
    df.columns = [t(f"cls.pop.col.{c}") for c in df.columns]
    return df


def cb_table(tb: CBTable) -> pd.DataFrame:
    df = pd.DataFrame(tb.columns())
    df.columns = [t("cls.cb.col.class"), t("cls.cb.col.count"), "E_n", t("cls.cb.col.weight"),
                  t("cls.cb.col.inverse"), t("cls.cb.col.sample_loss", loss=tb.loss_type)]  # fmt: skip
    return df


def cb_summary(tb: CBTable) -> str:
    ratio, inv = tb.weights.max() / tb.weights.min(), tb.inverse.max() / tb.inverse.min()
    return t("cls.cb.summary", ratio=ratio, beta=tb.beta, inv=inv)


def ghm_metrics(s: GHMSimulation) -> list[dict]:
    return [
        {"label": t("cls.ghm.m_nonempty"), "value": f"{int((s.counts > 0).sum())} / {s.bins}"},
        {"label": t("cls.ghm.m_loss_ce"), "value": f"{s.loss_ce:.4f}"},
        {"label": t("cls.ghm.m_loss_ghm"), "value": f"{s.loss_ghm:.4f}"},
    ]


def ap_metrics(a: APAnalysis) -> list[dict]:
    loss = snap_zero(a.loss)
    return [
        {"label": t("cls.ap.m_loss"), "value": f"{loss:.4f}"},
        {"label": "AP", "value": f"{1 - loss:.4f}"},
        {"label": t("cls.ap.m_pos"), "value": f"{len(a.pos_index)}"},
        {"label": t("cls.ap.m_neg"), "value": f"{len(a.neg_index)}"},
    ]


NOT_APPLICABLE = "—"
#: The anchor editor's columns: ``st.column_config`` class name and its options (the label is ``cls.ap.col.<name>``).
ANCHOR_COLUMNS = {
    "score": ("NumberColumn", {"format": "%.2f", "required": True}),
    "label": ("SelectboxColumn", {"options": [1, 0, -1], "required": True}),
}


def anchor_columns() -> dict[str, tuple[str, str, dict]]:
    """The anchor editor's columns with their translated headers: ``{name: (column class, header, options)}``."""
    return {c: (kind, t(f"cls.ap.col.{c}"), kw) for c, (kind, kw) in ANCHOR_COLUMNS.items()}


def anchor_frame(scores, labels) -> pd.DataFrame:
    """The editable anchor table (typed columns even when empty, so a first row can be added)."""
    return pd.DataFrame({"score": pd.Series(scores, dtype="float64"), "label": pd.Series(labels, dtype="int64")})


def ap_table(a: APAnalysis) -> pd.DataFrame:
    """One row per anchor in rank order. Precision exists for positives only and an ignored anchor has no rank:
    those cells show a dash (the caption says why), never "None"; update and gradient round-off show as 0."""
    cols = a.columns()
    df = pd.DataFrame(
        {
            "rank": [str(int(r)) if r else NOT_APPLICABLE for r in cols["rank"]],
            "anchor": cols["anchor"],
            "score": cols["score"],
            "label": cols["label"],
            "precision": [NOT_APPLICABLE if np.isnan(v) else f"{v:.4f}" for v in cols["precision"]],
            "ap_update": snap_zero(cols["ap_update"]),
            "ce_grad": snap_zero(cols["ce_grad"]),
        }
    )
    df.columns = [t(f"cls.ap.col.{c}") for c in df.columns]
    return df


def ap_matrix_columns(a: APAnalysis, interpolated: bool) -> dict:
    """The L_ij matrix (or its interpolated rescaling) as long-format columns for the CSV download."""
    matrix = a.L_update if interpolated else a.L
    return {
        "positive": [int(i) + 1 for i in a.pos_index for _ in a.neg_index],
        "negative": [int(j) + 1 for _ in a.pos_index for j in a.neg_index],
        "L_ij": matrix.reshape(-1),
    }


# ------------------------------------------------------------------------------------ data downloads (CSV columns)
# The columns of an analysis result (its ``columns()``, same order) under headers in the page's language; in English
# the headers are the result's own column names, so English files keep their layout.


def _h(code: str, **kw) -> str:
    return t(f"cls.csv.{code}", **kw)


def _csv(cols: dict, *heads: str) -> dict:
    return dict(zip(heads, cols.values(), strict=True))


def focal_curves_csv(c: FocalCurves) -> dict:
    per_gamma = (h for g in c.gammas for h in (_h("fl_gamma", gamma=f"{g:g}"), _h("factor_gamma", gamma=f"{g:g}")))
    return _csv(c.columns(), _h("p_t"), *per_gamma, _h("fl_current", alpha=f"{c.alpha:g}", gamma=f"{c.gamma:g}"))


def focal_grad_csv(fg: FocalGrad) -> dict:
    heads = (_h(k, loss=loss, y=y) for y in (1, 0) for loss in ("CE", "FL") for k in ("loss_y", "grad_y"))
    return _csv(fg.columns(), _h("logit"), *heads)


def population_csv(p: PopulationShares) -> pd.DataFrame:
    df = pd.DataFrame(p.rows())
    df["quantity"] = [_h(f"kind_{q}") for q in df["quantity"]]
    df.columns = [_h(f"pop_{c}") for c in df.columns]
    return df


def effective_csv(e: EffectiveNumberCurves) -> dict:
    return _csv(e.columns(), _h("n"), *(_h("e_n_beta", beta=f"{b:g}") for b in e.betas))


def cb_csv(tb: CBTable) -> dict:
    return _csv(tb.columns(), _h("class"), _h("count"), _h("effective_number"), _h("weight_beta", beta=f"{tb.beta:g}"),
                _h("inverse_frequency"), _h("cb_loss", loss=tb.loss_type))  # fmt: skip


def ghm_csv(s: GHMSimulation) -> dict:
    names = ("CE", "FL", "GHM-C")
    return _csv(s.columns(), _h("bin_left"), _h("bin_right"), _h("count"), _h("running_count"), _h("weight"),
                *(_h("grad_of", loss=n) for n in names), *(_h("share_of", loss=n) for n in names))  # fmt: skip


def ap_csv(a: APAnalysis) -> dict:
    codes = ("rank", "anchor", "score", "label", "precision", "ap_update", "ce_grad")
    return _csv(a.columns(), *(_h(c) for c in codes))


def ap_matrix_csv(a: APAnalysis, interpolated: bool) -> dict:
    return _csv(ap_matrix_columns(a, interpolated), _h("positive"), _h("negative"), _h("L_ij"))
