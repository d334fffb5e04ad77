"""Every chart a page sends is a valid Plotly figure, and the fast dict encoder writes what plotly itself writes.

The pages hand plain dicts to ``plotly_chart`` to skip plotly's validation on every rerun; plotly.js silently
ignores a misspelt property, so these tests run plotly's validation on exactly what each page sends.
"""

import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz.components.plotly_chart import _dict_json

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
