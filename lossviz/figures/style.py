"""One palette and one set of layout defaults for every figure (Plotly charts and the box canvas).

Every colour here is chosen to read on both backgrounds the app can have: Streamlit's light theme (white) and its
dark theme (``#0e1117``); so a figure needs no light and dark copies. What does change with the theme (paper and
plot background, text, grid and axis lines) is in ``THEMES``; the in-place chart component
(``lossviz/components/plotly_chart.js``) applies the variant the browser is showing, so figure builders never set
those themselves.

Use it in a figure builder::

    from lossviz.figures import style as S

    {"line": {"color": S.PRED}}                       # the predicted box, in every figure and on the canvas
    {"line": {"color": S.LOSS["balanced_l1"]}}        # one colour per loss, the same on every page
    {"colorscale": S.SEQUENTIAL}                      # a magnitude (loss landscape, error map)
    {"colorscale": S.DIVERGING, "zmid": 0}            # a signed quantity (a gradient component)
    S.categorical(i)                                  # the i-th series when the series have no fixed meaning
"""

from __future__ import annotations

import functools
from typing import Any

# --------------------------------------------------------------------------------------------------- boxes
PRED = "#1f77b4"  # the predicted / moving box (blue)
TARGET = "#2ca02c"  # the ground truth (green)
ENCLOSE = "#8a8f98"  # the smallest enclosing box C (neutral grey)
INTERSECTION = "rgba(255, 193, 7, 0.45)"  # the overlap of the two boxes (amber, translucent)
CENTRE_DISTANCE = "#d62728"  # ρ, the distance between the centres
DIAGONAL = "#ff7f0e"  # c, the diagonal of C
GRADIENT = "#c2185b"  # gradient arrows and gradient bars (magenta: distinct from every box colour)
GROUND_TRUTH = TARGET  # the same role under the name the detection papers use
PREDICTION = PRED


# --------------------------------------------------------------------------------------------------- roles
INK = "#8a8f98"  # neutral lines and markers that must read on white and on near-black ("the current value")
MUTED = "#b0b5bd"  # de-emphasised bars and series (the unselected ones)
POSITIVE = "#2ca02c"  # positives, inliers, "good"
NEGATIVE = "#d62728"  # negatives, "bad"
IGNORED = "#8a8f98"  # ignored samples
INLIER = "#2ca02c"
OUTLIER = "#ff7f0e"
WARNING = "#ff9f40"
REFERENCE = "#8a8f98"  # reference and threshold lines: a split at ±β, paper value, COCO size borders, bucket edges
TEXT_MUTED = "#8a8f98"  # secondary text drawn in a figure (a note that a curve is clipped); reads on both themes
#: Background of a label drawn over curves. Written for the light page; the chart component swaps it for the dark
#: theme's ``legend_bg`` on a dark page (as it does for legends), so builders use this one value.
LABEL_BG = "rgba(255, 255, 255, 0.8)"
HIGHLIGHT = "#00e5ff"  # the current / selected / queried point drawn over a colour map (cyan: not in Viridis/RdBu)
OVERLAY = "rgba(255, 255, 255, 0.85)"  # arrows or lines drawn on top of a dark colour map (a landscape's field)
DISTRIBUTION = "#8fb8de"  # a histogram of the data itself (box counts), behind the series computed from it
UNCERTAINTY = "#9467bd"  # an uncertainty / entropy curve beside a loss
#: Three levels of "how bad": below a threshold, between, above (e.g. a negative's IoU: easy, harder, hard).
SEVERITY = ("#c7c7c7", WARNING, NEGATIVE)
#: The negative samplers of Libra R-CNN's page: the whole pool, random, hard mining, IoU-balanced (paper, mmdet).
SAMPLER = {"all": "#bbbbbb", "random": "#1f77b4", "hard": "#d62728", "paper": "#2ca02c", "mmdet": "#9467bd"}

# --------------------------------------------------------------------------------------------------- losses
# One colour per loss, the same on every page (regression curves, box-size sweeps, simulation curves, tables).
# Unique within a family (LOSS_FAMILY); IoU-family colours follow the DIoU paper's figure (IoU black -> grey here,
# GIoU blue, DIoU red, CIoU cyan). A chart mixing families (Box size) tells them apart by FAMILY_DASH as well.
LOSS = {
    "l1": "#8a8f98",
    "l2": "#9467bd",
    "smooth_l1": "#1f77b4",
    "balanced_l1": "#d62728",
    "iou": "#8a8f98",
    "giou": "#3b6fe0",
    "diou": "#d62728",
    "ciou": "#17becf",
    "eiou": "#ff7f0e",
    "siou": "#9467bd",
    "alpha_iou": "#8c564b",
    "wiou": "#e377c2",
    "nwd": "#bcbd22",
    "cbbl": "#2ca02c",
    "dfl": "#ff7f0e",
    "ce": "#1f77b4",
    "focal": "#d62728",
}

#: The families whose losses are shown together, each with distinct colours (tests/test_figures_valid.py checks).
LOSS_FAMILY = {
    "delta": ("l1", "l2", "smooth_l1", "balanced_l1"),
    "box": ("iou", "giou", "diou", "ciou", "eiou", "siou", "alpha_iou", "wiou", "nwd"),
    "distribution": ("cbbl", "dfl"),
    "classification": ("ce", "focal"),
}
#: Line dash per family, for a chart that mixes families (NWD keeps "dash" within the box family where it is shown).
FAMILY_DASH = {"delta": "dashdot", "box": "solid", "distribution": "dot", "classification": "solid"}


def loss_color(code: str) -> str:
    """The colour of a loss by its code (``"smooth_l1"``) or display name (``"Smooth L1"``, ``"α-IoU"``)."""
    key = code.lower().replace(" ", "_").replace("-", "_").replace("α", "alpha")
    return LOSS[key]


def shade(color: str, alpha: float) -> str:
    """``color`` (``#rrggbb``) as ``rgba(...)`` with opacity ``alpha``: a ramp of one loss's colour (a sweep)."""
    h = color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha:.2f})"


def ramp(color: str, k: int, lo: float = 0.35) -> list[str]:
    """``k`` shades of ``color`` from faint (opacity ``lo``) to full: a swept parameter, darker = larger."""
    return [shade(color, lo + (1 - lo) * (i / max(1, k - 1))) for i in range(k)]


# Series without a fixed meaning (γ values, runs, samplers): Plotly's D3/Tableau-10, readable on both themes.
CATEGORICAL = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf")  # fmt: skip


def categorical(i: int) -> str:
    """The ``i``-th categorical colour (cycling)."""
    return CATEGORICAL[i % len(CATEGORICAL)]


# --------------------------------------------------------------------------------------------------- scales
SEQUENTIAL = "Viridis"  # magnitudes: perceptually uniform, readable on both themes
# Signed values around 0 (pass zmid=0): blue negative, red positive. An explicit list, not a name: the figure dicts go
# to plotly.js, which does not know plotly.py's "RdBu_r" (this is that scale).
_RDBU_R = ("rgb(5,48,97)", "rgb(33,102,172)", "rgb(67,147,195)", "rgb(146,197,222)", "rgb(209,229,240)")
_RDBU_R += ("rgb(247,247,247)", "rgb(253,219,199)", "rgb(244,165,130)", "rgb(214,96,77)")
_RDBU_R += ("rgb(178,24,43)", "rgb(103,0,31)")
DIVERGING = [[i / 10, c] for i, c in enumerate(_RDBU_R)]
HEAT = "Reds"  # a count or share shown as a table heat map (text on the cells)
HEAT_COOL = "Blues"

# --------------------------------------------------------------------------------------------------- themes
# What changes with the theme. The component reads which one the browser shows (Streamlit's own CSS variables, else
# prefers-color-scheme) and overrides these in the figure's template; backgrounds follow Streamlit's.
THEMES: dict[str, dict[str, str]] = {
    "light": {"paper": "#ffffff", "plot": "#ffffff", "text": "#31333f", "grid": "#e5e7eb", "line": "#b0b5bd",
              "legend_bg": "rgba(255, 255, 255, 0.8)", "hover_bg": "#ffffff"},
    "dark": {"paper": "#0e1117", "plot": "#0e1117", "text": "#fafafa", "grid": "#2b303b", "line": "#4b515e",
             "legend_bg": "rgba(14, 17, 23, 0.8)", "hover_bg": "#262730"},
}  # fmt: skip

#: The box canvas's colours (``box_canvas(..., palette=style.CANVAS)``; set as ``--bc-<name>`` CSS properties, so
#: box_canvas.css holds no colour of its own), the same as the charts' boxes. ``text``, ``frame`` and ``paper`` are
#: used only where Streamlit's theme variables are missing: the light theme's.
CANVAS = {
    "pred": PRED,
    "target": TARGET,
    "c": DIAGONAL,
    "rho": CENTRE_DISTANCE,
    "arrow": GRADIENT,
    "muted": MUTED,
    "enclose": ENCLOSE,
    "inter": INTERSECTION,
    "text": THEMES["light"]["text"],
    "frame": THEMES["light"]["grid"],
    "paper": THEMES["light"]["paper"],
}

FONT_FAMILY = '"Source Sans Pro", "Source Sans 3", sans-serif'


def layout(**overrides: Any) -> dict[str, Any]:
    """The shared layout defaults of a figure (a fresh dict; ``overrides`` are merged on top, one level deep).

    Colours that depend on the theme (backgrounds, text, grid) are left to the template and the component.
    """
    base: dict[str, Any] = {
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "hovermode": "closest",
        "legend": {"bgcolor": "rgba(0,0,0,0)"},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


@functools.cache
def _template() -> dict:
    import plotly.io as pio

    tpl = pio.templates["plotly_white"].to_plotly_json()
    light = THEMES["light"]
    tpl["layout"]["colorway"] = list(CATEGORICAL)
    tpl["layout"]["font"] = {**tpl["layout"].get("font", {}), "family": FONT_FAMILY, "color": light["text"]}
    tpl["layout"]["paper_bgcolor"] = light["paper"]
    tpl["layout"]["plot_bgcolor"] = light["plot"]
    return tpl


def template() -> dict:
    """The one Plotly template (``plotly_white`` with our colourway and font) as the dict ``go.Figure`` would inline.

    Returns a shared dict: do not mutate it (the component patches its own copy for the dark theme).
    """
    return _template()
