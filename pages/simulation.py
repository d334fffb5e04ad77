"""Simulation: the DIoU paper's box-regression experiment, every IoU loss, paper gradients beside exact ones.

Thin page: widgets in (all bound to the URL), runs from ``lossviz.analysis.simulation`` (which calls the torch
core), figures from ``lossviz.figures.simulation``. Runs are kept per configuration for every session.
"""

from __future__ import annotations

from collections import OrderedDict

import pandas as pd
import streamlit as st

from lossviz.analysis import simulation as A
from lossviz.components import controls, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import simulation as F
from lossviz.i18n import t

shell.require_navigation()  # a deep link on a fresh server must go through app.py

PAGE_POINTS = (1, A.PAPER_POINTS)  # up to the paper's full 1,715,000 cases
DEFAULT_POINTS = 100  # 34,300 cases: a few seconds per loss on a small CPU
LARGE_CASES = 200_000  # above this a run waits for the start button (a link alone never starts it)
RATIOS = ("1:4", "1:3", "1:2", "1:1", "2:1", "3:1", "4:1")


@st.cache_resource(show_spinner=False)
def _store() -> OrderedDict:
    """Finished runs by configuration (shared, read-only; the 8 most recent are kept)."""
    return OrderedDict()


def _run(cfg: A.Config) -> A.SimulationRun:
    store = _store()
    if cfg in store:
        store.move_to_end(cfg)
        return store[cfg]
    bar = st.progress(0.0, text=t("sim.running", loss="", mode=cfg.gradients))
    result = A.run(
        cfg,
        lambda f, name: bar.progress(min(f, 1.0), text=t("sim.running", loss=F.loss_label(name), mode=cfg.gradients)),
    )
    bar.empty()
    store[cfg] = result
    while len(store) > 8:
        store.popitem(last=False)
    return result


@st.cache_data(max_entries=64, show_spinner=False)
def _paths(anchor, target, losses, modes, iters, rates, until, iou_factor):
    return A.trajectories(
        anchor, target, losses, gradients=modes, iters=iters, rates=rates, until=until, iou_factor=iou_factor
    )


def _summary_table(runs: dict[str, A.SimulationRun]) -> pd.DataFrame:
    rows = []
    for mode, run in runs.items():
        for r in A.summary(run):
            row = {t("sim.col.loss"): F.loss_label(r.loss), t("sim.col.mode"): t("sim.mode." + mode)}
            row.update({f"E({s})": e for s, e in zip(r.steps, r.errors, strict=True)})
            row[t("sim.col.per_case", step=r.steps[-1])] = r.errors[-1] / run.cases
            row[t("sim.col.area")] = r.area
            rows.append(row)
    return pd.DataFrame(rows)


def _curves_csv(runs: dict[str, A.SimulationRun]) -> bytes:
    cols = {}
    for mode, run in runs.items():
        cols.update({f"{name}_{mode}": err for name, err in run.error.items()})
    return pd.DataFrame(cols, index=pd.RangeIndex(1, len(next(iter(cols.values()))) + 1, name="step")).to_csv().encode()


st.title(t("sim.title"))
st.markdown(t("sim.intro"))

# ------------------------------------------------------------------------------------------------------ controls
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    with c1:
        points = controls.number_input(t("sim.points"), "sim_points", *PAGE_POINTS, DEFAULT_POINTS, step=50)
    with c2:
        iters = controls.number_input(t("sim.iters"), "sim_iters", 1, 1000, A.PAPER_ITERS, step=10)
    with c3:
        seed = controls.number_input(t("sim.seed"), "sim_seed", 0, 1_000_000, 0, step=1)
    losses = controls.multiselect(
        t("sim.losses"), "sim_losses", list(A.AUTOGRAD_LOSSES), A.PAPER_LOSSES, format_func=F.loss_label
    )
    modes = controls.multiselect(t("sim.modes"), "sim_modes", list(A.GRADIENTS), A.GRADIENTS)
    iou_factor = controls.toggle(t("sim.iou_factor"), "sim_factor", True)
    with st.expander(t("sim.schedule")):
        rates = tuple(
            controls.number_input(t("sim.rate", i=i + 1), f"sim_eta{i + 1}", 1e-6, A.MAX_RATE, d, format="%g")
            for i, d in enumerate(A.Config().rates)
        )
        u1 = controls.number_input(t("sim.until", i=1), "sim_until1", 1, 1000, 160, step=10)
        u2 = controls.number_input(t("sim.until", i=2), "sim_until2", 1, 1000, 180, step=10)

if int(u2) <= int(u1):  # a hand-edited URL: say so and fall back to the paper's bounds
    st.warning(t("sim.bad_bounds", u1=int(u1), u2=int(u2)), icon=":material/warning:")
    u1, u2 = 160, 180
until = (int(u1), int(u2), A.MAX_ITERS)  # after the second bound η3 holds to the end
configs = {
    m: A.Config(
        int(points),
        int(iters),
        tuple(n for n in losses if m == "autograd" or n in A.PAPER_LOSSES),
        m,
        int(seed),
        rates,
        until,
        bool(iou_factor),
    )
    for m in modes
}
configs = {m: c for m, c in configs.items() if c.losses}
if not configs:
    st.info(t("sim.no_loss"))
    st.stop()
if "paper" in configs and len(configs["paper"].losses) < len(losses):
    st.caption(t("sim.paper_only4"))
cases = int(points) * A.CASES_PER_CENTRE
mib = max(A.estimate_bytes(c) for c in configs.values()) / 2**20
st.caption(t("sim.cases", cases=cases, losses=len(losses), modes=len(configs), iters=int(iters), mib=mib))
if cases > LARGE_CASES:  # a shared link must not start a run of many minutes by itself: the user starts it
    st.warning(t("sim.large"), icon=":material/hourglass:")
    confirmed = st.session_state.get("sim_confirmed") == configs
    if not confirmed and not all(c in _store() for c in configs.values()):
        if not st.button(t("sim.start", cases=cases), key="sim_start", type="primary"):
            st.stop()
        st.session_state["sim_confirmed"] = configs

runs: dict[str, A.SimulationRun] = {}
try:
    for mode, cfg in configs.items():
        runs[mode] = _run(cfg)
except A.SimulationError as exc:
    st.error(t("sim.refused", msg=exc), icon=":material/block:")
    st.stop()

# ------------------------------------------------------------------------------------------------------ curves
st.subheader(t("sim.curves"))
log_y = controls.toggle(t("sim.log_y"), "sim_log", False)
plotly_chart(
    F.error_curves_figure(runs, log_y, as_dict=True), key="sim_curves", height=460, filename="simulation_curves"
)
st.caption(t("sim.published"))
st.subheader(t("sim.summary"))
summary = _summary_table(runs)
st.dataframe(
    summary,
    hide_index=True,
    column_config={  # E(t) and its sum with thousands separators; the per-case error (second to last) to 4 decimals
        c: st.column_config.NumberColumn(format="%.4f" if c == summary.columns[-2] else "localized")
        for c in summary.columns[2:]
    },
)
st.caption(" ".join(t("sim.seconds", s=r.seconds, mode=m) for m, r in runs.items()))
d1, d2 = st.columns(2)
d1.download_button(t("common.download_csv"), _curves_csv(runs), "simulation_curves.csv", "text/csv", key="sim_csv")
first = next(iter(runs))
d2.download_button(
    t("sim.download_json"), A.to_json(runs[first]), f"simulation_{first}.json", "application/json", key="sim_json"
)

# ------------------------------------------------------------------------------------------------------ map
st.subheader(t("sim.map"))
m1, m2 = st.columns(2)
with m1:
    map_mode = controls.selectbox(t("sim.map_mode"), "sim_map_mode", list(runs))
with m2:
    map_loss = controls.selectbox(
        t("sim.map_loss"), "sim_map_loss", list(runs[map_mode].error), format_func=F.loss_label
    )
zmax = max(float(e.max()) for r in runs.values() for e in r.centre_error.values())
plotly_chart(F.final_error_map_figure(runs[map_mode], map_loss, zmax, as_dict=True), key="sim_map", height=480)
st.caption(t("sim.map_help"))

# ------------------------------------------------------------------------------------------------------ trajectory
st.subheader(t("sim.traj"))
pair_text = controls.text_input(t("sim.pair"), "sim_pair", "")
pair = None
if pair_text.strip():
    try:
        *pair, factor = A.normalise_pair(*A.parse_pair(pair_text))
        st.caption(t("sim.pair_scaled", k=factor))
    except A.SimulationError as exc:
        st.warning(t("sim.bad_pair", msg=exc), icon=":material/warning:")
if pair is None:
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        centre = controls.number_input(t("sim.centre"), "sim_centre", 0, int(points) - 1, 0, step=1)
    idx = range(7)
    with k2:
        ta = controls.selectbox(t("sim.target_aspect"), "sim_ta", list(idx), index=3, format_func=RATIOS.__getitem__)
    with k3:
        sc = controls.selectbox(
            t("sim.scale"), "sim_sc", list(idx), index=3, format_func=lambda i: f"{A.S.SCALES[i]:g}"
        )
    with k4:
        aa = controls.selectbox(t("sim.anchor_aspect"), "sim_aa", list(idx), index=3, format_func=RATIOS.__getitem__)
    pair = A.case_boxes(tuple(runs[first].centres[min(int(centre), int(points) - 1)]), ta, sc, aa)
anchor, target = pair
st.caption(t("sim.traj_case", a=", ".join(f"{v:.3f}" for v in anchor), g=", ".join(f"{v:.3f}" for v in target)))
paths = _paths(anchor, target, tuple(losses), tuple(configs), int(iters), rates, until, bool(iou_factor))
plotly_chart(F.trajectory_figure(paths, target, as_dict=True), key="sim_traj", height=480)
plotly_chart(F.trajectory_error_figure(paths, target, as_dict=True), key="sim_traj_err", height=360)

# ------------------------------------------------------------------------------------------------------ saved run
st.subheader(t("sim.load"))
upload = st.file_uploader(
    t("sim.load"), type=["json"], key="sim_upload", help=t("sim.load_help"), label_visibility="collapsed"
)
st.caption(t("sim.load_help"))
if upload is not None:
    try:
        loaded = A.from_json(upload.getvalue())
    except A.SimulationError as exc:
        st.error(t("sim.bad_file", msg=exc), icon=":material/block:")
    else:
        c = loaded.config
        st.success(t("sim.loaded", cases=c.cases, gradients=c.gradients, iters=c.iters, s=loaded.seconds))
        plotly_chart(
            F.error_curves_figure({c.gradients: loaded}, log_y, as_dict=True), key="sim_loaded_curves", height=420
        )
        st.dataframe(_summary_table({c.gradients: loaded}), hide_index=True)

with st.expander(t("sim.quirks"), expanded=True):
    st.markdown(t("sim.quirks_body"))
