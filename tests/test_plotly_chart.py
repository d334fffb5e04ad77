"""plotly_chart without a browser: what the component receives (AppTest on a demo app) and how a figure is packed."""

import base64
import json
import pickle
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from lossviz import i18n
from lossviz.components import plotly_chart as pc
from lossviz.components import served
from lossviz.figures import style

DEMO = Path(__file__).resolve().parent / "apps" / "plotly_chart_demo.py"


def _demo(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(DEMO), default_timeout=30)
    if query:
        at.query_params.update(query)
    return at.run()


def _chart(at: AppTest):
    charts = at.get("bidi_component")
    assert len(charts) == 1
    return charts[0].proto


def _data(at: AppTest) -> dict:
    proto = _chart(at)
    assert proto.WhichOneof("data") == "json"
    return json.loads(proto.json)


def _decode(array) -> np.ndarray:
    """A plotly JSON array: a plain list or a base64 typed array ({"dtype": "f8", "bdata": ...})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array)


def test_demo_renders_one_chart_component_holding_the_figure_json():
    at = _demo()
    assert not at.exception
    proto = _chart(at)
    assert proto.component_name == "lossviz_plotly_chart"
    assert "import(" in proto.js_content  # the loader of the served chart module
    data = _data(at)
    assert data["module"] == pc.module_url()
    figure = json.loads(data["figure"])
    assert figure["layout"]["title"]["text"] == "scatter, shift = 0"
    (trace,) = figure["data"]
    assert trace["type"] == "scatter"
    x, y = _decode(trace["x"]), _decode(trace["y"])
    np.testing.assert_allclose(y, np.sin(x))
    assert data["uirevision"] == "scatter"
    assert data["height"] == 400
    assert data["src"] == pc.PLOTLY_JS_URL
    assert data["base"] == "/"  # server.baseUrlPath, the JavaScript's fallback for resolving src
    assert data["config"]["toImageButtonOptions"]["filename"] == "demo_chart"


def test_moving_the_slider_updates_the_data_of_the_same_element():
    at = _demo()
    before_id, before = _chart(at).id, _data(at)
    at.slider(key="demo_shift").set_value(2.5).run()
    assert not at.exception
    after = _data(at)
    assert _chart(at).id == before_id  # same element: the browser updates it in place instead of remounting
    figure = json.loads(after["figure"])
    assert figure["layout"]["title"]["text"] == "scatter, shift = 2.5"
    x, y = _decode(figure["data"][0]["x"]), _decode(figure["data"][0]["y"])
    np.testing.assert_allclose(y, np.sin(x + 2.5))
    assert after["figure"] != before["figure"]
    assert after["uirevision"] == before["uirevision"]  # so the zoom is kept


@pytest.mark.parametrize("kind", ["heatmap", "contour", "bar"])
def test_other_trace_types_reach_the_component(kind):
    at = _demo({"demo_kind": kind})
    assert not at.exception
    figure = json.loads(_data(at)["figure"])
    assert figure["data"][0]["type"] == kind
    assert _data(at)["uirevision"] == kind


def test_the_payload_is_the_figure_not_plotly_js():
    """plotly.js (megabytes) is fetched once by the browser; each rerun sends only the small JS and the figure."""
    at = _demo()
    proto = _chart(at)
    assert len(proto.js_content) < 20_000  # our loader, not plotly.js
    assert len(proto.json) < 50_000
    assert (pc._PLOTLY_DIR / pc._PLOTLY_FILE).stat().st_size > 1_000_000


def test_the_served_plotly_js_is_the_one_the_plotly_package_ships():
    path = pc._PLOTLY_DIR / pc._PLOTLY_FILE
    assert path.is_file()
    assert pc.PLOTLY_JS_URL == f"component/lossviz.components.served.plotly_js/{pc._PLOTLY_FILE}"
    header = path.read_text(encoding="utf-8", errors="replace")[:200]
    assert re.search(r"plotly\.js v\d+\.\d+\.\d+", header)


def test_numpy_arrays_are_sent_as_typed_arrays():
    z = np.arange(12, dtype=np.float64).reshape(3, 4)
    data = pc.figure_payload(go.Figure(go.Heatmap(z=z)), key="t_heat")
    trace = json.loads(data["figure"])["data"][0]
    assert "bdata" in trace["z"]
    np.testing.assert_array_equal(_decode(trace["z"]).reshape(3, 4), z)


def test_a_dict_figure_is_accepted_and_its_height_used():
    fig = {"data": [{"type": "bar", "x": [1, 2], "y": [3, 4]}], "layout": {"height": 300}}
    data = pc.figure_payload(fig, key="t_dict")
    assert json.loads(data["figure"])["data"][0]["y"] == [3, 4]
    assert data["height"] == 300
    assert pc.figure_payload(fig, key="t_dict", height=520)["height"] == 520
    assert pc.figure_payload(go.Figure(), key="t_empty")["height"] == pc.DEFAULT_HEIGHT


def test_uirevision_defaults_to_the_key_and_can_be_given():
    assert pc.figure_payload(go.Figure(), key="reg_curves")["uirevision"] == "reg_curves"
    assert pc.figure_payload(go.Figure(), key="reg_curves", uirevision="giou")["uirevision"] == "giou"


def test_the_camera_button_stays_names_the_png_and_nothing_uploads_to_the_cloud():
    config = {"modeBarButtonsToRemove": ["toImage", "lasso2d"], "displayModeBar": False, "scrollZoom": True}
    data = pc.figure_payload(go.Figure(), key="iou/landscape 1", config=config)
    assert data["config"]["modeBarButtonsToRemove"] == ["lasso2d"]
    assert data["config"]["displayModeBar"] == "hover"
    assert data["config"]["scrollZoom"] is True
    assert data["config"]["displaylogo"] is False
    assert (
        pc.figure_payload(go.Figure(), key="k", config={"showSendToCloud": True})["config"]["showSendToCloud"] is False
    )
    assert data["config"]["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "iou_landscape_1"}
    named = pc.figure_payload(
        go.Figure(), key="k", filename="giou_field", config={"toImageButtonOptions": {"scale": 1}}
    )
    assert named["config"]["toImageButtonOptions"] == {"format": "png", "scale": 1, "filename": "giou_field"}


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"key": ""}, "key"),
        ({"key": None}, "key"),
        ({"key": "k", "height": 0}, "height"),
        ({"key": "k", "height": -10}, "height"),
        ({"key": "k", "height": 2.5}, "height"),
        ({"key": "k", "height": True}, "height"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        pc.figure_payload(go.Figure(), **kwargs)


@pytest.mark.parametrize("fig", [None, [1, 2], "figure", {"data": [], "bogus": 1}])
def test_a_non_figure_raises_value_error(fig):
    with pytest.raises(ValueError, match="fig"):
        pc.figure_payload(fig, key="k")


def test_the_load_error_message_is_translated():
    token = i18n._current.set("zh")
    try:
        message = pc.figure_payload(go.Figure(), key="k")["error"]
    finally:
        i18n._current.reset(token)
    assert message == i18n.t("common.error", lang="zh", msg="{msg}")
    assert "{msg}" in message
    assert message != pc.figure_payload(go.Figure(), key="k")["error"]


@pytest.mark.parametrize(("option", "expected"), [("", "/"), ("lossviz", "/lossviz/"), ("/a/b/", "/a/b/")])
def test_the_base_path_follows_server_base_url_path(monkeypatch, option, expected):
    real = served.st_config.get_option
    monkeypatch.setattr(
        served.st_config, "get_option", lambda name: option if name == "server.baseUrlPath" else real(name)
    )
    assert pc.figure_payload(go.Figure(), key="k")["base"] == expected


def test_the_payload_carries_the_palette_themes_and_the_png_caption():
    from lossviz.figures import style

    data = pc.figure_payload({"data": [], "layout": {}}, "k", caption="α = 0.5")
    assert data["theme"] == style.THEMES
    assert set(data["theme"]) == {"light", "dark"}
    assert data["caption"] == "α = 0.5"
    assert data["png_title"] == i18n.t("common.download_png")


def test_the_component_reads_no_streamlit_internals_and_ships_no_test_hooks():
    js = (Path(pc.__file__).parent / "plotly_chart.js").read_text(encoding="utf-8") + served.LOADER
    for internal in ("data-testid", "static/js/index", "stApp", "document.querySelector(", "ReceivedAt", "__test"):
        assert internal not in js, internal


def test_a_rerun_carries_a_small_loader_not_the_component_source_and_the_module_holds_the_template():
    """Issue 15: the component's 15 kB source rode in every chart's message of every rerun. Now a ~1.5 kB loader
    imports the served module (once per page), which carries the shared template that figures no longer repeat."""
    at = _demo()
    proto = _chart(at)
    assert len(proto.js_content) < 2_000
    folder, name = pc._module_file()
    served = (folder / name).read_text(encoding="utf-8")
    assert "Plotly.react" in served and pc._TEMPLATE_SLOT not in served
    assert json.dumps(style.template()["layout"]["colorway"], separators=(",", ":")) in served
    assert pc.module_url() == f"component/lossviz.components.served.chart_module/{name}"
    assert re.fullmatch(r"plotly_chart\.[0-9a-f]{12}\.js", name)  # named by content: never a stale cached copy


def test_the_shared_template_is_left_out_of_a_dict_figure_and_named_instead():
    fig = {"data": [{"type": "scatter", "x": np.arange(3.0), "y": np.arange(3.0)}],
           "layout": {"height": 320, "template": style.template()}}  # fmt: skip
    data = pc.figure_payload(fig, key="k")
    assert data["template"] == pc.SHARED_TEMPLATE
    assert "template" not in json.loads(data["figure"])["layout"]
    assert data["height"] == 320
    assert "template" in fig["layout"]  # the caller's dict is left as it was
    own = {"data": [], "layout": {"template": {"layout": {"font": {"size": 20}}}}}
    data = pc.figure_payload(own, key="k")
    assert data["template"] is None
    assert json.loads(data["figure"])["layout"]["template"] == own["layout"]["template"]


def test_float64_goes_as_float32_only_where_float32_holds_it_exactly():
    """Half the bytes for grids and counts; computed values keep every digit a hover label may print."""
    exact = np.linspace(-3.0, 3.0, 25)  # steps of 0.25
    computed = np.log1p(np.linspace(0.0, 3.0, 601))
    fig = {"data": [{"type": "scatter", "x": exact, "y": computed}], "layout": {}}
    trace = json.loads(pc.figure_payload(fig, key="k")["figure"])["data"][0]
    assert trace["x"]["dtype"] == "f4" and trace["y"]["dtype"] == "f8"
    np.testing.assert_array_equal(_decode(trace["x"]).astype(np.float64), exact)
    np.testing.assert_array_equal(_decode(trace["y"]), computed)
    assert all(f"{a:.6g}" == f"{b:.6g}" for a, b in zip(_decode(trace["y"]), computed, strict=True))


def test_a_prepared_figure_is_sent_without_serialising_it_again(monkeypatch):
    fig = {"data": [{"type": "bar", "x": [1, 2], "y": [3, 4]}], "layout": {"height": 280, "template": style.template()}}
    prepared = pc.prepare(fig)
    assert pc.prepare(prepared) is prepared

    def boom(_fig):
        raise AssertionError("serialised again")

    monkeypatch.setattr(pc, "_dict_json", boom)
    data = pc.figure_payload(prepared, key="k")
    assert data["figure"] == prepared.json and data["height"] == 280 and data["template"] == pc.SHARED_TEMPLATE
    assert pickle.loads(pickle.dumps(prepared)) == prepared  # what st.cache_data stores


@pytest.mark.parametrize("component", ["plotly_chart", "box_canvas"])
def test_the_served_folders_are_declared_only_while_the_runtime_lacks_them(monkeypatch, component):
    """declare_component costs milliseconds (inspect.getmodule on its caller) and ran on every chart and canvas of
    every rerun; both components serve their browser modules through lossviz.components.served."""
    import os
    from types import SimpleNamespace

    declared = []
    from lossviz.components import box_canvas as bc

    monkeypatch.setattr(served.components_v1, "declare_component", lambda name, path: declared.append(name))
    registered: dict[str, str] = {}
    registry = SimpleNamespace(get_component_path=registered.get)
    monkeypatch.setattr(served, "get_runtime", lambda: SimpleNamespace(component_registry=registry))
    if component == "plotly_chart":
        folders = {pc._SERVED_NAME: pc._PLOTLY_DIR, pc._MODULE_NAME: pc._module_file()[0]}
        declare = pc._declare_plotly_js
    else:
        folders = {bc._SERVED_NAME: bc._JS_DIR}
        declare = lambda: served.serve(bc._SERVED_NAME, bc._JS_DIR)  # noqa: E731 (what box_canvas() calls)
    declare()
    assert declared == list(folders)
    registered.update({f"{served.__name__}.{n}": os.path.abspath(f) for n, f in folders.items()})
    declared.clear()
    declare()
    assert declared == []
