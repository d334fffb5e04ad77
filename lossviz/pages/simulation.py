"""Simulation: the DIoU paper's box-regression experiment, every IoU loss, paper gradients beside exact ones.
Widgets in (all in the URL); runs and figures through ``lossviz.cached.simulation``, shared by every session. The
default is a reduced run, the paper's full scale one click away. Only the selected view is rendered."""

from __future__ import annotations

import streamlit as st

from lossviz import i18n
from lossviz.analysis import simulation as A
from lossviz.cached import simulation as C
from lossviz.components import coded, controls, downloads, sections, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import simulation as F
from lossviz.i18n import t
from lossviz.i18n.simulation import error_text

LEGACY = {F.loss_label(n): n for n in A.AUTOGRAD_LOSSES}  # old links carried the display names (sim_losses=IoU)
VIEWS = ("curves", "map", "traj", "load")


def _table(df) -> None:  # one fixed number of decimals per column: E(t) and area 3, per case (second to last) 4
    fmt = {c: st.column_config.NumberColumn(format="%.4f" if c == df.columns[-2] else "%.3f")
           for c in df.columns[2:]}  # fmt: skip
    st.dataframe(df, hide_index=True, column_config=fmt)


def _busy(c: A.Config) -> str:  # the progress bar's label of a run that computes
    return t("sim.running", loss=", ".join(map(F.loss_label, c.losses)), mode=c.gradients)


@shell.fragment  # the log scale redraws the chart alone, not the page (its runs, inputs and table are as they were)
def _curves(key: tuple, lang: str) -> None:
    C.runs(dict(key), _busy)  # cached: a run another session's runs pushed out of the cache computes again, shown
    log_y = controls.toggle(t("sim.log_y"), "sim_log", False)
    plotly_chart(C.curves_figure(key, bool(log_y), lang), key="sim_curves", height=460, filename="simulation_curves")


st.title(t("sim.title"))
st.markdown(t("sim.intro"))
st.caption(t("sim.papers", links=" · ".join(f"[{F.loss_label(c)}]({url})" for c, url in A.PAPERS.items())))
with st.container(border=True):
    points, iters, seed = sections.controls_row(
        ("number_input", "sim.points", "sim_points", 1, A.PAPER_POINTS, A.DEFAULT_POINTS, {"step": 10}),
        ("number_input", "sim.iters", "sim_iters", 1, 1000, A.PAPER_ITERS, {"step": 10}),
        ("number_input", "sim.seed", "sim_seed", 0, 1_000_000, 0, {"step": 1}),
    )
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

until, bounds_ok = A.schedule_until(u1, u2)
if not bounds_ok:  # a hand-edited URL: say so and fall back to the paper's bounds
    st.warning(t("sim.bad_bounds", u1=int(u1), u2=int(u2)), icon=":material/warning:")
base = A.Config(int(points), int(iters), tuple(losses), "autograd", int(seed), rates, until, bool(iou_factor))
configs = A.mode_configs(base, modes)
if not configs:
    st.info(t("sim.no_loss"))
    controls.stop()
if "paper" in configs and len(configs["paper"].losses) < len(losses):
    st.caption(t("sim.paper_only4"))
cases = int(points) * A.CASES_PER_CENTRE
st.caption(t("sim.cases", cases=cases, losses=len(losses), modes=len(configs), iters=int(iters),
             mib=A.memory_mib(configs)))  # fmt: skip
if int(points) < A.PAPER_POINTS:  # say which scale is shown, and offer the paper's
    s1, s2 = st.columns([3, 1], vertical_alignment="center")
    s1.info(t("sim.reduced", points=int(points), cases=cases, paper=A.PAPER_POINTS * A.CASES_PER_CENTRE),
            icon=":material/compress:")  # fmt: skip
    s2.button(t("sim.full_scale"), key="sim_full", on_click=st.session_state.update,
              kwargs={"sim_points": A.PAPER_POINTS, "sim_go": True})  # fmt: skip
if st.session_state.pop("sim_go", False):  # the full-scale button is the user's own start
    st.session_state["sim_confirmed"] = configs
if any(A.large(c) for c in configs.values()):
    st.warning(t("sim.large"), icon=":material/hourglass:")  # a shared link alone must not start minutes of work
    if st.session_state.get("sim_confirmed") != configs:
        if not st.button(t("sim.start", cases=cases), key="sim_start", type="primary"):
            controls.stop()
        st.session_state["sim_confirmed"] = configs
controls.check_unknown_params()  # a typo in the URL is reported now, not after a run of minutes
try:
    runs = C.runs(configs, _busy)
except A.SimulationError as exc:
    st.error(t("sim.refused", msg=error_text(exc.code, exc.params)), icon=":material/block:")
    controls.stop()

key, lang, first = tuple(configs.items()), i18n.get_lang(), next(iter(runs))
view = coded.segmented(t("sim.view"), "sim_view", VIEWS, "curves", lambda v: t(f"sim.view.{v}"))
if view == "curves":
    _curves(key, lang)
    st.caption(t("sim.published"))
    st.subheader(t("sim.summary"))
    _table(C.summary_table(key, lang))
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
    plotly_chart(C.map_figure(key, map_mode, map_loss, lang), key="sim_map", height=480)
    st.caption(t("sim.map_help"))
elif view == "traj":
    pair_text, pair = controls.text_input(t("sim.pair"), "sim_pair", ""), None
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
        labels = {"ta": A.RATIO_LABELS, "sc": [f"{v:g}" for v in A.S.SCALES], "aa": A.RATIO_LABELS}
        picks = []  # indices into the protocol's aspects and scales; the URL holds "1:4", "0.5", ...
        for col, (name, url_key) in zip(cols[1:], A.CASE_KEYS.items(), strict=True):
            with col:
                picks.append(controls.selectbox(t(f"sim.{name}"), url_key, range(7), 3,
                                                format_func=labels[name].__getitem__))  # fmt: skip
        pair = A.case_boxes(tuple(runs[first].centres[min(int(centre), int(points) - 1)]), *picks)
    anchor, target = pair
    st.caption(t("sim.traj_case", a=", ".join(f"{v:.3f}" for v in anchor), g=", ".join(f"{v:.3f}" for v in target)))
    paths, errors = C.trajectory_figures(tuple(anchor), tuple(target), tuple(losses), tuple(configs), int(iters),
                                         rates, until, bool(iou_factor), lang)  # fmt: skip
    plotly_chart(paths, key="sim_traj", height=480)
    plotly_chart(errors, key="sim_traj_err", height=360)
else:
    upload = st.file_uploader(t("sim.load"), type=["json"], key="sim_upload", help=t("sim.load_help"))
    shell.upload_note(["json"])  # Streamlit's uploader texts are English only
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
            _table(F.summary_table({c.gradients: loaded}))

with shell.explanation("sim", t("sim.quirks")):
    st.markdown(t("sim.quirks_body"))
