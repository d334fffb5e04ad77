"""Plotly figures of the Libra R-CNN page, built as plain dicts (see ``figures/_dict.py``): the sampled negatives'
IoU histograms (the paper's Fig. 3), the share above IoU 0.05, the per-bin counts of both IoU-balanced samplers, one
synthetic image with its proposals, and the Balanced Feature Pyramid's maps step by step."""

from __future__ import annotations

import numpy as np

from lossviz.analysis.libra import HIST_EDGES, LEVELS, METHODS, PAPER_SHARE, SHARE_THR, PyramidView, SamplingStudy
from lossviz.figures import style
from lossviz.figures._dict import figure_builder, wrap_title
from lossviz.i18n import t

# Every colour comes from the shared palette (``figures/style.py``): the samplers are series without a fixed
# meaning (categorical), "all negatives" is the de-emphasised background.
COLORS = {"all": style.MUTED, "random": style.categorical(0), "hard": style.categorical(3),
          "paper": style.categorical(2), "mmdet": style.categorical(4)}  # fmt: skip
GT_COLOR = style.INK  # readable on light and dark pages
#: Sampled negatives on the scene, by max IoU: easy (below the share threshold), moderately hard, hard.
IOU_GROUP_COLORS = (style.MUTED, style.WARNING, style.NEGATIVE)


def _layout(title: str, x: str, y: str, **kw) -> dict:
    text = wrap_title(title)
    top = 60 + 20 * text.count("<br>")
    layout = {
        "title": {"text": text, "x": 0.0, "xanchor": "left"},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": top, "b": 50},
        "legend": {"orientation": "h", "y": -0.25},
    }
    layout.update(kw)
    return layout


def method_name(m: str) -> str:
    return t(f"libra.method.{m}")


def k_table(ablation):
    """The K ablation (a pandas DataFrame): K, the share above 0.05 for the paper's and mmdetection's sampler, AP."""
    import pandas as pd

    df = pd.DataFrame(ablation.columns())
    df.columns = ["K", t("libra.k.paper"), t("libra.k.mmdet"), t("libra.k.ap")]
    return df


@figure_builder
def histogram_figure(s: SamplingStudy) -> dict:
    """Fig. 3 of the paper: percent of sampled negatives per IoU interval of width 0.05, one bar group per method."""
    centres = (HIST_EDGES[:-1] + HIST_EDGES[1:]) / 2
    traces = [
        {"type": "bar", "x": centres, "y": s.histogram(), "name": t("libra.fig.all_negatives"),
         "marker": {"color": COLORS["all"]}, "width": 0.045, "opacity": 0.6}
    ]  # fmt: skip
    for m in METHODS:
        traces.append(
            {"type": "bar", "x": centres, "y": s.histogram(m), "name": method_name(m), "marker": {"color": COLORS[m]}}
        )
    layout = _layout(t("libra.fig.hist_title"), t("libra.fig.iou"), t("libra.fig.percent"), barmode="group")
    # Ticks chosen by plotly for the width (every 0.05 runs together on a phone); headroom above the highest bar.
    top = max(float(np.max(tr["y"], initial=0.0)) for tr in traces)
    layout["xaxis"].update({"range": [0, 0.5], "tick0": 0})
    layout["yaxis"].update({"range": [0, max(1.0, 1.15 * top)]})
    return {"data": traces, "layout": layout}


@figure_builder
def share_figure(s: SamplingStudy) -> dict:
    """Share of the sampled negatives with IoU > 0.05, per method, with the paper's two quoted values."""
    names = [t("libra.fig.all_negatives")] + [method_name(m) for m in METHODS]
    values = [100 * s.share_above()] + [100 * s.share_above(m) for m in METHODS]
    colors = [COLORS["all"]] + [COLORS[m] for m in METHODS]
    traces = [
        {"type": "bar", "x": names, "y": values, "marker": {"color": colors}, "showlegend": False,
         "text": [f"{v:.1f}%" for v in values], "textposition": "outside"}
    ]  # fmt: skip
    layout = _layout(t("libra.fig.share_title", thr=SHARE_THR), "", t("libra.fig.percent"))
    layout["yaxis"]["range"] = [0, 110]
    # The paper's values are dashed lines across the chart, named in the legend: a label written on a line that
    # crosses every bar would sit on a bar or on a bar's value.
    shapes = []
    for m, v in PAPER_SHARE.items():
        y = 100 * v
        line = {"color": COLORS[m], "dash": "dash", "width": 1.5}
        shapes.append({"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
                       "line": line})  # fmt: skip
        traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines", "line": line,
                       "name": t(f"libra.fig.paper_{m}", v=y), "hoverinfo": "skip"})  # fmt: skip
    layout["shapes"] = shapes
    layout["legend"] = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}  # between title and plot
    layout["title"].update({"y": 0.98, "yref": "container", "yanchor": "top"})
    layout["margin"]["t"] += 45  # room for the legend on two rows (a phone)
    return {"data": traces, "layout": layout}


def _edge_labels(edges: np.ndarray) -> list[str]:
    return [f"[{edges[i]:.3g}, {edges[i + 1]:.3g})" for i in range(len(edges) - 1)]


@figure_builder
def bins_figure(s: SamplingStudy, which: str) -> dict:
    """Per IoU-balanced bin: negatives available and negatives sampled (``which`` = "paper" or "mmdet"); empty bins
    are labelled."""
    edges = s.paper_edges if which == "paper" else s.mmdet_edges
    counts = s.paper_bins if which == "paper" else s.mmdet_bins
    labels = [f"{i + 1}: {lab}" for i, lab in enumerate(_edge_labels(edges))]
    traces = [
        {"type": "bar", "x": labels, "y": counts["pool"], "name": t("libra.fig.available"),
         "marker": {"color": COLORS["all"]}},
        {"type": "bar", "x": labels, "y": counts["sampled"], "name": t("libra.fig.sampled"),
         "marker": {"color": COLORS[which]}},
    ]  # fmt: skip
    title = t(f"libra.fig.bins_title_{which}", k=len(edges) - 1)
    layout = _layout(title, t("libra.fig.bin"), t("libra.fig.count"), barmode="group")
    layout["annotations"] = [
        {"x": labels[i], "y": 0, "yanchor": "bottom", "text": t("libra.fig.empty_bin"), "showarrow": False,
         "font": {"color": style.NEGATIVE}}
        for i in range(len(labels)) if counts["pool"][i] == 0
    ]  # fmt: skip
    return {"data": traces, "layout": layout}


@figure_builder
def bins_pair_figure(s: SamplingStudy) -> dict:
    """Both IoU-balanced samplers' bins in one chart, the paper's above mmdetection's (one chart is one message to
    the browser instead of two; stacked, each keeps the full width on a phone): per bin, the negatives available
    and those sampled, empty bins labelled."""
    traces, annotations = [], []
    layout = _layout(t("libra.bins.title"), "", "", barmode="group")
    layout["legend"] = {"orientation": "h", "y": -0.12}
    for n, (which, domain) in enumerate((("paper", [0.62, 0.95]), ("mmdet", [0.0, 0.33])), start=1):
        ax = "" if n == 1 else str(n)
        part = bins_figure.__wrapped__(s, which)  # the single chart's traces and labels, without its template
        available, sampled = part["data"]
        traces.append({**available, "xaxis": f"x{ax}", "yaxis": f"y{ax}", "legendgroup": "available",
                       "showlegend": n == 1})  # fmt: skip
        traces.append({**sampled, "xaxis": f"x{ax}", "yaxis": f"y{ax}",
                       "name": f"{t('libra.fig.sampled')}: {method_name(which)}"})  # fmt: skip
        layout[f"xaxis{ax}"] = {"anchor": f"y{ax}", "title": {"text": t("libra.fig.bin") if n == 2 else ""}}
        layout[f"yaxis{ax}"] = {"domain": domain, "anchor": f"x{ax}", "title": {"text": t("libra.fig.count")}}
        annotations.append({"text": part["layout"]["title"]["text"], "xref": "paper", "yref": "paper", "x": 0,
                            "xanchor": "left", "align": "left", "y": domain[1], "yanchor": "bottom",
                            "showarrow": False})  # fmt: skip
        annotations += [{**a, "xref": f"x{ax}", "yref": f"y{ax}"} for a in part["layout"].get("annotations", [])]
    layout["annotations"] = annotations
    return {"data": traces, "layout": layout}


def _box_path(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The outlines of ``boxes`` (xyxy) as one line trace: five corners per box, then a NaN gap. float32 arrays,
    which the chart sends as base64 typed arrays (about a third of the bytes of a JSON list of float32 values)."""
    b = np.asarray(boxes, np.float32).reshape(-1, 4)
    gap = np.full(len(b), np.nan, np.float32)
    x1, y1, x2, y2 = b.T
    xs = np.stack([x1, x2, x2, x1, x1, gap], 1).ravel()
    ys = np.stack([y1, y1, y2, y2, y1, gap], 1).ravel()
    return xs, ys


@figure_builder
def scene_figure(s: SamplingStudy, method: str, size: int) -> dict:
    """Image 0: the ground truths and the negatives ``method`` sampled, coloured by their max IoU."""
    idx = s.example_sampled[method]
    boxes = s.example_props[idx]
    iou = s.example_iou[idx]
    traces = []
    # negatives in three IoU groups, so the colour carries the IoU without one trace per box
    for (lo, hi), color in zip(((0.0, SHARE_THR), (SHARE_THR, 0.25), (0.25, 1.01)), IOU_GROUP_COLORS, strict=True):
        sel = (iou >= lo) & (iou < hi)
        xs, ys = _box_path(boxes[sel])
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "line": {"color": color, "width": 1},
                       "name": t("libra.fig.neg_group", lo=lo, hi=min(hi, 0.5), n=int(sel.sum())),
                       "hoverinfo": "skip"})  # fmt: skip
    xs, ys = _box_path(s.example_gt)
    traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "line": {"color": GT_COLOR, "width": 3},
                   "name": t("libra.fig.gt", n=len(s.example_gt))})  # fmt: skip
    layout = _layout(t("libra.fig.scene_title", method=method_name(method)), "x (px)", "y (px)")
    layout["xaxis"].update({"range": [0, size], "constrain": "domain"})
    layout["yaxis"].update({"range": [size, 0], "scaleanchor": "x", "constrain": "domain"})
    return {"data": traces, "layout": layout}


def _heat_row(maps: list[np.ndarray], names: list[str], title: str, zmin: float, zmax: float, cmap: str) -> dict:
    """One row of heatmaps side by side, one per level, sharing the colour scale."""
    n = len(maps)
    gap = 0.02
    w = (1 - gap * (n - 1)) / n
    traces, layout = [], _layout(title, "", "")
    layout["margin"] = {**layout["margin"], "l": 10, "r": 10, "b": 10}
    annotations = []
    for i, (m, name) in enumerate(zip(maps, names, strict=True)):
        ax = "" if i == 0 else str(i + 1)
        traces.append({"type": "heatmap", "z": m, "xaxis": f"x{ax}", "yaxis": f"y{ax}", "zmin": zmin, "zmax": zmax,
                       "colorscale": cmap, "showscale": i == n - 1, "name": name, "colorbar": {"thickness": 12},
                       "hovertemplate": f"{name} {m.shape[1]}×{m.shape[0]}<br>x=%{{x}} y=%{{y}}<br>%{{z:.3f}}"
                                        "<extra></extra>"})  # fmt: skip
        x0 = i * (w + gap)
        layout[f"xaxis{ax}"] = {"domain": [x0, x0 + w], "showticklabels": False, "anchor": f"y{ax}"}
        layout[f"yaxis{ax}"] = {"showticklabels": False, "autorange": "reversed", "anchor": f"x{ax}",
                                "scaleanchor": f"x{ax}", "constrain": "domain"}  # fmt: skip
        annotations.append({"text": name, "xref": "paper", "yref": "paper", "x": x0 + w / 2, "y": 1.0,
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 10}})  # fmt: skip
    layout["annotations"] = annotations
    layout["xaxis"]["title"] = {"text": ""}
    return {"data": traces, "layout": layout}


def _range(maps: list[np.ndarray], symmetric: bool = False) -> tuple[float, float]:
    lo = min(float(m.min()) for m in maps)
    hi = max(float(m.max()) for m in maps)
    if symmetric:
        a = max(abs(lo), abs(hi), 1e-9)
        return -a, a
    return lo, hi if hi > lo else lo + 1e-9


@figure_builder
def step_figure(v: PyramidView, step: str) -> dict:
    """One BFP step's channel-mean maps per level: ``inputs``, ``gathered``, ``residuals`` or ``outputs``."""
    maps = getattr(v, step)
    names = list(LEVELS[: len(maps)])
    zmin, zmax = _range(maps, symmetric=step == "residuals")
    cmap = style.DIVERGING if step == "residuals" else style.SEQUENTIAL
    title = t(f"libra.fig.step.{step}", level=LEVELS[v.refine_level])
    return _heat_row(maps, names, title, zmin, zmax, cmap)


@figure_builder
def bsf_figure(v: PyramidView) -> dict:
    """The integrated map (step 2) and the refined map (step 3), side by side on one colour scale."""
    maps = [v.bsf, v.refined]
    names = [t("libra.fig.bsf"), t("libra.fig.refined")]
    zmin, zmax = _range(maps)
    return _heat_row(maps, names, t("libra.fig.bsf_title", level=LEVELS[v.refine_level]), zmin, zmax, style.SEQUENTIAL)


@figure_builder
def attention_figure(v: PyramidView) -> dict:
    """The non-local attention of the query cell (marked) over the refine-level map; the row sums to 1."""
    att = v.attention if v.attention is not None else np.zeros_like(v.bsf)
    fig = _heat_row([att], [t("libra.fig.attention")], t("libra.fig.attention_title"), 0.0,
                    max(float(att.max()), 1e-12), style.HEAT)  # fmt: skip
    qx, qy = v.query
    fig["data"].append(
        {
            "type": "scatter",
            "x": [qx],
            "y": [qy],
            "mode": "markers",
            "showlegend": False,
            "marker": {"symbol": "x", "size": 12, "color": style.PRED},
            "name": t("libra.fig.query"),
        }
    )
    return fig


@figure_builder
def contribution_figure(v: PyramidView) -> dict:
    """Who gives what to whom: share of each level's residual coming from each level (rows sum to 100 %)."""
    names = list(LEVELS[: len(v.inputs)])
    z = 100 * v.contribution
    trace = {"type": "heatmap", "z": z, "x": names, "y": names, "zmin": 0, "zmax": 100, "colorscale": style.HEAT_COOL,
             "reversescale": True,
             "text": [[f"{c:.0f}%" for c in row] for row in z], "texttemplate": "%{text}",
             "hovertemplate": t("libra.fig.contrib_hover") + "<extra></extra>"}  # fmt: skip
    layout = _layout(t("libra.fig.contrib_title"), t("libra.fig.from_level"), t("libra.fig.to_level"))
    layout["yaxis"]["autorange"] = "reversed"
    return {"data": [trace], "layout": layout}
