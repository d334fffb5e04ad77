"""Regression: Smooth L1 vs Balanced L1. Each section is a URL-bound expander run only when open, and a fragment that
its own controls rerun; the hyper-parameters above it (a phone sees them) rerun the drawn ones (``FOLLOW``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lossviz.analysis import regression as A
from lossviz.cached import regression as C
from lossviz.components import controls, downloads, sections, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import regression as F
from lossviz.figures import regression_formulas as TEX
from lossviz.i18n import get_lang, t

SYMBOLS = {"alpha": "α", "gamma": "γ", "beta": "β"}  # language independent: they go into the URL
#: What the hyper-parameters change: a step of one reruns these fragments (those drawn), not the page.
FOLLOW = sections.rerun_drawn("reg_preset", "reg_curves", "reg_formulas", "reg_sweep", "reg_balance")
#: A section's control that a paper preset sets reruns its section and the preset notice (which compares it).
NOTE = {"on_change": sections.rerun_drawn("reg_curves", "reg_preset")}
NOTE_SWEEP = {"on_change": sections.rerun_drawn("reg_sweep", "reg_preset")}


def slider(spec: A.Slider, where, **kwargs) -> float:
    kwargs["help"] = t(spec.label + "_help") if spec.help else None
    with where:
        return float(controls.slider(t(spec.label), spec.key, spec.lo, spec.hi, spec.default, spec.step, **kwargs))


def section(key: str, label: str, render, url_keys=(), expanded: bool = False) -> str | None:
    """``render()`` in a URL-bound expander if open (then returns ``key``); a link setting ``url_keys`` opens it."""
    box = sections.expander(label, key, expanded=expanded, opened_by=url_keys)
    if box.open:
        with box:
            render()
        return key


@shell.fragment(key="reg_preset")  # drawn last, above the sections: it compares their controls' values too
def preset_notice(open_sections: tuple[str, ...]) -> None:
    if preset := A.matching_preset(A.preset_values(st.session_state, open_sections)):
        figure = t(f"reg.preset.figure.{preset.code}")
        st.success(t("reg.preset.shown", figure=figure, paper=preset.paper), icon=":material/menu_book:")


@shell.fragment(key="reg_curves")
def curves_section() -> None:
    params = A.params_from(st.session_state)  # as the controls hold them now (a step reruns only this)
    c1, c2, c3 = st.columns([2, 3, 1.4])
    with c1:
        max_abs = controls.slider(t("reg.range"), "reg_range", 0.5, 10.0, 3.0, 0.5, help=t("reg.range_help"), **NOTE)
    with c2:
        names = controls.multiselect(t("reg.show"), "reg_show", list(A.LOSS_NAMES), list(F.FOCUS), **NOTE)
    with c3:
        closed = controls.toggle(t("reg.closed_toggle"), "reg_closed", True, help=t("reg.closed_help"), **NOTE)
    if not names:
        return st.info(t("reg.pick_a_loss"))
    shown = tuple(n for n in A.LOSS_NAMES if n in names)
    try:
        curves = C.curves(params, float(max_abs), names=shown)
        probe = C.probe(params, 0.5, names=F.FOCUS)  # the two the metrics and the caption quote
    except ValueError as err:
        return st.error(t("common.error", msg=err))
    chart = C.curves_chart(params, float(max_abs), shown, bool(closed), get_lang())
    plotly_chart(chart, key="reg_curves_chart", height=620)
    for notice in C.notices(params):
        st.warning(t(f"reg.notice.{notice.code}", **notice.formatted()), icon=":material/warning:")
    for col, metric in zip(st.columns(4), F.curves_metrics(curves, probe, 0.5), strict=True):
        col.metric(**metric)
    st.caption(F.probe_caption(probe, 0.5))
    downloads.buttons("regression_curves", csv=lambda: F.curves_csv(curves), key="reg_dl_curves")


@shell.fragment(key="reg_formulas")
def formulas_section() -> None:
    params = A.params_from(st.session_state)
    for title, lines in (("smooth", TEX.smooth_l1(params.smooth_beta)), ("balanced", TEX.balanced_l1(params))):
        st.markdown(t(f"reg.formula.{title}"))
        for line in lines:
            st.latex(line)
    st.markdown(t("reg.formula.l1l2", l2=TEX.l2(params.l2_half)))


@shell.fragment(key="reg_sweep")
def family_section() -> None:
    params = A.params_from(st.session_state)
    st.markdown(t("reg.family.intro"))
    c1, c2 = st.columns([1, 2])
    with c1:
        param = controls.segmented(
            t("reg.family.param"), "reg_fam", list(A.FAMILY_PARAMS), "alpha", format_func=SYMBOLS.get, **NOTE_SWEEP
        )
    with c2:
        count = controls.slider(t("reg.family.count"), "reg_fam_n", 2, 9, 5, 1, **NOTE_SWEEP)
    param = param or "alpha"
    st.caption(t("reg.family.range", sym=SYMBOLS[param], lo=A.FAMILY_RANGES[param][0], hi=A.FAMILY_RANGES[param][1]))
    values = tuple(float(v) for v in A.family_values(param, int(count)))
    fam = C.family(param, values, params, max_abs=3.0)
    plotly_chart(C.family_chart(param, values, params, get_lang()), key="reg_family_chart", height=560)
    values = ", ".join(f"{v:g} → {b:.4g}" for v, b in zip(fam.values, fam.b, strict=True))
    st.caption(t("reg.family.b_values", values=values))
    downloads.buttons(f"balanced_l1_family_{param}", csv=lambda: F.family_csv(fam), key="reg_dl_family")


@shell.fragment(key="reg_balance")
def balance_section() -> None:
    params = A.params_from(st.session_state)
    st.markdown(t("reg.balance.intro"))
    cols = st.columns(5)
    with cols[4]:
        seed = int(controls.number_input(t("reg.balance.seed"), "reg_seed", 0, 9999, 0, 1))
    frac, inl, out, split = (slider(spec, col) for col, spec in zip(cols, A.MIXTURE_SLIDERS, strict=False))
    mixture = A.Mixture(outlier_fraction=frac, inlier_scale=inl, outlier_scale=out, seed=seed)
    bal = C.gradient_balance(mixture, params, split)
    st.caption(t("reg.balance.sampled", n=mixture.n, seed=seed, pct=f"{100 * bal.inlier_count_share:.1f}"))
    for col, metric in zip(st.columns(3), F.balance_metrics(bal), strict=True):
        col.metric(**metric)
    plotly_chart(C.balance_chart(mixture, params, split, get_lang()), key="reg_balance_chart", height=420)
    table = pd.DataFrame(bal.rows()).rename(columns=lambda c: t(f"reg.col.{c}"))
    st.dataframe(table, hide_index=True, width="stretch")
    downloads.buttons("gradient_balance", csv=lambda: table, key="reg_dl_balance")


st.title(t("reg.title"))
if moved := A.moved_cbbl({k: st.query_params.get(k) for k in st.query_params}):  # an old link's C-BBL settings
    st.info(t("bs.moved", **moved), icon=":material/arrow_forward:")
st.markdown(t("reg.intro") + "\n\n" + t("reg.papers", sl1=A.PAPERS["Smooth L1"], bl1=A.PAPERS["Balanced L1"]))
st.button(t("reg.preset.libra_fig5"), help=t("reg.preset.libra_fig5_help"), on_click=st.session_state.update,
          args=(dict(A.PRESETS["libra_fig5"].values),), icon=":material/menu_book:")  # fmt: skip
for col, spec in zip(st.columns(4), A.PARAM_SLIDERS, strict=True):
    slider(spec, col, on_change=FOLLOW)
with st.sidebar:
    controls.toggle(t("reg.l2_half"), "reg_l2half", False, on_change=FOLLOW)
preset_area = st.container()  # the notice, above the sections, once they have drawn their controls
opened = (section("reg_sec_curves", t("reg.curves.header"), curves_section, expanded=True),
          section("reg_sec_formulas", t("reg.sec.formulas"), formulas_section),
          section("reg_sec_sweep", t("reg.family.header"), family_section, A.SECTION_CONTROLS["reg_sec_sweep"]),
          section("reg_sec_balance", t("reg.balance.header"), balance_section, A.BALANCE_KEYS))  # fmt: skip
with preset_area:
    preset_notice(tuple(k for k in opened if k))
with shell.explanation("reg"):
    st.markdown(t("reg.explain"))
