"""The Sensitivity page's caches: the synthetic sample parsed once per process (shared by every session, never
mutated), and each session's evaluations (uploads are private to a session, so their COCOeval results stay in its
session state, the last few kept)."""

from __future__ import annotations

import streamlit as st

from lossviz.analysis import sensitivity as A
from lossviz.i18n import t

#: Evaluations kept per session (data, feature, buckets, IoU and category; the metric and score only re-read them).
MAX_EVALS = 4


@st.cache_resource(show_spinner=False)
def sample() -> tuple[A.GroundTruth, list[A.Detections]]:
    """The labelled synthetic sample (ground truth and its runs), parsed."""
    gt_bytes, runs = A.synthetic_sample()
    gt = A.parse_ground_truth(gt_bytes, "synthetic ground truth")
    return gt, [A.parse_detections(b, gt, name) for name, b in runs.items()]


def uploads(gt_file, dt_files, limit_mb: float) -> tuple[str, A.GroundTruth, list[A.Detections]]:
    """The uploaded ground truth and detection files parsed (once per set of files in this session), with a key
    naming them for ``report``. Raises ``A.InputError`` for a file it refuses."""
    key = "|".join(f"{f.file_id}:{f.size}" for f in [gt_file, *dt_files])
    parsed = st.session_state.get("_sens_parsed")
    if parsed is None or parsed[0] != key:
        gt = A.parse_ground_truth(gt_file.getvalue(), gt_file.name, max_mb=limit_mb)
        dets = [A.parse_detections(f.getvalue(), gt, f.name, max_mb=limit_mb) for f in dt_files]
        st.session_state["_sens_parsed"] = parsed = (key, gt, dets)
    return parsed


def report(key: str, gt: A.GroundTruth, dets: list[A.Detections], metric: str, score: float, **opts) -> A.Report:
    """The report. COCOeval runs (with a progress bar) only when the data, feature, buckets, IoU or category change,
    kept for this session (the last ``MAX_EVALS``); the metric and the score threshold only re-read its matches."""
    cache = st.session_state.setdefault("_sens_evals", {})
    ck = (key, tuple(sorted(opts.items())))
    if ck not in cache:
        bar = st.progress(0.0, text=t("sens.progress", run=dets[0].name))
        cache[ck] = A.evaluate_runs(
            gt, dets, **opts, progress=lambda f, name: bar.progress(min(f, 1.0), text=t("sens.progress", run=name))
        )
        bar.empty()
        while len(cache) > MAX_EVALS:
            cache.pop(next(iter(cache)))
    return A.summarise(cache[ck], metric=metric, score=score)
