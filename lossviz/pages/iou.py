"""IoU family: drag a predicted box against a ground truth and watch every IoU-family loss, its geometry, its gradient.

Widgets in (all bound to the URL), numbers from ``lossviz.analysis.iou`` (the torch core), figures, formulas and the
canvas's drawing data from ``lossviz.figures.iou``; the canvas (``lossviz.components.box_canvas``) owns its drag and
keyboard state, the boxes' URL-bound coordinate inputs, their write-back and the presets' pills.
"""

from __future__ import annotations

import streamlit as st

from lossviz import i18n
from lossviz.analysis import iou as A
from lossviz.cached import iou as C
from lossviz.components import controls, downloads, shell
from lossviz.components.box_canvas import box_canvas, box_inputs, box_presets, read_boxes, write_back
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import iou as F
from lossviz.i18n import t

WARN = ":material/warning:"
_write = write_back(A.BOX_KEYS, A.box_values)  # the boxes a canvas edit moved (or a preset's) become the inputs' values
# What follows the boxes: a typed coordinate reruns these fragments only (a released drag or keys at rest, the
# coordinate inputs too), not the page: title, loss and options, presets, explanation and the app's shell stay.
FOLLOW = ("iou_pair", "iou_land")
BOXES = "iou_boxes"  # the canvas publishes the boxes it shows here; the landscapes are dimmed while drawn for others


def _boxes():
    return [A.sanitize_box(box) for box in read_boxes(A.BOX_KEYS)]


@shell.fragment(key="iou_coords")  # rerun with the two below when a canvas edit ends: the inputs show the new boxes
def _coordinates() -> None:
    st.caption(t("iou.coords_help", world=int(A.WORLD)))
    labels = {w: t(f"iou.{w}") for w in A.BOX_KEYS}
    follow = lambda: st.rerun(list(FOLLOW))  # noqa: E731 (a typed coordinate: the pane and landscapes follow)
    box_inputs(A.BOX_KEYS, A.PRESETS[A.DEFAULT_PRESET], labels, world=A.WORLD, on_change=follow)


@shell.fragment(key="iou_pair")  # a drag reruns only this; an edit's end reruns it with the landscapes and inputs
def _pair_view(code: str, options: A.Options) -> None:
    name = A.loss_name(code)
    (pred, notes_p), (target, notes_t) = _boxes()
    try:
        rows, geo = C.pair(pred, target, options)
    except ValueError as err:  # the core refused the input: say so, keep the page alive
        return st.error(t("common.error", msg=err))
    row = next(r for r in rows if r.code == code)
    col_canvas, col_side = st.columns([3, 2], gap="medium")
    with col_canvas:
        view = F.canvas_view(code, name, geo, row, A.edge_arrows(pred, row.grad), A.reads(code, options))
        view |= {"rerun_on_release": [*FOLLOW, "iou_coords"], "channel": BOXES}  # an edit's end: what follows it
        done = box_canvas("iou_canvas", pred=pred, target=target, on_boxes=_write, **view)
        st.caption(t("iou.canvas.keys"))
    with col_side:
        m1, m2 = st.columns(2)
        m1.metric("IoU", f"{geo.iou:.4f}")
        m2.metric(t("iou.metric.loss", name=name), f"{row.value:.4f}")
        st.metric(t("iou.metric.grad_norm"), f"{row.grad_norm:.3e}")
        if row.zero_grad:
            st.info(t("iou.zero_grad", name=name), icon=":material/info:")
        st.markdown(t(f"iou.uses.{code}", variant=options.alpha_variant) + " " + t("iou.paper", url=A.paper(code)))
        for which, note in [("pred", n) for n in notes_p] + [("target", n) for n in notes_t]:
            st.warning(t(f"iou.note.{note}", box=t(f"iou.{which}"), min=A.MIN_SIZE), icon=WARN)
        for note in done.notes:
            st.caption(t(f"iou.note.{note}", box=t("iou.canvas.box"), min=A.MIN_SIZE))
        if done.refused:
            st.warning(t("iou.note.canvas_bad"), icon=WARN)
        if case := A.case_of(pred, target):
            src = A.CASE_SOURCES[case]
            st.info(t(f"iou.case.{case}", figure=src.figure, url=src.paper), icon=":material/school:")
    with st.expander(
        t("iou.table.title"), expanded=True, key="iou_table_open", on_change="rerun", bind="query-params"
    ) as box:
        if box.open:  # render only what is open
            _details(code, options, pred, target)


def _details(code, options, pred, target) -> None:
    shown = C.details(pred, target, options, code, i18n.get_lang())
    tcol, bcol = st.columns([3, 2])
    with tcol:
        # A static table: cells wrap instead of cutting a long Options text off (st.dataframe clips to its column).
        st.table(shown.shown, hide_index=True)
        downloads.buttons("iou_losses", csv=lambda: shown.table, key="iou_dl_table")  # the CSV: full precision
        st.caption(t("iou.table.help"))
    with bcol:
        plotly_chart(shown.bar, key="iou_bar")
    st.subheader(t("iou.explain.title", name=A.loss_name(code)))
    st.markdown(t(f"iou.explain.{code}"))
    for line in shown.formulas:
        st.latex(line)
    if shown.eps_share > A.EPS_NOTE_SHARE:  # never show an eps-made number silently
        st.warning(t("iou.opt.eps_note", eps=A.EPS, share=shown.eps_share), icon=WARN)
    if code == "eiou":
        st.caption(t("iou.explain.eiou_note"))


@shell.fragment(key="iou_land")  # follows the settled boxes with the pane (FOLLOW); its own controls rerun only it
def _landscapes(code: str, options: A.Options) -> None:
    (pred, _), (target, _) = _boxes()
    link = {"label": t("sim.link_from_iou"), "icon": ":material/timeline:"}
    st.page_link(shell.page("simulation"), query_params={"sim_pair": A.pair_param(pred, target)}, **link)
    title = t("iou.land.title", name=A.loss_name(code))
    with st.expander(title, expanded=True, key="iou_land_open", on_change="rerun", bind="query-params") as box:
        if not box.open:  # a closed section costs nothing
            return
        c1, c2, _ = st.columns([1.2, 1, 2])
        with c1:
            res = controls.selectbox(t("iou.land.res"), "iou_res", [32, 64, 128, 256], 1, help=t("iou.land.res_help"))
        with c2:
            field = controls.toggle(t("iou.land.field"), "iou_field", True)
        st.markdown(t("iou.land.help"))
        for col, (plane, fixed, current) in zip(st.columns(2), A.landscape_planes(pred), strict=True):
            view = (code, target, plane, fixed, int(res), options)
            with col:
                fig = C.landscape_figure(*view, current, field, i18n.get_lang())
                plotly_chart(fig, key=f"iou_land_{plane}", height=460, follows=(BOXES, [*pred, *target]))
                csv = lambda v=view: C.landscape_columns(*v)  # noqa: E731 (built only when clicked)
                downloads.buttons(f"iou_land_{plane}_{code}_{res}", csv=csv, key=f"iou_dl_{plane}")


st.title(t("iou.title"))
codes = list(A.loss_codes())
cols = st.columns([1.4, 1.2, 1.2])
with cols[0]:
    code = controls.selectbox(
        t("iou.select_loss"), "iou_loss", codes, index=codes.index("giou"), format_func=A.loss_name
    )
shown = ", ".join(A.option_names(code)) or t("iou.opt.none")
values = {}
for i, c in enumerate(A.option_controls(code)):  # no loss takes more than two of the page's options
    with cols[1 + min(i, 1)]:
        help_ = t(f"iou.opt.{c.name}_help")
        values[c.name] = getattr(controls, c.kind)(t(f"iou.opt.{c.name}"), c.key, *c.args, help=help_)
for c in A.unused_controls(code):
    raw = controls.short(st.query_params.get(c.key))
    controls.drop_param(c.key, t("iou.opt.not_used", key=c.key, value=raw, name=A.loss_name(code), options=shown))
options = A.options_from(values)

with st.expander(t("iou.coords"), expanded=False, icon=":material/edit:"):
    _coordinates()

_pair_view(code, options)
box_presets(t("iou.presets"), A.PRESETS, "iou_preset", _write, format_func=lambda c: t(f"iou.preset.{c}"))
with shell.explanation("iou"):
    st.markdown(t("iou.intro"))
_landscapes(code, options)
