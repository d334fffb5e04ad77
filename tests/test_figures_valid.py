"""Every chart a page sends is a valid Plotly figure, and the fast dict encoder writes what plotly itself writes.

The pages hand plain dicts to ``plotly_chart`` to skip plotly's validation on every rerun; plotly.js silently
ignores a misspelt property, so these tests run plotly's validation on exactly what each page sends.
"""

import base64
import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz.components.plotly_chart import _dict_json

FIGURES = Path(__file__).resolve().parents[1] / "lossviz" / "figures"

VIEWS = [
    ("regression", {}),
    ("regression", {"reg_beta": "1.5", "reg_family": "γ"}),
    ("iou", {}),
    ("classification", {"cls_panel": "Focal loss"}),
    ("classification", {"cls_panel": "Class-balanced"}),
    ("classification", {"cls_panel": "GHM-C"}),
    ("classification", {"cls_panel": "AP-loss"}),
]


def _sent_figures(at) -> list[dict]:
    figures = []
    for chart in at.main.get("bidi_component"):
        if chart.proto.WhichOneof("data") != "json":
            continue
        data = json.loads(chart.proto.json)
        if "figure" in data:
            figures.append(json.loads(data["figure"]))
    return figures


@pytest.mark.parametrize(("page", "query"), VIEWS)
def test_every_chart_a_page_sends_passes_plotly_validation(app, page, query):
    at = app(page, query)
    assert not at.exception
    figures = _sent_figures(at)
    assert figures, f"{page} sent no chart"
    for fig in figures:
        go.Figure(fig)  # raises ValueError naming any invalid property
        assert fig["data"], "a chart with no trace"


def test_validation_would_catch_a_misspelt_property():
    with pytest.raises(ValueError, match="markr"):
        go.Figure(json.loads(_dict_json({"data": [{"type": "scatter", "x": np.arange(3.0), "markr": {}}]})))


ARRAYS = {
    "float64": np.linspace(0, 1, 5),
    "float32": np.linspace(0, 1, 5, dtype=np.float32),
    "int64 small": np.arange(5),
    "int64 large": np.array([0, 70_000]),
    "negative": np.array([-3, 2]),
    "uint8": np.arange(3, dtype=np.uint8),
    "2-D": np.arange(6.0).reshape(2, 3),
    "NaN inside": np.array([1.0, np.nan]),
    "empty": np.array([]),
    "strings": np.array(["a", "b"]),
    "bools": np.array([True, False]),
}


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_dict_encoder_writes_arrays_as_plotly_does(name):
    arr = ARRAYS[name]
    prop = "z" if arr.ndim == 2 else "x"
    trace = {"type": "heatmap" if arr.ndim == 2 else "scatter", prop: arr}
    fig = {"data": [trace], "layout": {"title": {"text": name}}}
    ours = json.loads(_dict_json(fig))["data"][0][prop]
    plotly = json.loads(go.Figure(fig).to_json(validate=False))["data"][0][prop]
    if isinstance(plotly, dict) and plotly["dtype"] == "f8" and ours["dtype"] == "f4":
        # our one difference: float64 that float32 holds exactly goes as float32 (half the bytes, the same numbers)
        assert np.array_equal(_decoded(ours), _decoded(plotly), equal_nan=True)
        assert ours.get("shape") == plotly.get("shape")
    else:
        assert ours == plotly


def _decoded(spec: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"])).astype(np.float64)


def test_dict_encoder_falls_back_to_plotly_for_what_plain_json_cannot_carry():
    fig = {"data": [{"type": "scatter", "x": [1.0, float("nan")], "y": (1, 2), "name": np.float64(2.5)}], "layout": {}}
    assert json.loads(_dict_json(fig))["data"][0]["x"] == [1.0, None]


# --------------------------------------------------------------------------------------------- one palette (issue 14)
COLOUR_LITERAL = re.compile(r"""["'](#[0-9a-fA-F]{3,8}|rgba?\([^"']*\))["']""")


@pytest.mark.parametrize("module", sorted(p.name for p in FIGURES.glob("*.py") if p.name != "style.py"))
def test_no_figure_module_but_style_holds_a_colour_literal(module):
    """lossviz/figures/style.py is the one source of colours: every figure module (all of them, whoever maintains
    it) names a role (style.PRED, style.LOSS[code], style.REFERENCE, ...) instead of writing a hex or rgb() colour."""
    source = (FIGURES / module).read_text(encoding="utf-8")
    found = [(n, m.group(1)) for n, line in enumerate(source.splitlines(), 1) for m in COLOUR_LITERAL.finditer(line)]
    assert not found, f"{module}: colour literals (line, value) {found}: use a role of lossviz/figures/style.py"


def test_the_literal_scan_finds_what_it_looks_for():
    line = 'x = {"color": "#1f77b4", "bgcolor": "rgba(255,255,255,0.8)", "fill": "#fff", "text": "#3 of 5"}'
    assert [m.group(1) for m in COLOUR_LITERAL.finditer(line)] == ["#1f77b4", "rgba(255,255,255,0.8)", "#fff"]


def test_each_loss_family_has_distinct_colours_and_every_colour_reads_on_both_themes():
    from lossviz.figures import style

    for family, codes in style.LOSS_FAMILY.items():
        colours = [style.LOSS[c] for c in codes]
        assert len(set(colours)) == len(colours), family
    assert set(style.FAMILY_DASH) == set(style.LOSS_FAMILY)

    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    roles = [style.PRED, style.TARGET, style.ENCLOSE, style.REFERENCE, style.TEXT_MUTED, style.HIGHLIGHT,
             style.GRADIENT, style.POSITIVE, style.NEGATIVE, style.UNCERTAINTY, *style.LOSS.values()]  # fmt: skip
    for colour in roles:  # neither white-on-white nor black-on-near-black
        assert 0.08 < luminance(colour) < 0.9, colour
    assert style.ramp(style.LOSS["balanced_l1"], 3) == [
        "rgba(214, 39, 40, 0.35)", "rgba(214, 39, 40, 0.68)", "rgba(214, 39, 40, 1.00)"]  # fmt: skip
    assert style.loss_color("Smooth L1") == style.LOSS["smooth_l1"]
    assert style.loss_color("α-IoU") == style.LOSS["alpha_iou"]


def test_the_canvas_palette_names_the_canvas_css_variables():
    from lossviz.figures import style

    # The canvas draws only with the colours Python sends (style.CANVAS, set as --bc-<name>), plus the label
    # colours its CSS mixes from them (--bc-label-*), and every colour sent is used.
    components = FIGURES.parent / "components"
    code = (components / "box_canvas.css").read_text(encoding="utf-8")
    code += (components / "box_canvas_js" / "box_canvas.js").read_text(encoding="utf-8")
    used = set(re.findall(r"var\(--bc-([a-z]+)", code)) - {"label"}
    assert used == set(style.CANVAS), used ^ set(style.CANVAS)


def test_colour_scales_are_ones_plotly_js_knows():
    # The figure dicts go to plotly.js untouched: a scale must be one of its names or an explicit list ("RdBu_r" is a
    # plotly.py name that plotly.js does not know, and it silently draws its default scale instead).
    from lossviz.figures import style as S

    plotly_js_names = {"Viridis", "Reds", "Blues", "Greys", "YlGnBu", "Greens", "YlOrRd", "Bluered", "RdBu", "Picnic"}
    plotly_js_names |= {"Rainbow", "Portland", "Jet", "Hot", "Blackbody", "Earth", "Electric", "Cividis"}
    for name in ("SEQUENTIAL", "DIVERGING", "HEAT", "HEAT_COOL"):
        scale = getattr(S, name)
        if isinstance(scale, str):
            assert scale in plotly_js_names, f"style.{name} = {scale!r} is not a plotly.js colour scale"
        else:
            assert scale[0][0] == 0 and scale[-1][0] == 1 and all(isinstance(c, str) for _, c in scale), name
