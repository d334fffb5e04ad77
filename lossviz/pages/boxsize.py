"""Box size: the same error through every loss at every object size; NWD against IoU; C-BBL and DFL side by side.

Thin page: URL-bound widgets in, numbers and figure dicts from ``lossviz.cached.boxsize`` (the analysis in
``lossviz.analysis.boxsize`` and the figures in ``lossviz.figures.boxsize``, cached across sessions). Only the
selected section runs, as a fragment.
"""

from __future__ import annotations

import streamlit as st

from lossviz import i18n
from lossviz.analysis import boxsize as A
from lossviz.cached import boxsize as C
from lossviz.components import coded, controls, downloads, sections, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures.boxsize import NWD_LATEX
from lossviz.i18n import t


@shell.fragment
def size_section() -> None:
    sections.heading(t("bs.size.header"), t("bs.size.intro"))
    st.caption(t("bs.papers", links=" · ".join(f"[{name}]({url})" for name, url in A.PAPERS.items())))
    c1, c2, c3 = st.columns([1, 1.4, 2])
    with c1:
        comp = coded.segmented(t("bs.size.component"), "bs_comp", A.COMPONENTS, "x", A.COMPONENT_LABELS,
                               legacy=A.LEGACY)  # fmt: skip
    with c2:
        mode = coded.segmented(t("bs.size.mode"), "bs_mode", A.MODES, "pixels", lambda m: t(f"bs.mode.{m}"),
                               legacy=A.LEGACY)  # fmt: skip
    with c3:
        label, key, lo, hi, default, step = A.ERROR_SLIDERS[mode]
        error = controls.slider(t(label), key, lo, hi, default, step)
    c4, c5 = st.columns([1, 2])
    with c4:
        beta = controls.slider(t("bs.size.sl1_beta"), "bs_sl1_beta", 0.0, 3.0, 1.0, 0.01)
    with c5:
        stds = controls.toggle(t("bs.size.stds"), "bs_stds", False, help=t("bs.size.stds_help"))
    codes = coded.multiselect(t("bs.size.show"), "bs_show", list(A.LOSS_CODES), list(A.LOSS_CODES), A.LOSS_CODES,
                              legacy=A.LEGACY)  # fmt: skip
    if not codes:
        return st.info(t("bs.size.pick"))
    names = tuple(name for code, name in A.LOSS_CODES.items() if code in codes)
    settings, lang = A.SizeSettings(comp, mode, float(error), bool(stds), float(beta)), i18n.get_lang()
    try:
        with st.spinner(t("bs.size.computing")):
            figure = C.size_figure(settings, names, lang)
    except ValueError as err:
        return st.error(t("common.error", msg=err))
    plotly_chart(figure, key="bs_size_chart", height=680)
    st.dataframe(C.ratio_table(settings, names, lang), hide_index=True)
    a, b, n = A.CBBL_PRESETS["rpn"]
    st.caption(t("bs.size.ratio_caption", small=int(A.SMALL), large=int(A.LARGE), a=a, b=b, n=n))
    downloads.buttons("gradient_vs_size", csv=lambda: C.sweep(settings, names).columns(), key="bs_dl_size")


@shell.fragment
def nwd_section() -> None:
    sections.heading(t("bs.nwd.header"), t("bs.nwd.intro") + " " + t("bs.nwd.paper", url=A.PAPERS["NWD"]))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        small = controls.slider(t("bs.nwd.small"), "bs_nwd_small", 1.0, 32.0, 8.0, 1.0)
    with c2:
        large = controls.slider(t("bs.nwd.large"), "bs_nwd_large", 16.0, 512.0, 64.0, 1.0)
    with c3:
        constant = controls.slider(t("bs.nwd.constant"), "bs_nwd_c", 1.0, 100.0, 12.8, 0.1)
    with c4:
        max_offset = controls.slider(t("bs.nwd.max"), "bs_nwd_max", 2.0, 64.0, 16.0, 1.0)
    args = (float(small), float(large), float(max_offset), float(constant))
    plotly_chart(C.nwd_figure(*args, i18n.get_lang()), key="bs_nwd_chart", height=420)
    curves = C.nwd_curves(*args)
    for col, (w, d, iou, nwd) in zip(st.columns(2), curves.probe(), strict=True):
        col.metric(t("bs.nwd.metric", w=f"{w:g}", d=f"{d:.3g}"),
                   t("bs.nwd.metric_value", iou=f"{iou:.3f}", nwd=f"{nwd:.3f}"))  # fmt: skip
    st.latex(NWD_LATEX)
    st.caption(t("bs.nwd.eps_note"))
    downloads.buttons("iou_vs_nwd", csv=curves.columns, key="bs_dl_nwd")


def _preset(name: str) -> None:
    a, b, n = A.CBBL_PRESETS[name]
    st.session_state.update(bs_cb_a=a, bs_cb_beta=b, bs_cb_n=n, bs_cb_kind="exponential")


def _distribution(kind: str, args: tuple, mu: float, loss_label: str) -> None:
    view = C.cbbl(*args) if kind == "cbbl" else C.dfl(*args)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("bs.dist.decoded"), f"{view.decoded:.4f}", delta=f"{view.decoded - view.t_used:+.4f}",
              delta_color="off")  # fmt: skip
    m2.metric(loss_label, f"{view.ce:.4f}")
    m3.metric(t("bs.dist.unc"), f"{view.uncertainty:.4f}")
    chart, sweep = C.distribution_figures(kind, args, mu, i18n.get_lang())
    plotly_chart(chart, key=f"bs_{kind}_chart", height=480)
    plotly_chart(sweep, key=f"bs_{kind}_sweep_chart", height=340)
    st.caption(t("reg.cbbl.sweep_caption"))
    downloads.buttons(kind, csv=lambda: A.distribution_columns(view), key=f"bs_dl_{kind}")


@shell.fragment
def distribution_section() -> None:
    sections.heading(t("bs.dist.header"), t("bs.dist.intro"))
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
        args = (int(n), float(a), kind, float(beta), float(target), float(mu), float(sigma))
        try:
            view = C.cbbl(*args)
        except ValueError as err:
            st.error(t("common.error", msg=err))
        else:
            if view.t_used != view.t:
                st.info(t("reg.cbbl.clamped", t=f"{view.t:.4g}", a=f"{float(a):g}", used=f"{view.t_used:.4g}"))
            _distribution("cbbl", args, float(mu), t("bs.dist.loss"))
    with right:
        st.markdown(f"#### {t('bs.dist.dfl', url=A.PAPERS['DFL'])}")
        y = controls.slider(t("bs.dist.dfl_y"), "bs_dfl_y", 0.0, 16.0, 6.3, 0.05)
        dmu = controls.slider(t("bs.dist.dfl_mu"), "bs_dfl_mu", 0.0, 16.0, 5.0, 0.05)
        dsigma = controls.slider(t("bs.dist.dfl_sigma"), "bs_dfl_sigma", 0.1, 4.0, 1.0, 0.05)
        _distribution("dfl", (float(y), float(dmu), float(dsigma)), float(dmu), t("bs.dist.dfl_loss"))


st.title(t("bs.title"))
st.markdown(t("bs.intro"))
if "bs_section" not in st.session_state and "bs_section" not in st.query_params:  # a link setting a section's
    st.query_params.update({"bs_section": A.section_for(st.query_params)})  # controls opens that section
section = coded.segmented(t("bs.section"), "bs_section", A.SECTIONS, "size", lambda s: t(f"bs.section.{s}"))
{"size": size_section, "nwd": nwd_section, "dist": distribution_section}[section]()
st.divider()
with shell.explanation("bs"):
    st.markdown(t("bs.explain"))
