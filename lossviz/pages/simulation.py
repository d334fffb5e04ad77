"""Simulation: the DIoU paper's box-regression experiment, every IoU loss, paper gradients beside exact ones.

Thin page: widgets in (all in the URL), runs from ``lossviz.analysis.simulation`` (which calls the torch core),
figures from ``lossviz.figures.simulation``. Finished runs are shared by every session (the last 8 configurations);
the default is a reduced run, the paper's full scale one click away. Only the selected view is rendered.
"""

from __future__ import annotations

import streamlit as st

from lossviz.analysis import simulation as A
from lossviz.components import coded, controls, downloads, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.components.progress_cache import cached_with_progress as cached
from lossviz.figures import simulation as F
from lossviz.i18n import t
from lossviz.i18n.simulation import error_text

RATIOS = ("1:4", "1:3", "1:2", "1:1", "2:1", "3:1", "4:1")
LEGACY = {F.loss_label(n): n for n in A.AUTOGRAD_LOSSES}  # old links carried the display names (sim_losses=IoU)
VIEWS = ("curves", "map", "traj", "load")


def _run(cfg: A.Config) -> A.SimulationRun:  # shared by every session: a run is done once per configuration
    busy = t("sim.running", loss=", ".join(map(F.loss_label, cfg.losses)), mode=cfg.gradients)
    return cached(("simulation", cfg), lambda progress: A.run(cfg, lambda f, _name: progress(f)), busy)


@st.cache_data(max_entries=64, show_spinner=False)
def _paths(anchor, target, losses, modes, iters, rates, until, iou_factor):
    return A.trajectories(anchor, target, losses, gradients=modes, iters=iters, rates=rates, until=until,
                          iou_factor=iou_factor)  # fmt: skip


def _full_scale() -> None:
    st.session_state.update(sim_points=A.PAPER_POINTS, sim_go=True)


def _table(runs: dict[str, A.SimulationRun]) -> None:
    df = F.summary_table(runs)  # E(t) and the area with thousands separators; per case (second to last) 4 decimals
    fmt = {
        c: st.column_config.NumberColumn(format="%.4f" if c == df.columns[-2] else "localized") for c in df.columns[2:]
    }
    st.dataframe(df, hide_index=True, column_config=fmt)


st.title(t("sim.title"))
st.markdown(t("sim.intro"))
st.caption(t("sim.papers", links=" · ".join(f"[{F.loss_label(c)}]({url})" for c, url in A.PAPERS.items())))
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    with c1:
        points = controls.number_input(t("sim.points"), "sim_points", 1, A.PAPER_POINTS, A.DEFAULT_POINTS, step=10)
    with c2:
        iters = controls.number_input(t("sim.iters"), "sim_iters", 1, 1000, A.PAPER_ITERS, step=10)
    with c3:
        seed = controls.number_input(t("sim.seed"), "sim_seed", 0, 1_000_000, 0, step=1)
    losses = coded.multiselect(t("sim.losses"), "sim_losses", A.AUTOGRAD_LOSSES, A.PAPER_LOSSES, F.loss_label,
                               legacy=LEGACY)  # fmt: skip
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
base = A.Config(int(points), int(iters), tuple(losses), "autograd", int(seed), rates, until, bool(iou_factor))
configs = A.mode_configs(base, modes)
if not configs:
    st.info(t("sim.no_loss"))
    controls.stop()
if "paper" in configs and len(configs["paper"].losses) < len(losses):
    st.caption(t("sim.paper_only4"))
cases = int(points) * A.CASES_PER_CENTRE
mib = max(A.estimate_bytes(c) for c in configs.values()) / 2**20
st.caption(t("sim.cases", cases=cases, losses=len(losses), modes=len(configs), iters=int(iters), mib=mib))
if int(points) < A.PAPER_POINTS:  # say which scale is shown, and offer the paper's
    s1, s2 = st.columns([3, 1], vertical_alignment="center")
    s1.info(t("sim.reduced", points=int(points), cases=cases, paper=A.PAPER_POINTS * A.CASES_PER_CENTRE),
            icon=":material/compress:")  # fmt: skip
    s2.button(t("sim.full_scale"), key="sim_full", on_click=_full_scale)
if st.session_state.pop("sim_go", False):  # the full-scale button is the user's own start
    st.session_state["sim_confirmed"] = configs
if any(A.large(c) for c in configs.values()):
    st.warning(t("sim.large"), icon=":material/hourglass:")  # a shared link alone must not start minutes of work
    if st.session_state.get("sim_confirmed") != configs:
        if not st.button(t("sim.start", cases=cases), key="sim_start", type="primary"):
            controls.stop()
        st.session_state["sim_confirmed"] = configs
try:
    runs = {mode: _run(cfg) for mode, cfg in configs.items()}
except A.SimulationError as exc:
    st.error(t("sim.refused", msg=error_text(exc.code, exc.params)), icon=":material/block:")
    controls.stop()

controls.declare_keys("sim_map_loss")  # the map view's loss, in the URL while another view is open
view = coded.segmented(t("sim.view"), "sim_view", VIEWS, "curves", lambda v: t(f"sim.view.{v}"))
first = next(iter(runs))
if view == "curves":
    log_y = controls.toggle(t("sim.log_y"), "sim_log", False)
    plotly_chart(F.error_curves_figure(runs, log_y, as_dict=True), key="sim_curves", height=460,
                 filename="simulation_curves")  # fmt: skip
    st.caption(t("sim.published"))
    st.subheader(t("sim.summary"))
    _table(runs)
    st.caption(" ".join(t("sim.seconds", s=r.seconds, mode=m) for m, r in runs.items()))
    downloads.buttons(f"simulation_{first}", csv=lambda: A.curves_csv(runs), json=lambda: A.to_json(runs[first]),
                      key="sim_dl", labels={"json": t("sim.download_json")})  # fmt: skip
elif view == "map":
    m1, m2 = st.columns(2)
    with m1:
        map_mode = controls.selectbox(t("sim.map_mode"), "sim_map_mode", list(runs))
    with m2:
        map_loss = coded.selectbox(t("sim.map_loss"), "sim_map_loss", list(runs[map_mode].error),
                                   next(iter(runs[map_mode].error)), F.loss_label, legacy=LEGACY)  # fmt: skip
    zmax = max(float(e.max()) for r in runs.values() for e in r.centre_error.values())
    plotly_chart(F.final_error_map_figure(runs[map_mode], map_loss, zmax, as_dict=True), key="sim_map", height=480)
    st.caption(t("sim.map_help"))
elif view == "traj":
    pair_text = controls.text_input(t("sim.pair"), "sim_pair", "")
    pair = None
    if pair_text.strip():
        try:
            *pair, factor = A.normalise_pair(*A.parse_pair(pair_text))
            st.caption(t("sim.pair_scaled", k=factor))
        except A.SimulationError as exc:
            st.warning(t("sim.bad_pair", msg=error_text(exc.code, exc.params)), icon=":material/warning:")
    if pair is None:
        cols = st.columns(4)
        with cols[0]:
            centre = controls.number_input(t("sim.centre"), "sim_centre", 0, int(points) - 1, 0, step=1)
        scales = [f"{v:g}" for v in A.S.SCALES]
        picks = []  # indices into the protocol's aspects and scales; the URL holds "1:4", "0.5", ...
        for col, name, labels in zip(
            cols[1:], ("ta", "sc", "aa"), (A.RATIO_LABELS, scales, A.RATIO_LABELS), strict=True
        ):
            with col:
                picks.append(
                    controls.selectbox(t(f"sim.{name}"), f"sim_{name}", range(7), 3, format_func=labels.__getitem__)
                )
        pair = A.case_boxes(tuple(runs[first].centres[min(int(centre), int(points) - 1)]), *picks)
    anchor, target = pair
    st.caption(t("sim.traj_case", a=", ".join(f"{v:.3f}" for v in anchor), g=", ".join(f"{v:.3f}" for v in target)))
    paths = _paths(anchor, target, tuple(losses), tuple(configs), int(iters), rates, until, bool(iou_factor))
    plotly_chart(F.trajectory_figure(paths, target, as_dict=True), key="sim_traj", height=480)
    plotly_chart(F.trajectory_error_figure(paths, target, as_dict=True), key="sim_traj_err", height=360)
else:
    upload = st.file_uploader(t("sim.load"), type=["json"], key="sim_upload", help=t("sim.load_help"))
    st.caption(t("sim.load_help"))
    if upload is not None:
        try:
            loaded = A.from_json(upload.getvalue())
        except A.SimulationError as exc:
            st.error(t("sim.bad_file", msg=error_text(exc.code, exc.params)), icon=":material/block:")
        else:
            c = loaded.config
            st.success(t("sim.loaded", cases=c.cases, gradients=c.gradients, iters=c.iters, s=loaded.seconds))
            plotly_chart(F.error_curves_figure({c.gradients: loaded}, False, as_dict=True), key="sim_loaded_curves",
                         height=420)  # fmt: skip
            _table({c.gradients: loaded})

with shell.explanation("sim", t("sim.quirks")):
    st.markdown(t("sim.quirks_body"))
