"""The Simulation page's caches, shared by every session and defined once per process.

Finished runs live in the progress cache (a run draws a progress bar while it computes, which ``st.cache_data``
cannot replay); everything the controls determine once a run is done (trajectories, figure dicts, the summary
table) is cached by its inputs. Figures depend on the language (their texts), so those wrappers take ``lang``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lossviz.analysis import simulation as A
from lossviz.cached.heap import freeze_imports
from lossviz.components.progress_cache import cached_with_progress
from lossviz.figures import simulation as F

_cache = st.cache_data(max_entries=64, show_spinner=False)


def run(cfg: A.Config, busy: str) -> A.SimulationRun:
    """The run of ``cfg``, done once per configuration for every session; a progress bar labelled ``busy`` moves
    while it computes."""
    return cached_with_progress(("simulation", cfg), lambda progress: A.run(cfg, lambda f, _name: progress(f)), busy)


def runs(configs: dict[str, A.Config], busy: Callable[[A.Config], str]) -> dict[str, A.SimulationRun]:
    """``mode -> run`` for every configuration; ``busy(config)`` labels the progress bar of a run that computes."""
    return {mode: run(cfg, busy(cfg)) for mode, cfg in configs.items()}


@_cache
def curves_figure(configs: tuple[tuple[str, A.Config], ...], log_y: bool, lang: str) -> dict:
    """E(t) of the finished runs of ``configs`` (``(mode, config)`` pairs)."""
    return F.error_curves_figure({m: run(c, "") for m, c in configs}, log_y, as_dict=True)


@_cache
def summary_table(configs: tuple[tuple[str, A.Config], ...], lang: str):
    """The summary table of the finished runs of ``configs``."""
    return F.summary_table({m: run(c, "") for m, c in configs})


@_cache
def map_figure(configs: tuple[tuple[str, A.Config], ...], mode: str, loss: str, lang: str) -> dict:
    """One run's final-error map, on the colour scale shared by every run and loss shown."""
    runs_ = {m: run(c, "") for m, c in configs}
    zmax = max(float(e.max()) for r in runs_.values() for e in r.centre_error.values())
    return F.final_error_map_figure(runs_[mode], loss, zmax, as_dict=True)


@_cache
def trajectories(anchor, target, losses, modes, iters, rates, until, iou_factor):
    """One box's path under each loss × gradient mode (``A.trajectories``)."""
    return A.trajectories(anchor, target, losses, gradients=modes, iters=iters, rates=rates, until=until,
                          iou_factor=iou_factor)  # fmt: skip


@_cache
def trajectory_figures(anchor, target, losses, modes, iters, rates, until, iou_factor, lang: str) -> tuple[dict, dict]:
    """The trajectory figure and its error-against-step figure."""
    paths = trajectories(anchor, target, losses, modes, iters, rates, until, iou_factor)
    return F.trajectory_figure(paths, target, as_dict=True), F.trajectory_error_figure(paths, target, as_dict=True)


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
