"""Classification: how detectors fight a flood of easy negatives — focal loss, class-balanced loss, GHM-C, AP-loss.

Thin page: widgets in (all bound to the URL), numbers from ``lossviz.analysis.classification`` (which calls the
torch core), figures from ``lossviz.figures.classification``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lossviz.analysis import classification as A
from lossviz.components import controls, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import classification as F
from lossviz.i18n import t

shell.require_navigation()  # a deep link on a fresh server must go through app.py

#: Panel codes and their (language-independent) names: the name is what the URL holds.
PANELS = {"focal": "Focal loss", "cb": "Class-balanced", "ghm": "GHM-C", "ap": "AP-loss"}
CB_BETA_OPTIONS = (0.0, 0.9, 0.99, 0.999, 0.9999, 0.99999)
AP_PRESETS = {
    "example": A.DEFAULT_ANCHORS,
    "perfect": "4:1,3.5:1,3:1,1:0,0.5:0,-1:0,-2:0",
    "buried": "3:0,2.5:0,2:0,1.5:1,1:0,0.5:0,0:1,-1:0",
}


# ------------------------------------------------------------------------------------------------------- helpers


def _error(err: Exception) -> None:
    """Show a refused input as a translated message (never a traceback)."""
    if isinstance(err, A.InputError):
        st.error(t(f"cls.err.{err.code}", **err.params), icon=":material/block:")
    else:
        st.error(t("common.error", msg=err), icon=":material/block:")


def _csv(columns: dict, name: str, key: str) -> None:
    st.download_button(
        t("common.download_csv"),
        data=lambda: pd.DataFrame(columns).to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
    )


def _explain(key: str, **fmt) -> None:
    with st.expander(t("common.explanation")):
        st.markdown(t(key, **fmt))


# -------------------------------------------------------------------------------------------------------- cached


@st.cache_data(max_entries=64, show_spinner=False)
def _focal(alpha: float, gamma: float) -> tuple[A.FocalCurves, A.FocalGrad]:
    return A.focal_curves(alpha, gamma), A.focal_gradients(alpha, gamma)


@st.cache_data(max_entries=32, show_spinner=False)
def _population_ce(n_neg: int, n_pos: int, neg_p: float, pos_p: float):
    return A.population_totals(n_neg, n_pos, neg_p, pos_p, -1.0, 0.0)


@st.cache_data(max_entries=32, show_spinner=False)
def _population(n_neg: int, n_pos: int, neg_p: float, pos_p: float, alpha: float, gamma: float) -> A.PopulationShares:
    """CE's totals do not depend on alpha and gamma: cached apart, so moving a slider recomputes only FL."""
    ce = _population_ce(n_neg, n_pos, neg_p, pos_p)
    return A.population_shares(n_neg, n_pos, neg_p, pos_p, alpha, gamma, ce=ce)


@st.cache_data(max_entries=8, show_spinner=False)
def _effective() -> A.EffectiveNumberCurves:
    return A.effective_number_curves()


@st.cache_data(max_entries=64, show_spinner=False)
def _cb(counts: tuple[int, ...], beta: float, loss_type: str, gamma: float) -> A.CBTable:
    return A.class_balanced_table(counts, beta, loss_type, gamma)


@st.cache_data(max_entries=64, show_spinner=False)
def _ghm(bins: int, momentum: float, easy: float, outliers: float) -> A.GHMSimulation:
    return A.ghm_simulation(bins, momentum, easy=easy, outliers=outliers)


@st.cache_data(max_entries=64, show_spinner=False)
def _ap(scores: tuple[float, ...], labels: tuple[int, ...], delta: float) -> A.APAnalysis:
    return A.ap_analysis(scores, labels, delta)


# ---------------------------------------------------------------------------------------------------- callbacks


def _set_text(key: str, value: str) -> None:
    st.session_state[key] = value


def _editor_key() -> str:
    return f"cls_ap_editor_{st.session_state.get('_cls_ap_ver', 0)}"


def _on_editor(scores: list[float], labels: list[int]) -> None:
    """A valid table edit becomes the (URL-bound) anchor text; a bad one stays in the table with a message."""
    try:
        new_s, new_l = A.apply_table_edits(scores, labels, st.session_state.get(_editor_key()))
    except A.InputError:
        return  # the page shows why, and the table keeps the edit so the user can fix it
    st.session_state["cls_anchors"] = A.format_anchors(new_s, new_l)
    st.session_state["_cls_ap_ver"] = st.session_state.get("_cls_ap_ver", 0) + 1


def _on_ap_preset(text: str) -> None:
    st.session_state["cls_anchors"] = text
    st.session_state["_cls_ap_ver"] = st.session_state.get("_cls_ap_ver", 0) + 1


# ---------------------------------------------------------------------------------------------------------- focal


@st.fragment
def focal_panel() -> None:
    st.markdown(t("cls.focal.intro"))
    c1, c2, c3 = st.columns([1.2, 0.8, 1.2])
    with c1:
        gamma = controls.slider(t("cls.gamma"), "cls_gamma", 0.0, 5.0, 2.0, 0.1, help=t("cls.gamma_help"))
    with c2:
        use_alpha = controls.toggle(t("cls.use_alpha"), "cls_use_alpha", True, help=t("cls.use_alpha_help"))
    with c3:
        alpha_value = controls.slider(
            t("cls.alpha"), "cls_alpha", 0.0, 1.0, 0.25, 0.05, help=t("cls.alpha_help"), disabled=not use_alpha
        )
    alpha = float(alpha_value) if use_alpha else -1.0
    gamma = float(gamma)
    try:
        curves, grads = _focal(alpha, gamma)
    except ValueError as err:
        _error(err)
        return

    m1, m2, m3 = st.columns(3)
    if use_alpha:
        m1.metric(t("cls.metric.alpha_pos"), f"{alpha:.2f}")
        m2.metric(t("cls.metric.alpha_neg"), f"{1 - alpha:.2f}")
    else:
        m1.metric(t("cls.metric.alpha_pos"), "1")
        m2.metric(t("cls.metric.alpha_neg"), "1")
    m3.metric(t("cls.metric.easy_factor"), f"{(1 - 0.9) ** gamma:.4g}", help=t("cls.metric.easy_factor_help"))
    st.latex(
        r"p_t = \begin{cases} p & y = 1 \\ 1 - p & y = 0 \end{cases},\quad"
        r"\alpha_t = \begin{cases} \alpha & y = 1 \\ 1 - \alpha & y = 0 \end{cases},\quad"
        r"\mathrm{FL}(p_t) = -\alpha_t (1 - p_t)^{\gamma} \log p_t"
    )
    if not use_alpha:
        st.info(t("cls.alpha_off_note"), icon=":material/info:")

    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(F.focal_loss_figure(curves, as_dict=True), key="cls_focal_curves", height=420)
    with g2:
        plotly_chart(F.modulating_figure(curves, as_dict=True), key="cls_focal_factor", height=420)
    _csv(curves.columns(), "focal_curves", "cls_focal_curves_csv")
    _explain("cls.focal.explain_curves")

    plotly_chart(F.focal_grad_figure(grads, as_dict=True), key="cls_focal_grad", height=420)
    st.latex(
        r"\frac{\partial \mathrm{FL}}{\partial x} = \alpha_t\,(1 - p_t)^{\gamma}"
        r"\left(\gamma\, p_t \log p_t + p_t - 1\right)(2y - 1)"
    )
    _csv(grads.columns(), "focal_gradients", "cls_focal_grad_csv")
    _explain("cls.focal.explain_grad")

    population_section(alpha, gamma)


def population_section(alpha: float, gamma: float) -> None:
    st.subheader(t("cls.pop.title"))
    st.markdown(t("cls.pop.intro"))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        n_neg = controls.number_input(t("cls.pop.n_neg"), "cls_nneg", 1, 1_000_000, 100_000, step=1000)
    with c2:
        n_pos = controls.number_input(t("cls.pop.n_pos"), "cls_npos", 1, 100_000, 100, step=10)
    with c3:
        neg_p = controls.slider(
            t("cls.pop.neg_p"), "cls_neg_p", 0.001, 0.5, 0.05, 0.001, format="%.3f", help=t("cls.pop.neg_p_help")
        )
    with c4:
        pos_p = controls.slider(t("cls.pop.pos_p"), "cls_pos_p", 0.01, 0.99, 0.5, 0.01, help=t("cls.pop.pos_p_help"))
    try:
        with st.spinner(t("cls.pop.computing", n=int(n_neg) + int(n_pos))):
            pop = _population(int(n_neg), int(n_pos), float(neg_p), float(pos_p), alpha, gamma)
    except ValueError as err:
        _error(err)
        return
    m = st.columns(4)
    m[0].metric(t("cls.pop.m_loss", name="CE"), f"{100 * pop.share('loss', 'CE'):.1f}%")
    m[1].metric(
        t("cls.pop.m_loss", name="FL"),
        f"{100 * pop.share('loss', 'FL'):.1f}%",
        delta=f"{100 * (pop.share('loss', 'FL') - pop.share('loss', 'CE')):+.1f} pp",
        delta_color="inverse",
    )
    m[2].metric(t("cls.pop.m_grad", name="CE"), f"{100 * pop.share('grad', 'CE'):.1f}%")
    m[3].metric(
        t("cls.pop.m_grad", name="FL"),
        f"{100 * pop.share('grad', 'FL'):.1f}%",
        delta=f"{100 * (pop.share('grad', 'FL') - pop.share('grad', 'CE')):+.1f} pp",
        delta_color="inverse",
    )
    g1, g2 = st.columns([1, 1])
    with g1:
        plotly_chart(F.population_figure(pop, as_dict=True), key="cls_pop", height=400)
    with g2:
        table = pd.DataFrame(pop.rows())
        table["quantity"] = [t(f"cls.pop.kind.{q}") for q in table["quantity"]]
        table.columns = [t(f"cls.pop.col.{c}") for c in table.columns]
        st.dataframe(table, hide_index=True)
        _csv({k: [r[k] for r in pop.rows()] for k in pop.rows()[0]}, "focal_population", "cls_pop_csv")
    st.markdown(
        t(
            "cls.pop.summary",
            n_neg=pop.n_neg,
            n_pos=pop.n_pos,
            ce_loss=100 * pop.share("loss", "CE"),
            fl_loss=100 * pop.share("loss", "FL"),
            ce_grad=100 * pop.share("grad", "CE"),
            fl_grad=100 * pop.share("grad", "FL"),
        )
    )


# -------------------------------------------------------------------------------------------------- class-balanced


@st.fragment
def cb_panel() -> None:
    st.markdown(t("cls.cb.intro"))
    st.latex(
        r"E_n = \frac{1 - \beta^{n}}{1 - \beta},\qquad w_c = \frac{1 - \beta}{1 - \beta^{n_c}}"
        r"\Big/ \sum_{k} \frac{1 - \beta}{1 - \beta^{n_k}} \cdot C,\qquad \mathrm{CB}(z, y) = w_y\,\mathcal{L}(z, y)"
    )
    plotly_chart(F.effective_number_figure(_effective()), key="cls_cb_eff", height=400)
    _csv(_effective().columns(), "effective_number", "cls_cb_eff_csv")
    _explain("cls.cb.explain_eff")

    st.subheader(t("cls.cb.weights_title"))
    c1, c2 = st.columns([3, 2])
    with c1:
        text = controls.text_input(
            t("cls.cb.counts"), "cls_counts", A.COUNT_PRESETS["long_tail"], help=t("cls.cb.counts_help")
        )
        b1, b2 = st.columns(2)
        b1.button(
            t("cls.cb.preset_long_tail"),
            key="cls_preset_long_tail",
            on_click=_set_text,
            args=("cls_counts", A.COUNT_PRESETS["long_tail"]),
            width="stretch",
        )
        b2.button(
            t("cls.cb.preset_fg_bg"),
            key="cls_preset_fg_bg",
            on_click=_set_text,
            args=("cls_counts", A.COUNT_PRESETS["fg_bg"]),
            width="stretch",
        )
    with c2:
        beta = controls.selectbox(
            t("cls.cb.beta"), "cls_beta", list(CB_BETA_OPTIONS), index=3, help=t("cls.cb.beta_help")
        )
        loss_type = controls.segmented(t("cls.cb.loss_type"), "cls_cb_type", ["softmax", "sigmoid", "focal"], "softmax")
        loss_type = loss_type or "softmax"
        cb_gamma = 2.0
        if loss_type == "focal":
            cb_gamma = controls.slider(t("cls.gamma"), "cls_cb_gamma", 0.0, 5.0, 2.0, 0.1)
    try:
        counts = A.parse_counts(text)
        table = _cb(tuple(counts), float(beta), loss_type, float(cb_gamma))
    except ValueError as err:
        _error(err)
        st.info(t("cls.cb.fix_counts"), icon=":material/info:")
        return
    plotly_chart(F.cb_weights_figure(table), key="cls_cb_weights", height=420)
    df = pd.DataFrame(table.columns())
    df.columns = [t("cls.cb.col.class"), t("cls.cb.col.count"), "E_n", t("cls.cb.col.weight"),
                  t("cls.cb.col.inverse"), t("cls.cb.col.sample_loss", loss=loss_type)]  # fmt: skip
    st.dataframe(
        df, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f") for c in df.columns[2:]}
    )
    _csv(table.columns(), "class_balanced_weights", "cls_cb_csv")
    ratio = table.weights.max() / table.weights.min()
    st.markdown(t("cls.cb.summary", ratio=ratio, beta=float(beta), inv=table.inverse.max() / table.inverse.min()))
    _explain("cls.cb.explain_weights")


# ------------------------------------------------------------------------------------------------------------ GHM


@st.fragment
def ghm_panel() -> None:
    st.markdown(t("cls.ghm.intro"))
    st.latex(
        r"g = |\sigma(x) - y|,\qquad GD(g) = \frac{\#\{k : g_k \in \text{bin}(g)\}}{1/\text{bins}},\qquad"
        r"\beta_i = \frac{N}{GD(g_i)}"
    )
    st.latex(
        r"w_i = \frac{N}{\text{count}(\text{bin}_i)\cdot n_{\text{non-empty}}},\qquad"
        r"\mathcal{L}_{\text{GHM-C}} = \frac{1}{N}\sum_i w_i\,\mathrm{CE}(x_i, y_i)"
    )
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        bins = controls.slider(t("cls.ghm.bins"), "cls_bins", 1, 30, 10, 1, help=t("cls.ghm.bins_help"))
    with c2:
        momentum = controls.slider(
            t("cls.ghm.momentum"), "cls_momentum", 0.0, 0.95, 0.0, 0.05, help=t("cls.ghm.momentum_help")
        )
    with c3:
        easy = controls.slider(t("cls.ghm.easy"), "cls_ghm_easy", 0.0, 0.99, 0.9, 0.01, help=t("cls.ghm.easy_help"))
    with c4:
        outliers = controls.slider(
            t("cls.ghm.outliers"), "cls_ghm_out", 0.0, 0.2, 0.01, 0.005, format="%.3f", help=t("cls.ghm.outliers_help")
        )
    try:
        with st.spinner(t("cls.ghm.computing")):
            sim = _ghm(int(bins), float(momentum), float(easy), float(outliers))
    except ValueError as err:
        _error(err)
        return
    m1, m2, m3 = st.columns(3)
    m1.metric(t("cls.ghm.m_nonempty"), f"{int((sim.counts > 0).sum())} / {sim.bins}")
    m2.metric(t("cls.ghm.m_loss_ce"), f"{sim.loss_ce:.4f}")
    m3.metric(t("cls.ghm.m_loss_ghm"), f"{sim.loss_ghm:.4f}")
    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(F.ghm_density_figure(sim, as_dict=True), key="cls_ghm_density", height=380)
    with g2:
        plotly_chart(F.ghm_weight_figure(sim, as_dict=True), key="cls_ghm_weight", height=380)
    plotly_chart(F.ghm_contrib_figure(sim, as_dict=True), key="cls_ghm_contrib", height=400)
    _csv(sim.columns(), "ghm_c", "cls_ghm_csv")
    if momentum > 0:
        st.caption(t("cls.ghm.momentum_note", steps=5))
    _explain("cls.ghm.explain")


# -------------------------------------------------------------------------------------------------------- AP-loss


@st.fragment
def ap_panel() -> None:
    st.markdown(t("cls.ap.intro"))
    st.latex(
        r"f(x) = \mathrm{clip}\!\left(\tfrac{x}{2\delta} + \tfrac12,\,0,\,1\right),\qquad"
        r"\mathrm{rank}(i) = \tfrac12 + \sum_{k \in P} f(s_k - s_i) + \sum_{j \in N} f(s_j - s_i)"
    )
    st.latex(
        r"L_{ij} = \frac{f(s_j - s_i)}{\mathrm{rank}(i)},\qquad \mathrm{prec}_i = 1 - \sum_{j \in N} L_{ij},\qquad"
        r"\mathcal{L}_{AP} = 1 - \frac{1}{|P|}\sum_{i \in P} \mathrm{prec}_i"
    )
    c1, c2 = st.columns([3, 1])
    with c1:
        text = controls.text_input(t("cls.ap.anchors"), "cls_anchors", A.DEFAULT_ANCHORS, help=t("cls.ap.anchors_help"))
    with c2:
        delta = controls.slider(t("cls.ap.delta"), "cls_delta", 0.1, 3.0, 1.0, 0.1, help=t("cls.ap.delta_help"))
    pc = st.columns(len(AP_PRESETS) + 1)
    pc[0].markdown(f"**{t('cls.ap.presets')}**")
    for col, (name, preset) in zip(pc[1:], AP_PRESETS.items(), strict=True):
        col.button(
            t(f"cls.ap.preset.{name}"),
            key=f"cls_ap_preset_{name}",
            on_click=_on_ap_preset,
            args=(preset,),
            width="stretch",
        )

    if st.session_state.get("_cls_ap_last") != text:  # new list (typed, preset, URL): a fresh table, no stale edits
        st.session_state["_cls_ap_last"] = text
        st.session_state["_cls_ap_ver"] = st.session_state.get("_cls_ap_ver", 0) + 1
    parse_error = None
    try:
        scores, labels = A.parse_anchors(text)
    except A.InputError as err:
        parse_error = err  # shown once, above the table (which starts empty so the list can be rebuilt)
        scores, labels = [], []
    if parse_error is not None:
        _error(parse_error)
    edit_col, out_col = st.columns([1, 2])
    with edit_col:
        st.markdown(f"**{t('cls.ap.table')}**")
        key = _editor_key()
        st.data_editor(
            pd.DataFrame({"score": pd.Series(scores, dtype="float64"), "label": pd.Series(labels, dtype="int64")}),
            key=key,
            num_rows="dynamic",
            hide_index=True,
            on_change=_on_editor,
            args=(scores, labels),
            column_config={
                "score": st.column_config.NumberColumn(t("cls.ap.col.score"), format="%.2f", required=True),
                "label": st.column_config.SelectboxColumn(t("cls.ap.col.label"), options=[1, 0, -1], required=True),
            },
        )
        st.caption(t("cls.ap.table_help"))
        try:
            A.apply_table_edits(scores, labels, st.session_state.get(key))
        except A.InputError as err:
            _error(err)
    if parse_error is not None:
        return
    with out_col:
        try:
            ap = _ap(tuple(scores), tuple(labels), float(delta))
        except ValueError as err:
            _error(err)
            return
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("cls.ap.m_loss"), f"{ap.loss:.4f}")
        m2.metric("AP", f"{1 - ap.loss:.4f}")
        m3.metric(t("cls.ap.m_pos"), f"{len(ap.pos_index)}")
        m4.metric(t("cls.ap.m_neg"), f"{len(ap.neg_index)}")
        plotly_chart(F.ap_update_figure(ap), key="cls_ap_update", height=380)
    cols = ap.columns()
    df = pd.DataFrame(cols)
    df.columns = [t(f"cls.ap.col.{c}") for c in cols]
    st.dataframe(
        df, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f") for c in df.columns[4:]}
    )
    _csv(cols, "ap_loss_anchors", "cls_ap_csv")
    interp = controls.toggle(t("cls.ap.interp"), "cls_ap_interp", False, help=t("cls.ap.interp_help"))
    plotly_chart(F.ap_matrix_figure(ap, interpolated=bool(interp)), key="cls_ap_matrix", height=420)
    matrix = ap.L_update if interp else ap.L
    _csv(
        {
            "positive": [int(i) + 1 for i in ap.pos_index for _ in ap.neg_index],
            "negative": [int(j) + 1 for _ in ap.pos_index for j in ap.neg_index],
            "L_ij": matrix.reshape(-1),
        },
        "ap_loss_L_matrix",
        "cls_ap_matrix_csv",
    )
    _explain("cls.ap.explain")


# ---------------------------------------------------------------------------------------------------------- page

st.title(t("cls.title"))
st.markdown(t("cls.intro"))
panel = controls.segmented(t("cls.panel"), "cls_panel", list(PANELS), "focal", format_func=PANELS.get) or "focal"
st.divider()
{"focal": focal_panel, "cb": cb_panel, "ghm": ghm_panel, "ap": ap_panel}[panel]()
