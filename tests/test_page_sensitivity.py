"""The Sensitivity page in AppTest: the labelled synthetic sample on a first visit, uploads, every control, the
drill-down, hostile URL parameters and bad uploads shown as messages (never a traceback)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit import config

from lossviz.analysis import sensitivity as S
from lossviz.cached import sensitivity as C
from lossviz.figures import sensitivity as F
from lossviz.i18n import LANGS, TABLE, t

PAGE = "sensitivity"


def _charts(at) -> list:
    """The page's charts (our Plotly component), not the shell's other components (copy link)."""
    return [el for el in at.get("bidi_component") if '"figure"' in (el.proto.json or "")]


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _stds(at, lang: str = "en") -> dict[str, str]:
    prefix = t("sens.std_metric", run="", lang=lang)
    return {m.label[len(prefix) :]: m.value for m in at.metric if m.label.startswith(prefix)}


def _upload(at, gt: bytes | None, dets: dict[str, bytes]):
    up = {u.key: u for u in at.get("file_uploader")}
    if gt is not None:
        up["sens_gt_file"].set_value(("gt.json", gt, "application/json"))
    up["sens_dt_files"].set_value([(name, body, "application/json") for name, body in dets.items()])
    at.run()
    return at


def _seed_files():
    gt, runs = S.synthetic_sample()
    return gt, {"before.json": runs["Smooth L1"], "after.json": runs["Balanced L1"]}


@pytest.mark.parametrize("lang", LANGS)
def test_first_visit_shows_the_synthetic_sample_report_labelled_synthetic(app, lang):
    at = app(PAGE, {"lang": lang})
    _ok(at)
    assert at.title[0].value == t("sens.title", lang=lang)
    assert any(t("sens.synthetic", lang=lang) == i.value for i in at.info)
    assert _stds(at, lang) == {"Smooth L1": "0.1546", "Balanced L1": "0.0912"}
    table = at.dataframe[0].value
    assert table["Smooth L1"].tolist()[0] == "0.5806 (18/31)"
    assert table["Balanced L1"].tolist()[0] == "0.7419 (23/31)"
    assert len(_charts(at)) == 2  # bars and histogram
    labels = {b.label for b in at.get("download_button")}
    assert {t("common.download_csv", lang=lang), t("sens.download_json", lang=lang)} <= labels


def test_upload_of_a_ground_truth_and_two_runs_gives_their_report(app):
    at = app(PAGE)
    gt, dets = _seed_files()
    _upload(at, gt, dets)
    _ok(at)
    assert not any(t("sens.synthetic") == i.value for i in at.info)
    assert _stds(at) == {"before.json": "0.1546", "after.json": "0.0912"}
    assert list(at.dataframe[0].value.columns)[-2:] == ["before.json", "after.json"]


def test_only_one_kind_of_file_keeps_the_sample_and_says_why(app):
    at = app(PAGE)
    _, dets = _seed_files()
    _upload(at, None, dets)
    _ok(at)
    assert any(t("sens.need_both") == w.value for w in at.warning)
    assert "Smooth L1" in _stds(at)


GOOD_GT, _RUNS = S.synthetic_sample()


@pytest.mark.parametrize(
    ("gt", "det", "needle"),
    [
        (b"", b"[]", "gt.json is empty"),
        (b'{"images": [', b"[]", "gt.json is not valid JSON"),
        (b'{"images": []}', b"[]", "gt.json has no `annotations` list"),
        (GOOD_GT, b"", "bad.json is empty"),
        (GOOD_GT, GOOD_GT, "bad.json looks like a ground-truth file"),
        (GOOD_GT, b'[{"image_id": 4242, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5}]',
         "#0 image_id 4242 is not in the ground truth"),
        (GOOD_GT, b'[{"image_id": 1, "category_id": 7, "bbox": [1, 1, 5, 5], "score": 0.5}]',
         "#0 category_id 7 is not in the ground truth"),
        (GOOD_GT, b'[{"image_id": 1, "category_id": 1, "bbox": [1, 1, -5, 5], "score": 0.5}]',
         "#0 box has no positive width and height"),
        (GOOD_GT, b'[{"image_id": 1, "category_id": 1, "bbox": [700, 1, 50, 5], "score": 0.5}]',
         "lies entirely outside its 640×480 image"),
        (GOOD_GT, b'[{"image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}]', "#0 has no `score`"),
        (GOOD_GT, b'[{"image_id": "1", "category_id": 1, "bbox": [1, 1, 5, 5], "score": 1}]',
         "`image_id` is not an integer"),
    ],
)  # fmt: skip
def test_bad_upload_is_a_message_naming_the_problem_not_a_traceback(app, gt, det, needle):
    at = app(PAGE)
    _upload(at, gt, {"bad.json": det})
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and needle in errors[0], errors
    assert at.get("file_uploader"), "the uploaders stay so the user can fix the files"


def test_upload_over_the_configured_limit_is_refused(app):
    old = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)  # MB
    try:
        at = app(PAGE)
        _upload(at, GOOD_GT + b" " * 1_100_000, {"dt.json": b"[]"})
    finally:
        config.set_option("server.maxUploadSize", old)
    assert not at.exception
    assert any("gt.json is 1.1 MB, over the 1 MB limit" in e.value for e in at.error), [e.value for e in at.error]


def test_bad_upload_in_chinese_is_translated(app):
    at = app(PAGE, {"lang": "zh"})
    _upload(at, GOOD_GT, {"bad.json": b'[{"image_id": 4242, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5}]'})
    assert not at.exception
    assert "image_id 4242 不在标注中" in at.error[0].value


@pytest.mark.parametrize(
    ("query", "gt", "zh", "english"),
    [
        ({"sens_mode": "edges", "sens_edges": "5, 1"}, None, "边界必须递增", "edges must increase"),
        ({"sens_mode": "edges", "sens_edges": "1, x"}, None, "不是数字列表", "not a list of numbers"),
        ({}, b'{"images": [', "不是有效的 JSON", "Expecting"),
    ],
)
def test_analysis_refusals_are_shown_in_chinese(app, query, gt, zh, english):
    at = app(PAGE, {**query, "lang": "zh"})
    if gt is not None:
        _upload(at, gt, {"dt.json": b"[]"})
    assert not at.exception
    texts = [e.value for e in at.error]
    assert any(zh in e for e in texts), texts
    assert not any(english in e for e in texts), texts


def test_feature_choices_show_translated_names_and_keep_codes_in_the_url(app):
    at = app(PAGE, {"sens_feature": "aspect_ratio", "lang": "zh"})
    _ok(at)
    box = at.selectbox(key="sens_feature")
    assert box.value == "aspect_ratio"
    assert t("sens.feat.aspect_ratio", lang="zh") in box.options
    assert at.query_params["sens_feature"] in ("aspect_ratio", ["aspect_ratio"])


def test_url_restores_feature_buckets_and_metric(app):
    at = app(PAGE, {"sens_feature": "area", "sens_mode": "coco", "sens_metric": "ap", "sens_iou": "0.75"})
    _ok(at)
    table = at.dataframe[0].value
    assert table[t("sens.col.bucket")].tolist() == [
        "1: [0, 1.02e+03)",
        "2: [1.02e+03, 9.22e+03)",
        "3: [9.22e+03, 1e+10]",
    ]
    assert at.slider(key="sens_iou").value == 0.75


def test_fixed_edges_and_bucket_count_controls(app):
    at = app(PAGE, {"sens_mode": "edges", "sens_edges": "0, 0.01, 0.1"})
    _ok(at)
    assert len(at.dataframe[0].value) == 2
    at = app(PAGE, {"sens_buckets": "3"})
    _ok(at)
    assert at.dataframe[0].value[t("sens.col.count")].tolist() == [51, 52, 52]  # 155 boxes split at ranks 51 and 103


def test_bad_edges_are_a_message(app):
    at = app(PAGE, {"sens_mode": "edges", "sens_edges": "5, 1"})
    assert not at.exception
    assert any("edges must increase" in e.value for e in at.error)


def test_score_threshold_lowers_recall(app):
    at = app(PAGE, {"sens_score": "0.9"})
    _ok(at)
    first = at.dataframe[0].value["Smooth L1"].tolist()[0]
    assert first != "0.5806 (18/31)"


def test_drill_down_lists_the_missed_boxes_of_a_bucket(app):
    at = app(PAGE, {"sens_drill_run": "Smooth L1", "sens_drill_bucket": "1"})
    _ok(at)
    missed = at.dataframe[1].value
    assert len(missed) == 31 - 18
    assert {"image_id", "x", "y", "w", "h", "area"} <= set(missed.columns)
    at.selectbox(key="sens_drill_bucket").set_value(5).run()
    assert len(at.dataframe[1].value) == 0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sens_feature", "<script>alert(1)</script>"),
        ("sens_mode", "quantiles'; DROP TABLE"),
        ("sens_buckets", "1e309"),
        ("sens_buckets", "-3"),
        ("sens_buckets", "2.5"),
        ("sens_metric", "../../etc/passwd"),
        ("sens_iou", "nan"),
        ("sens_iou", "0"),
        ("sens_score", "-inf"),
        ("sens_cat", "%00"),
        ("sens_drill_bucket", "99"),
        ("sens_drill_run", "x" * 5000),
    ],
)
def test_hostile_url_parameter_gets_a_notice_and_the_default(app, key, value):
    at = app(PAGE, {key: value})
    assert not at.exception
    assert not at.error
    assert any(key in w.value for w in at.warning), [w.value for w in at.warning]
    assert _stds(at)  # the report is still there


def test_hostile_edges_text_is_a_message_not_a_traceback(app):
    for text in ("nan, 1", "1e999, 2", "a" * 10_000, "1," * 100):
        at = app(PAGE, {"sens_mode": "edges", "sens_edges": text})
        assert not at.exception
        assert at.error


def test_every_chart_passes_plotly_validation(app):
    at = app(PAGE)
    for chart in _charts(at):
        data = json.loads(chart.proto.json)
        go.Figure(json.loads(data["figure"]))


def test_every_problem_code_and_reason_is_translated():
    for code in S.MESSAGES:
        assert set(TABLE[f"sens.err.{code}"]) == set(LANGS)
        assert TABLE[f"sens.err.{code}"]["en"] == S.MESSAGES[code]
    for reason in S.REASONS:
        assert TABLE[f"sens.why.{reason}"]["en"] == S.REASONS[reason]


@pytest.mark.parametrize("feature", S.FEATURES)
@pytest.mark.parametrize("metric", S.METRICS)
def test_every_feature_and_metric_renders_valid_charts(app, feature, metric):
    at = app(PAGE, {"sens_feature": feature, "sens_metric": metric})
    _ok(at)
    assert set(_stds(at)) == {"Smooth L1", "Balanced L1"}
    charts = [json.loads(json.loads(c.proto.json)["figure"]) for c in _charts(at)]
    assert len(charts) == 2
    for fig in charts:
        go.Figure(fig)


def _count_evaluations(monkeypatch, ahead: bool = False) -> list:
    """Counts COCOeval passes from now on; the evaluations cached by earlier tests (one process) are dropped, and
    unless ``ahead`` the sample's bucket counts are not evaluated ahead (that thread would count too)."""
    st.cache_resource.clear()
    if not ahead:
        monkeypatch.setattr(C, "_sample_ahead", lambda: None)
    calls = []
    original = S.evaluate_runs
    monkeypatch.setattr(S, "evaluate_runs", lambda *a, **k: calls.append(k.get("buckets")) or original(*a, **k))
    return calls


def test_metric_and_score_changes_do_not_evaluate_again(app, monkeypatch):
    calls = _count_evaluations(monkeypatch)
    at = app(PAGE)
    _ok(at)
    assert len(calls) == 1
    at.slider(key="sens_score").set_value(0.6).run()
    at.radio(key="sens_metric").set_value("precision").run()
    _ok(at)
    assert len(calls) == 1
    at.slider(key="sens_iou").set_value(0.7).run()
    assert len(calls) == 2


def test_a_bucketing_one_session_evaluated_is_not_evaluated_again_for_another(app, monkeypatch):
    # 30 students moving the bucket slider: each bucketing of the same data is evaluated once for the whole class
    calls = _count_evaluations(monkeypatch)
    first = app(PAGE)
    first.slider(key="sens_buckets").set_value(7).run()
    first.slider(key="sens_buckets").set_value(3).run()
    _ok(first)
    assert calls == [5, 7, 3]
    second = app(PAGE, {"sens_buckets": "7"})
    second.slider(key="sens_buckets").set_value(3).run()
    second.slider(key="sens_buckets").set_value(5).run()
    _ok(second)
    assert calls == [5, 7, 3], "another session re-evaluated a bucketing that was already evaluated"
    assert _stds(second) == {"Smooth L1": "0.1546", "Balanced L1": "0.0912"}


def test_every_bucket_count_of_the_sample_is_evaluated_ahead_once_so_moving_the_slider_evaluates_nothing(
    app, monkeypatch
):
    calls = _count_evaluations(monkeypatch, ahead=True)
    first = app(PAGE)
    _ok(first)
    C._sample_ahead().join(timeout=120)  # the background pass started by the first visit (once per process)
    assert sorted(calls) == list(range(1, S.MAX_BUCKETS + 1)), calls  # 5 by the page, the others once, ahead
    for k in (7, 20, 1, 13):
        first.slider(key="sens_buckets").set_value(k).run()
        _ok(first)
    second = app(PAGE, {"sens_buckets": "3"})
    _ok(second)
    assert sorted(calls) == list(range(1, S.MAX_BUCKETS + 1)), "a bucket count was evaluated again"
    fresh = S.sensitivity_report(*C.sample(), buckets=13)
    first_stds = {r.detections: F.fmt(r.std) for r in fresh.runs}
    assert _stds(first) == first_stds


def test_the_same_uploads_in_two_sessions_are_evaluated_once(app, monkeypatch):
    calls = _count_evaluations(monkeypatch)
    gt, dets = _seed_files()
    a = _upload(app(PAGE), gt, dets)
    b = _upload(app(PAGE), gt, dets)  # another session: new file ids, the same contents
    _ok(a)
    _ok(b)
    assert _stds(b) == {"before.json": "0.1546", "after.json": "0.0912"}
    # the sample on each first visit (cached after the first), then the uploads once
    assert len(calls) == 2, calls


@pytest.mark.parametrize(
    ("lang", "needle"), [("en", "gt.json has no `annotations` list"), ("zh", "gt.json 缺少 `annotations` 列表")]
)
def test_a_bad_ground_truth_uploaded_alone_is_reported_at_once(app, lang, needle):
    # before: "upload both" and the sample, the file's problem only once a detections file was uploaded too
    at = app(PAGE, {"lang": lang})
    up = {u.key: u for u in at.get("file_uploader")}
    up["sens_gt_file"].set_value(("gt.json", b'{"images": []}', "application/json"))
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and needle in errors[0], errors
    assert at.get("file_uploader"), "the uploaders stay so the user can fix the file"


@pytest.mark.parametrize(
    ("det", "needle"),
    [
        (b'{"images": [], "annotations": []}', "bad.json looks like a ground-truth file"),
        (b'[{"image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}]', "#0 has no `score`"),
        (b'[{"image_id": 1, "category_id": 1, "bbox": [1, 1, -5, 5], "score": 0.5}]',
         "#0 box has no positive width and height"),
    ],
)  # fmt: skip
def test_a_bad_detections_file_uploaded_alone_is_reported_at_once(app, det, needle):
    at = _upload(app(PAGE), None, {"bad.json": det})
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and needle in errors[0], errors


def test_a_feature_with_one_tied_value_shows_no_std_and_says_why(app):
    # every image of the sample holds 5 boxes: one bucket, so the spread is undefined, not "0 = equally good"
    at = app("sensitivity", {"sens_feature": "boxes_per_image"})
    assert not at.exception
    notes = [w.value for w in at.warning]
    assert any(t("sens.note.one_bucket") == n for n in notes), notes
    assert all(m.value == "—" for m in at.metric), [m.value for m in at.metric]


@pytest.mark.parametrize("lang", LANGS)
def test_bucket_mode_and_metric_radios_show_translated_labels_and_keep_codes_in_the_url(app, lang):
    """Issue 14 item 7: in Chinese the radios showed the codes (quantiles/edges/coco, recall/precision/ap) as labels."""
    at = app(PAGE, {"lang": lang})
    _ok(at)
    mode, metric = at.radio(key="sens_mode"), at.radio(key="sens_metric")
    assert list(mode.options) == [t(f"sens.mode.{m}", lang=lang) for m in ("quantiles", "edges", "coco")]
    assert list(metric.options) == [t(f"sens.metric.{m}", lang=lang) for m in S.METRICS]
    if lang == "zh":
        assert not {"quantiles", "edges", "coco", "recall", "precision"} & {*mode.options, *metric.options}
    mode.set_value("coco").run()
    at.radio(key="sens_metric").set_value("precision").run()
    _ok(at)
    assert (at.query_params["sens_mode"], at.query_params["sens_metric"]) == ("coco", "precision")
    assert at.radio(key="sens_mode").value == "coco"


@pytest.mark.parametrize("lang", LANGS)
def test_an_old_link_with_code_values_still_selects_them(app, lang):
    at = app(PAGE, {"lang": lang, "sens_mode": "coco", "sens_metric": "ap", "sens_feature": "area"})
    _ok(at)
    assert not at.warning or all("sens_" not in w.value for w in at.warning)
    assert at.radio(key="sens_mode").value == "coco"
    assert at.radio(key="sens_metric").value == "ap"
    assert at.radio(key="sens_metric").index == 2
    assert at.query_params["sens_mode"] == "coco"


@pytest.mark.parametrize("lang", LANGS)
def test_buckets_with_few_boxes_are_called_noisy_with_their_counts(app, lang):
    # A fresh user's 12 boxes in 5 buckets (2-3 each) read as a firm "0.4522": a bucket of a few boxes moves by 1/n.
    gt_bytes, det_bytes = S.synthetic_sample()
    gt = S.parse_ground_truth(gt_bytes)
    runs = [S.parse_detections(data, gt, name) for name, data in det_bytes.items()]
    counts = [b.count for b in S.sensitivity_report(gt, runs, buckets=20).runs[0].buckets]
    assert min(counts) < S.FEW_BOXES  # the sample's 155 boxes in 20 buckets: a handful each
    expected = t("sens.note.few", lang=lang, n=sum(0 < c < S.FEW_BOXES for c in counts), min=S.FEW_BOXES,
                 least=min(counts))  # fmt: skip
    at = app(PAGE, {"sens_buckets": "20", "lang": lang})
    assert not at.exception
    assert [w.value for w in at.warning].count(expected) == 1, [w.value for w in at.warning]
    default = app(PAGE, {"lang": lang})  # 5 buckets of 31 boxes: enough, no such note
    assert not any(str(S.FEW_BOXES) in w.value for w in default.warning), [w.value for w in default.warning]
