"""IoU family: drag a predicted box against a ground truth and watch every IoU-family loss, its geometry, its gradient.

Thin page: widgets in (all bound to the URL), numbers from ``lossviz.analysis.iou`` (which calls the torch core),
figures from ``lossviz.figures.iou``, the canvas from ``lossviz.components.box_canvas``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lossviz import i18n
from lossviz.analysis import iou as A
from lossviz.components import controls, shell
from lossviz.components.box_canvas import box_canvas, parse_boxes
from lossviz.components.plotly_chart import plotly_chart
from lossviz.figures import iou as F
from lossviz.i18n import t

shell.require_navigation()  # a deep link on a fresh server must go through app.py

CANVAS = "iou_canvas"
KEYS = {
    "pred": ("iou_px1", "iou_py1", "iou_px2", "iou_py2"),
    "target": ("iou_gx1", "iou_gy1", "iou_gx2", "iou_gy2"),
}
RESOLUTIONS = (32, 64, 128, 256)
#: URL keys of the option controls, by the option's name in the core's registration.
OPTION_KEYS = {
    "mode": "iou_mode",
    "alpha_gating": "iou_gating",
    "alpha": "iou_alpha",
    "variant": "iou_avariant",
    "constant": "iou_nwd_c",
}


# ---------------------------------------------------------------------------------------------------- callbacks


def _write_boxes(pred, target) -> None:
    for which, box in (("pred", pred), ("target", target)):
        for key, value in zip(KEYS[which], box, strict=True):
            st.session_state[key] = round(float(value), 1)


def _on_canvas(from_event: bool = False) -> None:
    """The canvas moved a box: its coordinates become the (URL-bound) number inputs' values.

    Runs as the component's change callback, and again at the top of the script (a no-op when the callback has
    already applied this update) so that state set without a browser event (AppTest) is applied the same way.
    """
    state = st.session_state.get(CANVAS) or {}
    raw = state.get("boxes")
    if raw is None:
        return
    parsed = parse_boxes(raw)
    if parsed is None:
        if raw != st.session_state.get("_iou_bad_raw"):
            st.session_state["_iou_bad_raw"] = raw
            st.session_state["_iou_canvas_bad"] = True
            seq = raw.get("seq") if isinstance(raw, dict) else None
            if isinstance(seq, int) and seq > st.session_state.get("_iou_seq", 0):
                st.session_state["_iou_seq"] = seq  # answered (refused), so the browser sends the next one
        return
    pred, target, seq, final = parsed
    if seq <= st.session_state.get("_iou_seq", 0):
        return
    if from_event:
        st.session_state["_iou_dragging"] = not final
        st.session_state["_iou_released"] = final
    pred, notes_p = A.sanitize_box(pred)
    target, notes_t = A.sanitize_box(target)
    st.session_state["_iou_seq"] = seq
    st.session_state["_iou_canvas_notes"] = sorted(set(notes_p + notes_t))
    _write_boxes(pred, target)


def _on_preset(name: str) -> None:
    _write_boxes(*A.PRESETS[name])


# ------------------------------------------------------------------------------------------------------ cached


@st.cache_data(max_entries=48, show_spinner=False)  # a 256 x 256 landscape is ~1.5 MB
def _landscape(code, target, plane, fixed, n, options) -> A.Landscape:
    return A.landscape(code, target, plane, fixed, n=n, options=options)


@st.cache_data(max_entries=256, show_spinner=False)
def _rows(pred, target, options) -> list[A.LossRow]:
    return A.all_losses(pred, target, options)


# ------------------------------------------------------------------------------------------------------ widgets


def _box_inputs(which: str, default) -> tuple[float, ...]:
    st.markdown(f"**{t('iou.' + which)}**")
    cols = st.columns(4)
    values = []
    for col, key, label, value in zip(cols, KEYS[which], ("x1", "y1", "x2", "y2"), default, strict=True):
        with col:
            values.append(controls.number_input(label, key, 0.0, A.WORLD, float(value), step=0.5, format="%.1f"))
    return tuple(values)


def _note_repairs(which: str, notes: list[str]) -> None:
    for note in notes:
        st.warning(t(f"iou.note.{note}", box=t(f"iou.{which}"), min=A.MIN_SIZE), icon=":material/warning:")


def _option_control(opt: str):
    """The control of one registered option (only called for options the selected loss takes)."""
    if opt == "mode":
        return controls.segmented(t("iou.opt.mode"), "iou_mode", list(A.MODES), "linear", help=t("iou.opt.mode_help"))
    if opt == "alpha_gating":
        return controls.toggle(t("iou.opt.gating"), "iou_gating", False, help=t("iou.opt.gating_help"))
    if opt == "alpha":
        lo, hi = A.ALPHA_RANGE
        return controls.slider(t("iou.opt.alpha"), "iou_alpha", lo, hi, 3.0, 0.5, help=t("iou.opt.alpha_help"))
    if opt == "constant":
        lo, hi = A.NWD_C_RANGE
        return controls.slider(t("iou.opt.nwd_c"), "iou_nwd_c", lo, hi, 12.8, 0.1, help=t("iou.opt.nwd_c_help"))
    return controls.selectbox(t("iou.opt.variant"), "iou_avariant", list(A.ALPHA_VARIANTS), index=0)


def _options_bar(codes) -> tuple[str, A.Options]:
    """The loss, then only the options it takes (from its registration); a URL option it lacks gets a notice."""
    cols = st.columns([1.4, 1.2, 1.2])  # no loss takes more than two of the page's options
    with cols[0]:
        code = controls.selectbox(
            t("iou.select_loss"), "iou_loss", list(codes), index=list(codes).index("giou"), format_func=A.loss_name
        )
    names = A.option_names(code)
    values = {}
    for i, opt in enumerate(names):
        with cols[1 + min(i, 1)]:
            values[opt] = _option_control(opt)
    shown = ", ".join(names) or t("iou.opt.none")
    for opt, key in OPTION_KEYS.items():
        if opt not in names:
            raw = controls.short(st.query_params.get(key))
            controls.drop_param(key, t("iou.opt.not_used", key=key, value=raw, name=A.loss_name(code), options=shown))
    d = A.Options()
    return code, A.Options(
        mode=values.get("mode") or d.mode,
        alpha_gating=bool(values.get("alpha_gating", d.alpha_gating)),
        alpha=float(values.get("alpha", d.alpha)),
        alpha_variant=values.get("variant", d.alpha_variant),
        nwd_constant=float(values.get("constant", d.nwd_constant)),
    )


def _show_flags(code: str, options: A.Options) -> dict[str, bool]:
    return {part: True for part in A.reads(code, options)}


def _formula(terms: list[A.FormulaTerm], value: float) -> str:
    """The selected loss as the core's sum of terms, with each term's value for this pair (from the core)."""
    shown = [term for term in terms if term.key != "clamp" or term.value != 0.0]
    symbols = " + ".join(term.tex for term in shown)
    numbers = " + ".join(f"{term.value:.4f}" for term in shown)
    return rf"\mathcal{{L}} = {symbols} = {numbers} = {value:.4f}"


# ---------------------------------------------------------------------------------------------------- the pair


@st.fragment
def _pair_view(code: str, options: A.Options) -> None:
    """Canvas, numbers, table and formula for the current pair.

    A fragment: a canvas update during a drag reruns only this (the landscapes below keep their figures, and
    nothing else is rebuilt or resent), which keeps the drag-to-numbers round trip short. The release reruns the
    whole page once, after this view has shown the numbers, so the landscapes, the coordinate inputs and the URL
    catch up.
    """
    name = A.loss_name(code)
    pred, notes_pred = A.sanitize_box([st.session_state[k] for k in KEYS["pred"]])
    target, notes_target = A.sanitize_box([st.session_state[k] for k in KEYS["target"]])
    try:
        rows = _rows(pred, target, options)
        geo = A.geometry(pred, target)
    except ValueError as err:  # the core refused the input: say so, keep the page alive
        st.error(t("common.error", msg=err))
        return
    row = next(r for r in rows if r.code == code)
    arrows = A.edge_arrows(pred, row.grad)

    col_canvas, col_side = st.columns([3, 2], gap="medium")
    with col_canvas:
        box_canvas(
            CANVAS,
            pred=pred,
            target=target,
            on_change=_on_canvas_event,
            labels={
                "pred": t("iou.pred"),
                "target": t("iou.target"),
                "enclose": t("iou.canvas.enclose"),
                "aspect": t("iou.canvas.aspect", v=geo.v),
            },
            world=A.WORLD,
            min_size=A.MIN_SIZE,
            overlay={
                "enclose": list(geo.enclose),
                "inter": list(geo.inter_box) if geo.inter_box else None,
                "centre": list(geo.centre),
                "centre_t": list(geo.centre_t),
                "aspect": geo.aspect_angles,
            },
            show=_show_flags(code, options),
            arrows=[{"edge": a.edge, "x0": a.x0, "y0": a.y0, "x1": a.x1, "y1": a.y1} for a in arrows],
            readout=t("iou.canvas.readout", name=name, value=row.value, iou=geo.iou),
            seq=int(st.session_state.get("_iou_seq", 0)),
        )
    with col_side:
        m1, m2 = st.columns(2)
        m1.metric("IoU", f"{geo.iou:.4f}")
        m2.metric(t("iou.metric.loss", name=name), f"{row.value:.4f}")
        st.metric(t("iou.metric.grad_norm"), f"{row.grad_norm:.3e}")
        if row.zero_grad:
            st.info(t("iou.zero_grad", name=name), icon=":material/info:")
        else:
            st.caption(t("iou.arrows_help"))
        uses = t("iou.uses.alpha_iou", variant=options.alpha_variant) if code == "alpha_iou" else t(f"iou.uses.{code}")
        st.markdown(uses)
        _note_repairs("pred", notes_pred)
        _note_repairs("target", notes_target)
        for note in st.session_state.pop("_iou_canvas_notes", []):
            st.caption(t(f"iou.note.{note}", box=t("iou.canvas.box"), min=A.MIN_SIZE))
        if st.session_state.pop("_iou_canvas_bad", False):
            st.warning(t("iou.note.canvas_bad"), icon=":material/warning:")

    st.subheader(t("iou.table.title"))
    table = pd.DataFrame(
        {
            t("iou.table.loss"): [r.name for r in rows],
            t("iou.table.value"): [r.value for r in rows],
            "∂L/∂x1": [r.grad[0] for r in rows],
            "∂L/∂y1": [r.grad[1] for r in rows],
            "∂L/∂x2": [r.grad[2] for r in rows],
            "∂L/∂y2": [r.grad[3] for r in rows],
            t("iou.table.options"): [", ".join(f"{k}={v}" for k, v in r.options.items()) for r in rows],
        }
    )
    tcol, bcol = st.columns([3, 2])
    with tcol:
        st.dataframe(
            table,
            hide_index=True,
            column_config={c: st.column_config.NumberColumn(format="%.6f") for c in table.columns[1:6]},
        )
        st.download_button(
            t("common.download_csv"),
            data=table.to_csv(index=False).encode("utf-8"),
            file_name="iou_losses.csv",
            mime="text/csv",
            key="iou_table_csv",
        )
        st.caption(t("iou.table.help"))
    with bcol:
        plotly_chart(F.losses_bar_figure(rows, code), key="iou_bar", height=300)

    st.subheader(t("iou.explain.title", name=name))
    st.markdown(t(f"iou.explain.{code}"))
    st.latex(_formula(A.formula_terms(code, pred, target, options), row.value))
    share = A.eps_share(pred, target)
    if share > A.EPS_NOTE_SHARE:  # unreachable with MIN_SIZE = 1 boxes, but never show an eps-made number silently
        st.warning(t("iou.opt.eps_note", eps=A.EPS, share=share), icon=":material/warning:")
    if code == "eiou":
        st.caption(t("iou.explain.eiou_note"))
    if st.session_state.pop("_iou_released", False) and st.session_state.get("_iou_in_fragment"):
        st.rerun()  # the drag ended inside a fragment run: refresh the rest of the page


def _on_canvas_event() -> None:
    _on_canvas(from_event=True)


# ---------------------------------------------------------------------------------------------------------- page

_on_canvas()
st.title(t("iou.title"))
st.markdown(t("iou.intro"))

codes = A.loss_codes()
code, options = _options_bar(codes)
name = A.loss_name(code)

preset_cols = st.columns(len(A.PRESETS) + 1)
preset_cols[0].markdown(f"**{t('iou.presets')}**")
for col, preset in zip(preset_cols[1:], A.PRESETS, strict=True):
    col.button(
        t(f"iou.preset.{preset}"), key=f"iou_preset_{preset}", on_click=_on_preset, args=(preset,), width="stretch"
    )

with st.expander(t("iou.coords"), expanded=False, icon=":material/edit:"):
    st.caption(t("iou.coords_help", world=int(A.WORLD)))
    default_pred, default_target = A.PRESETS[A.DEFAULT_PRESET]
    ic1, ic2 = st.columns(2, gap="large")
    with ic1:
        _box_inputs("pred", default_pred)
    with ic2:
        _box_inputs("target", default_target)

st.session_state["_iou_in_fragment"] = False  # this call is part of a full run
_pair_view(code, options)
st.session_state["_iou_in_fragment"] = True  # later canvas updates rerun the fragment alone

# --- landscapes ---------------------------------------------------------------------------------------------------
# While a box is being dragged (a throttled, non-final canvas update) the landscapes keep the figures of the last
# settled state, so each update costs only the pair's numbers; the release recomputes them.
dragging = st.session_state.pop("_iou_dragging", False)
pred, _ = A.sanitize_box([st.session_state[k] for k in KEYS["pred"]])
target, _ = A.sanitize_box([st.session_state[k] for k in KEYS["target"]])
st.page_link(
    "pages/simulation.py",
    label=t("sim.link_from_iou"),
    icon=":material/timeline:",
    query_params={"sim_pair": ";".join(",".join(f"{v:g}" for v in b) for b in (pred, target))},
)
st.subheader(t("iou.land.title", name=name))
lc1, lc2, _ = st.columns([1.2, 1, 2])
with lc1:
    res = controls.selectbox(t("iou.land.res"), "iou_res", list(RESOLUTIONS), index=1, help=t("iou.land.res_help"))
with lc2:
    field = controls.toggle(t("iou.land.field"), "iou_field", True)
st.markdown(t("iou.land.help"))
(cx, cy), (w, h) = A.centre_and_size(pred)
view = (code, options, int(res), bool(field), i18n.get_lang())
last = st.session_state.get("_iou_land_last")
if dragging and last is not None and last[0] == view:
    _, lands, figs = last
else:
    try:
        with st.spinner(t("iou.land.computing", n=res)):
            lands = (
                _landscape(code, target, "centre", (round(w, 3), round(h, 3)), int(res), options),
                _landscape(code, target, "size", (round(cx, 3), round(cy, 3)), int(res), options),
            )
    except ValueError as err:
        st.error(t("common.error", msg=err))
        st.stop()
    figs = tuple(
        F.landscape_figure(land, name, current, arrows=bool(field))
        for land, current in zip(lands, ((cx, cy), (w, h)), strict=True)
    )
    st.session_state["_iou_land_last"] = (view, lands, figs)

g1, g2 = st.columns(2)
for col, land, fig, key in ((g1, lands[0], figs[0], "iou_land_centre"), (g2, lands[1], figs[1], "iou_land_size")):
    with col:
        plotly_chart(fig, key=key, height=460)
        st.download_button(
            t("common.download_csv"),
            data=lambda land=land: pd.DataFrame(land.columns()).to_csv(index=False).encode("utf-8"),
            file_name=f"{key}_{code}_{res}.csv",
            mime="text/csv",
            key=f"{key}_csv",
        )
