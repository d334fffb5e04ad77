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
#: Which parts of the geometry each loss reads (drawn on the canvas).
USES = {
    "iou": ("inter",),
    "giou": ("inter", "enclose"),
    "diou": ("inter", "rho", "c"),
    "ciou": ("inter", "rho", "c", "aspect"),
    "eiou": ("inter", "rho", "c", "enclose"),
    "siou": ("inter", "rho", "enclose"),
    "wiou": ("inter", "rho", "c"),
}
ALPHA_USES = {"iou": ("inter",), "giou": USES["giou"], "diou": USES["diou"], "ciou": USES["ciou"]}


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


def _options_bar(codes) -> tuple[str, A.Options]:
    c1, c2, c3, c4, c5 = st.columns([1.4, 1.4, 1.2, 1.2, 1.2])
    with c1:
        code = controls.selectbox(
            t("iou.select_loss"), "iou_loss", list(codes), index=list(codes).index("giou"), format_func=A.loss_name
        )
    with c2:
        mode = controls.segmented(t("iou.opt.mode"), "iou_mode", list(A.MODES), "linear", help=t("iou.opt.mode_help"))
    with c3:
        gating = controls.toggle(t("iou.opt.gating"), "iou_gating", False, help=t("iou.opt.gating_help"))
    with c4:
        alpha = controls.slider(
            t("iou.opt.alpha"), "iou_alpha", A.ALPHA_RANGE[0], A.ALPHA_RANGE[1], 3.0, 0.5, help=t("iou.opt.alpha_help")
        )
    with c5:
        variant = controls.selectbox(t("iou.opt.variant"), "iou_avariant", list(A.ALPHA_VARIANTS), index=0)
    return code, A.Options(mode=mode or "linear", alpha_gating=bool(gating), alpha=float(alpha), alpha_variant=variant)


def _show_flags(code: str, options: A.Options) -> dict[str, bool]:
    uses = ALPHA_USES[options.alpha_variant] if code == "alpha_iou" else USES.get(code, ("inter",))
    return {part: True for part in uses}


# --------------------------------------------------------------------------------------------------- formulas


def _formula(code: str, row: A.LossRow, geo: A.Geometry, options: A.Options) -> str:
    """The selected loss's formula with the current pair's numbers; the result is the core's value."""
    iou, value = geo.iou, row.value
    pen_c = (geo.enclose_area - geo.union) / geo.enclose_area if geo.enclose_area > 0 else 0.0
    pen_d = geo.rho2 / geo.c2 if geo.c2 > 0 else 0.0
    if code == "iou":
        if options.mode == "log":
            return rf"\mathcal{{L}} = -\ln \mathrm{{IoU}} = -\ln \max({iou:.4f},\,10^{{-6}}) = {value:.4f}"
        if options.mode == "square":
            return rf"\mathcal{{L}} = 1 - \mathrm{{IoU}}^2 = 1 - {iou:.4f}^2 = {value:.4f}"
        return (
            rf"\mathcal{{L}} = 1 - \frac{{|B \cap B^{{gt}}|}}{{|B \cup B^{{gt}}|}}"
            rf" = 1 - \frac{{{geo.inter:.1f}}}{{{geo.union:.1f}}} = {value:.4f}"
        )
    if code == "giou":
        return (
            rf"\mathcal{{L}} = 1 - \mathrm{{IoU}} + \frac{{|C| - |B \cup B^{{gt}}|}}{{|C|}}"
            rf" = 1 - {iou:.4f} + \frac{{{geo.enclose_area:.1f} - {geo.union:.1f}}}{{{geo.enclose_area:.1f}}}"
            rf" = {value:.4f}"
        )
    if code == "diou":
        return (
            rf"\mathcal{{L}} = 1 - \mathrm{{IoU}} + \frac{{\rho^2}}{{c^2}}"
            rf" = 1 - {iou:.4f} + \frac{{{geo.rho2:.1f}}}{{{geo.c2:.1f}}} = {value:.4f}"
        )
    if code == "ciou":
        gated = options.alpha_gating and iou <= 0.5
        a = 0.0 if gated else geo.v / (1 - iou + geo.v) if (1 - iou + geo.v) > 0 else 0.0
        return (
            rf"\mathcal{{L}} = 1 - \mathrm{{IoU}} + \frac{{\rho^2}}{{c^2}} + \alpha v"
            rf" = 1 - {iou:.4f} + {pen_d:.4f} + {a:.4f} \cdot {geo.v:.4f} = {value:.4f},\quad"
            rf" v = \tfrac{{4}}{{\pi^2}}\left(\arctan\tfrac{{w^{{gt}}}}{{h^{{gt}}}} - \arctan\tfrac{{w}}{{h}}\right)^2"
        )
    if code == "eiou":
        tw = (geo.w - geo.w_t) ** 2 / geo.cw**2 if geo.cw > 0 else 0.0
        th = (geo.h - geo.h_t) ** 2 / geo.ch**2 if geo.ch > 0 else 0.0
        return (
            rf"\mathcal{{L}} = 1 - \mathrm{{IoU}} + \frac{{\rho^2}}{{c^2}} + \frac{{(w - w^{{gt}})^2}}{{C_w^2}}"
            rf" + \frac{{(h - h^{{gt}})^2}}{{C_h^2}} = 1 - {iou:.4f} + {pen_d:.4f} + {tw:.4f} + {th:.4f} = {value:.4f}"
        )
    if code == "siou":
        return (
            rf"\mathcal{{L}} = 1 - \mathrm{{IoU}} + \frac{{\Delta + \Omega}}{{2}},\ "
            rf"\Delta = \sum_{{t=x,y}} \left(1 - e^{{-(2-\Lambda)\rho_t}}\right),\ "
            rf"\Omega = \sum_{{t=w,h}} \left(1 - e^{{-\omega_t}}\right)^{{4}}"
            rf" \;\Rightarrow\; 1 - {iou:.4f} + \tfrac{{\Delta + \Omega}}{{2}} = {value:.4f}"
        )
    if code == "alpha_iou":
        al = options.alpha
        extra = {
            "iou": "",
            "giou": rf" + \left(\frac{{|C| - |B \cup B^{{gt}}|}}{{|C|}}\right)^{{{al:g}}}",
            "diou": rf" + \left(\frac{{\rho^2}}{{c^2}}\right)^{{{al:g}}}",
            "ciou": rf" + \left(\frac{{\rho^2}}{{c^2}}\right)^{{{al:g}}} + (\beta v)^{{{al:g}}}",
        }[options.alpha_variant]
        nums = {"iou": "", "giou": rf" + {pen_c:.4f}^{{{al:g}}}", "diou": rf" + {pen_d:.4f}^{{{al:g}}}"}.get(
            options.alpha_variant, rf" + {pen_d:.4f}^{{{al:g}}} + \ldots"
        )
        return rf"\mathcal{{L}} = 1 - \mathrm{{IoU}}^{{{al:g}}}{extra} = 1 - {iou:.4f}^{{{al:g}}}{nums} = {value:.4f}"
    if code == "wiou":
        r = pen_d
        return (
            rf"\mathcal{{L}} = \exp\!\left(\frac{{\rho^2}}{{(c^2)^*}}\right)(1 - \mathrm{{IoU}})"
            rf" = e^{{{r:.4f}}} \cdot (1 - {iou:.4f}) = {value:.4f}"
        )
    return rf"\mathcal{{L}} = {value:.4f}"


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
    st.latex(_formula(code, row, geo, options))
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
