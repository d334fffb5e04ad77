"""Plotly figures of the Simulation page: error-sum curves E(t), the per-centre final-error map, trajectories."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lossviz.analysis.simulation import SimulationRun
from lossviz.figures import style
from lossviz.figures._dict import figure_builder
from lossviz.i18n import t

#: One colour per loss: the app's palette (``style.LOSS``; the paper draws IoU black, invisible on a dark page).
COLORS = {name: style.LOSS[name] for name in ("iou", "giou", "diou", "ciou", "eiou", "siou", "alpha_iou")}
NAMES = {
    "iou": "IoU",
    "giou": "GIoU",
    "diou": "DIoU",
    "ciou": "CIoU",
    "eiou": "EIoU",
    "siou": "SIoU",
    "alpha_iou": "α-IoU",
}
DASH = {"autograd": "solid", "paper": "dash"}
TARGET_COLOR = style.TARGET
OTHER = style.INK  # a loss without a colour of its own, and the start box (neutral)


def loss_label(name: str) -> str:
    return NAMES.get(name, name)


def summary_table(runs: Mapping[str, SimulationRun]):
    """The summary table (a pandas DataFrame) with translated column names: loss, gradients, E(s)…, per case, area."""
    import pandas as pd

    from lossviz.analysis.simulation import summary_records

    df = pd.DataFrame(summary_records(dict(runs)))
    df["loss"], df["mode"] = df["loss"].map(loss_label), df["mode"].map(lambda m: t("sim.mode." + m))
    last = [c for c in df.columns if c.startswith("E(")][-1][2:-1]
    names = {"loss": t("sim.col.loss"), "mode": t("sim.col.mode"), "area": t("sim.col.area")}
    return df.rename(columns={**names, "per_case": t("sim.col.per_case", step=last)})


def _layout(title: str, x: str, y: str, **kw) -> dict:
    layout = {
        "title": {"text": title, "x": 0.0, "xanchor": "left"},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "legend": {"orientation": "h", "y": -0.25},
    }
    layout.update(kw)
    return layout


@figure_builder
def error_curves_figure(runs: Mapping[str, SimulationRun], log_y: bool = False) -> dict:
    """E(t) for every loss of every run (``mode → run``): solid for autograd, dashed for paper gradients."""
    traces = []
    for mode, run in runs.items():
        steps = np.arange(1, run.config.iters + 1)
        for name, err in run.error.items():
            traces.append(
                {
                    "type": "scatter",
                    "x": steps,
                    "y": err,
                    "mode": "lines",
                    "name": f"{loss_label(name)} · {t('sim.mode.' + mode)}",
                    "line": {"color": COLORS.get(name, OTHER), "dash": DASH.get(mode, "solid"), "width": 2},
                    "hovertemplate": "t=%{x}<br>E=%{y:.4g}<extra>%{fullData.name}</extra>",
                }
            )
    layout = _layout(t("sim.fig.curves_title"), t("sim.fig.step"), t("sim.fig.error_sum"))
    if log_y:  # one label a decade: between them a narrow chart's "2" and "5" read as 2 and 5, not 20k and 50k
        layout["yaxis"].update(type="log", dtick=1)
    return {"data": traces, "layout": layout}


@figure_builder
def final_error_map_figure(run: SimulationRun, loss: str, zmax: float | None = None) -> dict:
    """Each anchor centre coloured by its total final error over its 343 cases (the paper's final-error figure,
    seen from above)."""
    err = run.centre_error[loss]
    xy = run.centres
    marker = {
        "size": 6 if len(err) <= 2000 else 4,
        "color": err,
        "colorscale": style.SEQUENTIAL,
        "cmin": 0.0,
        "colorbar": {"title": {"text": t("sim.fig.final_error")}},
    }
    if zmax is not None and zmax > 0:
        marker["cmax"] = zmax
    trace = {
        "type": "scattergl" if len(err) > 5000 else "scatter",
        "x": xy[:, 0],
        "y": xy[:, 1],
        "mode": "markers",
        "marker": marker,
        "name": loss_label(loss),
        "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>" + t("sim.fig.final_error") + " %{marker.color:.4g}<extra></extra>",
    }
    layout = _layout(
        t("sim.fig.map_title", loss=loss_label(loss), mode=t("sim.mode." + run.config.gradients)), "x", "y"
    )
    layout["yaxis"].update({"scaleanchor": "x", "scaleratio": 1, "autorange": "reversed"})
    layout["showlegend"] = False
    return {"data": [trace], "layout": layout}


def _rect(box, color: str, name: str, dash: str = "solid", opacity: float = 1.0) -> dict:
    x, y, w, h = (float(v) for v in box)
    xs = [x - w / 2, x + w / 2, x + w / 2, x - w / 2, x - w / 2]
    ys = [y - h / 2, y - h / 2, y + h / 2, y + h / 2, y - h / 2]
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "name": name,
        "line": {"color": color, "dash": dash, "width": 2},
        "opacity": opacity,
        "hoverinfo": "skip",
    }


@figure_builder
def trajectory_figure(paths: Mapping[tuple[str, str], np.ndarray], target) -> dict:
    """The centre path of one box under each loss × mode, the start box, the final boxes and the target."""
    traces = [_rect(target, TARGET_COLOR, t("sim.fig.target"))]
    first = next(iter(paths.values()), None)
    if first is not None:
        traces.append(_rect(first[0], OTHER, t("sim.fig.start"), dash="dot"))
    for (name, mode), path in paths.items():
        color = COLORS.get(name, OTHER)
        label = f"{loss_label(name)} · {t('sim.mode.' + mode)}"
        traces.append(
            {
                "type": "scatter",
                "x": path[:, 0],
                "y": path[:, 1],
                "mode": "lines+markers",
                "marker": {"size": 3},
                "name": label,
                "legendgroup": label,
                "line": {"color": color, "dash": DASH.get(mode, "solid"), "width": 1.5},
                "customdata": np.column_stack([np.arange(len(path)), path[:, 2], path[:, 3]]),
                "hovertemplate": "t=%{customdata[0]}<br>x=%{x:.3f} y=%{y:.3f}<br>w=%{customdata[1]:.3f} "
                "h=%{customdata[2]:.3f}<extra>" + label + "</extra>",
            }
        )
        final = _rect(path[-1], color, label, dash=DASH.get(mode, "solid"), opacity=0.8)
        final.update({"legendgroup": label, "showlegend": False})
        traces.append(final)
    layout = _layout(t("sim.fig.traj_title"), "x", "y")
    layout["yaxis"].update({"scaleanchor": "x", "scaleratio": 1, "autorange": "reversed"})
    return {"data": traces, "layout": layout}


@figure_builder
def trajectory_error_figure(paths: Mapping[tuple[str, str], np.ndarray], target) -> dict:
    """|Δx| + |Δy| + |Δw| + |Δh| of the one box against the step, per loss × mode."""
    tgt = np.asarray(target, dtype=float)
    traces = []
    for (name, mode), path in paths.items():
        err = np.abs(path - tgt).sum(-1)
        traces.append(
            {
                "type": "scatter",
                "x": np.arange(len(path)),
                "y": err,
                "mode": "lines",
                "name": f"{loss_label(name)} · {t('sim.mode.' + mode)}",
                "line": {"color": COLORS.get(name, OTHER), "dash": DASH.get(mode, "solid")},
            }
        )
    return {"data": traces, "layout": _layout(t("sim.fig.traj_error_title"), t("sim.fig.step"), "|Δ|")}
