"""The Libra R-CNN page's caches, shared by every session and defined once per process: the sampling study with its
K ablation (one pass, ``analysis.libra.study_and_ablation``), the figures and texts made of it, the pyramids and the
Balanced Feature Pyramid view with its figures. A figure is cached serialised (``plotly_chart.prepare``: a hit
copies one string, not a dict of arrays the chart would serialise again) and is the same for the same inputs, so a
rerun that changes nothing in it costs no figure building, and the language is part of every key that holds text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lossviz.analysis import libra as A
from lossviz.cached.heap import freeze_imports
from lossviz.components.plotly_chart import PreparedFigure, prepare
from lossviz.components.progress_cache import cached_with_progress
from lossviz.figures import libra as F
from lossviz.i18n import t

#: A computation shows its progress bar only once it has run this long: a quick one sends no bar at all.
PROGRESS_AFTER_S = 0.3


def _late(progress: Callable[[float], None], after: float = PROGRESS_AFTER_S) -> Callable[[float], None]:
    start = time.perf_counter()

    def report(fraction: float) -> None:
        if time.perf_counter() - start >= after:
            progress(fraction)

    return report


def study(
    scene: A.SceneParams, sampler: A.SamplerParams, ablation: bool = False
) -> tuple[A.SamplingStudy, A.KAblation | None]:
    """The sampling study, and with ``ablation`` the K ablation from the same pass (else None). Raises
    ``A.InputError`` for bad parameters; errors are not cached."""

    def compute(progress: Callable[[float], None]):
        if ablation:
            return A.study_and_ablation(scene, sampler, progress=_late(progress))
        return A.sampling_study(scene, sampler, progress=_late(progress)), None

    return cached_with_progress(("libra_study", scene, sampler, ablation), compute, t("libra.computing"))


@dataclass(frozen=True)
class SamplingView:
    """What the sampling panel shows for one study, in one language: the metrics as (label, value, help), the
    figures (serialised for the chart), the caption under them, the K table, and the notes on mmdetection's bins."""

    metrics: tuple[dict, ...]  # keyword arguments of st.metric
    histogram: PreparedFigure
    share: PreparedFigure
    bins: PreparedFigure
    counts: str
    empty_bins: str | None
    edges_vary: bool


@st.cache_data(max_entries=64, show_spinner=False)
def sampling_view(scene: A.SceneParams, sampler: A.SamplerParams, lang: str, _s: A.SamplingStudy) -> SamplingView:
    """``_s``: ``study(scene, sampler)[0]`` (not hashed: scene and sampler determine it); ``lang`` keys the texts."""
    s = _s
    metrics = [{"label": t("libra.metric.pool"), "value": f"{100 * s.share_above():.1f}%",
                "help": t("libra.metric.pool_help", n=s.pool.size)}]  # fmt: skip
    for m in A.METHODS:
        metrics.append(
            {"label": t("libra.metric.share", method=F.method_name(m)), "value": f"{100 * s.share_above(m):.1f}%"}
        )
    empty = [i + 1 for i, c in enumerate(s.mmdet_bins["pool"]) if c == 0]
    return SamplingView(
        metrics=tuple(metrics),
        histogram=prepare(F.histogram_figure(s, as_dict=True)),
        share=prepare(F.share_figure(s, as_dict=True)),
        bins=prepare(F.bins_pair_figure(s, as_dict=True)),
        counts=t("libra.counts", **s.counts(), requested=s.requested, pos=s.n_pos),
        empty_bins=t("libra.bins.empty", bins=", ".join(map(str, empty)), top=float(s.mmdet_edges[-1]))
        if empty
        else None,
        edges_vary=bool(s.mmdet_edges_vary),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def k_table(scene: A.SceneParams, sampler: A.SamplerParams, lang: str, _ab: A.KAblation) -> Any:
    """The K ablation as the page's table (``_ab``: ``study(scene, sampler, ablation=True)[1]``)."""
    return F.k_table(_ab)


@st.cache_data(max_entries=64, show_spinner=False)
def scene_figure(
    scene: A.SceneParams, sampler: A.SamplerParams, method: str, lang: str, _s: A.SamplingStudy
) -> PreparedFigure:
    """Image 0 with the negatives ``method`` sampled (``_s`` as in ``sampling_view``)."""
    return prepare(F.scene_figure(_s, method, A.IMAGE_SIZE, as_dict=True))


@st.cache_data(max_entries=16, show_spinner=False)
def pyramid(source: str, base: int, blobs: int, noise: float, seed: int, upload: bytes | None) -> list:
    """The input levels: synthetic blobs, or the uploaded picture (``source == "picture"``)."""
    if source == "picture":
        return A.picture_pyramid(upload or b"", base=base)
    return A.blob_pyramid(base=base, blobs_per_level=blobs, noise=noise, seed=seed)


@dataclass(frozen=True)
class PyramidFigures:
    """One BFP pass for the page: the view (its numbers and downloads) and its figures in pipeline order."""

    view: A.PyramidView
    metrics: tuple[dict, ...]  # per level, st.metric's arguments: the share of its residual from the other levels
    figures: tuple[tuple[str, PreparedFigure, int], ...]  # (key, figure, height)


@st.cache_data(max_entries=32, show_spinner=False)
def bfp(inputs: tuple, refine: str, level: int, zero: bool, residual: bool, query: tuple[float, float],
        lang: str) -> PyramidFigures:  # fmt: skip
    """``inputs``: the arguments of ``pyramid``; the pass uses the same seed for the refine weights."""
    feats = pyramid(*inputs)
    v = A.pyramid_view(feats, refine=refine, refine_level=level, zero_init_out=zero, residual=residual,
                       weight_seed=inputs[4], query=query)  # fmt: skip
    step = lambda name: prepare(F.step_figure(v, name, as_dict=True))  # noqa: E731
    figs = [(f"lib_step_{name}", step(name), 260) for name in ("inputs", "gathered")]
    figs.append(("lib_bsf", prepare(F.bsf_figure(v, as_dict=True)), 330))
    if v.attention is not None:
        figs.append(("lib_att", prepare(F.attention_figure(v, as_dict=True)), 330))
    figs += [(f"lib_step_{name}", step(name), 260) for name in ("residuals", "outputs")]
    figs.append(("lib_contrib", prepare(F.contribution_figure(v, as_dict=True)), 420))
    metrics = tuple(
        {"label": t("libra.metric.received", level=name), "value": f"{100 * (1 - v.contribution[i, i]):.0f}%",
         "help": t("libra.metric.received_help", ratio=v.received[i])}
        for i, name in enumerate(A.LEVELS[: len(v.inputs)])
    )  # fmt: skip
    return PyramidFigures(v, metrics, tuple(figs))


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
