"""Libra R-CNN: IoU-balanced negative sampling and the Balanced Feature Pyramid, on synthetic data, step by step.

Thin page: widgets in (all bound to the URL); numbers and figures from ``lossviz.cached.libra`` (caches shared by
every session over ``lossviz.analysis.libra``, which calls the torch core, and ``lossviz.figures.libra``).
"""

from __future__ import annotations

import streamlit as st

from lossviz.analysis import libra as A
from lossviz.cached import libra as C
from lossviz.components import coded, controls, downloads, sections, shell
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import libra as F
from lossviz.i18n import get_lang, t
from lossviz.i18n.libra import error_message


def _section(key: str, title: str, opened_by: str = "") -> st.delta_generator.DeltaGenerator | None:
    """A URL-bound section that costs nothing while closed: the expander when it is open, else None."""
    box = sections.expander(title, key, opened_by=[opened_by] if opened_by else [], on_change="rerun")
    return box if box.open else None


@shell.fragment
def sampling_panel() -> None:
    st.markdown(t("libra.sampling.intro"))
    c1, c2, c3 = st.columns(3)
    with c1:
        images = controls.number_input(t("libra.images"), "lib_images", 1, 64, 8, step=1)
        gts = controls.number_input(t("libra.gts"), "lib_gts", 1, 100, 6, step=1)
        smin = controls.number_input(t("libra.size_min"), "lib_smin", 1.0, 512.0, 24.0, step=4.0)
        smax = controls.number_input(t("libra.size_max"), "lib_smax", 1.0, 512.0, 160.0, step=8.0)
    with c2:
        crowd = controls.slider(t("libra.crowding"), "lib_crowd", 0.0, 1.0, 0.3, 0.05, help=t("libra.crowding_help"))
        props = controls.number_input(t("libra.proposals"), "lib_props", 10, 10_000, 2000, step=100)
        jitter = controls.slider(t("libra.jitter"), "lib_jitter", 0.0, 2.0, 0.8, 0.05, help=t("libra.jitter_help"))
        bg = controls.slider(t("libra.background"), "lib_bg", 0.0, 1.0, 0.7, 0.05, help=t("libra.background_help"))
    with c3:
        num_neg = controls.number_input(
            t("libra.num_neg"), "lib_neg", 1, 4096, 384, step=32, help=t("libra.num_neg_help")
        )
        bins = controls.selectbox(t("libra.bins"), "lib_bins", [1, 2, 3, 4, 5, 10], index=2, help=t("libra.bins_help"))
        floor_thr = controls.selectbox(t("libra.floor_thr"), "lib_floor", list(A.FLOOR_THRS), index=0,
                                       help=t("libra.floor_thr_help"))  # fmt: skip
        floor_frac = controls.slider(t("libra.floor_fraction"), "lib_ffrac", 0.0, 1.0, 0.0, 0.05)
    o1, o2, o3 = st.columns(3)
    with o1:
        add_gt = controls.toggle(t("libra.add_gt"), "lib_addgt", True, help=t("libra.add_gt_help"))
    with o2:
        hard_mode = controls.radio(t("libra.hard_mode"), "lib_hard", list(A.HARD_MODES), horizontal=True,
                                   captions=[t(f"libra.hard.{m}") for m in A.HARD_MODES],
                                   help=t("libra.hard_mode_help"))  # fmt: skip
    with o3:
        seed = controls.number_input(t("libra.seed"), "lib_seed", 0, 9999, 0, step=1)
    scene = A.SceneParams(int(images), int(gts), float(smin), float(smax), float(crowd), int(props), float(jitter),
                          float(bg), int(seed))  # fmt: skip
    sampler = A.SamplerParams(int(num_neg), int(bins), float(floor_thr), float(floor_frac), bool(add_gt), hard_mode)
    try:
        s, _ = C.study(scene, sampler)
    except ValueError as err:
        st.error(error_message(err), icon=":material/block:")
        return
    v = C.sampling_view(scene, sampler, get_lang(), s)
    st.caption(t("libra.metric.caption"))  # the metrics' labels are then short enough not to be cut off
    sections.metrics(v.metrics)
    plotly_chart(v.histogram, key="lib_hist", height=430)
    plotly_chart(v.share, key="lib_share", height=400)
    downloads.buttons("libra_fig3", csv=s.histogram_columns, key="lib_h", labels={"csv": t("libra.download_hist")})
    downloads.buttons("libra_sampled", csv=s.rows, key="lib_s", labels={"csv": t("libra.download_sampled")})
    st.caption(v.counts)
    plotly_chart(v.bins, key="lib_bins_chart", height=600)
    if v.empty_bins:
        st.info(v.empty_bins, icon=":material/info:")  # a property of mmdetection's sampler, not a fault
    if v.edges_vary:
        st.caption(t("libra.bins.vary"))
    st.markdown(t("libra.bins.explain"))
    if box := _section("lib_sec_k", t("libra.k.title")):  # the ablation reruns both samplers for K = 2, 3, 5
        df = C.k_table(scene, sampler, get_lang(), C.study(scene, sampler, ablation=True)[1])
        fmt = {c: st.column_config.NumberColumn(format="%.3f") for c in df.columns[1:3]}
        box.dataframe(df, hide_index=True, column_config=fmt)
        with box:
            downloads.buttons("libra_k_ablation", csv=df, key="lib_k")
        box.caption(t("libra.k.note"))
    # image 1 with its sampled boxes; a link choosing a sampler opens it
    if box := _section("lib_sec_scene", t("libra.scene_section"), opened_by="lib_show"):
        with box:
            shown = coded.segmented(t("libra.scene_method"), "lib_show", A.METHODS, "paper", F.method_name)
            plotly_chart(C.scene_figure(scene, sampler, shown, get_lang(), s), key="lib_scene", height=520)
    with shell.explanation("lib_sampling"):
        st.markdown(t("libra.sampling.explain"))


@shell.fragment
def bfp_panel() -> None:
    st.markdown(t("libra.bfp.intro"))
    c1, c2 = st.columns(2)
    with c1:
        source = coded.segmented(t("libra.source"), "lib_src", ("blobs", "picture"), "blobs",
                                 lambda c: t(f"libra.source.{c}"))  # fmt: skip
        base = controls.selectbox(t("libra.base"), "lib_base", [32, 64, 128], index=1, help=t("libra.base_help"))
        blobs = controls.slider(t("libra.blobs"), "lib_blobs", 0, 8, 3, 1, disabled=source != "blobs")
        noise = controls.slider(t("libra.noise"), "lib_noise", 0.0, 0.5, 0.05, 0.01, disabled=source != "blobs")
        fseed = controls.number_input(t("libra.seed"), "lib_fseed", 0, 9999, 0, step=1)
    with c2:
        refine = coded.segmented(t("libra.refine"), "lib_refine", A.REFINES, "non_local",
                                 lambda c: t(f"libra.refine.{c}"), legacy=A.LEGACY_CODES)  # fmt: skip
        level = controls.selectbox(t("libra.refine_level"), "lib_level", list(A.LEVELS), index=2)
        zero = controls.toggle(t("libra.zero_init"), "lib_zero", False, help=t("libra.zero_init_help"))
        residual = controls.toggle(t("libra.residual"), "lib_resid", True)
        qx = controls.slider(t("libra.query_x"), "lib_qx", 0.0, 1.0, 0.5, 0.05, disabled=refine != "non_local")
        qy = controls.slider(t("libra.query_y"), "lib_qy", 0.0, 1.0, 0.5, 0.05, disabled=refine != "non_local")
    upload = None
    if source == "picture":
        file = st.file_uploader(t("libra.upload"), type=None, key="lib_upload", help=t("libra.upload_help"))
        shell.upload_note()  # Streamlit's uploader texts are English only
        if file is None:
            st.info(t("libra.upload_none"), icon=":material/info:")
            return
        upload = file.getvalue()
    if refine != "none":
        st.info(t("libra.illustrative"), icon=":material/science:")
    try:
        inputs = (source, int(base), int(blobs), float(noise), int(fseed), upload)
        p = C.bfp(inputs, refine, A.LEVELS.index(level), bool(zero), bool(residual), (float(qx), float(qy)), get_lang())
    except ValueError as err:
        st.error(error_message(err), icon=":material/block:")
        return
    if refine == "non_local" and zero:
        st.success(t("libra.identity_note"), icon=":material/check:")
    sections.metrics(p.metrics)
    for key, fig, height in p.figures:
        plotly_chart(fig, key=key, height=height)
    downloads.buttons("bfp_contribution", csv=p.view.contribution_columns, key="lib_c")
    downloads.buttons("bfp_maps", json=p.view.maps_json, key="lib_m", labels={"json": t("libra.download_json")})
    with shell.explanation("lib_bfp"):
        st.markdown(t("libra.bfp.explain"))


st.title(t("libra.title"))
st.markdown(t("libra.intro", link=A.BALANCED_L1_LINK))
panel = coded.segmented(t("libra.panel"), "lib_panel", A.PANELS, "sampling", lambda c: t(f"libra.panel.{c}"),
                        legacy=A.LEGACY_CODES)  # fmt: skip
st.divider()
{"sampling": sampling_panel, "bfp": bfp_panel}[panel]()
