"""Plotly figures of the IoU page: loss landscapes with their descent field, and all losses side by side."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lossviz.analysis.iou import EDGES, MIN_SIZE, WORLD, Arrow, FormulaTerm, Geometry, Landscape, LossRow, SiouParts
from lossviz.figures import style as S
from lossviz.figures._dict import figure_builder
from lossviz.i18n import t

#: The IoU page's colours, shared by the charts and the box canvas (which gets them as CSS custom properties).
PALETTE = S.CANVAS
PRED_COLOR = PALETTE["pred"]
TARGET_COLOR = PALETTE["target"]
ARROW_COLOR = S.OVERLAY  # the landscapes' descent field, drawn over a dark colour map


_OTHER_SUBPLOTS = ("polar", "ternary", "scene", "geo", "mapbox", "map", "smith")


def slim(fig: dict) -> dict:
    """``fig`` (a dict) with the shared template cut to what this figure can use: the trace defaults of its own
    trace types and no defaults for subplot kinds it has no axes of (3-D scenes, maps, polar, ternary); and no
    default colour scales when every trace names its own. The same picture in about 4 kB less per figure, which the
    page sends on every rerun."""
    tpl = fig["layout"].get("template")
    if not tpl:
        return fig
    kinds = {trace.get("type", "scatter") for trace in fig["data"]}
    layout = {k: v for k, v in tpl.get("layout", {}).items() if k not in _OTHER_SUBPLOTS}
    if all("colorscale" in trace for trace in fig["data"] if trace.get("type") == "heatmap"):
        layout.pop("colorscale", None)
        layout.pop("coloraxis", None)
    data = {k: v for k, v in tpl.get("data", {}).items() if k in kinds}
    return {**fig, "layout": {**fig["layout"], "template": {"layout": layout, "data": data}}}


#: At most this many terms on one line of a formula: three short terms or three numbers fit a 390 px phone.
TERMS_PER_LINE = 3


def _aligned(lhs: str, rows: Sequence[Sequence[str]], per_line: int = TERMS_PER_LINE) -> str:
    """``lhs = row 1 = row 2 ...`` as one aligned display, every row on lines of at most ``per_line`` summands
    (continued with "+" under the first), so no line runs off a phone (KaTeX never breaks a display formula)."""
    lines = []
    for row in rows:
        for i in range(0, len(row), per_line):
            lines.append(("&= " if i == 0 else r"&\quad + ") + " + ".join(row[i : i + per_line]))
    return r"\begin{aligned}" + lhs + " " + r" \\ ".join(lines) + r"\end{aligned}"


def formula_latex(terms: Sequence[FormulaTerm], value: float) -> str:
    """The selected loss as the core's sum of terms, then each term's value for this pair (from the core), then the
    total: one aligned display, a line per step."""
    shown = [term for term in terms if term.key != "clamp" or term.value != 0.0]
    symbols = [term.tex for term in shown]
    numbers = [f"{term.value:.4f}" for term in shown]
    rows = [symbols, numbers, [f"{value:.4f}"]] if len(shown) > 1 else [symbols, [f"{value:.4f}"]]
    return _aligned(r"\mathcal{L}", rows)


def siou_latex(p: SiouParts) -> list[str]:
    """SIoU's Δ and Ω with this pair's numbers substituted (γ = 2 − Λ, ρ_x, ρ_y, ω_w, ω_h, θ), a step per line."""
    g = f"{p.gamma:.4f}"
    return [
        rf"\begin{{aligned}}\Lambda &= {p.angle_cost:.4f},\quad \gamma = 2 - \Lambda = {g} \\ "
        rf"\rho_x &= {p.rho_x:.4f},\quad \rho_y = {p.rho_y:.4f}\end{{aligned}}",
        _aligned(
            r"\Delta",
            [
                [r"(1 - e^{-\gamma \rho_x})", r"(1 - e^{-\gamma \rho_y})"],
                [rf"(1 - e^{{-{g} \cdot {p.rho_x:.4f}}})", rf"(1 - e^{{-{g} \cdot {p.rho_y:.4f}}})"],
                [f"{p.delta:.4f}"],
            ],
            per_line=1,
        ),
        _aligned(
            r"\Omega",
            [
                [r"(1 - e^{-\omega_w})^{\theta}", r"(1 - e^{-\omega_h})^{\theta}"],
                [rf"(1 - e^{{-{p.omega_w:.4f}}})^{{{p.theta:g}}}", rf"(1 - e^{{-{p.omega_h:.4f}}})^{{{p.theta:g}}}"],
                [f"{p.omega:.4f}"],
            ],
            per_line=1,
        ),
    ]


def descent_markers(land: Landscape, per_axis: int = 12, reversed_y: bool = False) -> dict[str, np.ndarray]:
    """The descent field: one arrow marker per point of a subsampled grid, pointing along ``-grad``.

    plotly.js 3.8 has no quiver trace; each arrow is one ``arrow`` marker turned to the descent direction
    (``angle``, degrees clockwise from screen up; ``reversed_y``: the y axis grows downwards) and sized by the
    gradient norm up to its 90th percentile (then saturated), so weak and strong regions stay readable. One point per
    arrow instead of a 6-point polyline: the field costs a quarter of the bytes on every rerun that moves a box.
    ``per_axis`` 12 (11 x 11 arrows on the default 64 grid): Plotly styles each marker apart, and 16 x 16 arrows on
    the two landscapes took ~120 ms of a redraw in Chromium, about as much as the rest of both plots.
    Points with an exactly zero gradient get no arrow (the IoU plateau shows as empty). float32 holds these world
    coordinates (0-100) to ~1e-5, far below a pixel.
    """
    n = len(land.xs)
    step = max(1, int(np.ceil(n / per_axis)))
    idx = np.arange(step // 2, n, step)
    gx = land.grad_x[np.ix_(idx, idx)].ravel()
    gy = land.grad_y[np.ix_(idx, idx)].ravel()
    xx, yy = np.meshgrid(land.xs[idx], land.ys[idx])
    x0, y0 = xx.ravel(), yy.ravel()
    norm = np.hypot(gx, gy)
    keep = (norm > 0) & np.isfinite(norm)
    if not keep.any():
        return {"x": np.empty(0, np.float32), "y": np.empty(0, np.float32), "angle": np.empty(0, np.float32),
                "size": np.empty(0, np.uint8)}  # fmt: skip
    gx, gy, x0, y0, norm = gx[keep], gy[keep], x0[keep], y0[keep], norm[keep]
    ref = float(np.quantile(norm, 0.9)) or float(norm.max())
    strength = np.minimum(1.0, norm / ref)
    spacing = float(land.xs[idx[1]] - land.xs[idx[0]]) if len(idx) > 1 else 1.0
    ux, uy = -gx / norm, -gy / norm
    centre = 0.4 * spacing * strength  # the marker's centre half its length down the descent direction
    angle = np.degrees(np.arctan2(ux, -uy if reversed_y else uy))
    return {"x": (x0 + ux * centre).astype(np.float32), "y": (y0 + uy * centre).astype(np.float32),
            "angle": angle.astype(np.float32), "size": np.rint(5 + 11 * strength).astype(np.uint8)}  # fmt: skip


@figure_builder
def landscape_figure(
    land: Landscape,
    name: str,
    current: Sequence[float],
    arrows: bool = True,
    height: int = 460,
) -> dict:
    """Heatmap of ``land.loss`` with the descent field, the ground truth and the current predicted box marked.

    ``current`` is the current box's ``(cx, cy)`` on the centre plane or ``(w, h)`` on the size plane. The grid and
    the values go as float32 (a loss shown to 4 decimals, coordinates to 0.1: float32 keeps ~7 digits), half the
    bytes of float64 on every landscape the page sends.
    """
    centre = land.plane == "centre"
    xlab, ylab = (t("iou.land.cx"), t("iou.land.cy")) if centre else (t("iou.land.w"), t("iou.land.h"))
    target_name, pred_name = t("iou.target"), t("iou.pred")
    data: list[dict] = [
        {
            "type": "heatmap",
            "x": land.xs.astype(np.float32),
            "y": land.ys.astype(np.float32),
            "z": land.loss.astype(np.float32),
            "colorscale": S.SEQUENTIAL,
            "colorbar": {"title": {"text": t("iou.land.loss", name=name)}},
            "hovertemplate": f"{xlab}=%{{x:.1f}}<br>{ylab}=%{{y:.1f}}<br>{name}=%{{z:.4f}}<extra></extra>",
            "name": name,
        }
    ]
    if arrows:
        field = descent_markers(land, reversed_y=centre)
        data.append(
            {
                "type": "scatter",
                "x": field["x"],
                "y": field["y"],
                "mode": "markers",
                "marker": {
                    "symbol": "arrow",
                    "angle": field["angle"],
                    "size": field["size"],
                    "color": ARROW_COLOR,
                    "line": {"width": 0},
                },
                "hoverinfo": "skip",
                "name": t("iou.land.descent"),
                "showlegend": False,
            }
        )
    tx1, ty1, tx2, ty2 = land.target
    shapes = []
    if centre:
        shapes.append({"type": "rect", "x0": tx1, "y0": ty1, "x1": tx2, "y1": ty2, "line": {"color": TARGET_COLOR}})
        target_pt = ((tx1 + tx2) / 2, (ty1 + ty2) / 2)
    else:
        target_pt = (tx2 - tx1, ty2 - ty1)
    for (px, py), label, symbol, color in (
        (target_pt, target_name, "star", TARGET_COLOR),
        (current, pred_name, "circle", PRED_COLOR),
    ):
        data.append(
            {
                "type": "scatter",
                "x": [float(px)],
                "y": [float(py)],
                "mode": "markers",
                "marker": {"symbol": symbol, "size": 13, "color": color, "line": {"color": "white", "width": 1.5}},
                "name": label,
                "hovertemplate": f"{label}: %{{x:.1f}}, %{{y:.1f}}<extra></extra>",
            }
        )
    fixed = land.fixed
    title = (
        t("iou.land.centre_title", name=name, w=fixed[0], h=fixed[1])
        if centre
        else t("iou.land.size_title", name=name, cx=fixed[0], cy=fixed[1])
    )
    x_range = [float(land.xs[0]), float(land.xs[-1])]
    y_range = [float(land.ys[0]), float(land.ys[-1])]
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 50, "b": 45},
        "legend": {"orientation": "h", "y": -0.15},
        "shapes": shapes,
        "xaxis": {"title": {"text": xlab}, "range": x_range, "constrain": "domain"},
        "yaxis": {
            "title": {"text": ylab},
            "range": y_range[::-1] if centre else y_range,
            "scaleanchor": "x",
            "constrain": "domain",
        },
    }
    return {"data": data, "layout": layout}


@figure_builder
def losses_bar_figure(rows: Sequence[LossRow], selected: str, height: int = 300) -> dict:
    """Every loss's value on the current pair as horizontal bars (names never cut), the selected one highlighted.

    The values are printed outside the bars; the axis leaves room for the longest one so no label is cut off.
    """
    colors = [PRED_COLOR if r.code == selected else PALETTE["muted"] for r in rows]
    top = max([r.value for r in rows] + [1.0])
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [r.name for r in rows],
            "x": [r.value for r in rows],
            "marker": {"color": colors},
            "text": [f"{r.value:.4f}" for r in rows],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:.6f}<extra></extra>",
        }
    ]
    layout = {
        "title": {"text": t("iou.bar.title"), "font": {"size": 14}},
        "height": max(height, 28 * len(rows) + 80),
        "margin": {"l": 70, "r": 10, "t": 40, "b": 40},
        "xaxis": {"title": {"text": t("common.loss")}, "range": [min(0.0, *(r.value for r in rows)), top * 1.35]},
        "yaxis": {"autorange": "reversed", "automargin": True},
    }
    return {"data": data, "layout": layout}


def canvas_view(code: str, name: str, geo: Geometry, row: LossRow, arrows: Sequence[Arrow], show: Sequence[str]):
    """What the box canvas draws besides the boxes: the world, translated labels, the palette, the core's geometry,
    the parts the loss reads, the descent arrows and the readout (keyword arguments of ``box_canvas``)."""
    labels = {w: t(f"iou.{w}") for w in ("pred", "target")} | {
        "enclose": t("iou.canvas.enclose"),
        "aspect": t("iou.canvas.aspect", v=geo.v),
        "canvas": t("iou.canvas.name"),
        "keys": t("iou.canvas.keys"),
    }
    overlay = {"enclose": geo.enclose, "inter": geo.inter_box, "centre": geo.centre, "centre_t": geo.centre_t}
    return {
        "world": WORLD,
        "min_size": MIN_SIZE,
        "labels": labels,
        "palette": PALETTE,
        "overlay": overlay | {"aspect": geo.aspect_angles},
        "show": dict.fromkeys(show, True),
        "arrows": [{"edge": a.edge, "x0": a.x0, "y0": a.y0, "x1": a.x1, "y1": a.y1} for a in arrows],
        "readout": t("iou.canvas.readout", name=name, value=row.value, iou=geo.iou),
    }


def loss_table(rows: Sequence[LossRow], decimals: int | None = None) -> pd.DataFrame:
    """Every loss's value, its derivatives w.r.t. the predicted box's edges and the options it was computed with.

    ``decimals``: ``None`` keeps the numbers (full precision, for the CSV); an integer writes the value and the four
    derivatives as text with that many decimals (the table as shown: a plain frame of text costs ``st.table`` ~1 ms,
    a pandas ``Styler`` doing the same ~30 ms). Built from one dict of columns (one pandas call, not one a column)."""
    num = (lambda v: v) if decimals is None else (lambda v: f"{v:.{decimals}f}")
    columns = {t("iou.table.loss"): [r.name for r in rows], t("iou.table.value"): [num(r.value) for r in rows]}
    columns |= {f"∂L/∂{edge}": [num(r.grad[i]) for r in rows] for i, edge in enumerate(EDGES)}
    columns[t("iou.table.options")] = [", ".join(f"{k}={v}" for k, v in r.options.items()) or "—" for r in rows]
    return pd.DataFrame(columns)
