"""Classification: how detectors fight a flood of easy negatives — focal loss, class-balanced loss, GHM-C, AP-loss.

Widgets in (bound to the URL), numbers from ``lossviz.analysis.classification`` (cached across sessions), figures,
formulas, metrics and tables from ``lossviz.figures.classification``. Only the open tab runs, as a fragment.
"""

from __future__ import annotations

import zlib

import streamlit as st

from lossviz.analysis import classification as A
from lossviz.components import controls, downloads, sections, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.components.sections import controls_row as row
from lossviz.components.sections import preset_buttons as presets
from lossviz.figures import classification as F
from lossviz.i18n import t

controls.declare_keys(*A.URL_KEYS)  # a link may set the controls of tabs that do not run now

#: Tab labels are what the URL holds (``cls_panel=Focal+loss``, as before): proper names, the same in every language.
PANELS = {"focal": "Focal loss", "cb": "Class-balanced", "ghm": "GHM-C", "ap": "AP-loss"}
# Shared across sessions: every result is what its controls determine (the arguments are the cache key).
focal_curves, focal_gradients, population_totals, population_shares, effective, cb_table, ghm, ap_analysis = (
    st.cache_data(max_entries=64, show_spinner=False)(f)
    for f in (A.focal_curves, A.focal_gradients, A.population_totals, A.population_shares,
              A.effective_number_curves, A.class_balanced_table, A.ghm_simulation, A.ap_analysis)
)  # fmt: skip


def _notes(formulas: str | None = None, csv: tuple | None = None, explain: str | None = None) -> None:
    """Under a figure: its formulas, its data as CSV (``(columns, file name)``) and what it shows."""
    sections.formulas(F.FORMULAS.get(formulas, ()))
    if csv:
        downloads.buttons(csv[1], csv=csv[0], key=f"cls_dl_{csv[1]}")
    if explain:  # closed: only the page's own "what this shows" opens on a first visit
        st.expander(t("common.explanation"), icon=":material/school:").markdown(t(f"cls.{explain}"))


def _error(err: Exception) -> None:
    """A refused input as a translated message (never a traceback)."""
    code = f"cls.err.{err.code}" if isinstance(err, A.InputError) else None
    st.error(t(code, **err.params) if code else t("common.error", msg=err), icon=":material/block:")


def _head(panel: str) -> None:
    p = A.PAPERS[panel]
    st.subheader(t(f"cls.head.{panel}"))
    st.caption(t("cls.paper", cite=p.cite, title=p.title, arxiv=p.arxiv, url=p.url))
    st.markdown(t(f"cls.{panel}.intro"))


@st.fragment
def focal_panel() -> None:
    _head("focal")
    c = st.columns([5, 3, 5])
    (use_alpha,) = row(*A.CONTROLS["alpha_switch"], cols=[c[1]])
    gamma, a = row(*A.CONTROLS["focal"], cols=[c[0], c[2]], off="" if use_alpha else "cls_alpha")
    alpha, gamma = float(a) if use_alpha else -1.0, float(gamma)
    curves, grads = focal_curves(alpha, gamma), focal_gradients(alpha, gamma)
    sections.charts((F.focal_loss_figure(curves, as_dict=True), "cls_focal_curves", 420),
                    (F.modulating_figure(curves, as_dict=True), "cls_focal_factor", 420))  # fmt: skip
    shown_area = st.container()  # always there: a notice coming or going must not remount the charts below it
    if shown := A.matching_preset(A.FOCAL_PRESETS, st.session_state):
        shown_area.success(t(f"cls.preset.shows.{shown}"), icon=":material/menu_book:")
    presets({code: p.values for code, p in A.FOCAL_PRESETS.items()}, "cls.preset.", "cls_preset_", shown)
    alpha_note = st.container()
    if not use_alpha:
        alpha_note.info(t("cls.alpha_off_note"), icon=":material/info:")
    sections.metrics(F.focal_metrics(alpha, gamma))
    _notes("focal", (curves.columns(), "focal_curves"), "focal.explain_curves")
    plotly_chart(F.focal_grad_figure(grads, as_dict=True), key="cls_focal_grad", height=420)
    _notes("focal_grad", (grads.columns(), "focal_gradients"), "focal.explain_grad")
    st.subheader(t("cls.pop.title"))
    st.markdown(t("cls.pop.intro"))
    sample = tuple(f(v) for f, v in zip((int, int, float, float), row(*A.CONTROLS["population"]), strict=True))
    with st.spinner(t("cls.pop.computing", n=sample[0] + sample[1])):
        pop = population_shares(*sample, alpha, gamma, ce=population_totals(*sample, -1.0, 0.0))
    sections.metrics(F.population_metrics(pop))
    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(F.population_figure(pop, as_dict=True), key="cls_pop", height=400)
    with g2:
        sections.table(F.population_table(pop))
        _notes(csv=(pop.rows(), "focal_population"))
    st.markdown(F.population_summary(pop, alpha, gamma))


@st.fragment
def cb_panel() -> None:
    _head("cb")
    plotly_chart(F.effective_number_figure(effective(), as_dict=True), key="cls_cb_eff", height=400)
    _notes("cb", (effective().columns(), "effective_number"), "cb.explain_eff")
    st.subheader(t("cls.cb.weights_title"))
    text, beta, kind = row(*A.CONTROLS["cb"])
    presets({code: {"cls_counts": v} for code, v in A.COUNT_PRESETS.items()}, "cls.cb.preset_", "cls_preset_")
    kind = kind or "softmax"
    cb_gamma = row(*A.CONTROLS["cb_gamma"])[0] if kind == "focal" else 2.0
    try:
        table = cb_table(tuple(A.parse_counts(text)), float(beta), kind, float(cb_gamma))
    except ValueError as err:
        _error(err)
        return st.info(t("cls.cb.fix_counts"), icon=":material/info:")
    plotly_chart(F.cb_weights_figure(table, as_dict=True), key="cls_cb_weights", height=420)
    sections.table(F.cb_table(table), numbers_from=2)
    st.markdown(F.cb_summary(table))
    _notes(None, (table.columns(), "class_balanced_weights"), "cb.explain_weights")


@st.fragment
def ghm_panel() -> None:
    _head("ghm")
    bins, momentum, easy, out = row(*A.CONTROLS["ghm"])
    try:
        with st.spinner(t("cls.ghm.computing")):
            sim = ghm(int(bins), float(momentum), easy=float(easy), outliers=float(out))
    except ValueError as err:
        return _error(err)
    sections.charts((F.ghm_density_figure(sim, as_dict=True), "cls_ghm_density", 380),
                    (F.ghm_weight_figure(sim, as_dict=True), "cls_ghm_weight", 380))  # fmt: skip
    sections.metrics(F.ghm_metrics(sim))
    plotly_chart(F.ghm_contrib_figure(sim, as_dict=True), key="cls_ghm_contrib", height=400)
    if momentum > 0:
        st.caption(t("cls.ghm.momentum_note", steps=5))
    _notes("ghm", (sim.columns(), "ghm_c"), "ghm.explain")


def _on_edit(key: str, scores: list[float], labels: list[int]) -> None:
    """A valid table edit becomes the (URL-bound) anchor text, which keys a fresh table; a bad one stays shown."""
    try:
        st.session_state["cls_anchors"] = A.format_anchors(*A.apply_table_edits(scores, labels, st.session_state[key]))
    except A.InputError:
        pass  # the page says why, and the table keeps the edit so the user can fix it


@st.fragment
def ap_panel() -> None:
    _head("ap")
    text, delta = row(*A.CONTROLS["ap"], widths=[3, 1])
    presets({code: {"cls_anchors": v} for code, v in A.AP_PRESETS.items()}, "cls.ap.preset.", "cls_ap_preset_")
    try:
        scores, labels, parsed = *A.parse_anchors(text), True
    except A.InputError as err:
        _error(err)  # one message; the table starts empty so that the list can be rebuilt
        scores, labels, parsed = [], [], False
    edit_col, out_col = st.columns([1, 2])
    with edit_col:
        key = f"cls_ap_editor_{zlib.crc32(text.encode())}"  # a new list (typed, preset, URL, edit): a fresh table
        st.data_editor(F.anchor_frame(scores, labels), key=key, num_rows="dynamic", hide_index=True,
                       column_config={c: getattr(st.column_config, kind)(t(f"cls.ap.col.{c}"), **kw)
                                      for c, (kind, kw) in F.ANCHOR_COLUMNS.items()},
                       on_change=_on_edit, args=(key, scores, labels))  # fmt: skip
        st.caption(t("cls.ap.table_help"))
        try:
            A.apply_table_edits(scores, labels, st.session_state.get(key))
        except A.InputError as err:
            _error(err)
    try:
        ap = ap_analysis(tuple(scores), tuple(labels), float(delta)) if parsed else None
    except ValueError as err:
        return _error(err)
    if ap is None:
        return
    with out_col:
        sections.metrics(F.ap_metrics(ap))
        plotly_chart(F.ap_update_figure(ap, as_dict=True), key="cls_ap_update", height=380)
    sections.table(F.ap_table(ap), numbers_from=5)
    st.caption(t("cls.ap.dash_note"))
    _notes(csv=(ap.columns(), "ap_loss_anchors"))
    interp = bool(row(*A.CONTROLS["ap_interp"])[0])
    plotly_chart(F.ap_matrix_figure(ap, interpolated=interp, as_dict=True), key="cls_ap_matrix", height=420)
    _notes("ap", (F.ap_matrix_columns(ap, interp), "ap_loss_L_matrix"), "ap.explain")


st.title(t("cls.title"))
with shell.explanation("cls"):
    st.markdown(t("cls.intro"))
for tab, render in zip(controls.tabs(list(PANELS.values()), "cls_panel", PANELS["focal"]),
                       (focal_panel, cb_panel, ghm_panel, ap_panel), strict=True):  # fmt: skip
    if tab.open:
        with tab:
            render()
