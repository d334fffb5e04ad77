"""Regression: Smooth L1 vs Balanced L1 (Libra R-CNN), their gradients, the family, and the gradient balance.

Thin page: widgets in (all bound to the URL), numbers from ``lossviz.analysis.regression`` (which calls the torch
core), figures from ``lossviz.figures.regression``. Each section is a fragment: its own controls rerun only it; the
loss hyper-parameters in the sidebar rerun the page, since every section depends on them.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from lossviz.analysis import regression as A
from lossviz.components import controls, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import regression as F
from lossviz.i18n import t

shell.require_navigation()  # a deep link on a fresh server must go through app.py

D = A.Params()
PROBE_D = 0.5
FAMILY_RANGE = 3.0  # the family is drawn on [-3, 3], like the Libra R-CNN figure
#: Greek letters for the family selector: language independent, so they can go into the URL's formatted value.
SYMBOLS = {"alpha": "α", "gamma": "γ", "beta": "β"}


# ------------------------------------------------------------------------------------------------------ cached


@st.cache_data(max_entries=256, show_spinner=False)
def _curves(params: A.Params, max_abs: float, names: tuple[str, ...]) -> A.RegressionCurves:
    return A.curves(params, max_abs=max_abs, names=names)


@st.cache_data(max_entries=128, show_spinner=False)
def _family(param: str, count: int, params: A.Params, max_abs: float) -> A.RegressionFamily:
    return A.family(param, A.family_values(param, count), params, max_abs=max_abs)


@st.cache_data(max_entries=64, show_spinner=False)
def _balance(mixture: A.Mixture, params: A.Params, split: float) -> A.GradientBalance:
    return A.gradient_balance(mixture, params, split)


def _csv(columns: dict) -> bytes:
    return pd.DataFrame(columns).to_csv(index=False).encode("utf-8")


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# ---------------------------------------------------------------------------------------------------- formulas


def _num(x: float) -> str:
    """A number for LaTeX: 4 significant digits, written 1.234 × 10^5 (``\\times10^{5}``) instead of ``1.234e+05``."""
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times10^{{{int(exponent)}}}"
    return text


def _signed(x: float) -> str:
    """``+ 1.2`` or ``- 1.2``, to append a constant to a LaTeX expression."""
    return ("- " if x < 0 else "+ ") + _num(abs(x))


def _tex(template: str, **values: float | str) -> str:
    """Fill ``<name>`` placeholders of a LaTeX template (braces stay LaTeX's) with numbers (or ready strings)."""
    for name, value in values.items():
        template = template.replace(f"<{name}>", value if isinstance(value, str) else _num(value))
    return template


SMOOTH_TEX = (
    r"\mathrm{SmoothL1}(d) = \begin{cases} \dfrac{0.5\,d^2}{<beta>} & |d| < <beta> \\[4pt]"
    r" |d| - <half> & |d| \ge <beta> \end{cases}\qquad"
    r" \frac{\partial L}{\partial d} = \begin{cases} d/<beta> & |d| < <beta> \\ \operatorname{sign}(d)"
    r" & |d| \ge <beta> \end{cases}"
)
SMOOTH_TEX_L1 = r"\mathrm{SmoothL1}_{\beta=0}(d) = |d|,\qquad \frac{\partial L}{\partial d} = \operatorname{sign}(d)"
B_TEX = r"b = e^{\gamma/\alpha} - 1 = e^{<g>/<a>} - 1 = <b>"
BALANCED_TEX = (
    r"L_b(d) = \begin{cases} \dfrac{\alpha}{b}(b|d|+1)\ln\!\Big(\dfrac{b|d|}{\beta}+1\Big) - \alpha|d|"
    r" & |d| < \beta \\[4pt] \gamma|d| + \dfrac{\gamma}{b} - \alpha\beta & |d| \ge \beta \end{cases}"
    r"\;=\; \begin{cases} \dfrac{<a>}{<b>}(<b>|d|+1)\ln\!\Big(\dfrac{<b>|d|}{<beta>}+1\Big) - <a>|d|"
    r" & |d| < <beta> \\[4pt] <g>|d| <c> & |d| \ge <beta> \end{cases}"
)
BALANCED_GRAD_TEX = (
    r"\frac{\partial L_b}{\partial d} = \operatorname{sign}(d)\cdot\begin{cases}"
    r" \alpha\ln\!\Big(\dfrac{b|d|}{\beta}+1\Big) + \alpha\dfrac{b|d|+1}{b|d|+\beta} - \alpha & |d| < \beta"
    r" \\[4pt] \gamma = <g> & |d| \ge \beta \end{cases}"
)
BALANCED_GRAD_TEX_1 = (
    r"\overset{\beta=1}{=}\; \operatorname{sign}(d)\cdot\begin{cases} <a>\ln(<b>|d|+1) & |d|<1 \\ <g>"
    r" & |d|\ge 1\end{cases}"
)


def _latex_smooth(beta: float) -> str:
    return SMOOTH_TEX_L1 if beta == 0 else _tex(SMOOTH_TEX, beta=beta, half=0.5 * beta)


def _latex_balanced(p: A.Params, b: float) -> list[str]:
    """``b``, the loss and its gradient with the current α, γ, β substituted (the outlier constant γ/b − αβ too)."""
    values = {"a": p.alpha, "g": p.gamma, "beta": p.beta, "b": b, "c": _signed(p.gamma / b - p.alpha * p.beta)}
    lines = [_tex(B_TEX, **values), _tex(BALANCED_TEX, **values), _tex(BALANCED_GRAD_TEX, **values)]
    if p.beta == 1:
        lines.append(_tex(BALANCED_GRAD_TEX_1, **values))
    return lines


# ---------------------------------------------------------------------------------------------------- sections


@st.fragment
def curves_section(params: A.Params) -> None:
    st.subheader(t("reg.curves.header"))
    c1, c2, c3 = st.columns([2, 3, 1.4])
    with c1:
        max_abs = controls.slider(t("reg.range"), "reg_range", 0.5, 10.0, 3.0, 0.5, help=t("reg.range_help"))
    with c2:
        names = controls.multiselect(t("reg.show"), "reg_show", list(A.LOSS_NAMES), list(A.LOSS_NAMES))
    with c3:
        show_closed = controls.toggle(t("reg.closed_toggle"), "reg_closed", True, help=t("reg.closed_help"))
    if not names:
        st.info(t("reg.pick_a_loss"))
        return
    names = tuple(n for n in A.LOSS_NAMES if n in names)
    try:
        curves = _curves(params, float(max_abs), names)
        probe = A.probe(params, PROBE_D)
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return

    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("reg.metric.b"), f"{curves.b:.6g}", help=t("reg.metric.b_help"))
    diff = max(curves.max_abs_diff.values())
    m2.metric(t("reg.metric.maxdiff"), f"{diff:.2e}", help=t("reg.metric.maxdiff_help"))
    m3.metric(t("reg.metric.jump"), f"{curves.jump:.4g}", help=t("reg.metric.jump_help"))
    bl_loss, bl_grad = probe["Balanced L1"]
    sl_loss, sl_grad = probe["Smooth L1"]
    m4.metric(
        t("reg.metric.probe", d=PROBE_D),
        f"{bl_grad:.4f}",
        delta=t("reg.metric.probe_delta", delta=f"{bl_grad - sl_grad:+.4f}"),
    )
    st.caption(
        t(
            "reg.probe",
            d=PROBE_D,
            bl_loss=f"{bl_loss:.6f}",
            bl_grad=f"{bl_grad:.6f}",
            sl_loss=f"{sl_loss:.6f}",
            sl_grad=f"{sl_grad:.6f}",
        )
    )

    if params.beta != 1:
        st.warning(
            t(
                "reg.quirk",
                beta=_fmt(params.beta),
                jump=f"{curves.jump:.4g}",
                near0=f"{A.balanced_gradient_near_zero(params):.4g}",
            ),
            icon=":material/warning:",
        )
    fig = F.curves_figure(curves, show_closed_form=show_closed, as_dict=True)
    plotly_chart(fig, key="reg_curves_chart", height=620)
    st.download_button(
        t("common.download_csv"),
        _csv(curves.columns()),
        file_name="regression_curves.csv",
        mime="text/csv",
        key="reg_dl_curves",
        on_click="ignore",
    )
    st.markdown(f"#### {t('common.formula')}")
    st.markdown(t("reg.formula.smooth"))
    st.latex(_latex_smooth(params.smooth_beta))
    st.markdown(t("reg.formula.balanced"))
    for line in _latex_balanced(params, curves.b):
        st.latex(line)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(t("reg.formula.l1l2", l2="0.5\\,d^2" if params.l2_half else "d^2"))
    with right:
        rows = [{t("reg.col.loss"): n, t("reg.maxdiff_col"): f"{curves.max_abs_diff[n]:.2e}"} for n in names]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


@st.fragment
def family_section(params: A.Params) -> None:
    st.subheader(t("reg.family.header"))
    st.markdown(t("reg.family.intro"))
    c1, c2 = st.columns([1, 2])
    with c1:
        param = controls.segmented(
            t("reg.family.param"), "reg_fam", list(A.FAMILY_PARAMS), "alpha", format_func=SYMBOLS.get
        )
        param = param or "alpha"
    with c2:
        count = controls.slider(t("reg.family.count"), "reg_fam_n", 2, 9, 5, 1)
    lo, hi = A.FAMILY_RANGES[param]
    st.caption(t("reg.family.range", sym=SYMBOLS[param], lo=lo, hi=hi))
    try:
        fam = _family(param, int(count), params, FAMILY_RANGE)
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return
    plotly_chart(F.family_figure(fam, as_dict=True), key="reg_family_chart", height=560)
    st.caption(
        t("reg.family.b_values", values=", ".join(f"{v:g} → {b:.4g}" for v, b in zip(fam.values, fam.b, strict=True)))
    )
    st.download_button(
        t("common.download_csv"),
        _csv(fam.columns()),
        file_name=f"balanced_l1_family_{param}.csv",
        mime="text/csv",
        key="reg_dl_family",
        on_click="ignore",
    )


@st.fragment
def balance_section(params: A.Params) -> None:
    st.subheader(t("reg.balance.header"))
    st.markdown(t("reg.balance.intro"))
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        out_frac = controls.slider(t("reg.balance.out_frac"), "reg_out_frac", 0.0, 0.5, 0.1, 0.01)
    with c2:
        in_scale = controls.slider(t("reg.balance.in_scale"), "reg_in_scale", 0.05, 1.0, 0.3, 0.05)
    with c3:
        out_scale = controls.slider(t("reg.balance.out_scale"), "reg_out_scale", 0.5, 10.0, 3.0, 0.5)
    with c4:
        split = controls.slider(t("reg.balance.split"), "reg_split", 0.1, 3.0, 1.0, 0.05)
    with c5:
        seed = controls.number_input(t("reg.balance.seed"), "reg_seed", 0, 9999, 0, 1)
    mixture = A.Mixture(
        outlier_fraction=float(out_frac), inlier_scale=float(in_scale), outlier_scale=float(out_scale), seed=int(seed)
    )
    try:
        with st.spinner(t("reg.balance.computing")):
            bal = _balance(mixture, params, float(split))
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return
    st.caption(t("reg.balance.sampled", n=mixture.n, seed=mixture.seed, pct=f"{100 * bal.inlier_count_share:.1f}"))
    m1, m2, m3 = st.columns(3)
    sl, bl = bal.inlier_share("Smooth L1"), bal.inlier_share("Balanced L1")
    m1.metric(t("reg.balance.count_share"), f"{100 * bal.inlier_count_share:.1f}%")
    m2.metric(t("reg.balance.share", name="Smooth L1"), f"{100 * sl:.1f}%")
    m3.metric(
        t("reg.balance.share", name="Balanced L1"),
        f"{100 * bl:.1f}%",
        delta=t("reg.balance.pp", v=f"{100 * (bl - sl):+.1f}"),
    )
    plotly_chart(F.balance_figure(bal, as_dict=True), key="reg_balance_chart", height=420)
    table = pd.DataFrame(bal.rows()).rename(
        columns={
            "loss": t("reg.col.loss"),
            "inlier_grad_sum": t("reg.col.inlier_sum"),
            "outlier_grad_sum": t("reg.col.outlier_sum"),
            "inlier_share": t("reg.col.inlier_share"),
            "mean_inlier_grad": t("reg.col.mean_inlier"),
            "mean_outlier_grad": t("reg.col.mean_outlier"),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        t("common.download_csv"),
        _csv({k: [r[k] for r in bal.rows()] for k in bal.rows()[0]}),
        file_name="gradient_balance.csv",
        mime="text/csv",
        key="reg_dl_balance",
        on_click="ignore",
    )


def moved_cbbl_notice() -> None:
    """The C-BBL section moved to the Box-size page: an old ``reg_cb_*`` link gets a notice with the same settings
    carried over (``bs_cb_*``), instead of silently losing them."""
    old = {k: st.query_params.get(k) for k in st.query_params if k.startswith("reg_cb_")}
    if not old:
        return
    link = "boxsize?" + urlencode({"bs_cb_" + k.removeprefix("reg_cb_"): v for k, v in old.items()})
    params = ", ".join(f"`{k}={v}`" for k, v in old.items())
    st.info(t("bs.moved", link=link, params=params), icon=":material/arrow_forward:")


# -------------------------------------------------------------------------------------------------------- page

st.title(t("reg.title"))
moved_cbbl_notice()
st.markdown(t("reg.intro"))

with st.sidebar:
    st.header(t("reg.sidebar.header"))
    smooth_beta = controls.slider(
        t("reg.sl1_beta"), "reg_sl1_beta", 0.0, 3.0, D.smooth_beta, 0.05, help=t("reg.sl1_beta_help")
    )
    alpha = controls.slider(t("reg.alpha"), "reg_alpha", 0.05, 2.0, D.alpha, 0.05, help=t("reg.alpha_help"))
    gamma = controls.slider(t("reg.gamma"), "reg_gamma", 0.1, 5.0, D.gamma, 0.1, help=t("reg.gamma_help"))
    beta = controls.slider(t("reg.beta"), "reg_beta", 0.05, 3.0, D.beta, 0.05, help=t("reg.beta_help"))
    l2_half = controls.toggle(t("reg.l2_half"), "reg_l2half", D.l2_half)

params = A.Params(float(smooth_beta), float(alpha), float(gamma), float(beta), bool(l2_half))

curves_section(params)
st.divider()
family_section(params)
st.divider()
balance_section(params)
st.divider()
with st.expander(t("common.explanation"), expanded=False):
    st.markdown(t("reg.explain"))
