"""Box size: the same error through every loss at every object size; NWD against IoU; C-BBL and DFL side by side.

Thin page: URL-bound widgets in, numbers from ``lossviz.analysis.boxsize`` (torch core + autograd), figures from
``lossviz.figures.boxsize`` (and the regression page's distribution figures). One fragment per section.
"""

from __future__ import annotations

import streamlit as st

from lossviz.analysis import boxsize as A
from lossviz.components import coded, controls, downloads, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import boxsize as F
from lossviz.figures import regression as FR
from lossviz.i18n import t

COMPONENT_LABELS = {"x": "Δx", "w": "Δw"}
# Older links carried the display labels (bs_comp=Δw, bs_mode=IoU, bs_show=Smooth+L1); they map to the codes.
LEGACY = {**{v: k for k, v in COMPONENT_LABELS.items()}, "px": "pixels", "× w": "relative", "IoU": "iou",
          **{name: code for code, name in A.LOSS_CODES.items()}}  # fmt: skip
ERROR_SLIDERS = {  # mode -> (label key, URL key, min, max, default, step)
    "pixels": ("bs.size.px", "bs_px", 0.25, 64.0, 2.0, 0.25),
    "relative": ("bs.size.rel", "bs_rel", 0.01, 1.0, 0.1, 0.01),
    "iou": ("bs.size.iou", "bs_iou", 0.05, 0.95, 0.7, 0.05),
}


@st.cache_data(max_entries=128, show_spinner=False)
def _sweep(settings: A.SizeSettings, names: tuple[str, ...]) -> A.SizeSweep:
    return A.size_sweep(settings, names)


@st.cache_data(max_entries=128, show_spinner=False)
def _cbbl(n: int, a: float, kind: str, beta: float, target: float, mu: float, sigma: float):
    return A.cbbl_view(n, a, kind, beta, target, mu, sigma)


@st.cache_data(max_entries=128, show_spinner=False)
def _dfl(y: float, mu: float, sigma: float):
    return A.dfl_view(16, y, mu, sigma)


@st.fragment
def size_section() -> None:
    st.subheader(t("bs.size.header"))
    st.markdown(t("bs.size.intro"))
    st.caption(t("bs.papers", links=" · ".join(f"[{name}]({url})" for name, url in A.PAPERS.items())))
    c1, c2, c3 = st.columns([1, 1.4, 2])
    with c1:
        comp = coded.segmented(t("bs.size.component"), "bs_comp", A.COMPONENTS, "x", COMPONENT_LABELS, legacy=LEGACY)
    with c2:
        mode = coded.segmented(t("bs.size.mode"), "bs_mode", A.MODES, "pixels", lambda m: t(f"bs.mode.{m}"),
                               legacy=LEGACY)  # fmt: skip
    with c3:
        label, key, lo, hi, default, step = ERROR_SLIDERS[mode]
        error = controls.slider(t(label), key, lo, hi, default, step)
    c4, c5 = st.columns([1, 2])
    with c4:
        beta = controls.slider(t("bs.size.sl1_beta"), "bs_sl1_beta", 0.0, 3.0, 1.0, 0.01)
    with c5:
        stds = controls.toggle(t("bs.size.stds"), "bs_stds", False)
    codes = coded.multiselect(t("bs.size.show"), "bs_show", list(A.LOSS_CODES), list(A.LOSS_CODES), A.LOSS_CODES,
                              legacy=LEGACY)  # fmt: skip
    if not codes:
        st.info(t("bs.size.pick"))
        return
    names = tuple(name for code, name in A.LOSS_CODES.items() if code in codes)
    settings = A.SizeSettings(comp, mode, float(error), bool(stds), float(beta))
    try:
        with st.spinner(t("bs.size.computing")):
            sweep = _sweep(settings, names)
    except ValueError as err:
        st.error(t("common.error", msg=err))
        return
    plotly_chart(F.size_figure(sweep, names, as_dict=True), key="bs_size_chart", height=680)
    st.dataframe(F.ratio_table(sweep, names, A.SMALL, A.LARGE), hide_index=True)
    small, large = int(A.SMALL), int(A.LARGE)
    a, b, n = A.CBBL_PRESETS["rpn"]
    st.caption(t("bs.size.ratio_caption", small=small, large=large, a=a, b=b, n=n))
    downloads.buttons("gradient_vs_size", csv=sweep.columns, key="bs_dl_size")


@st.fragment
def nwd_section() -> None:
    st.subheader(t("bs.nwd.header"))
    st.markdown(t("bs.nwd.intro") + " " + t("bs.nwd.paper", url=A.PAPERS["NWD"]))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        small = controls.slider(t("bs.nwd.small"), "bs_nwd_small", 1.0, 32.0, 8.0, 1.0)
    with c2:
        large = controls.slider(t("bs.nwd.large"), "bs_nwd_large", 16.0, 512.0, 64.0, 1.0)
    with c3:
        constant = controls.slider(t("bs.nwd.constant"), "bs_nwd_c", 1.0, 100.0, 12.8, 0.1)
    with c4:
        max_offset = controls.slider(t("bs.nwd.max"), "bs_nwd_max", 2.0, 64.0, 16.0, 1.0)
    curves = A.nwd_vs_offset((float(small), float(large)), float(max_offset), float(constant))
    plotly_chart(F.nwd_figure(curves, as_dict=True), key="bs_nwd_chart", height=420)
    probe = float(small) / 2  # half the tiny box: its IoU is 1/3 there
    m = st.columns(2)
    for col, w in zip(m, curves.sizes, strict=True):
        i = int(abs(curves.offsets - min(probe, float(max_offset))).argmin())
        col.metric(t("bs.nwd.metric", w=f"{w:g}", d=f"{curves.offsets[i]:.3g}"),
                   t("bs.nwd.metric_value", iou=f"{curves.iou[w][i]:.3f}", nwd=f"{curves.nwd[w][i]:.3f}"))  # fmt: skip
    st.latex(F.NWD_LATEX)
    st.caption(t("bs.nwd.eps_note"))
    downloads.buttons("iou_vs_nwd", csv=curves.columns, key="bs_dl_nwd")


def _preset(name: str) -> None:
    a, b, n = A.CBBL_PRESETS[name]
    st.session_state.update(bs_cb_a=a, bs_cb_beta=b, bs_cb_n=n, bs_cb_kind="exponential")


def _distribution(view, mu: float, loss_label: str, key: str, file: str) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric(t("bs.dist.decoded"), f"{view.decoded:.4f}", delta=f"{view.decoded - view.t_used:+.4f}",
              delta_color="off")  # fmt: skip
    m2.metric(loss_label, f"{view.ce:.4f}")
    m3.metric(t("bs.dist.unc"), f"{view.uncertainty:.4f}")
    plotly_chart(FR.cbbl_figure(view, as_dict=True), key=f"bs_{key}_chart", height=480)
    plotly_chart(FR.cbbl_sweep_figure(view, mu, as_dict=True), key=f"bs_{key}_sweep_chart", height=340)
    st.caption(t("reg.cbbl.sweep_caption"))
    cols = {"grid": view.grid, "target p*": view.target_dist, "prediction p": view.probs, "dL/dlogit": view.grad}
    downloads.buttons(file, csv=cols, key=f"bs_dl_{key}")


@st.fragment
def distribution_section() -> None:
    st.subheader(t("bs.dist.header"))
    st.markdown(t("bs.dist.intro"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"#### {t('bs.dist.cbbl', url=A.PAPERS['C-BBL'])}")
        p1, p2 = st.columns(2)
        p1.button(t("bs.dist.preset_rpn"), key="bs_cb_rpn", on_click=_preset, args=("rpn",))
        p2.button(t("bs.dist.preset_rcnn"), key="bs_cb_rcnn", on_click=_preset, args=("rcnn",))
        kind = coded.segmented(t("reg.cbbl.kind"), "bs_cb_kind", ("uniform", "exponential"), "exponential",
                               lambda k: t(f"bs.kind.{k}"))  # fmt: skip
        n = controls.slider(t("reg.cbbl.n"), "bs_cb_n", 2, 32, 10, 1, help=t("reg.cbbl.n_help"))
        a = controls.slider(t("reg.cbbl.a"), "bs_cb_a", 0.5, 8.0, 2.0, 0.25)
        beta = controls.slider(t("reg.cbbl.beta"), "bs_cb_beta", 0.1, 3.0, 1.0, 0.1, help=t("reg.cbbl.beta_help"))
        target = controls.slider(t("reg.cbbl.t"), "bs_cb_t", -8.0, 8.0, 0.3, 0.05)
        mu = controls.slider(t("reg.cbbl.mu"), "bs_cb_mu", -8.0, 8.0, -0.5, 0.05)
        sigma = controls.slider(t("reg.cbbl.sigma"), "bs_cb_sigma", 0.05, 2.0, 0.5, 0.05)
        st.caption(t("bs.dist.seed_step", end=f"{A.seed_grid_end(float(a), int(n)):.4g}", a=f"{float(a):g}"))
        try:
            view = _cbbl(int(n), float(a), kind, float(beta), float(target), float(mu), float(sigma))
        except ValueError as err:
            st.error(t("common.error", msg=err))
        else:
            if view.t_used != view.t:
                st.info(t("reg.cbbl.clamped", t=f"{view.t:.4g}", a=f"{float(a):g}", used=f"{view.t_used:.4g}"))
            _distribution(view, float(mu), t("bs.dist.loss"), "cbbl", "cbbl")
    with right:
        st.markdown(f"#### {t('bs.dist.dfl', url=A.PAPERS['DFL'])}")
        y = controls.slider(t("bs.dist.dfl_y"), "bs_dfl_y", 0.0, 16.0, 6.3, 0.05)
        dmu = controls.slider(t("bs.dist.dfl_mu"), "bs_dfl_mu", 0.0, 16.0, 5.0, 0.05)
        dsigma = controls.slider(t("bs.dist.dfl_sigma"), "bs_dfl_sigma", 0.1, 4.0, 1.0, 0.05)
        view = _dfl(float(y), float(dmu), float(dsigma))
        _distribution(view, float(dmu), t("bs.dist.dfl_loss"), "dfl", "dfl")


st.title(t("bs.title"))
st.markdown(t("bs.intro"))
size_section()
st.divider()
nwd_section()
st.divider()
distribution_section()
st.divider()
with shell.explanation("bs"):
    st.markdown(t("bs.explain"))
