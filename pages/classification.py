"""Classification: how detectors fight a flood of easy negatives — focal loss, class-balanced loss, GHM-C, AP-loss.

Widgets in (all bound to the URL), numbers from ``lossviz.analysis.classification`` (cached across sessions),
figures, formulas, metrics and tables from ``lossviz.figures.classification``. Only the open tab runs; each tab is a
fragment, so its controls rerun that tab alone.
"""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from lossviz.analysis import classification as A
from lossviz.components import controls, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import classification as F
from lossviz.i18n import t

shell.require_navigation()  # a deep link on a fresh server must go through app.py

#: Tab labels are what the URL holds (``cls_panel=Focal+loss``, as before): proper names, the same in every language.
PANELS = {"focal": "Focal loss", "cb": "Class-balanced", "ghm": "GHM-C", "ap": "AP-loss"}
CB_BETA_OPTIONS = (0.0, 0.9, 0.99, 0.999, 0.9999, 0.99999)
AP_PRESETS = {"example": A.DEFAULT_ANCHORS, "perfect": "4:1,3.5:1,3:1,1:0,0.5:0,-1:0,-2:0",
              "buried": "3:0,2.5:0,2:0,1.5:1,1:0,0.5:0,0:1,-1:0"}  # fmt: skip
# Shared across sessions: every result is what its controls determine (arguments are the cache key).
focal_curves, focal_gradients, population_totals, population_shares, effective, cb_table, ghm, ap_analysis = (
    st.cache_data(max_entries=64, show_spinner=False)(f)
    for f in (A.focal_curves, A.focal_gradients, A.population_totals, A.population_shares,
              A.effective_number_curves, A.class_balanced_table, A.ghm_simulation, A.ap_analysis)
)  # fmt: skip


def _error(err: Exception) -> None:
    """A refused input as a translated message (never a traceback)."""
    code = f"cls.err.{err.code}" if isinstance(err, A.InputError) else None
    st.error(t(code, **err.params) if code else t("common.error", msg=err), icon=":material/block:")


def _csv(columns: dict, name: str) -> None:
    data = lambda: pd.DataFrame(columns).to_csv(index=False).encode("utf-8")  # noqa: E731 (built on click only)
    st.download_button(t("common.download_csv"), data=data, file_name=f"{name}.csv", mime="text/csv", key=name)


def _show(metrics: list[dict], formulas: str | None = None, explain: str | None = None) -> None:
    for col, m in zip(st.columns(len(metrics)) if metrics else [], metrics, strict=True):
        col.metric(**m)
    for tex in F.FORMULAS.get(formulas, []):
        st.latex(tex)
    if explain:
        with st.expander(t("common.explanation")):
            st.markdown(t(explain))


def _head(panel: str) -> None:
    st.subheader(t(f"cls.head.{panel}"))
    p = A.PAPERS[panel]
    st.caption(t("cls.paper", cite=p.cite, title=p.title, arxiv=p.arxiv, url=p.url))
    st.markdown(t(f"cls.{panel}.intro"))


def _set(values: dict) -> None:
    st.session_state.update(values)


@st.fragment
def focal_panel() -> None:
    _head("focal")
    c = st.columns([1.2, 0.8, 1.2])
    with c[0]:
        gamma = float(controls.slider(t("cls.gamma"), "cls_gamma", 0.0, 5.0, 2.0, 0.1, help=t("cls.gamma_help")))
    with c[1]:
        use_alpha = controls.toggle(t("cls.use_alpha"), "cls_use_alpha", True, help=t("cls.use_alpha_help"))
    with c[2]:
        a = controls.slider(t("cls.alpha"), "cls_alpha", 0.0, 1.0, 0.25, 0.05, help=t("cls.alpha_help"),
                            disabled=not use_alpha)  # fmt: skip
    alpha = float(a) if use_alpha else -1.0
    curves, grads = focal_curves(alpha, gamma), focal_gradients(alpha, gamma)
    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(F.focal_loss_figure(curves, as_dict=True), key="cls_focal_curves", height=420)
    with g2:
        plotly_chart(F.modulating_figure(curves, as_dict=True), key="cls_focal_factor", height=420)
    shown = A.matching_preset(A.FOCAL_PRESETS, st.session_state)
    if shown:
        st.success(t(f"cls.preset.shows.{shown}"), icon=":material/menu_book:")
    for col, (code, preset) in zip(st.columns(len(A.FOCAL_PRESETS)), A.FOCAL_PRESETS.items(), strict=True):
        col.button(t(f"cls.preset.{code}"), key=f"cls_preset_{code}", on_click=_set, args=(dict(preset.values),),
                   width="stretch", disabled=shown == code)  # fmt: skip
    if not use_alpha:
        st.info(t("cls.alpha_off_note"), icon=":material/info:")
    _show(F.focal_metrics(alpha, gamma), "focal", "cls.focal.explain_curves")
    _csv(curves.columns(), "focal_curves")
    plotly_chart(F.focal_grad_figure(grads, as_dict=True), key="cls_focal_grad", height=420)
    _show([], "focal_grad", "cls.focal.explain_grad")
    _csv(grads.columns(), "focal_gradients")

    st.subheader(t("cls.pop.title"))
    st.markdown(t("cls.pop.intro"))
    c = st.columns(4)
    with c[0]:
        n_neg = controls.number_input(t("cls.pop.n_neg"), "cls_nneg", 1, 1_000_000, 100_000, step=1000)
    with c[1]:
        n_pos = controls.number_input(t("cls.pop.n_pos"), "cls_npos", 1, 100_000, 100, step=10)
    with c[2]:
        neg_p = controls.slider(t("cls.pop.neg_p"), "cls_neg_p", 0.001, 0.5, 0.05, 0.001, format="%.3f",
                                help=t("cls.pop.neg_p_help"))  # fmt: skip
    with c[3]:
        pos_p = controls.slider(t("cls.pop.pos_p"), "cls_pos_p", 0.01, 0.99, 0.5, 0.01, help=t("cls.pop.pos_p_help"))
    with st.spinner(t("cls.pop.computing", n=int(n_neg) + int(n_pos))):
        ce = population_totals(int(n_neg), int(n_pos), float(neg_p), float(pos_p), -1.0, 0.0)
        pop = population_shares(int(n_neg), int(n_pos), float(neg_p), float(pos_p), alpha, gamma, ce=ce)
    _show(F.population_metrics(pop))
    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(F.population_figure(pop, as_dict=True), key="cls_pop", height=400)
    with g2:
        st.dataframe(F.population_table(pop), hide_index=True)
        _csv(pd.DataFrame(pop.rows()).to_dict("list"), "focal_population")
    st.markdown(F.population_summary(pop, alpha, gamma))


@st.fragment
def cb_panel() -> None:
    _head("cb")
    plotly_chart(F.effective_number_figure(effective(), as_dict=True), key="cls_cb_eff", height=400)
    _show([], "cb", "cls.cb.explain_eff")
    _csv(effective().columns(), "effective_number")
    st.subheader(t("cls.cb.weights_title"))
    c1, c2 = st.columns([3, 2])
    with c1:
        text = controls.text_input(t("cls.cb.counts"), "cls_counts", A.COUNT_PRESETS["long_tail"],
                                   help=t("cls.cb.counts_help"))  # fmt: skip
        for col, code in zip(st.columns(2), ("long_tail", "fg_bg"), strict=True):
            col.button(t(f"cls.cb.preset_{code}"), key=f"cls_preset_{code}", on_click=_set,
                       args=({"cls_counts": A.COUNT_PRESETS[code]},), width="stretch")  # fmt: skip
    with c2:
        beta = controls.selectbox(t("cls.cb.beta"), "cls_beta", list(CB_BETA_OPTIONS), 3, help=t("cls.cb.beta_help"))
        kind = controls.segmented(t("cls.cb.loss_type"), "cls_cb_type", ["softmax", "sigmoid", "focal"], "softmax")
        kind = kind or "softmax"
        cb_gamma = controls.slider(t("cls.gamma"), "cls_cb_gamma", 0.0, 5.0, 2.0, 0.1) if kind == "focal" else 2.0
    try:
        table = cb_table(tuple(A.parse_counts(text)), float(beta), kind, float(cb_gamma))
    except ValueError as err:
        _error(err)
        st.info(t("cls.cb.fix_counts"), icon=":material/info:")
        return
    plotly_chart(F.cb_weights_figure(table, as_dict=True), key="cls_cb_weights", height=420)
    df = F.cb_table(table)
    st.dataframe(df, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f")
                                                      for c in df.columns[2:]})  # fmt: skip
    _csv(table.columns(), "class_balanced_weights")
    ratio, inv = table.weights.max() / table.weights.min(), table.inverse.max() / table.inverse.min()
    st.markdown(t("cls.cb.summary", ratio=ratio, beta=float(beta), inv=inv))
    _show([], None, "cls.cb.explain_weights")


@st.fragment
def ghm_panel() -> None:
    _head("ghm")
    c = st.columns(4)
    with c[0]:
        bins = controls.slider(t("cls.ghm.bins"), "cls_bins", 1, 30, 10, 1, help=t("cls.ghm.bins_help"))
    with c[1]:
        momentum = controls.slider(t("cls.ghm.momentum"), "cls_momentum", 0.0, 0.95, 0.0, 0.05,
                                   help=t("cls.ghm.momentum_help"))  # fmt: skip
    with c[2]:
        easy = controls.slider(t("cls.ghm.easy"), "cls_ghm_easy", 0.0, 0.99, 0.9, 0.01, help=t("cls.ghm.easy_help"))
    with c[3]:
        outliers = controls.slider(t("cls.ghm.outliers"), "cls_ghm_out", 0.0, 0.2, 0.01, 0.005, format="%.3f",
                                   help=t("cls.ghm.outliers_help"))  # fmt: skip
    try:
        with st.spinner(t("cls.ghm.computing")):
            sim = ghm(int(bins), float(momentum), easy=float(easy), outliers=float(outliers))
    except ValueError as err:
        _error(err)
        return
    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(F.ghm_density_figure(sim, as_dict=True), key="cls_ghm_density", height=380)
    with g2:
        plotly_chart(F.ghm_weight_figure(sim, as_dict=True), key="cls_ghm_weight", height=380)
    _show(F.ghm_metrics(sim), "ghm")
    plotly_chart(F.ghm_contrib_figure(sim, as_dict=True), key="cls_ghm_contrib", height=400)
    _csv(sim.columns(), "ghm_c")
    if momentum > 0:
        st.caption(t("cls.ghm.momentum_note", steps=5))
    _show([], None, "cls.ghm.explain")


def _on_edit(key: str, scores: list[float], labels: list[int]) -> None:
    """A valid table edit becomes the (URL-bound) anchor text, which keys a fresh table; a bad one stays shown."""
    try:
        st.session_state["cls_anchors"] = A.format_anchors(*A.apply_table_edits(scores, labels, st.session_state[key]))
    except A.InputError:
        pass  # the page says why, and the table keeps the edit so the user can fix it


@st.fragment
def ap_panel() -> None:
    _head("ap")
    c1, c2 = st.columns([3, 1])
    with c1:
        text = controls.text_input(t("cls.ap.anchors"), "cls_anchors", A.DEFAULT_ANCHORS, help=t("cls.ap.anchors_help"))
    with c2:
        delta = controls.slider(t("cls.ap.delta"), "cls_delta", 0.1, 3.0, 1.0, 0.1, help=t("cls.ap.delta_help"))
    for col, (code, preset) in zip(st.columns(len(AP_PRESETS)), AP_PRESETS.items(), strict=True):
        col.button(t(f"cls.ap.preset.{code}"), key=f"cls_ap_preset_{code}", on_click=_set,
                   args=({"cls_anchors": preset},), width="stretch")  # fmt: skip
    try:
        scores, labels = A.parse_anchors(text)
    except A.InputError as err:
        _error(err)  # one message; the table starts empty so the list can be rebuilt
        scores, labels, err_shown = [], [], True
    else:
        err_shown = False
    edit_col, out_col = st.columns([1, 2])
    with edit_col:
        key = f"cls_ap_editor_{zlib.crc32(text.encode())}"  # a new list (typed, preset, URL, edit): a fresh table
        cfg = {
            "score": st.column_config.NumberColumn(t("cls.ap.col.score"), format="%.2f", required=True),
            "label": st.column_config.SelectboxColumn(t("cls.ap.col.label"), options=[1, 0, -1], required=True),
        }
        frame = pd.DataFrame({"score": pd.Series(scores, dtype="float64"), "label": pd.Series(labels, dtype="int64")})
        st.data_editor(frame, key=key, num_rows="dynamic", hide_index=True, column_config=cfg, on_change=_on_edit,
                       args=(key, scores, labels))  # fmt: skip
        st.caption(t("cls.ap.table_help"))
        try:
            A.apply_table_edits(scores, labels, st.session_state.get(key))
        except A.InputError as err:
            _error(err)
    if err_shown:
        return
    with out_col:
        try:
            ap = ap_analysis(tuple(scores), tuple(labels), float(delta))
        except ValueError as err:
            _error(err)
            return
        _show(F.ap_metrics(ap))
        plotly_chart(F.ap_update_figure(ap, as_dict=True), key="cls_ap_update", height=380)
    df = F.ap_table(ap)
    st.dataframe(df, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f")
                                                      for c in df.columns[5:]})  # fmt: skip
    st.caption(t("cls.ap.dash_note"))
    _csv(ap.columns(), "ap_loss_anchors")
    interp = controls.toggle(t("cls.ap.interp"), "cls_ap_interp", False, help=t("cls.ap.interp_help"))
    plotly_chart(F.ap_matrix_figure(ap, interpolated=bool(interp), as_dict=True), key="cls_ap_matrix", height=420)
    _csv(F.ap_matrix_columns(ap, bool(interp)), "ap_loss_L_matrix")
    _show([], "ap", "cls.ap.explain")


st.title(t("cls.title"))
st.markdown(t("cls.intro"))
tabs = controls.tabs(list(PANELS.values()), "cls_panel", PANELS["focal"])
for tab, render in zip(tabs, (focal_panel, cb_panel, ghm_panel, ap_panel), strict=True):
    if tab.open:
        with tab:
            render()
