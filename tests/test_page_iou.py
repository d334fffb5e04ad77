"""The IoU page in AppTest: the canvas's state set as the browser would set it, every loss shown, URL in and out,
bad input refused with a notice, never a traceback."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
import torch

from lossviz import i18n, losses
from lossviz.analysis import iou as A

PRED_KEYS = ("iou_px1", "iou_py1", "iou_px2", "iou_py2")
TARGET_KEYS = ("iou_gx1", "iou_gy1", "iou_gx2", "iou_gy2")


def core(code, pred, target, **opts):
    p = torch.tensor(np.asarray([pred], dtype=np.float64))
    g = torch.tensor(np.asarray([target], dtype=np.float64))
    return float(losses.IOU_LOSSES[code](p, g, **opts)[0])


def components(at, name):
    return [c for c in at.main.get("bidi_component") if c.proto.component_name == name]


def canvas(at) -> dict:
    (c,) = components(at, "lossviz_box_canvas")
    return json.loads(c.proto.json)


def boxes(at):
    pred = tuple(at.number_input(key=k).value for k in PRED_KEYS)
    target = tuple(at.number_input(key=k).value for k in TARGET_KEYS)
    return pred, target


def table(at):
    """The loss table as shown (values and derivatives with 6 decimals), the numbers as floats."""
    df = at.table[0].value.copy()
    for col in df.columns[1:6]:
        df[col] = df[col].astype(float)
    return df


def assert_table_matches_core(at, pred, target, options=None):
    options = options or A.Options()
    df = table(at)
    names = list(df.iloc[:, 0])
    assert names == [losses.IOU_LOSS_NAMES[c] for c in losses.IOU_LOSSES]
    for code, value in zip(losses.IOU_LOSSES, df.iloc[:, 1], strict=True):
        assert value == pytest.approx(core(code, pred, target, **options.for_loss(code)), rel=0, abs=1e-6)  # 6 decimals


def send(at, value):
    """What the browser does when the canvas calls ``setStateValue("boxes", value)``: the component's widget state
    changes and the app reruns (its change callback runs first, as on a live server)."""
    (c,) = components(at, "lossviz_box_canvas")
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = c.proto.id
    state.json_value = json.dumps({"boxes": value})
    return at._run(states)


def drag(at, pred, target, seq, final=True):
    return send(at, {"pred": list(pred), "target": list(target), "seq": seq, "final": final})


def test_page_shows_every_iou_loss_computed_by_the_core(app):
    at = app(page="iou")
    assert not at.exception
    pred, target = A.PRESETS[A.DEFAULT_PRESET]
    assert boxes(at) == (pred, target)
    assert_table_matches_core(at, pred, target)
    data = canvas(at)
    assert data["pred"] == list(pred) and data["target"] == list(target)
    geo = A.geometry(pred, target)
    assert data["overlay"]["enclose"] == list(geo.enclose) and data["overlay"]["inter"] == list(geo.inter_box)
    assert len(data["arrows"]) == 4  # GIoU by default: every edge has a gradient
    assert at.metric[0].value == f"{geo.iou:.4f}"
    # the canvas, the bar chart and the two landscapes
    assert len(components(at, "lossviz_plotly_chart")) == 3
    assert not at.warning


def test_dragging_on_the_canvas_moves_the_inputs_the_url_and_the_numbers(app):
    at = app(page="iou")
    pred, target = (10.0, 12.5, 30.0, 41.0), (50.0, 45.0, 80.0, 90.0)
    drag(at, pred, target, seq=3)
    assert not at.exception
    assert boxes(at) == (pred, target)
    assert at.query_params["iou_px1"] == "10.0" and at.query_params["iou_gy2"] == "90.0"
    assert_table_matches_core(at, pred, target)
    data = canvas(at)
    assert data["pred"] == list(pred) and data["seq"] == 3  # the seq is echoed so the browser can trust the boxes
    assert data["readout"].startswith("GIoU loss = ")
    assert float(data["readout"].split("=")[1].split("·")[0]) == pytest.approx(core("giou", pred, target), abs=1e-4)
    # An older update arriving late changes nothing.
    drag(at, (0, 0, 5, 5), target, seq=2)
    assert boxes(at)[0] == pred


def test_a_release_draws_the_box_pane_once(app, monkeypatch):
    """The end of an edit (a drag released, keys at rest) drew the box pane (canvas, metrics, table, bar chart) and
    only then reran the page, which drew it all again: two renders of the pane per step. One canvas mount per
    release now; a move during a drag still draws the pane only once."""
    from lossviz.components import box_canvas as BC

    at = app(page="iou")
    mounts = []
    real = BC._mount
    monkeypatch.setattr(BC, "_mount", lambda **kw: mounts.append(kw["data"]["pred"]) or real(**kw))
    pred, target = (12.0, 14.0, 40.0, 44.0), A.PRESETS[A.DEFAULT_PRESET][1]
    drag(at, pred, target, seq=1, final=True)
    assert not at.exception
    assert mounts == [list(pred)]
    assert boxes(at) == (pred, target)
    assert_table_matches_core(at, pred, target)
    mounts.clear()
    drag(at, (14.0, 14.0, 42.0, 44.0), target, seq=2, final=False)
    assert mounts == [[14.0, 14.0, 42.0, 44.0]]


def _page_runs(monkeypatch) -> list:
    """Counts the runs of the IoU page's own top level (its presets' pills are drawn there, outside any fragment)."""
    from lossviz.components import box_canvas as BC

    runs, real = [], BC.box_presets
    monkeypatch.setattr(BC, "box_presets", lambda *a, **k: runs.append(1) or real(*a, **k))
    return runs


def _landscape_preds(monkeypatch) -> list:
    """The predicted box each landscape figure was drawn around (its current point), in call order."""
    from lossviz.cached import iou as C

    seen, real = [], C.landscape_figure
    monkeypatch.setattr(C, "landscape_figure", lambda *a: seen.append((a[2], a[6])) or real(*a))
    return seen


def test_a_typed_coordinate_reruns_the_box_pane_and_the_landscapes_not_the_page(app, monkeypatch):
    """Issue 15: a typed coordinate reran the whole page (the app's shell, title, loss and options, 8 coordinate
    inputs, presets, explanation): ~130 ms of server CPU a step with 30 sessions on one core. Its change callback now
    reruns the two fragments that follow the boxes; the page stays as it is."""
    at = app(page="iou")
    runs, drawn = _page_runs(monkeypatch), _landscape_preds(monkeypatch)
    at.number_input(key="iou_px1").set_value(12.0).run()
    assert not at.exception
    pred, target = (12.0, *A.PRESETS[A.DEFAULT_PRESET][0][1:]), A.PRESETS[A.DEFAULT_PRESET][1]
    assert runs == []  # the page's top level did not run
    assert_table_matches_core(at, pred, target)  # the pane follows
    planes = dict(A.landscape_planes(pred)[i][::2] for i in range(2))
    assert dict(drawn) == planes  # both landscapes follow, around the new box
    (link,) = [el for el in at.get("page_link") if el.proto.label == i18n.t("sim.link_from_iou")]
    assert parse_qs(link.proto.query_string)["sim_pair"] == [A.pair_param(pred, target)]  # the link follows too
    at.run()  # a later full run draws the page around the same boxes
    assert runs == [1] and boxes(at) == (pred, target)


def test_a_released_drag_reruns_the_pane_the_landscapes_and_the_inputs_not_the_page(app, monkeypatch):
    at = app(page="iou")
    runs, drawn = _page_runs(monkeypatch), _landscape_preds(monkeypatch)
    pred, target = (20.0, 22.0, 48.0, 50.0), A.PRESETS[A.DEFAULT_PRESET][1]
    drag(at, pred, target, seq=1, final=True)  # released (AppTest sends it as the browser does, minus the fragment)
    assert not at.exception and runs == []
    assert boxes(at) == (pred, target)  # the coordinate inputs show the settled boxes
    assert at.query_params["iou_px1"] == "20.0"
    assert {p for p, _ in drawn} == {"centre", "size"}
    assert_table_matches_core(at, pred, target)


def test_a_box_dragged_outside_the_canvas_is_clamped_with_a_notice(app):
    at = app(page="iou")
    drag(at, (-15.0, 5.0, 130.0, 40.0), (50.0, 50.0, 80.0, 80.0), seq=1)
    assert not at.exception
    pred, _ = boxes(at)
    assert pred == (0.0, 5.0, 100.0, 40.0)
    notice = i18n.t("iou.note.clamped", box=i18n.t("iou.canvas.box"))
    assert any(notice in c.value for c in at.caption)


def test_a_malformed_canvas_update_is_refused_and_the_boxes_kept(app):
    at = app(page="iou")
    before = boxes(at)
    send(at, {"pred": [1, 2, "x", 4], "target": [1, 2, 3], "seq": 9})
    assert not at.exception
    assert boxes(at) == before
    assert any(i18n.t("iou.note.canvas_bad") in w.value for w in at.warning)


def test_url_restores_boxes_loss_and_conventions(app):
    pred, target = (30.0, 40.0, 50.0, 60.0), (35.0, 30.0, 75.0, 55.0)
    query = dict(zip(PRED_KEYS + TARGET_KEYS, map(str, pred + target), strict=True))
    query |= {"iou_loss": "CIoU", "iou_gating": "true"}
    at = app(page="iou", query=query)
    assert not at.exception and not at.warning
    assert boxes(at) == (pred, target)
    options = A.Options(alpha_gating=True)
    assert_table_matches_core(at, pred, target, options)
    assert at.metric[1].label == i18n.t("iou.metric.loss", name="CIoU")
    assert float(at.metric[1].value) == pytest.approx(core("ciou", pred, target, alpha_gating=True), abs=1e-4)
    assert canvas(at)["show"] == {"inter": True, "rho": True, "c": True, "aspect": True}


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"iou_px1": "abc"}, "iou_px1"),
        ({"iou_gx2": "500"}, "iou_gx2"),
        ({"iou_py2": "nan"}, "iou_py2"),
        ({"iou_loss": "L2"}, "iou_loss"),
        ({"iou_loss": "α-IoU", "iou_alpha": "99"}, "iou_alpha"),
        ({"iou_res": "100000"}, "iou_res"),
    ],
)
def test_absurd_url_values_are_refused_with_a_notice(app, query, key):
    at = app(page="iou", query=query)
    assert not at.exception
    assert any(f"{key}=" in w.value for w in at.warning)
    df = table(at)
    assert np.isfinite(df.iloc[:, 1:6].to_numpy(dtype=float)).all()


def test_an_inverted_box_typed_in_is_swapped_with_a_notice(app):
    at = app(page="iou")
    at.number_input(key="iou_px1").set_value(90.0).run()  # x1 = 90 > x2 = 70
    assert not at.exception
    notice = i18n.t("iou.note.swapped", box=i18n.t("iou.pred"))
    assert any(notice in w.value for w in at.warning)
    pred = (70.0, 30.0, 90.0, 66.0)
    assert canvas(at)["pred"] == list(pred)
    assert_table_matches_core(at, pred, A.PRESETS[A.DEFAULT_PRESET][1])


def test_a_zero_size_box_is_enlarged_to_the_minimum_with_a_notice(app):
    at = app(page="iou")
    at.number_input(key="iou_gx2").set_value(40.0).run()  # target x2 == x1: zero width
    assert not at.exception
    notice = i18n.t("iou.note.min_size", box=i18n.t("iou.target"), min=A.MIN_SIZE)
    assert any(notice in w.value for w in at.warning)
    target = canvas(at)["target"]
    assert target[2] - target[0] == pytest.approx(A.MIN_SIZE)
    assert np.isfinite(table(at).iloc[:, 1:6].to_numpy(dtype=float)).all()


@pytest.mark.parametrize("preset", list(A.PRESETS))
def test_presets_load_the_textbook_cases(app, preset):
    at = app(page="iou")
    at.button_group(key="iou_preset").set_value(preset).run()
    assert not at.exception
    assert boxes(at) == A.PRESETS[preset]
    # The URL follows (a value equal to the default is left out of it, as Streamlit does for bound widgets).
    if preset != A.DEFAULT_PRESET:
        assert at.query_params["iou_px1"] == str(A.PRESETS[preset][0][0])


def test_iou_loss_of_disjoint_boxes_says_its_gradient_is_zero_and_draws_no_arrow(app):
    at = app(page="iou")
    at.button_group(key="iou_preset").set_value("disjoint").run()
    at.selectbox(key="iou_loss").set_value("iou").run()
    assert not at.exception
    assert canvas(at)["arrows"] == []
    assert any(i18n.t("iou.zero_grad", name="IoU") in i.value for i in at.info)
    at.selectbox(key="iou_loss").set_value("giou").run()
    assert len(canvas(at)["arrows"]) == 4
    assert not any(i18n.t("iou.zero_grad", name="GIoU") in i.value for i in at.info)


def test_every_loss_can_be_selected_and_is_explained(app):
    at = app(page="iou")
    for code in losses.IOU_LOSSES:
        at.selectbox(key="iou_loss").set_value(code).run()
        assert not at.exception, code
        name = losses.IOU_LOSS_NAMES[code]
        assert at.metric[1].label == i18n.t("iou.metric.loss", name=name)
        assert any(h.value == i18n.t("iou.explain.title", name=name) for h in at.subheader)
        value = float(at.metric[1].value)
        assert f"= {value:.4f}" in at.latex[0].value


def _figure(at, key_suffix):
    for c in components(at, "lossviz_plotly_chart"):
        if c.proto.id.endswith(key_suffix):
            return json.loads(json.loads(c.proto.json)["figure"])
    raise AssertionError(key_suffix)


def _array(obj):
    if isinstance(obj, dict) and "bdata" in obj:
        return np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
    return np.asarray(obj)


def test_landscapes_follow_the_resolution_and_mark_the_current_box(app):
    at = app(page="iou", query={"iou_res": "32"})
    assert not at.exception
    fig = _figure(at, "iou_land_centre")
    heat = fig["data"][0]
    assert heat["type"] == "heatmap" and len(_array(heat["x"])) == 32
    (cx, cy), (w, h) = A.centre_and_size(A.PRESETS[A.DEFAULT_PRESET][0])
    current = fig["data"][-1]
    assert (current["x"][0], current["y"][0]) == (cx, cy)
    size_fig = _figure(at, "iou_land_size")
    assert (size_fig["data"][-1]["x"][0], size_fig["data"][-1]["y"][0]) == (w, h)
    at.toggle(key="iou_field").set_value(False).run()
    assert len(_figure(at, "iou_land_centre")["data"]) == 3  # heatmap + two markers, no arrows


def test_page_in_chinese(app):
    at = app(page="iou", query={"lang": "zh"})
    assert not at.exception
    assert at.title[0].value == i18n.t("iou.title", lang="zh")
    assert canvas(at)["labels"]["pred"] == "预测框"


def test_only_the_options_of_the_selected_loss_are_shown_as_its_registration_says(app):
    at = app(page="iou")
    for code, spec in losses.IOU_LOSS_SPECS.items():
        at.selectbox(key="iou_loss").set_value(code).run()
        assert not at.exception, code
        keys = {w.key for w in (*at.slider, *at.toggle, *at.selectbox)} | {
            c.key for c in at.get("button_group") if getattr(c, "key", None)
        }
        registered = {o.name for o in spec.options} & set(A.OPTION_FIELDS)
        assert {k for k in keys if k in PAGE_OPTION_KEYS.values()} == {PAGE_OPTION_KEYS[o] for o in registered}, code


PAGE_OPTION_KEYS = {
    "mode": "iou_mode",
    "alpha_gating": "iou_gating",
    "alpha": "iou_alpha",
    "variant": "iou_avariant",
    "constant": "iou_nwd_c",
}


def test_a_url_option_that_the_selected_loss_does_not_take_gets_a_notice_and_is_ignored(app):
    at = app(page="iou", query={"iou_loss": "CIoU", "iou_mode": "log", "iou_avariant": "giou"})
    assert not at.exception
    texts = [w.value for w in at.warning]
    assert any("iou_mode=log" in w and "CIoU" in w for w in texts), texts
    assert any("iou_avariant=giou" in w for w in texts), texts
    # the table's IoU row uses the core's default mode, not the ignored one
    pred, target = boxes(at)
    assert_table_matches_core(at, pred, target, A.Options())


def test_the_formula_is_the_core_terms_and_their_values(app):
    at = app(page="iou")
    for code in ("giou", "ciou", "siou", "wiou"):
        at.selectbox(key="iou_loss").set_value(code).run()
        pred, target = boxes(at)
        p, g = torch.tensor([pred], dtype=torch.float64), torch.tensor([target], dtype=torch.float64)
        terms = losses.iou_loss_terms(code, p, g)
        latex = at.latex[0].value
        for key, value in terms.items():
            assert losses.TERM_TEX[key] in latex, (code, key)
            assert f"{float(value):.4f}" in latex, (code, key)


def test_nwd_is_in_the_table_and_its_constant_drives_the_numbers(app):
    # NWD (issue 10) is registered with the IoU family: in the table, selectable, with its own option C only.
    at = app(page="iou", query={"iou_loss": "NWD", "iou_nwd_c": "5"})
    assert not at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert at.slider(key="iou_nwd_c").value == 5.0
    pred, target = boxes(at)
    assert_table_matches_core(at, pred, target, A.Options(nwd_constant=5.0))
    p, g = torch.tensor([pred], dtype=torch.float64), torch.tensor([target], dtype=torch.float64)
    expected = float(losses.nwd_loss(p, g, constant=5.0, eps=A.EPS))
    assert f"{expected:.4f}" in at.latex[0].value
    at.slider(key="iou_nwd_c").set_value(50.0).run()
    assert float(losses.nwd_loss(p, g, constant=50.0, eps=A.EPS)) < expected  # a larger C forgives more


def test_nwd_constant_in_the_url_of_another_loss_gets_a_notice(app):
    at = app(page="iou", query={"iou_loss": "GIoU", "iou_nwd_c": "5"})
    assert not at.exception
    assert any("iou_nwd_c=5" in w.value for w in at.warning), [w.value for w in at.warning]


def test_siou_formula_substitutes_the_numbers_of_delta_and_omega(app):
    at = app(page="iou", query={"iou_loss": "SIoU"})
    assert not at.exception
    pred, target = boxes(at)
    parts = A.siou_parts(pred, target)
    p, g = torch.tensor([pred], dtype=torch.float64), torch.tensor([target], dtype=torch.float64)
    terms = losses.iou_loss_terms("siou", p, g)
    assert parts.delta / 2 == pytest.approx(float(terms["Δ/2"]), abs=1e-12)
    assert parts.omega / 2 == pytest.approx(float(terms["Ω/2"]), abs=1e-12)
    latex = " ".join(x.value for x in at.latex)
    for number in (parts.gamma, parts.rho_x, parts.rho_y, parts.omega_w, parts.omega_h, parts.delta, parts.omega):
        assert f"{number:.4f}" in latex, number


@pytest.mark.parametrize("preset", ["fig2_centre", "fig2_side", "fig2_corner", "disjoint"])
def test_a_paper_preset_says_which_figure_it_reproduces_with_the_arxiv_link(app, preset):
    at = app(page="iou")
    at.button_group(key="iou_preset").set_value(preset).run()
    assert not at.exception
    assert boxes(at) == A.PRESETS[preset]
    src = A.CASE_SOURCES[preset]
    assert src.paper == losses.IOU_LOSS_SPECS[src.loss].paper  # from the core's registration, no second table
    texts = [i.value for i in at.info]
    assert any(src.figure in x and src.paper in x for x in texts), texts
    assert at.button_group(key="iou_preset").value is None  # one click, not a sticky selection


def test_diou_fig2_cases_have_equal_iou_and_giou_but_different_diou(app):
    values = {}
    for preset in ("fig2_centre", "fig2_side", "fig2_corner"):
        at = app(page="iou")
        at.button_group(key="iou_preset").set_value(preset).run()
        df = table(at).set_index(table(at).columns[0])
        values[preset] = (df.iloc[:, 0]["IoU"], df.iloc[:, 0]["GIoU"], df.iloc[:, 0]["DIoU"])
    assert all(v[0] == pytest.approx(0.75) and v[1] == pytest.approx(0.75) for v in values.values())
    assert values["fig2_centre"][2] < values["fig2_side"][2] < values["fig2_corner"][2]


def test_each_loss_links_its_paper_from_the_core_registration(app):
    at = app(page="iou")
    for code, spec in losses.IOU_LOSS_SPECS.items():
        at.selectbox(key="iou_loss").set_value(code).run()
        assert any(spec.paper in m.value for m in at.markdown), code


def test_closed_sections_are_not_computed_and_stay_closed_from_the_url(app):
    at = app(page="iou", query={"iou_land_open": "false", "iou_table_open": "false"})
    assert not at.exception
    assert not components(at, "lossviz_plotly_chart")  # neither the bar chart nor the landscapes were built
    assert not at.table and not at.latex
    assert canvas(at)["pred"] == list(A.PRESETS[A.DEFAULT_PRESET][0])  # the canvas is still there


def test_chinese_titles_and_subscripted_chart_titles(app):
    at = app(page="iou", query={"lang": "zh", "iou_res": "32"})
    assert not at.exception
    fig = _figure(at, "iou_land_centre")
    assert fig["layout"]["title"]["text"].startswith("L<sub>GIoU</sub> 随中心位置")
    assert "<sub>" in fig["layout"]["xaxis"]["title"]["text"]
    assert "<sup>gt</sup>" in _figure(at, "iou_bar")["layout"]["title"]["text"]
    assert i18n.t("iou.table.title", lang="zh") in [e.label for e in at.expander]


COLOUR_LITERAL = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(|"
    r"\b(?:white|black|red|green|blue|gray|grey|orange|yellow|magenta|cyan|purple|silver)\b(?!-)"
)


def test_the_canvas_css_and_js_hold_no_colour_literals_only_the_palette_python_sends():
    from lossviz.components import box_canvas, served
    from lossviz.figures import iou as F
    from lossviz.figures import style as S

    sources = {"box_canvas.css": box_canvas._CSS, "box_canvas.js": box_canvas._JS,
               "loader": served.LOADER + served.LOADER_CSS}  # fmt: skip
    for name, text in sources.items():
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)  # comments may name colours
        assert not COLOUR_LITERAL.findall(code), (name, COLOUR_LITERAL.findall(code))
    used = set(re.findall(r"var\(--bc-([a-z-]+)", box_canvas._CSS))
    defined = set(re.findall(r"--bc-([a-z-]+):", box_canvas._CSS))
    assert used - defined <= set(F.PALETTE), used - defined - set(F.PALETTE)  # every colour comes from Python
    palette_colours = {v for k, v in vars(S).items() if k.isupper() and isinstance(v, str)}
    palette_colours |= {v for theme in S.THEMES.values() for v in theme.values()}
    assert set(F.PALETTE.values()) <= palette_colours  # ... and Python takes them from the one palette


def test_landscapes_are_sent_as_float32_without_template_defaults_they_cannot_use(app):
    at = app(page="iou")
    for plane in ("centre", "size"):
        (c,) = [c for c in components(at, "lossviz_plotly_chart") if c.proto.id.endswith(f"iou_land_{plane}")]
        fig = json.loads(json.loads(c.proto.json)["figure"])
        heat, arrows = fig["data"][0], fig["data"][1]
        assert heat["z"]["dtype"] == "f4" and arrows["x"]["dtype"] == "f4" and arrows["y"]["dtype"] == "f4"
        assert set(fig["layout"]["template"]["data"]) <= {tr["type"] for tr in fig["data"]}
        assert not {"scene", "geo", "polar", "ternary"} & set(fig["layout"]["template"]["layout"])
        assert len(c.proto.json) < 34_000  # at 64 x 64 with the arrow field: was ~128 kB, then ~45 kB per landscape
        # the descent field is one arrow marker per grid point (a 6-point polyline each before), turned and sized
        assert arrows["mode"] == "markers" and arrows["marker"]["symbol"] == "arrow"
        assert arrows["marker"]["angle"]["dtype"] == "f4" and arrows["marker"]["size"]["dtype"] == "u1"


@pytest.mark.parametrize("res", [32, 64, 128, 256])
def test_the_descent_field_draws_at_most_twelve_arrows_a_side_at_every_resolution(res):
    """Plotly styles each arrow marker apart: 16 x 16 arrows on the two landscapes took ~120 ms of a redraw in
    Chromium, about as much as the rest of both plots (issue 15: the landscapes redrawn within 2x the bare page).
    At most 12 a side, and no fewer than 8, so the field still reads as a field."""
    from lossviz.figures import iou as F

    land = A.landscape("giou", (30.0, 25.0, 70.0, 65.0), "centre", (40.0, 40.0), n=res)
    field = F.descent_markers(land)
    assert 64 <= len(field["x"]) <= 144, len(field["x"])  # GIoU has a gradient everywhere: every grid point
    assert len(field["x"]) == len(field["y"]) == len(field["angle"]) == len(field["size"])


# --------------------------------------------------------------------------------------- issue 14: thin page


def test_page_is_thin():
    """Widgets in, figures out, under 150 lines (167 before): the boxes' URL-bound inputs, their write-back and the
    presets' pills live in the canvas component, the option controls' arguments in analysis's registration."""
    src = (Path(__file__).resolve().parents[1] / "lossviz" / "pages" / "iou.py").read_text(encoding="utf-8")
    assert len(src.splitlines()) < 150, len(src.splitlines())
    assert "st.session_state" not in src  # the box state is the component's
    assert 'c.kind == "' not in src  # which control offers an option: analysis says (OptionControl.args)


@pytest.mark.parametrize("name", list(A.OPTION_CONTROLS))
def test_each_option_control_offers_the_core_default(name):
    """``OptionControl.args`` are what ``controls.<kind>`` takes after label and key, starting at the core's default."""
    c = A.OPTION_CONTROLS[name]
    args = c.args
    if c.kind == "selectbox":
        assert args[0][args[1]] == c.default and tuple(args[0]) == c.choices
    elif c.kind == "slider":
        assert args == (c.low, c.high, c.default, c.step) and c.low <= c.default <= c.high
    else:
        assert c.default in args


def test_loss_table_is_sent_as_text_with_six_decimals_without_a_styler(app):
    """Issue 15: a pandas ``Styler`` (``.format``) cost ``st.table`` ~30 ms of server CPU on every box move; the
    cached table is plain text with the same 6 decimals (~1 ms), and the CSV keeps full precision."""
    at = app(page="iou")
    (shown,) = at.table
    assert not shown.proto.arrow_data.HasField("styler") and shown.proto.hide_index
    raw = shown.value
    assert all(re.fullmatch(r"-?\d+\.\d{6}", v) for col in raw.columns[1:6] for v in raw[col]), raw


def test_the_canvas_element_carries_no_style_sheet_its_module_brings_it_once_per_page_load(app):
    """Issue 15: the canvas's 4.3 kB of CSS rode inside its element on every rerun; the served module carries it now
    (written into its slot) and puts it into the document once."""
    from lossviz.components import box_canvas, served

    at = app(page="iou")
    at.number_input(key="iou_px1").set_value(12.0).run()  # a rerun that moves a box
    (c,) = components(at, "lossviz_box_canvas")
    assert c.proto.js_content == served.LOADER and c.proto.css_content == served.LOADER_CSS
    assert ".bc-svg" not in c.proto.SerializeToString().decode("utf-8", "replace")
    module = (box_canvas._JS_DIR / box_canvas._JS_FILE).read_text(encoding="utf-8")
    assert box_canvas._CSS_SLOT not in module and json.dumps(box_canvas._CSS, ensure_ascii=False) in module
    assert box_canvas._JS_DIR != Path(box_canvas.__file__).parent / "box_canvas_js"  # the sources stay as written


def test_every_coordinate_input_is_named_with_its_box(app):
    """QA (issue 15 review): the eight coordinate inputs were labelled x1, y1, x2, y2 twice under two headings, so a
    screen reader could not tell the prediction's x1 from the ground truth's."""
    for lang in ("en", "zh"):
        at = app(page="iou", query={"lang": lang})
        labels = {k: at.number_input(key=k).label for k in (*PRED_KEYS, *TARGET_KEYS)}
        assert len(set(labels.values())) == 8, labels
        for keys, which in ((PRED_KEYS, "iou.pred"), (TARGET_KEYS, "iou.target")):
            for k, coord in zip(keys, ("x1", "y1", "x2", "y2"), strict=True):
                assert labels[k] == f"{i18n.t(which, lang=lang)} {coord}"


def test_a_canvas_update_naming_the_prediction_leaves_the_ground_truth_as_typed(app):
    """A coordinate typed just after a key burst on the predicted box was lost: the canvas's "keys at rest" update
    sent both boxes, and its copy of the ground truth, older than the typed value, was written back. The canvas now
    sends only the box it moved, and Python writes only that box."""
    at = app(page="iou")
    pred0, target0 = A.PRESETS[A.DEFAULT_PRESET]
    at.number_input(key="iou_gx1").set_value(33.0).run()  # typed while the canvas still shows the old ground truth
    assert canvas(at)["target"][0] == 33.0
    moved = (pred0[0] + 5, pred0[1], pred0[2] + 5, pred0[3])
    send(at, {"pred": list(moved), "seq": 1, "final": True})  # the keys at rest: the predicted box only
    assert not at.exception and not at.warning
    typed = (33.0, *target0[1:])
    assert boxes(at) == (moved, typed)
    assert canvas(at)["pred"] == list(moved) and canvas(at)["target"] == list(typed)
    assert_table_matches_core(at, moved, typed)


def test_write_back_writes_only_the_boxes_it_is_given_with_their_repairs_only():
    """The write-back of a canvas edit touches the inputs of the moved box only, and reports that box's repairs."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from lossviz.analysis import iou as A
        from lossviz.components.box_canvas import write_back

        write = write_back(A.BOX_KEYS, A.box_values)
        if "iou_gx1" not in st.session_state:
            st.session_state.update({k: 50.0 for keys in A.BOX_KEYS.values() for k in keys})
            st.session_state["iou_gx2"] = 20.0  # an inverted ground truth as typed: not the canvas's to repair
            st.session_state["notes"] = write({"pred": [-5.0, 10.0, 30.0, 40.0]})

    at = AppTest.from_function(script).run()
    assert not at.exception
    state = at.session_state
    assert [state[k] for k in A.BOX_KEYS["pred"]] == [0.0, 10.0, 30.0, 40.0]
    assert [state[k] for k in A.BOX_KEYS["target"]] == [50.0, 50.0, 20.0, 50.0]  # untouched, as typed
    assert state["notes"] == ["clamped"]  # the prediction's repair; the ground truth's inversion is not reported


def test_the_landscapes_say_which_boxes_they_were_drawn_for_on_the_canvas_channel(app):
    """The canvas publishes the boxes it shows on a channel; each landscape says which boxes it was drawn for, so the
    browser dims it while the two differ (from the first move of an edit until the new landscape is drawn)."""
    at = app(page="iou")
    pred, target = (12.0, 14.0, 40.0, 44.0), A.PRESETS[A.DEFAULT_PRESET][1]
    drag(at, pred, target, seq=1, final=True)
    assert not at.exception
    channel = canvas(at)["channel"]
    assert channel
    charts = [json.loads(c.proto.json) for c in components(at, "lossviz_plotly_chart")]
    follows = [c["follows"] for c in charts if c.get("follows")]
    assert len(follows) == 2  # the two landscapes; the bar chart follows nothing
    assert all(f == {"channel": channel, "state": [*pred, *target]} for f in follows)
