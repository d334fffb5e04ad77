"""Classification: focal loss, class-balanced loss, GHM-C, AP-loss. Widgets in (described in ``lossviz.analysis``),
views out (``lossviz.cached``). Only the open tab runs; what γ, α or the population change are fragments."""

from __future__ import annotations

from functools import partial

import streamlit as st

from lossviz.analysis import classification as A
from lossviz.cached import classification as C
from lossviz.components import controls, downloads, sections, shell
from lossviz.components.list_editor import list_editor
from lossviz.components.plotly_chart import plotly_chart
from lossviz.components.sections import controls_row as row
from lossviz.components.sections import preset_buttons as presets
from lossviz.figures import classification as F
from lossviz.i18n import t

# γ and α rerun the drawn sections they change, not the page; each download sits in the section that made its data.
FOCAL = sections.rerun_drawn("cls_focal", "cls_pop")
FOCAL_NOW, POPULATION_NOW = partial(C.focal_in, st.session_state), partial(C.population_in, st.session_state)


def _notes(view: C.View | None = None, csv: str = "", formulas: str = "", explain: str = "") -> None:
    sections.formulas(F.FORMULAS.get(formulas, ()))
    if csv:
        downloads.buttons(csv, csv=lambda: view.csv[csv], key=f"cls_dl_{csv}")
    if explain:  # closed: only the page's own "what this shows" opens on a first visit
        st.expander(t("common.explanation"), icon=":material/school:").markdown(t(f"cls.{explain}"))


def _error(err: Exception) -> None:  # a refused input as a translated message (never a traceback)
    st.error(F.error_text(err), icon=":material/block:")


def _head(panel: str) -> None:
    p = A.PAPERS[panel]
    paper = t("cls.paper", cite=p.cite, title=p.title, arxiv=p.arxiv, url=p.url)
    sections.heading(t(f"cls.head.{panel}"), t(f"cls.{panel}.intro"), caption=paper)


def focal_panel() -> None:  # α's switch reruns the page (it disables α); γ and α rerun the sections (FOCAL)
    _head("focal")
    c = st.columns([5, 3, 5])
    (use_alpha,) = row(*A.CONTROLS["alpha_switch"], cols=[c[1]])
    row(*A.CONTROLS["focal"], cols=[c[0], c[2]], off="" if use_alpha else "cls_alpha", on_change=FOCAL)
    if not use_alpha:
        st.info(t("cls.alpha_off_note"), icon=":material/info:")
    _notes(formulas="focal", explain="focal.explain_curves")  # the formulas above the curves they draw
    focal_views()
    _notes(formulas="focal_grad", explain="focal.explain_grad")
    sections.heading(t("cls.pop.title"), t("cls.pop.intro"))
    row(*A.CONTROLS["population"], on_change=sections.rerun_drawn("cls_pop"))
    focal_population()


@shell.fragment(key="cls_focal")
def focal_views() -> None:
    v = FOCAL_NOW()
    sections.charts(*((v.figures[k], k, 420) for k in ("cls_focal_curves", "cls_focal_factor")))
    notice = st.container()  # always there: a notice coming or going must not remount the charts below it
    if shown := A.matching_preset(A.FOCAL_PRESETS, st.session_state):
        notice.success(t(f"cls.preset.shows.{shown}"), icon=":material/menu_book:")
    presets({code: p.values for code, p in A.FOCAL_PRESETS.items()}, "cls.preset.", "cls_preset_", shown, page=True)
    sections.metrics(v.metrics)
    _notes(v, "focal_curves")
    plotly_chart(**v.chart("cls_focal_grad", 420))
    _notes(v, "focal_gradients")


@shell.fragment(key="cls_pop")
def focal_population() -> None:
    pop = POPULATION_NOW()
    sections.metrics(pop.metrics)
    g1, g2 = st.columns(2)
    with g1:
        plotly_chart(**pop.chart("cls_pop", 400))
    with g2:
        sections.table(pop.table)
        _notes(pop, "focal_population")
    st.markdown(pop.text)


@shell.fragment
def cb_panel() -> None:
    _head("cb")
    plotly_chart(**(eff := C.effective()).chart("cls_cb_eff", 400))
    _notes(eff, "effective_number", "cb", "cb.explain_eff")
    st.subheader(t("cls.cb.weights_title"))
    text, beta, kind = row(*A.CONTROLS["cb"])
    presets({code: {"cls_counts": v} for code, v in A.COUNT_PRESETS.items()}, "cls.cb.preset_", "cls_preset_")
    cb_gamma = row(*A.CONTROLS["cb_gamma"])[0] if kind == "focal" else 2.0
    if (v := C.class_balanced(text, beta, kind, cb_gamma)).error:
        _error(v.error)
        return st.info(t("cls.cb.fix_counts"), icon=":material/info:")
    plotly_chart(**v.chart("cls_cb_weights", 420))
    sections.table(v.table, numbers_from=2)
    st.markdown(v.text)
    _notes(v, "class_balanced_weights", explain="cb.explain_weights")


@shell.fragment
def ghm_panel() -> None:
    _head("ghm")
    bins, momentum, easy, out = row(*A.CONTROLS["ghm"])
    if (v := C.ghm(bins, momentum, easy, out)).error:
        return _error(v.error)
    sections.charts(*((v.figures[k], k, 380) for k in ("cls_ghm_density", "cls_ghm_weight")))
    sections.metrics(v.metrics)
    plotly_chart(**v.chart("cls_ghm_contrib", 400))
    if momentum > 0:
        st.caption(t("cls.ghm.momentum_note", steps=5))
    _notes(v, "ghm_c", "ghm", "ghm.explain")


@shell.fragment
def ap_panel() -> None:
    _head("ap")
    text, delta = row(*A.CONTROLS["ap"], widths=[3, 1])
    presets({code: {"cls_anchors": v} for code, v in A.AP_PRESETS.items()}, "cls.ap.preset.", "cls_ap_preset_")
    scores, labels, err = A.parse_anchors_or_empty(text)
    if err:  # one message; the table starts empty so that the list can be rebuilt
        _error(err)
    edit_col, out_col = st.columns([1, 2])
    with edit_col:
        list_editor(F.anchor_frame(scores, labels), F.anchor_columns(), text=text, url_key="cls_anchors",
                    key="cls_ap_editor", apply=partial(A.anchors_after_edits, scores, labels), on_error=_error,
                    help=t("cls.ap.table_help"))  # fmt: skip
    if err or (v := C.ap(scores, labels, delta)).error:  # a list without a positive is refused here
        return None if err else _error(v.error)
    with out_col:
        sections.metrics(v.metrics)
        plotly_chart(**v.chart("cls_ap_update", 380))
    sections.table(v.table, numbers_from=5)
    st.caption(t("cls.ap.dash_note"))
    _notes(v, "ap_loss_anchors")
    m = C.ap_matrix(scores, labels, delta, row(*A.CONTROLS["ap_interp"])[0])
    plotly_chart(**m.chart("cls_ap_matrix", 420))
    _notes(m, "ap_loss_L_matrix", "ap", "ap.explain")


st.title(t("cls.title"))
with shell.explanation("cls"):
    st.markdown(t("cls.intro"))
for tab, render in zip(controls.tabs(list(A.PANELS.values()), "cls_panel", A.PANELS["focal"]),
                       (focal_panel, cb_panel, ghm_panel, ap_panel), strict=True):  # fmt: skip
    if tab.open:
        with tab:
            render()
