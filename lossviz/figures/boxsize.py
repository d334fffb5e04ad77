"""Plotly figures of the Box-size page: gradient against object size, IoU against NWD, (C-BBL/DFL reuse the
regression page's distribution figures). Built as plain dicts (see ``figures/_dict.py``)."""

from __future__ import annotations

import numpy as np

from lossviz.analysis.boxsize import DIST_LOSSES, LOSS_CODES, NwdCurves, SizeSweep
from lossviz.figures import style as S
from lossviz.figures._dict import figure_builder
from lossviz.i18n import t

#: One colour per loss: the app's palette (``style.LOSS``), the same as on every other page.
COLORS = {name: S.LOSS[code] for code, name in LOSS_CODES.items()}
#: One dash per family (style.FAMILY_DASH; NWD dashed within the box family): the chart mixes families whose paper
#: colours coincide (Balanced L1 and DIoU red, Smooth L1 and GIoU blue, L1 and IoU grey), so the dash tells them apart.
_FAMILY = {code: fam for fam, codes in S.LOSS_FAMILY.items() for code in codes}
DASH = {name: "dash" if code == "nwd" else S.FAMILY_DASH[_FAMILY[code]] for code, name in LOSS_CODES.items()}
#: NWD's definition as the page writes it under its chart.
NWD_LATEX = (r"W_2^2 = \|c_1 - c_2\|^2 + \tfrac{(w_1 - w_2)^2 + (h_1 - h_2)^2}{4},\qquad"
             r"\mathrm{NWD} = e^{-W_2 / C},\qquad L_{\mathrm{NWD}} = 1 - \mathrm{NWD}")  # fmt: skip


def ratio_table(sweep: SizeSweep, names, small: float, large: float):
    """The small/large table (a pandas DataFrame, translated headers, 4 significant digits as text; a dash where a
    loss has no per-pixel gradient, never "None")."""
    import pandas as pd

    rows = [
        {
            t("bs.size.col.loss"): n,
            t("bs.size.col.px_small", w=int(small)): sweep.at("pixel", n, small),
            t("bs.size.col.px_large", w=int(large)): sweep.at("pixel", n, large),
            t("bs.size.col.px_ratio"): sweep.ratio("pixel", n),
            t("bs.size.col.enc_ratio"): sweep.ratio("encoded", n),
        }
        for n in names
    ]
    return pd.DataFrame(rows).map(lambda v: v if isinstance(v, str) else ("—" if v != v else f"{v:.4g}"))


def _axis_title(text: str) -> dict:
    return {"text": text}


def _positive(y: np.ndarray) -> np.ndarray:
    """A log axis cannot show 0: exact zeros (IoU of touching or disjoint boxes has no gradient) become gaps."""
    return np.where(np.asarray(y) > 0, y, np.nan)


@figure_builder
def size_figure(sweep: SizeSweep, names: tuple[str, ...], height: int = 680) -> dict:
    """Top: |∂L/∂pixel| against w. Bottom: |∂L/∂T| (delta and box losses) and max|∂L/∂logit| (distribution
    losses, bounded by 1). Log-log, shared x; a zero gradient is a gap in its curve."""
    hover = "w = %{x:.4g} px<br>%{fullData.name}: %{y:.4g}<extra></extra>"
    traces = []
    for name in names:
        style = {"color": COLORS[name], "dash": DASH.get(name, "solid"), "width": 2}
        if name not in DIST_LOSSES:
            traces.append(
                {
                    "type": "scatter",
                    "x": sweep.sizes,
                    "y": _positive(sweep.grad_pixel[name]),
                    "name": name,
                    "legendgroup": name,
                    "line": style,
                    "hovertemplate": hover,
                    "xaxis": "x",
                    "yaxis": "y",
                }
            )
        traces.append(
            {
                "type": "scatter",
                "x": sweep.sizes,
                "y": _positive(sweep.grad_encoded[name]),
                "name": name if name in DIST_LOSSES else f"{name} (T)",
                "legendgroup": name,
                "showlegend": name in DIST_LOSSES,
                "line": style,
                "hovertemplate": hover,
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    axis = {"type": "log", "range": [np.log10(sweep.sizes[0]), np.log10(sweep.sizes[-1])]}
    ticks = {"tickvals": [2, 8, 32, 128, 512, 1024], "ticktext": ["2", "8", "32", "128", "512", "1024"]}
    layout = {
        "height": height,
        "hovermode": "closest",
        "margin": {"l": 70, "r": 20, "t": 40, "b": 60},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {**axis, **ticks, "domain": [0, 1], "anchor": "y", "matches": "x2", "showticklabels": False},
        "xaxis2": {**axis, **ticks, "domain": [0, 1], "anchor": "y2", "title": _axis_title(t("bs.size.axis.w"))},
        "yaxis": {
            "type": "log",
            "domain": [0.55, 1],
            "title": _axis_title(t("bs.size.axis.pixel")),
            "exponentformat": "power",
        },
        "yaxis2": {
            "type": "log",
            "domain": [0, 0.45],
            "title": _axis_title(t("bs.size.axis.encoded")),
            "exponentformat": "power",
        },
        "shapes": [
            {
                "type": "line",
                "x0": w,
                "x1": w,
                "y0": 0,
                "y1": 1,
                "xref": "x2",
                "yref": "paper",
                "line": {"color": S.INK, "dash": "dot", "width": 1},
            }
            for w in (32.0, 96.0)  # COCO's small / medium / large borders
        ],
        "annotations": [],
    }
    return {"data": traces, "layout": layout}


@figure_builder
def nwd_figure(curves: NwdCurves, height: int = 420) -> dict:
    """IoU (solid) and NWD (dashed) of two equal squares against their offset, one colour per size."""
    hover = "Δ = %{x:.3g} px<br>%{fullData.name}: %{y:.4f}<extra></extra>"
    traces = []
    for i, w in enumerate(curves.sizes):
        color = S.categorical(i)  # sizes are series without a fixed meaning
        traces.append(
            {
                "type": "scatter",
                "x": curves.offsets,
                "y": curves.iou[w],
                "name": f"IoU, w = {w:g} px",
                "line": {"color": color},
                "hovertemplate": hover,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": curves.offsets,
                "y": curves.nwd[w],
                "name": f"NWD, w = {w:g} px",
                "line": {"color": color, "dash": "dash"},
                "hovertemplate": hover,
            }
        )
    layout = {
        "height": height,
        "hovermode": "x unified",
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"title": _axis_title(t("bs.nwd.axis.offset")), "rangemode": "tozero"},
        "yaxis": {"title": _axis_title(t("bs.nwd.axis.similarity")), "range": [0, 1.03]},
    }
    return {"data": traces, "layout": layout}
