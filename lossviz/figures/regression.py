"""Plotly figures of the regression page: loss/gradient curves, the Balanced L1 family, the gradient balance.

The two-row layouts (loss on top, gradient below, one shared x-axis) are written as plain layout dicts rather than
``make_subplots`` + ``add_vline``: the same figure, built several times faster, which matters when a slider moves.

Each figure is built as a plain dict (numpy arrays left as they are). The public functions return a ``go.Figure``
(validated by plotly); with ``as_dict=True`` they return the dict itself, which ``plotly_chart`` serialises without
plotly's validation: a page rerun then spends well under a millisecond per figure instead of ~25 ms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lossviz.analysis.regression import (
    CbblView,
    GradientBalance,
    RegressionCurves,
    RegressionFamily,
    residual_histogram,
)
from lossviz.figures import style
from lossviz.figures._dict import figure_builder, wrap_title
from lossviz.i18n import get_lang, t

COLORS = {name: style.loss_color(name) for name in ("L1", "L2", "Smooth L1", "Balanced L1")}
INLIER_COLOR = style.INLIER
OUTLIER_COLOR = style.OUTLIER
HOVER = "d = %{x:.6g}<br>%{fullData.name}: %{y:.6g}<extra></extra>"
TOP = {"xaxis": "x", "yaxis": "y"}  # loss row
BOTTOM = {"xaxis": "x2", "yaxis": "y2"}  # gradient row


def _bar(**props: Any) -> dict:
    """A bar trace dict; ``marker_color=`` as in ``go.Bar``."""
    if "marker_color" in props:
        props["marker"] = {**props.get("marker", {}), "color": props.pop("marker_color")}
    return {"type": "bar", **props}


def _scatter(**props: Any) -> dict:
    return {"type": "scatter", **props}


def _title(text: str, y: float) -> dict:
    return {
        "text": text,
        "x": 0.5,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 14},
    }


def _stacked_layout(title_loss: str, title_grad: str, height: int, lim: float) -> dict:
    """Two rows sharing x: ``x``/``y`` on top (loss), ``x2``/``y2`` below (gradient); zoom on one moves both."""
    return {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "hovermode": "x unified",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0},
        "xaxis": {"domain": [0, 1], "anchor": "y", "matches": "x2", "showticklabels": False, "range": [-lim, lim]},
        "yaxis": {"domain": [0.54, 1], "anchor": "x", "title": {"text": t("common.loss")}},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "title": {"text": t("reg.axis.residual")}, "range": [-lim, lim]},
        "yaxis2": {"domain": [0, 0.46], "anchor": "x2", "title": {"text": t("reg.axis.gradient")}},
        "annotations": [
            _title(title_loss, 1.0),
            _title(wrap_title(title_grad, 32), 0.46),
        ],  # lines fit a 390 px phone in zh too
        "shapes": [],
    }


def _boundary(layout: dict, x: float, color: str, label: str, row: int = 0) -> None:
    """A dotted vertical line at ``x`` through both rows, labelled inside the top row's top, right of the line, on
    text row ``row`` (two losses' labels stacked: with equal β their lines coincide, and above the chart the labels
    sat on each other and on the row's title)."""
    for yref in ("y domain", "y2 domain"):
        xref = "x" if yref == "y domain" else "x2"
        layout["shapes"].append(
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "xref": xref,
                "yref": yref,
                "line": {"color": color, "dash": "dot", "width": 1},
            }
        )
    if label:
        layout["annotations"].append(
            {
                "x": x,
                "y": 1.0,
                "xref": "x",
                "yref": "y domain",
                "xanchor": "left",
                "yanchor": "top",
                "text": label,
                "showarrow": False,
                "font": {"color": color, "size": 11},
                "xshift": 3,
                "yshift": -22 * row,  # a line of 11 px text with a subscript is ~19 px tall in a CJK font
            }
        )


def _labels_kept_in_float32(x: np.ndarray, fmt: str = ".6g") -> np.ndarray:
    """``x`` as float32 (half the bytes sent) when every hover label (``fmt``) of it reads the same, else ``x``.

    The residual grid (steps of 0.01 and ±β) qualifies; computed loss and gradient values are sent as they are.
    """
    narrow = x.astype(np.float32)
    if all(f"{a:{fmt}}" == f"{b:{fmt}}" for a, b in zip(x.tolist(), narrow.astype(np.float64).tolist(), strict=True)):
        return narrow
    return x


def _line(x, y, name: str, axes: dict, **style) -> dict:
    return {"type": "scatter", "x": x, "y": y, "name": name, "hovertemplate": HOVER, **axes, **style}


#: The comparison the page exists for: the y-axes are fitted to these, other losses are clipped with a note.
FOCUS = ("Smooth L1", "Balanced L1")
#: About this many closed-form markers per loss: enough to check the line, few enough not to hide it.
MARKERS = 24


def _fit(values: list[np.ndarray], pad: float = 0.08) -> list[float]:
    """An axis range holding every value in ``values`` (and 0), padded by ``pad`` of its span."""
    lo = min(0.0, *(float(np.min(v)) for v in values))
    hi = max(0.0, *(float(np.max(v)) for v in values))
    span = (hi - lo) or 1.0
    return [lo - pad * span, hi + pad * span]


def _clip_to_focus(curves: RegressionCurves, layout: dict) -> list[str]:
    """Fit both rows' y-axes to the focus losses; return the other losses that then run off the chart."""
    focus = [n for n in curves.names if n in FOCUS]
    if not focus or len(focus) == len(curves.names):
        return []
    rows = (("yaxis", curves.loss), ("yaxis2", curves.grad))
    clipped = []
    for axis, data in rows:
        lo, hi = _fit([data[n] for n in focus])
        layout[axis]["range"] = [lo, hi]
        clipped += [n for n in curves.names if n not in focus and (data[n].min() < lo or data[n].max() > hi)]
    return list(dict.fromkeys(clipped))


@figure_builder
def curves_figure(curves: RegressionCurves, show_closed_form: bool = True, height: int = 620) -> dict:
    """Loss (top) and gradient (bottom) of each loss over the residual, linked x-axis.

    The y-axes fit Smooth L1 and Balanced L1 (the comparison); a loss that runs off them (L2) is clipped and a note
    says so. The inlier/outlier boundaries ±β of both are dotted vertical lines; with ``show_closed_form`` the
    hand-derived derivative is drawn as sparse open circles over the autograd curve.
    """
    lim = float(np.max(np.abs(curves.d)))
    d = _labels_kept_in_float32(curves.d)
    grad_title = t("reg.fig.grad_title_closed" if show_closed_form else "reg.fig.grad_title")
    layout = _stacked_layout(t("reg.fig.loss_title"), grad_title, height, lim)
    traces = []
    step = max(1, len(curves.d) // MARKERS)
    for name in curves.names:
        color = COLORS[name]
        line = {"color": color, "width": 2.5 if name in FOCUS else 1.5}
        traces.append(_line(d, curves.loss[name], name, TOP, legendgroup=name, line=line))
        traces.append(
            _line(
                d,
                curves.grad[name],
                f"{name} ∂L/∂d ({t('reg.autograd')})",
                BOTTOM,
                legendgroup=name,
                showlegend=False,
                line=line,
            )
        )
        if show_closed_form:
            traces.append(
                _line(
                    d[step // 2 :: step],
                    curves.grad_closed[name][step // 2 :: step],
                    f"{name} ({t('reg.closed_form')})",
                    BOTTOM,
                    legendgroup=name,
                    showlegend=False,
                    mode="markers",
                    marker={"color": color, "symbol": "circle-open", "size": 6},
                )
            )
    clipped = _clip_to_focus(curves, layout)
    if clipped:
        layout["annotations"].append(
            {
                "x": 1.0,
                "y": 0.45,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "right",
                "yanchor": "top",
                "showarrow": False,
                "text": t("reg.fig.clipped", names=", ".join(clipped)),
                "font": {"size": 11, "color": style.TEXT_MUTED},
                "bgcolor": style.LABEL_BG,
            }
        )
    p = curves.params
    if "Smooth L1" in curves.names and p.smooth_beta > 0:
        for s in (1, -1):
            _boundary(layout, s * p.smooth_beta, COLORS["Smooth L1"], "±β<sub>SL1</sub>" if s == 1 else "")
    if "Balanced L1" in curves.names:
        for s in (1, -1):
            _boundary(layout, s * p.beta, COLORS["Balanced L1"], "±β<sub>BL1</sub>" if s == 1 else "", row=1)
    return {"data": traces, "layout": layout}


@figure_builder
def family_figure(fam: RegressionFamily, height: int = 560) -> dict:
    """Balanced L1 for each swept value (a red ramp, darker = larger) against Smooth L1 (blue, dashed)."""
    lim = float(np.max(np.abs(fam.d)))
    symbol = t(f"reg.param.{fam.param}")
    layout = _stacked_layout(t("reg.fig.family_loss", param=symbol), t("reg.fig.family_grad"), height, lim)
    layout["hovermode"] = "closest"
    d = _labels_kept_in_float32(fam.d)
    traces = []
    shades = style.ramp(COLORS["Balanced L1"], len(fam.values))
    for shade, v, loss, grad in zip(shades, fam.values, fam.loss, fam.grad, strict=True):
        line = {"color": shade}
        label = f"Balanced L1, {symbol} = {v:.6g}"
        traces.append(_line(d, loss, label, TOP, legendgroup=label, line=line))
        traces.append(_line(d, grad, label, BOTTOM, legendgroup=label, showlegend=False, line=line))
    ref = f"Smooth L1 (β<sub>SL1</sub> = {fam.params.smooth_beta:g})"
    dash = {"color": COLORS["Smooth L1"], "dash": "dash", "width": 2}
    traces.append(_line(d, fam.smooth_loss, ref, TOP, legendgroup=ref, line=dash))
    traces.append(_line(d, fam.smooth_grad, ref, BOTTOM, legendgroup=ref, showlegend=False, line=dash))
    return {"data": traces, "layout": layout}


@figure_builder
def balance_figure(bal: GradientBalance, height: int = 420, bins: int = 80) -> dict:
    """Left: histogram of the sampled residuals (pre-binned) with the split ±s. Right: each loss's gradient split
    into inlier and outlier shares, with the inliers' share of the *samples* as a dashed reference line."""
    hist = residual_histogram(bal, bins)
    names = list(bal.names)
    inl = [100 * bal.inlier_share(n) for n in names]
    out = [100 - v if (bal.inlier_grad[n] + bal.outlier_grad[n]) > 0 else 0.0 for v, n in zip(inl, names, strict=True)]
    count = 100 * bal.inlier_count_share
    left, right = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
    traces = [
        _bar(
            x=hist.centers,
            y=hist.inlier,
            width=hist.width,
            name=t("reg.inliers"),
            marker_color=INLIER_COLOR,
            hovertemplate="d ≈ %{x:.3g}: %{y}<extra>" + t("reg.inliers") + "</extra>",
            **left,
        ),
        _bar(
            x=hist.centers,
            y=hist.outlier,
            width=hist.width,
            name=t("reg.outliers"),
            marker_color=OUTLIER_COLOR,
            hovertemplate="d ≈ %{x:.3g}: %{y}<extra>" + t("reg.outliers") + "</extra>",
            **left,
        ),
        _bar(
            y=names,
            x=inl,
            orientation="h",
            name=t("reg.inlier_share"),
            marker_color=INLIER_COLOR,
            text=[f"{v:.1f}%" for v in inl],
            textposition="inside",
            showlegend=False,
            hovertemplate="%{y}: %{x:.2f}%<extra>" + t("reg.inliers") + "</extra>",
            **right,
        ),
        _bar(
            y=names,
            x=out,
            orientation="h",
            name=t("reg.outlier_share"),
            marker_color=OUTLIER_COLOR,
            text=[f"{v:.1f}%" for v in out],
            textposition="inside",
            showlegend=False,
            hovertemplate="%{y}: %{x:.2f}%<extra>" + t("reg.outliers") + "</extra>",
            **right,
        ),
    ]
    split_line = {"color": style.REFERENCE, "dash": "dot", "width": 1}
    shapes = [
        {
            "type": "line",
            "x0": s * bal.split,
            "x1": s * bal.split,
            "y0": 0,
            "y1": 1,
            "xref": "x",
            "yref": "y domain",
            "line": split_line,
        }
        for s in (1, -1)
    ]
    shapes.append(
        {
            "type": "line",
            "x0": count,
            "x1": count,
            "y0": 0,
            "y1": 1,
            "xref": "x2",
            "yref": "y2 domain",
            "line": {"color": style.REFERENCE, "dash": "dash", "width": 1},
        }
    )
    layout = {
        "height": height,
        "barmode": "stack",
        "bargap": 0.3,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        "xaxis": {"domain": [0, 0.42], "anchor": "y", "title": {"text": t("reg.axis.residual")}},
        "yaxis": {"domain": [0, 1], "anchor": "x", "title": {"text": t("reg.axis.count")}},
        "xaxis2": {"domain": [0.55, 1], "anchor": "y2", "range": [0, 100], "title": {"text": t("reg.axis.share")}},
        "yaxis2": {"domain": [0, 1], "anchor": "x2", "autorange": "reversed"},
        "shapes": shapes,
        "annotations": _balance_titles(count, 1.0, (0.21, 0.775)),
    }
    # On a phone (lossviz's chart under 640 px wide) side by side squeezed the titles into each other: the two plots
    # are stacked there, histogram above shares, in a taller chart.
    top, bottom = {"domain": [0.64, 1]}, {"domain": [0, 0.36]}
    layout["meta"] = {
        "lossviz_narrow": {
            "height": height + 240,
            "xaxis": {**layout["xaxis"], "domain": [0, 1]},
            "yaxis": {**layout["yaxis"], **top},
            "xaxis2": {**layout["xaxis2"], "domain": [0, 1]},
            "yaxis2": {**layout["yaxis2"], **bottom},
            "annotations": _balance_titles(count, 0.36, (0.5, 0.5)),
        }
    }
    return {"data": traces, "layout": layout}


def _balance_titles(count: float, shares_top: float, x: tuple[float, float]) -> list[dict]:
    """The balance figure's two titles (at ``x``) and the marker of the inliers' share of the samples, above the
    shares plot whose top is at ``shares_top`` (paper coordinates)."""
    return [
        {**_title(t("reg.fig.residuals"), 1.0), "x": x[0]},
        {**_title(t("reg.fig.shares"), shares_top), "x": x[1], "yshift": 14},
        {
            "x": count,
            "y": shares_top,
            "xref": "x2",
            "yref": "paper",
            "yanchor": "bottom",
            "showarrow": False,
            "text": t("reg.count_share_marker", pct=f"{count:.1f}"),
            "xanchor": "right",
            "font": {"size": 11},
        },
    ]


def _csv(columns: dict[str, np.ndarray]) -> bytes:
    """Columns as UTF-8 CSV; in Chinese with a byte-order mark, without which Excel reads the headers as mojibake."""
    import pandas as pd

    text = pd.DataFrame(columns).to_csv(index=False)
    return (("\ufeff" if get_lang() == "zh" else "") + text).encode("utf-8")


def curves_csv(curves: RegressionCurves) -> bytes:
    """The plotted curves as a CSV with headers in the page's language (``?lang=en`` gives English headers; the
    analysis' ``RegressionCurves.columns()`` keeps short stable keys for code)."""
    cols = {t("reg.csv.d"): curves.d}
    for n in curves.names:
        cols[t("reg.csv.loss", name=n)] = curves.loss[n]
        cols[t("reg.csv.grad", name=n)] = curves.grad[n]
        cols[t("reg.csv.grad_closed", name=n)] = curves.grad_closed[n]
    return _csv(cols)


def family_csv(fam: RegressionFamily) -> bytes:
    """The Balanced L1 family as a CSV with headers in the page's language."""
    symbol = t(f"reg.param.{fam.param}")
    cols = {t("reg.csv.d"): fam.d}
    for v, loss, grad in zip(fam.values, fam.loss, fam.grad, strict=True):
        cols[t("reg.csv.loss", name=f"Balanced L1 ({symbol} = {v:g})")] = loss
        cols[t("reg.csv.grad", name=f"Balanced L1 ({symbol} = {v:g})")] = grad
    smooth = f"Smooth L1 (β = {fam.params.smooth_beta:g})"
    cols[t("reg.csv.loss", name=smooth)] = fam.smooth_loss
    cols[t("reg.csv.grad", name=smooth)] = fam.smooth_grad
    return _csv(cols)


def curves_metrics(curves: RegressionCurves, probe: dict[str, tuple[float, float]], d: float) -> list[dict]:
    """The numbers beside the curves, as ``st.metric`` keyword arguments: b, the autograd/closed-form check, the
    gradient jump at β (round-off already 0) and Balanced L1's gradient at ``d`` against Smooth L1's."""
    (_, bl), (_, sl) = probe["Balanced L1"], probe["Smooth L1"]
    return [
        {"label": t("reg.metric.b"), "value": f"{curves.b:.6g}", "help": t("reg.metric.b_help")},
        {
            "label": t("reg.metric.maxdiff"),
            "value": f"{max(curves.max_abs_diff.values()):.2e}",
            "help": t("reg.metric.maxdiff_help"),
        },
        {"label": t("reg.metric.jump"), "value": f"{curves.jump:.4g}", "help": t("reg.metric.jump_help")},
        {
            "label": t("reg.metric.probe", d=d),
            "value": f"{bl:.4f}",
            "delta": t("reg.metric.probe_delta", delta=f"{bl - sl:+.4f}"),
        },
    ]


def probe_caption(probe: dict[str, tuple[float, float]], d: float) -> str:
    """Loss and gradient of Balanced L1 and Smooth L1 at ``d``, in one sentence."""
    (bl_loss, bl_grad), (sl_loss, sl_grad) = probe["Balanced L1"], probe["Smooth L1"]
    values = {"bl_loss": bl_loss, "bl_grad": bl_grad, "sl_loss": sl_loss, "sl_grad": sl_grad}
    return t("reg.probe", d=d, **{k: f"{v:.6f}" for k, v in values.items()})


def balance_metrics(bal: GradientBalance) -> list[dict]:
    """The inliers' share of the samples, and of the gradient under Smooth L1 and Balanced L1 (``st.metric`` kwargs)."""
    sl, bl = bal.inlier_share("Smooth L1"), bal.inlier_share("Balanced L1")
    return [
        {"label": t("reg.balance.count_share"), "value": f"{100 * bal.inlier_count_share:.1f}%"},
        {"label": t("reg.balance.share", name="Smooth L1"), "value": f"{100 * sl:.1f}%"},
        {
            "label": t("reg.balance.share", name="Balanced L1"),
            "value": f"{100 * bl:.1f}%",
            "delta": t("reg.balance.pp", v=f"{100 * (bl - sl):+.1f}"),
        },
    ]


TARGET_COLOR = style.TARGET
PRED_COLOR = style.PRED
GRAD_COLOR = style.GRADIENT


def _vline(x: float, xref: str, yref: str, color: str, dash: str = "dash") -> dict:
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "xref": xref,
        "yref": yref,
        "line": {"color": color, "dash": dash, "width": 1.5},
    }


@figure_builder
def cbbl_figure(view: CbblView, height: int = 520) -> dict:
    """Top: the two-hot target p* and the prediction p on the grid, with t and the decoded value. Bottom: the CE
    gradient w.r.t. the logits, p − p* (autograd).

    Bars stand at the grid *indices* (labelled with the grid values), so an exponential grid's dense centre stays
    readable; t and Σ p·g are placed by linear interpolation between the indices of their neighbours.
    """
    k = len(view.grid)
    idx = np.arange(k, dtype=float)
    layout = _stacked_layout(t("reg.cbbl.fig.dist"), t("reg.cbbl.fig.grad"), height, 1.0)
    layout["hovermode"] = "closest"
    layout["barmode"] = "group"
    layout["bargap"] = 0.15
    every = max(1, int(np.ceil(k / 17)))
    ticks = {"tickvals": idx[::every], "ticktext": [f"{g:.2f}" for g in view.grid[::every]], "tickangle": -45}
    layout["xaxis"].update(range=[-0.6, k - 0.4], **ticks)
    layout["xaxis2"].update(range=[-0.6, k - 0.4], title={"text": t("reg.cbbl.axis.grid")}, **ticks)
    layout["yaxis"]["title"] = {"text": t("reg.cbbl.axis.prob")}
    layout["yaxis2"]["title"] = {"text": "∂CE/∂l"}
    hover = "g = %{customdata:.4g}<br>%{fullData.name}: %{y:.4g}<extra></extra>"
    traces = [
        _bar(
            x=idx,
            y=view.target_dist,
            customdata=view.grid,
            name="p* (two-hot)",
            marker_color=TARGET_COLOR,
            hovertemplate=hover,
            **TOP,
        ),
        _bar(
            x=idx,
            y=view.probs,
            customdata=view.grid,
            name="p = softmax(l)",
            marker_color=PRED_COLOR,
            hovertemplate=hover,
            **TOP,
        ),
        _bar(
            x=idx,
            y=view.grad,
            customdata=view.grid,
            name="p − p*",
            marker_color=GRAD_COLOR,
            hovertemplate=hover,
            showlegend=False,
            **BOTTOM,
        ),
    ]
    for value, text, color, dash, y in (
        (view.t_used, f"t = {view.t_used:.3g}", TARGET_COLOR, "dash", 0.9),
        (view.decoded, f"Σ p·g = {view.decoded:.3g}", PRED_COLOR, "dot", 0.75),
    ):
        x = float(np.interp(value, view.grid, idx))
        layout["shapes"].append(_vline(x, "x", "y domain", color, dash))
        layout["annotations"].append(
            {
                "x": x,
                "y": y,
                "xref": "x",
                "yref": "y domain",
                "text": text,
                "showarrow": False,
                "xanchor": "left",
                "xshift": 4,
                "font": {"color": color, "size": 12},
                "bgcolor": style.LABEL_BG,
            }
        )
    return {"data": traces, "layout": layout}


@figure_builder
def cbbl_sweep_figure(view: CbblView, mu: float, height: int = 360) -> dict:
    """CE, uncertainty and the gradient size ‖p − p*‖₁ as the prediction's centre μ moves across the grid."""
    hover = "μ = %{x:.4g}<br>%{fullData.name}: %{y:.4g}<extra></extra>"
    traces = [
        _scatter(x=view.sweep_mu, y=view.sweep_ce, name="CE(p, p*)", line={"color": PRED_COLOR}, hovertemplate=hover),
        _scatter(
            x=view.sweep_mu,
            y=view.sweep_uncertainty,
            name="|H(p*) − H(p)|",
            line={"color": style.UNCERTAINTY},
            hovertemplate=hover,
        ),
        _scatter(
            x=view.sweep_mu,
            y=view.sweep_grad_l1,
            name="‖∂CE/∂l‖₁ = ‖p − p*‖₁",
            yaxis="y2",
            line={"color": GRAD_COLOR, "dash": "dash"},
            hovertemplate=hover,
        ),
    ]
    layout = {
        "height": height,
        "hovermode": "x unified",
        "margin": {"l": 60, "r": 60, "t": 40, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"title": {"text": t("reg.cbbl.axis.mu")}},
        "yaxis": {"title": {"text": t("common.loss")}, "rangemode": "tozero"},
        "yaxis2": {
            "title": {"text": "‖p − p*‖₁"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 2.05],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 0.5,
            "showgrid": False,
        },
        "shapes": [_vline(view.t_used, "x", "paper", TARGET_COLOR), _vline(mu, "x", "paper", PRED_COLOR, "dot")],
    }
    return {"data": traces, "layout": layout}
