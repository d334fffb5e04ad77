"""Plotly figures of the Sensitivity page: the metric per bucket (runs side by side, the std of each in the legend)
and the histogram of the bucketed feature with the bucket edges. Built as plain dicts (see ``figures/_dict.py``)."""

from __future__ import annotations

import math

import numpy as np

from lossviz.analysis.sensitivity import Report
from lossviz.figures import style as S
from lossviz.figures._dict import figure_builder, wrap_title
from lossviz.i18n import t

EDGE_COLOR = S.INK  # bucket edges: neutral lines that read on both themes
LOG_FEATURES = ("area", "area_ratio", "aspect_ratio")


def bucket_labels(report: Report) -> list[str]:
    """``"1: [0.0004, 0.0015)"``: the bucket number and its feature range (the last bucket closed)."""
    k = len(report.edges) - 1
    return [f"{i + 1}: [{report.edges[i]:.3g}, {report.edges[i + 1]:.3g}{']' if i == k - 1 else ')'}" for i in range(k)]


def bucket_table(report: Report):
    """The bucket table (a pandas DataFrame): bucket, boxes, and each run's value (recall as "v (found/boxes)")."""
    import pandas as pd

    table = {
        t("sens.col.bucket"): bucket_labels(report),
        t("sens.col.count"): [b.count for b in report.runs[0].buckets],
    }
    for run in report.runs:
        table[run.detections] = [
            f"{_fmt(b.value)} ({b.matched}/{b.count})" if report.metric == "recall" else _fmt(b.value)
            for b in run.buckets
        ]
    return pd.DataFrame(table)


MISSED_COLUMNS = ["image_id", "annotation_id", "category", "x", "y", "w", "h", "area", "feature"]


def _layout(title: str, x: str, y: str, **kw) -> dict:
    text = wrap_title(title)
    layout = {
        # the title at the top of the figure, its lines above the bucket numbers written over the plot
        "title": {"text": text, "x": 0.0, "xanchor": "left", "y": 0.98, "yref": "container", "yanchor": "top"},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": 60 + 22 * text.count("<br>"), "b": 50},
        "legend": {"orientation": "h", "y": -0.3},
    }
    layout.update(kw)
    return layout


def fmt(x: float) -> str:
    """A metric value with 4 decimals; a dash when undefined."""
    return _fmt(x)


def _fmt(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:.4f}"


@figure_builder
def bucket_bars(report: Report) -> dict:
    """One bar per bucket and run, runs side by side; the legend gives each run's std across buckets."""
    labels = bucket_labels(report)
    metric = t(f"sens.metric.{report.metric}")
    data = []
    for r, run in enumerate(report.runs):
        values = [b.value if math.isfinite(b.value) else None for b in run.buckets]
        text = [f"{b.matched}/{b.count}" if report.metric == "recall" else _fmt(b.value) for b in run.buckets]
        data.append(
            {
                "type": "bar",
                "x": labels,
                "y": values,
                "name": t("sens.fig.run_std", run=run.detections, std=_fmt(run.std)),
                "marker": {"color": S.categorical(r)},
                "text": text,
                "textposition": "outside",
                "hovertemplate": "%{x}<br>" + metric + " %{y:.4f} (%{text})<extra>" + run.detections + "</extra>",
            }
        )
    feature = t(f"sens.feat.{report.feature}")
    layout = _layout(
        t("sens.fig.bars_title", metric=metric, feature=feature),
        t("sens.fig.bucket", feature=feature),
        metric,
        barmode="group",
    )
    layout["yaxis"]["range"] = [0, 1.12]
    # A bar's value above it only where it fits at a readable size: on a phone the bars of a group are narrower than
    # "27/31", so neighbouring values would run into each other; there the hover (and the table) gives them.
    layout.update({"bargroupgap": 0.08, "uniformtext": {"mode": "hide", "minsize": 10}})
    return {"data": data, "layout": layout}


@figure_builder
def feature_histogram(report: Report, bins: int = 40) -> dict:
    """The feature of every bucketed ground truth (log-spaced bins when it spans over two decades), with the edges."""
    v = np.asarray(report.gt_values, np.float64)
    lo, hi = float(v.min()), float(v.max())
    log = report.feature in LOG_FEATURES and lo > 0 and hi / lo > 100
    if hi == lo:
        edges = np.array([lo - 0.5, hi + 0.5]) if lo == 0 else np.array([lo * 0.95, hi * 1.05])
    else:
        edges = np.geomspace(lo, hi, bins + 1) if log else np.linspace(lo, hi, bins + 1)
    counts, edges = np.histogram(v, bins=edges)
    # Each bar spans its bin exactly, [edge, next edge) in data units, so on a log axis a bar is as wide as its
    # log-spaced bin (plotly's default width is the smallest gap between centres: hairlines for the wide bins).
    data = [
        {
            "type": "bar",
            "x": (edges[:-1] + edges[1:]) / 2,
            "y": counts,
            "width": np.diff(edges) * 0.96,
            "customdata": np.stack([edges[:-1], edges[1:]], 1),
            "name": t("sens.fig.boxes"),
            "marker": {"color": S.MUTED, "line": {"width": 0}},
            "hovertemplate": "[%{customdata[0]:.4g}, %{customdata[1]:.4g}): %{y}<extra></extra>",
        }
    ]
    feature = t(f"sens.feat.{report.feature}")
    layout = _layout(t("sens.fig.hist_title", feature=feature), feature, t("sens.fig.boxes"))
    if log:
        layout["xaxis"]["type"] = "log"
    # Edges beyond the data (COCO's 0 and 1e10) are drawn at the data's ends; a bucket with no box gets no label.
    shown = np.clip(np.asarray(report.edges, np.float64), lo, hi)
    shapes, notes = [], []
    for e in np.unique(shown):
        shapes.append(
            {
                "type": "line",
                "x0": float(e),
                "x1": float(e),
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": EDGE_COLOR, "width": 1.5, "dash": "dash"},
            }
        )
    for i in range(len(shown) - 1):
        a, b = float(shown[i]), float(shown[i + 1])
        if b <= a and not (i == len(shown) - 2 and a == b == hi):
            continue
        mid = math.sqrt(a * b) if log else (a + b) / 2
        notes.append(
            {
                "x": math.log10(mid) if log else mid,
                "xref": "x",
                "y": 1.0,
                "yref": "y domain",
                "text": str(i + 1),
                "showarrow": False,
                "yanchor": "bottom",
            }
        )
    layout["shapes"] = shapes
    layout["annotations"] = notes
    return {"data": data, "layout": layout}
