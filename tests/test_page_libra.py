"""The Libra R-CNN page in AppTest: both panels in both languages, numbers checked against the analysis, every
chart valid, bad input refused with a clear message, and a URL fuzz with hostile values for every parameter."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz.analysis import libra as A
from lossviz.i18n import t

PAGE = "libra"


def _charts(at) -> list:
    """The page's charts (our Plotly component), not the shell's other components (copy link)."""
    return [el for el in at.get("bidi_component") if '"figure"' in (el.proto.json or "")]


SAMPLING = {"lib_panel": "sampling"}
BFP = {"lib_panel": "bfp"}
SAMPLING_KEYS = (
    "lib_images",
    "lib_gts",
    "lib_smin",
    "lib_smax",
    "lib_crowd",
    "lib_props",
    "lib_jitter",
    "lib_bg",
    "lib_neg",
    "lib_bins",
    "lib_floor",
    "lib_ffrac",
    "lib_addgt",
    "lib_hard",
    "lib_seed",
    "lib_show",
)
BFP_KEYS = (
    "lib_src",
    "lib_base",
    "lib_blobs",
    "lib_noise",
    "lib_fseed",
    "lib_refine",
    "lib_level",
    "lib_zero",
    "lib_resid",
    "lib_qx",
    "lib_qy",
)
HOSTILE = ("abc", "nan", "-inf", "1e400", "-1", "<script>alert(1)</script>", "' OR 1=1 --", "\u202e🙂", "9" * 400, "")


def _metric(at, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r} in {[m.label for m in at.metric]}")


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _figures(at) -> list[dict]:
    out = []
    for chart in _charts(at):
        if chart.proto.WhichOneof("data") != "json":
            continue
        data = json.loads(chart.proto.json)
        if "figure" in data:
            out.append(json.loads(data["figure"]))
    return out


def _title(fig: dict) -> str:
    """A chart's title as written (the figures break long titles into lines for narrow screens)."""
    return fig["layout"]["title"]["text"].replace("<br>", " ")


def _decode(spec) -> np.ndarray:
    """A base64 typed array as the page sends it (``{"dtype", "bdata", "shape"}``) back to numpy."""
    if isinstance(spec, list):
        return np.asarray(spec, dtype=float)
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"])
    return a.reshape([int(n) for n in spec["shape"].split(",")]) if "shape" in spec else a


def _share(study: A.SamplingStudy, method: str | None) -> str:
    return f"{100 * study.share_above(method):.1f}%"


# ------------------------------------------------------------------------------------------------------- both panels


def test_the_scene_and_k_sections_are_closed_by_default_and_cost_nothing_until_opened(app):
    """The sampling panel sends three charts by default (issue 15: work and bytes per rerun): both IoU-balanced
    samplers' bins in one chart, and the scene and the K ablation are closed sections; opening them from the URL
    (``lib_sec_scene``, ``lib_sec_k``) adds the scene and the K table."""
    at = app(PAGE, SAMPLING)
    _ok(at)
    titles = [_title(f) for f in _figures(at)]
    assert len(titles) == 3, titles
    assert t("libra.bins.title") in titles
    assert t("libra.bins.title") not in [h.value for h in at.subheader]  # said once: the chart's title
    assert not any(w.key == "lib_show" for w in at.get("button_group"))
    assert not at.dataframe  # the K ablation (both samplers rerun for K = 2, 3, 5) is a closed section too
    at = app(PAGE, {**SAMPLING, "lib_sec_scene": "true", "lib_sec_k": "true"})
    _ok(at)
    titles = [_title(f) for f in _figures(at)]
    assert len(titles) == 4 and t("libra.fig.scene_title", method=t("libra.method.paper")) in titles, titles
    assert list(at.dataframe[0].value["K"]) == [2, 3, 5]


@pytest.mark.parametrize("panel", [SAMPLING, BFP], ids=["sampling", "bfp"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_panels_render_in_both_languages_with_valid_charts_and_downloads(app, panel, lang):
    # the sampling panel's sections are opened (the scene by choosing its sampler) so that all is validated
    at = app(PAGE, {**panel, "lang": lang, **({"lib_show": "mmdet", "lib_sec_k": "true"} if panel is SAMPLING else {})})
    _ok(at)
    assert at.title[0].value == t("libra.title", lang=lang)
    figures = _figures(at)
    assert len(figures) >= 4  # sampling: Fig. 3, the shares, both samplers' bins in one chart, the scene
    for fig in figures:
        go.Figure(fig)  # plotly's validation of exactly what the page sends
        assert fig["data"]
    labels = [b.label for b in at.get("download_button")]
    assert t("common.download_csv", lang=lang) in labels
    if panel is BFP:
        assert t("libra.download_json", lang=lang) in labels


def test_the_page_links_to_the_balanced_l1_view_on_the_regression_page(app):
    from urllib.parse import parse_qs, urlsplit

    at = app(PAGE)
    intro = " ".join(m.value for m in at.markdown)
    (link,) = re.findall(r"\]\((/regression\?[^)\s]+)\)", intro)
    # the link opens the Regression page with Smooth L1 and Balanced L1 at the paper's values, and no notice
    query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query["reg_show"] == ["Smooth L1", "Balanced L1"] and query["reg_alpha"] == "0.5"
    reg = app("regression", query)
    _ok(reg)
    assert not reg.warning, [w.value for w in reg.warning]
    assert reg.multiselect(key="reg_show").value == ["Smooth L1", "Balanced L1"]


# --------------------------------------------------------------------------------------------------------- sampling


def test_sampling_metrics_are_the_analysis_shares(app):
    at = app(PAGE, SAMPLING)
    _ok(at)
    study = A.sampling_study(A.SceneParams(), A.SamplerParams())
    assert _metric(at, t("libra.metric.pool")) == _share(study, None)
    for m in A.METHODS:
        assert _metric(at, t("libra.metric.share", method=t(f"libra.method.{m}"))) == _share(study, m)


def test_sampling_controls_from_the_url_change_the_numbers(app):
    query = {**SAMPLING, "lib_bins": "5", "lib_images": "3", "lib_seed": "11", "lib_floor": "0.05",
             "lib_ffrac": "0.5", "lib_hard": "iou", "lib_addgt": "false"}  # fmt: skip
    at = app(PAGE, query)
    _ok(at)
    study = A.sampling_study(
        A.SceneParams(images=3, seed=11),
        A.SamplerParams(num_bins=5, floor_thr=0.05, floor_fraction=0.5, hard_mode="iou", add_gt_as_proposals=False),
    )
    for m in A.METHODS:
        assert _metric(at, t("libra.metric.share", method=t(f"libra.method.{m}"))) == _share(study, m)


def test_changing_k_with_the_widget_reruns_the_samplers(app):
    at = app(PAGE, {**SAMPLING, "lib_images": "2"})
    label = t("libra.metric.share", method=t("libra.method.paper"))
    at.selectbox(key="lib_bins").set_value(2).run()
    _ok(at)
    study = A.sampling_study(A.SceneParams(images=2), A.SamplerParams(num_bins=2))
    assert _metric(at, label) == _share(study, "paper")


def test_mmdetections_empty_top_bin_is_pointed_out(app):
    # A note, not a warning: a fresh user read a yellow warning on the default view as "something is wrong".
    at = app(PAGE, SAMPLING)
    assert any(t("libra.bins.empty", bins="3", top=1.0) == i.value for i in at.info)
    assert not any(t("libra.bins.empty", bins="3", top=1.0) == w.value for w in at.warning)


def test_the_k_table_carries_the_papers_ablation(app):
    at = app(PAGE, {**SAMPLING, "lib_images": "2", "lib_sec_k": "true"})
    df = at.dataframe[0].value
    assert list(df["K"]) == [2, 3, 5]
    assert list(df[t("libra.k.ap")]) == [36.7, 36.8, 36.7]


@pytest.mark.parametrize(
    ("query", "code", "params"),
    [
        ({"lib_smin": "200", "lib_smax": "100"}, "size_order", {"lo": 200.0, "hi": 100.0}),
        ({"lib_images": "64", "lib_props": "10000"}, "too_many", {"total": 640000, "limit": A.MAX_TOTAL_PROPOSALS}),
    ],
)
def test_impossible_combinations_get_a_clear_message_and_no_traceback(app, query, code, params):
    at = app(PAGE, {**SAMPLING, **query})
    assert not at.exception
    assert t(f"libra.err.{code}", **params) in [e.value for e in at.error]


def test_a_zero_size_box_in_the_url_is_refused_with_a_notice(app):
    at = app(PAGE, {**SAMPLING, "lib_smin": "0", "lib_images": "2"})
    assert not at.exception
    assert any("lib_smin=0" in w.value for w in at.warning)
    _ok(at)  # the default (24 px) is in force


# -------------------------------------------------------------------------------------------------------------- BFP


@pytest.mark.parametrize("refine", ["none", "conv", "non_local"])
def test_bfp_metrics_are_the_analysis_contributions(app, refine):
    at = app(PAGE, {**BFP, "lib_refine": refine, "lib_level": "P5"})
    _ok(at)
    v = A.pyramid_view(A.blob_pyramid(), refine=refine, refine_level=3)
    for i, level in enumerate(A.LEVELS):
        assert _metric(at, t("libra.metric.received", level=level)) == f"{100 * (1 - v.contribution[i, i]):.0f}%"
    has_attention = any(t("libra.fig.attention_title") == _title(f) for f in _figures(at))
    assert has_attention == (refine == "non_local")
    assert any(t("libra.illustrative") == i.value for i in at.info) == (refine != "none")


def test_the_mmcv_initialised_non_local_block_is_shown_as_the_identity(app):
    at = app(PAGE, {**BFP, "lib_refine": "non_local", "lib_zero": "true"})
    _ok(at)
    assert t("libra.identity_note") in [s.value for s in at.success]
    (bsf,) = [f for f in _figures(at) if t("libra.fig.bsf_title", level="P4") == _title(f)]
    average, refined = (_decode(bsf["data"][i]["z"]) for i in (0, 1))
    np.testing.assert_allclose(refined, average)


def _qp(at, key: str) -> list:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize(
    ("old", "key", "code"),
    [
        ({"lib_panel": "Balanced Feature Pyramid"}, "lib_panel", "bfp"),
        ({"lib_panel": "IoU-balanced sampling", "lib_show": "mmdet"}, "lib_show", "mmdet"),
        ({"lib_panel": "Balanced Feature Pyramid", "lib_refine": "3x3 conv"}, "lib_refine", "conv"),
        (
            {"lib_panel": "Balanced Feature Pyramid", "lib_refine": "non-local", "lib_src": "picture"},
            "lib_src",
            "picture",
        ),
    ],
)
def test_url_values_are_codes_and_old_links_with_display_names_still_work(app, old, key, code):
    at = app(PAGE, {**old, "lang": "zh"})
    _ok(at)
    assert not any(f"{k}=" in w.value for w in at.warning for k in old), [w.value for w in at.warning]
    widget = next(w for w in at.get("button_group") if w.key == key)
    assert widget.value == code
    for k in old:  # the URL now holds codes only (the default panel leaves the URL)
        assert all(" " not in x and "-" not in x for x in _qp(at, k)), (k, _qp(at, k))
    assert _qp(at, key) == [code]


def test_panel_names_are_translated_in_chinese(app):
    at = app(PAGE, {**BFP, "lang": "zh"})
    panel = next(w for w in at.get("button_group") if w.key == "lib_panel")
    assert t("libra.panel.bfp", lang="zh") in str(panel.proto)
    assert "Balanced Feature Pyramid" not in str(panel.proto)


def test_a_bad_picture_upload_is_refused_in_chinese(app):
    at = app(PAGE, {**BFP, "lib_src": "picture", "lang": "zh"})
    at.get("file_uploader")[0].set_value(("x.png", b"not a picture at all", "image/png"))
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("libra.err.image_unreadable", lang="zh", reason="UnidentifiedImageError")]


def test_the_picture_source_asks_for_an_upload(app):
    at = app(PAGE, {**BFP, "lib_src": "picture"})
    _ok(at)
    assert t("libra.upload_none") in [i.value for i in at.info]


# --------------------------------------------------------------------------------------------------------- URL fuzz


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(("panel", "keys"), [(SAMPLING, SAMPLING_KEYS), (BFP, BFP_KEYS)], ids=["sampling", "bfp"])
def test_hostile_url_values_never_raise_and_each_is_reported(app, panel, keys, value):
    at = app(PAGE, {**panel, **dict.fromkeys(keys, value)})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]  # every bad value falls back to its default
    if value:  # an empty parameter is simply no parameter
        notices = " ".join(w.value for w in at.warning)
        for key in keys:
            assert f"{key}=" in notices, key
    assert len(at.metric) == 5


def test_hostile_panel_value_falls_back_to_sampling(app):
    at = app(PAGE, {"lib_panel": "<img src=x onerror=alert(1)>"})
    assert not at.exception
    assert any("lib_panel=" in w.value for w in at.warning)
    assert at.number_input(key="lib_images").value == 8


def test_analysis_errors_name_the_control_in_chinese_not_the_field():
    from lossviz.i18n import set_lang
    from lossviz.i18n.libra import error_text

    errors = []
    for bad in (dict(images=0), dict(gts=500), dict(proposals=1), dict(size_min=float("nan"))):
        try:
            A.SceneParams(**bad).validate()
        except A.InputError as err:
            errors.append(err)
    assert len(errors) == 4
    set_lang("zh")
    try:
        texts = [error_text(e.code, e.params) for e in errors]
    finally:
        set_lang("en")
    for err, text in zip(errors, texts, strict=True):
        assert err.params["name"] not in text, text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_a_closed_panels_coded_choice_in_the_url_is_known_not_an_unknown_parameter(app):
    at = app(PAGE, {**SAMPLING, "lib_refine": "conv", "lib_src": "blobs"})
    _ok(at)
    assert not any("lib_refine" in w.value or "lib_src" in w.value for w in at.warning), [w.value for w in at.warning]
