"""Sensitivity: a detector's recall (precision, AP) per bucket of box size, and its std across buckets (seed 000).

Thin page: uploads and URL-bound controls in, the report from ``lossviz.analysis.sensitivity`` (which runs
pycocotools), figures from ``lossviz.figures.sensitivity``. Uploaded files are never written to disk: they are parsed
and evaluated in memory, cached by their contents (``lossviz.cached.sensitivity``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lossviz.analysis import sensitivity as A
from lossviz.cached import sensitivity as C
from lossviz.components import coded, controls, downloads, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import sensitivity as F
from lossviz.i18n import t
from lossviz.i18n.sensitivity import error_message

MODES = ("quantiles", "edges", "coco")
ALL = "(all)"


def _inputs(limit_mb: float) -> tuple[str, A.GroundTruth, list[A.Detections]]:
    """The uploaded files when both kinds are there (else the synthetic sample), parsed; a cache key for them.
    A file uploaded alone is checked at once (raises ``A.InputError``)."""
    gt_file = st.file_uploader(t("sens.upload_gt"), type=["json"], key="sens_gt_file", help=t("sens.upload_gt_help"))
    dt_files = st.file_uploader(
        t("sens.upload_dt"),
        type=["json"],
        accept_multiple_files=True,
        key="sens_dt_files",
        help=t("sens.upload_dt_help"),
    )
    shell.upload_note(["json"])  # Streamlit's uploader texts are English only
    if gt_file is not None and dt_files:
        parsed = C.uploads(gt_file, dt_files, limit_mb)
        st.caption(t("sens.using_upload", gt=gt_file.name, runs=", ".join(f.name for f in dt_files)))
        return parsed
    if gt_file is not None:  # each file is checked as soon as it arrives, not once the other kind is there too
        C.ground_truth(gt_file, limit_mb)
    if dt_files:
        C.check_detections(dt_files, limit_mb)
    if gt_file is not None or dt_files:
        st.warning(t("sens.need_both"), icon=":material/upload_file:")
    st.info(t("sens.synthetic"), icon=":material/science:")
    return ("sample", *C.sample())


st.title(t("sens.title"))
st.markdown(t("sens.intro"))
limit_mb = float(st.get_option("server.maxUploadSize"))
try:
    key, gt, dets = _inputs(limit_mb)
except A.InputError as err:
    st.error(error_message(err), icon=":material/block:")
    controls.stop()

c1, c2 = st.columns(2)
with c1:
    feature = coded.selectbox(t("sens.feature"), "sens_feature", A.FEATURES, A.FEATURES[0],
                              lambda f: t(f"sens.feat.{f}"), help=t("sens.feature_help"))  # fmt: skip
    mode = coded.radio(t("sens.mode"), "sens_mode", MODES, MODES[0], lambda m: t(f"sens.mode.{m}"),
                       horizontal=True, captions=t("sens.mode_captions").split("|"))  # fmt: skip
    buckets = controls.slider(t("sens.buckets"), "sens_buckets", 1, A.MAX_BUCKETS, 5, 1, disabled=mode != "quantiles")
    edges_text = controls.text_input(
        t("sens.edges"), "sens_edges", "", help=t("sens.edges_help"), disabled=mode != "edges"
    )
with c2:
    metric = coded.radio(t("sens.metric"), "sens_metric", A.METRICS, A.METRICS[0], lambda m: t(f"sens.metric.{m}"),
                         horizontal=True, captions=t("sens.metric_captions").split("|"))  # fmt: skip
    iou = controls.slider(t("sens.iou"), "sens_iou", 0.05, 0.95, 0.5, 0.05)
    score = controls.slider(t("sens.score"), "sens_score", 0.0, 1.0, 0.0, 0.01)
    names = sorted(set(gt.categories.values()))
    cat = controls.selectbox(t("sens.category"), "sens_cat", [ALL, *names], help=t("sens.all_categories"))

edges = None
if mode == "coco":
    edges = ",".join(str(e) for e in A.COCO_AREA_EDGES)
    if feature != "area":
        st.caption(t("sens.coco_area_only"))
        feature = "area"
elif mode == "edges" and edges_text.strip():
    edges = edges_text
opts = {
    "feature": feature,
    "iou": round(float(iou), 4),
    "buckets": int(buckets),
    "edges": edges,
    "category": None if cat == ALL else cat,
}
try:
    report = C.report(key, gt, dets, metric, round(float(score), 4), **opts)
except A.InputError as err:
    st.error(error_message(err), icon=":material/block:")
    controls.stop()

metric_name = t(f"sens.metric.{report.metric}")
cols = st.columns(min(len(report.runs), 3))
for i, run in enumerate(report.runs):
    cols[i % len(cols)].metric(
        t("sens.std_metric", run=run.detections), F.fmt(run.std), help=t("sens.std_help", metric=metric_name)
    )

for code, params in A.report_notes(report, None if edges else int(buckets)):
    st.warning(t(f"sens.note.{code}", **params), icon=":material/info:")

st.subheader(t("sens.table"))
labels = F.bucket_labels(report)
st.dataframe(F.bucket_table(report), hide_index=True, width="stretch")
downloads.buttons("sensitivity", csv=lambda: A.report_csv(report), json=lambda: A.report_json_text(report),
                  key="sens_dl", labels={"json": t("sens.download_json")})  # fmt: skip

plotly_chart(F.bucket_bars(report, as_dict=True), key="sens_bars", filename="sensitivity_buckets")
plotly_chart(F.feature_histogram(report, as_dict=True), key="sens_hist", filename="sensitivity_histogram")

st.subheader(t("sens.drill"))
r1, r2 = st.columns(2)
with r1:
    run_name = controls.selectbox(t("sens.drill_run"), "sens_drill_run", [r.detections for r in report.runs])
with r2:
    bucket = controls.selectbox(t("sens.drill_bucket"), "sens_drill_bucket", list(range(1, len(labels) + 1)))
run_i = [r.detections for r in report.runs].index(run_name)
rows = A.missed_rows(report, run_i, bucket - 1)
b = report.runs[run_i].buckets[bucket - 1]
st.caption(
    t("sens.drill_count", run=run_name, n=len(rows), count=b.count, bucket=bucket, iou=report.iou, score=report.score)
)
missed = pd.DataFrame(rows, columns=F.MISSED_COLUMNS)
st.dataframe(missed, hide_index=True, width="stretch")
downloads.buttons(
    f"missed_bucket{bucket}", csv=lambda: missed, key="sens_dl_missed", labels={"csv": t("sens.download_missed")}
)

with shell.explanation("sens", t("sens.why_title")):
    st.markdown(t("sens.why_text"))
    for file, label in (("regression.py", "sens.link_regression"), ("boxsize.py", "sens.link_boxsize")):
        st.page_link(f"lossviz/pages/{file}", label=t(label), icon=":material/arrow_forward:")
with st.expander(t("sens.how_title")):
    st.markdown(t("sens.how_text"))
