"""The Sensitivity page's caches, shared by every session and defined once per process: the synthetic sample parsed
once, uploads parsed once per file contents, and the evaluations (COCOeval, the slow half of a report) keyed by the
files' contents and the options that change the matching (feature, bucketing, IoU, category). The metric and the
score threshold only re-read an evaluation; a bucketing that any session has asked for is never evaluated again."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

import streamlit as st

from lossviz.analysis import sensitivity as A
from lossviz.cached.heap import freeze_imports
from lossviz.i18n import t

#: A computation shows its progress bar only once it has run this long (a quick evaluation sends no bar at all),
#: and then moves it at most every ``PROGRESS_STEP`` (each move is a message to the browser).
PROGRESS_AFTER_S = 0.3
PROGRESS_STEP = 0.05
#: Evaluations kept for all sessions together (newest last, the oldest dropped).
MAX_EVALS = 64
#: The options of the built-in sample on a first visit (the page's defaults) but the bucket count: every bucket
#: count of them is evaluated ahead, once per process, in the background (see ``_sample_ahead``).
SAMPLE_OPTIONS = {"feature": A.FEATURES[0], "iou": 0.5, "edges": None, "category": None}


@st.cache_resource(show_spinner=False)
def sample() -> tuple[A.GroundTruth, list[A.Detections]]:
    """The labelled synthetic sample (ground truth and its runs), parsed."""
    gt_bytes, runs = A.synthetic_sample()
    gt = A.parse_ground_truth(gt_bytes, "synthetic ground truth")
    return gt, [A.parse_detections(b, gt, name) for name, b in runs.items()]


def digest(data: bytes) -> str:
    """The key of an uploaded file's contents (the same file uploaded by two sessions is parsed once)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@st.cache_resource(max_entries=16, show_spinner=False)
def _ground_truth(key: str, _data: bytes, name: str, limit_mb: float) -> A.GroundTruth:
    return A.parse_ground_truth(_data, name, max_mb=limit_mb)


@st.cache_resource(max_entries=64, show_spinner=False)
def _detections(key: str, gt_key: str, _data: bytes, _gt: A.GroundTruth, name: str, limit_mb: float) -> A.Detections:
    return A.parse_detections(_data, _gt, name, max_mb=limit_mb)


def ground_truth(gt_file, limit_mb: float) -> tuple[str, A.GroundTruth]:
    """An uploaded ground truth parsed (once per contents and name), with its key. Raises ``A.InputError``."""
    data = gt_file.getvalue()
    key = f"{digest(data)}:{gt_file.name}"  # the name is part of the result (messages, exports)
    return key, _ground_truth(key, data, gt_file.name, limit_mb)


@st.cache_resource(max_entries=64, show_spinner=False)
def _detections_problem(key: str, _data: bytes, name: str, limit_mb: float) -> A.InputError | None:
    try:
        A.check_detections(_data, name, max_mb=limit_mb)
    except A.InputError as err:
        return err
    return None


def check_detections(dt_files, limit_mb: float) -> None:
    """Detection files uploaded before their ground truth, checked on their own (once per contents): raises
    ``A.InputError`` for the first one with a problem that needs no ground truth to see."""
    for f in dt_files:
        data = f.getvalue()
        if (err := _detections_problem(digest(data), data, f.name, limit_mb)) is not None:
            raise err


def uploads(gt_file, dt_files, limit_mb: float) -> tuple[str, A.GroundTruth, list[A.Detections]]:
    """The uploaded ground truth and detection files parsed (once per contents, for every session), with a key
    naming their contents for ``report``. Raises ``A.InputError`` for a file it refuses."""
    gt_key, gt = ground_truth(gt_file, limit_mb)
    keys, dets = [gt_key], []
    for f in dt_files:
        data = f.getvalue()
        keys.append(f"{digest(data)}:{f.name}")
        dets.append(_detections(keys[-1], gt_key, data, gt, f.name, limit_mb))
    return "|".join(keys), gt, dets


def _throttled(progress: Callable[[float, str], None]) -> Callable[[float, str], None]:
    start, last = time.perf_counter(), [-1.0]

    def report(fraction: float, name: str) -> None:
        if time.perf_counter() - start >= PROGRESS_AFTER_S and fraction - last[0] >= PROGRESS_STEP:
            last[0] = fraction
            progress(fraction, name)

    return report


@st.cache_resource(show_spinner=False)
def _evaluations() -> dict:
    """Every session's evaluations: ``(data key, options) -> A.Evaluation`` (read only once stored)."""
    return {}


def _key(key: str, opts: dict) -> tuple:
    return key, tuple(sorted(opts.items()))


def _store(evaluations: dict, ck: tuple, evaluation: A.Evaluation) -> None:
    evaluations[ck] = evaluation
    while len(evaluations) > MAX_EVALS:
        evaluations.pop(next(iter(evaluations)), None)


@st.cache_resource(show_spinner=False)
def _sample_ahead() -> threading.Thread:
    """Evaluate the built-in sample for every bucket count, once per process, in a background thread: it is what
    every visitor sees first, and its bucket slider is the page's first control (a class moving it then never waits
    for COCOeval). About 20 x 70 ms of CPU, once."""
    evaluations = _evaluations()
    gt, dets = sample()

    def run() -> None:
        for k in range(1, A.MAX_BUCKETS + 1):
            ck = _key("sample", {**SAMPLE_OPTIONS, "buckets": k})
            if ck not in evaluations:
                _store(evaluations, ck, A.evaluate_runs(gt, dets, **SAMPLE_OPTIONS, buckets=k))

    thread = threading.Thread(target=run, name="lossviz-sensitivity-sample", daemon=True)
    thread.start()
    return thread


def report(key: str, gt: A.GroundTruth, dets: list[A.Detections], metric: str, score: float, **opts) -> A.Report:
    """The report. COCOeval runs (with a progress bar once it takes a while) only for data (``key``: the files'
    contents, or "sample") and a feature, bucketing, IoU and category that no session has evaluated yet (the last
    ``MAX_EVALS`` kept); the metric and the score threshold only re-read its matches."""
    evaluations = _evaluations()
    ck = _key(key, opts)
    if (evaluation := evaluations.get(ck)) is None:
        slot = st.empty()
        text = t("sens.progress", run=", ".join(d.name for d in dets))
        try:
            progress = _throttled(lambda f, _name: slot.progress(min(1.0, max(0.0, f)), text=text))
            evaluation = A.evaluate_runs(gt, dets, **opts, progress=progress)
        finally:
            slot.empty()
        _store(evaluations, ck, evaluation)
    if key == "sample":
        _sample_ahead()
    return A.summarise(evaluation, metric=metric, score=score)


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
