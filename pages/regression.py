"""Regression: Smooth L1 vs Balanced L1 (Libra R-CNN), their gradients, the family, and the gradient balance.

Widgets in (all bound to the URL), numbers from ``lossviz.analysis.regression`` (cached across sessions), figures and
formulas from ``lossviz.figures``. The loss hyper-parameters sit above the chart (a phone sees them without the
sidebar) and rerun the page; each section is a URL-bound expander rendered only when open, and a fragment, so its
own controls rerun only it.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from lossviz.analysis import regression as A
from lossviz.components import controls, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import regression as F
from lossviz.figures import regression_formulas as TEX
from lossviz.i18n import t

shell.require_navigation()  # a deep link on a fresh server must go through app.py

D = A.Params()
SYMBOLS = {"alpha": "α", "gamma": "γ", "beta": "β"}  # language independent: they go into the URL
FAMILY_KEYS = ("reg_fam", "reg_fam_n")
BALANCE_KEYS = ("reg_out_frac", "reg_in_scale", "reg_out_scale", "reg_split", "reg_seed")

_curves = st.cache_data(max_entries=256, show_spinner=False)(A.curves)
_family = st.cache_data(max_entries=128, show_spinner=False)(A.family)
_balance = st.cache_data(max_entries=64, show_spinner=False)(A.gradient_balance)
_probe = st.cache_data(max_entries=256, show_spinner=False)(A.probe)
_notices = st.cache_data(max_entries=256, show_spinner=False)(A.notices)


def _csv(columns: dict) -> bytes:
    return pd.DataFrame(columns).to_csv(index=False).encode("utf-8")


def _apply_preset(code: str) -> None:
    for key, value in A.PRESETS[code].values.items():
        st.session_state[key] = value


def section(key: str, label: str, url_keys: tuple[str, ...] = (), expanded: bool = False):
    """A URL-bound expander; an old link that sets one of ``url_keys`` opens it, so its settings show."""
    opened = expanded or any(k in st.query_params for k in url_keys)
    return st.expander(label, expanded=opened, key=key, bind="query-params")


@st.fragment
def curves_section(params: A.Params) -> None:
    c1, c2, c3 = st.columns([2, 3, 1.4])
    with c1:
        max_abs = controls.slider(t("reg.range"), "reg_range", 0.5, 10.0, 3.0, 0.5, help=t("reg.range_help"))
    with c2:
        names = controls.multiselect(t("reg.show"), "reg_show", list(A.LOSS_NAMES), list(F.FOCUS))
    with c3:
        closed = controls.toggle(t("reg.closed_toggle"), "reg_closed", True, help=t("reg.closed_help"))
    if not names:
        st.info(t("reg.pick_a_loss"))
        return
    try:
        curves = _curves(params, float(max_abs), names=tuple(n for n in A.LOSS_NAMES if n in names))
        probe = _probe(params, 0.5)
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return
    plotly_chart(F.curves_figure(curves, show_closed_form=closed, as_dict=True), key="reg_curves_chart", height=620)
    for notice in _notices(params):
        st.warning(t(f"reg.notice.{notice.code}", **notice.formatted()), icon=":material/warning:")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("reg.metric.b"), f"{curves.b:.6g}", help=t("reg.metric.b_help"))
    m2.metric(t("reg.metric.maxdiff"), f"{max(curves.max_abs_diff.values()):.2e}", help=t("reg.metric.maxdiff_help"))
    m3.metric(t("reg.metric.jump"), f"{curves.jump:.4g}", help=t("reg.metric.jump_help"))
    (bl_loss, bl_grad), (sl_loss, sl_grad) = probe["Balanced L1"], probe["Smooth L1"]
    delta = t("reg.metric.probe_delta", delta=f"{bl_grad - sl_grad:+.4f}")
    m4.metric(t("reg.metric.probe", d=0.5), f"{bl_grad:.4f}", delta=delta)
    fmt = {"bl_loss": bl_loss, "bl_grad": bl_grad, "sl_loss": sl_loss, "sl_grad": sl_grad}
    st.caption(t("reg.probe", d=0.5, **{k: f"{v:.6f}" for k, v in fmt.items()}))
    st.download_button(t("common.download_csv"), _csv(curves.columns()), "regression_curves.csv", "text/csv",
                       key="reg_dl_curves", on_click="ignore")  # fmt: skip


def formulas_section(params: A.Params) -> None:
    st.markdown(t("reg.formula.smooth"))
    for line in TEX.smooth_l1(params.smooth_beta):
        st.latex(line)
    st.markdown(t("reg.formula.balanced"))
    for line in TEX.balanced_l1(params, A.balanced_b(params)):
        st.latex(line)
    st.markdown(t("reg.formula.l1l2", l2=TEX.l2(params.l2_half)))


@st.fragment
def family_section(params: A.Params) -> None:
    st.markdown(t("reg.family.intro"))
    c1, c2 = st.columns([1, 2])
    with c1:
        param = controls.segmented(t("reg.family.param"), "reg_fam", list(A.FAMILY_PARAMS), "alpha",
                                   format_func=SYMBOLS.get) or "alpha"  # fmt: skip
    with c2:
        count = controls.slider(t("reg.family.count"), "reg_fam_n", 2, 9, 5, 1)
    lo, hi = A.FAMILY_RANGES[param]
    st.caption(t("reg.family.range", sym=SYMBOLS[param], lo=lo, hi=hi))
    try:
        fam = _family(param, tuple(A.family_values(param, int(count))), params, max_abs=3.0)
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return
    plotly_chart(F.family_figure(fam, as_dict=True), key="reg_family_chart", height=560)
    values = ", ".join(f"{v:g} → {b:.4g}" for v, b in zip(fam.values, fam.b, strict=True))
    st.caption(t("reg.family.b_values", values=values))
    st.download_button(t("common.download_csv"), _csv(fam.columns()), f"balanced_l1_family_{param}.csv", "text/csv",
                       key="reg_dl_family", on_click="ignore")  # fmt: skip


@st.fragment
def balance_section(params: A.Params) -> None:
    st.markdown(t("reg.balance.intro"))
    cols = st.columns(5)
    specs = [("out_frac", 0.0, 0.5, 0.1, 0.01), ("in_scale", 0.05, 1.0, 0.3, 0.05), ("out_scale", 0.5, 10.0, 3.0, 0.5),
             ("split", 0.1, 3.0, 1.0, 0.05)]  # fmt: skip
    v = {}
    for col, (name, lo, hi, default, step) in zip(cols, specs, strict=False):
        with col:
            v[name] = float(controls.slider(t(f"reg.balance.{name}"), f"reg_{name}", lo, hi, default, step))
    with cols[4]:
        seed = int(controls.number_input(t("reg.balance.seed"), "reg_seed", 0, 9999, 0, 1))
    mixture = A.Mixture(outlier_fraction=v["out_frac"], inlier_scale=v["in_scale"], outlier_scale=v["out_scale"],
                        seed=seed)  # fmt: skip
    try:
        bal = _balance(mixture, params, v["split"])
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return
    st.caption(t("reg.balance.sampled", n=mixture.n, seed=seed, pct=f"{100 * bal.inlier_count_share:.1f}"))
    m1, m2, m3 = st.columns(3)
    sl, bl = bal.inlier_share("Smooth L1"), bal.inlier_share("Balanced L1")
    m1.metric(t("reg.balance.count_share"), f"{100 * bal.inlier_count_share:.1f}%")
    m2.metric(t("reg.balance.share", name="Smooth L1"), f"{100 * sl:.1f}%")
    m3.metric(t("reg.balance.share", name="Balanced L1"), f"{100 * bl:.1f}%",
              delta=t("reg.balance.pp", v=f"{100 * (bl - sl):+.1f}"))  # fmt: skip
    plotly_chart(F.balance_figure(bal, as_dict=True), key="reg_balance_chart", height=420)
    rows = bal.rows()
    st.dataframe(pd.DataFrame(rows).rename(columns=lambda c: t(f"reg.col.{c}")), hide_index=True, width="stretch")
    st.download_button(t("common.download_csv"), _csv({k: [r[k] for r in rows] for k in rows[0]}),
                       "gradient_balance.csv", "text/csv", key="reg_dl_balance", on_click="ignore")  # fmt: skip


def moved_cbbl_notice() -> None:
    """C-BBL moved to the Box-size page: an old ``reg_cb_*`` link gets a notice carrying its settings (``bs_cb_*``)."""
    old = {k: st.query_params.get(k) for k in st.query_params if k.startswith("reg_cb_")}
    if old:
        link = "boxsize?" + urlencode({"bs_cb_" + k.removeprefix("reg_cb_"): v for k, v in old.items()})
        params = ", ".join(f"`{k}={v}`" for k, v in old.items())
        st.info(t("bs.moved", link=link, params=params), icon=":material/arrow_forward:")


# -------------------------------------------------------------------------------------------------------- page

st.title(t("reg.title"))
moved_cbbl_notice()
st.markdown(t("reg.intro"))
st.markdown(t("reg.papers", sl1=A.PAPERS["Smooth L1"], bl1=A.PAPERS["Balanced L1"]))
p1, p2 = st.columns(2)
p1.button(t("reg.preset.libra_fig5"), help=t("reg.preset.libra_fig5_help"), on_click=_apply_preset,
          args=("libra_fig5",), icon=":material/menu_book:", width="stretch")  # fmt: skip
p2.button(t("reg.preset.defaults"), help=t("reg.preset.defaults_help"), on_click=_apply_preset, args=("defaults",),
          icon=":material/restart_alt:", width="stretch")  # fmt: skip
cols = st.columns(4)
with cols[0]:
    smooth_beta = controls.slider(t("reg.sl1_beta"), "reg_sl1_beta", 0.0, 3.0, D.smooth_beta, 0.05,
                                  help=t("reg.sl1_beta_help"))  # fmt: skip
with cols[1]:
    alpha = controls.slider(t("reg.alpha"), "reg_alpha", 0.05, 2.0, D.alpha, 0.05, help=t("reg.alpha_help"))
with cols[2]:
    gamma = controls.slider(t("reg.gamma"), "reg_gamma", 0.1, 5.0, D.gamma, 0.1, help=t("reg.gamma_help"))
with cols[3]:
    beta = controls.slider(t("reg.beta"), "reg_beta", 0.05, 3.0, D.beta, 0.05, help=t("reg.beta_help"))
with st.sidebar:
    l2_half = controls.toggle(t("reg.l2_half"), "reg_l2half", D.l2_half)
params = A.Params(float(smooth_beta), float(alpha), float(gamma), float(beta), bool(l2_half))
preset = A.matching_preset({k: st.session_state.get(k) for k in A.PRESETS["libra_fig5"].values})
if preset is not None:
    st.success(t("reg.preset.shown", figure=preset.figure, paper=preset.paper), icon=":material/menu_book:")

if (sec := section("reg_sec_curves", t("reg.curves.header"), expanded=True)).open:
    with sec:
        curves_section(params)
if (sec := section("reg_sec_formulas", t("reg.sec.formulas"))).open:
    with sec:
        formulas_section(params)
if (sec := section("reg_sec_family", t("reg.family.header"), FAMILY_KEYS)).open:
    with sec:
        family_section(params)
if (sec := section("reg_sec_balance", t("reg.balance.header"), BALANCE_KEYS)).open:
    with sec:
        balance_section(params)
with st.expander(t("common.explanation"), expanded=False):
    st.markdown(t("reg.explain"))
