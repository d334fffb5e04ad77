"""Small helpers that keep a page to "widgets in, figures out": a row of URL-bound controls described as data, a
row of preset buttons, a row of charts, a row of metrics, a table, the formulas. Nothing here computes a number;
the analysis layer describes the controls and presets, the figures layer builds what is shown.

    from lossviz.components import sections

    gamma, alpha = sections.controls_row(("slider", "cls.gamma", "cls_gamma", 0.0, 5.0, 2.0, 0.1), ...)
    sections.preset_buttons({"fig1": {"cls_gamma": 2.0}}, "cls.preset.", "cls_preset_")
    sections.charts((fig_a, "cls_a", 420), (fig_b, "cls_b", 420))  # side by side; stacked on a phone
    sections.metrics(F.focal_metrics(alpha, gamma))                  # keyword dicts for st.metric
    sections.table(df, numbers_from=2)                               # columns 2.. shown with 4 decimals
    sections.formulas(F.FORMULAS["focal"])                           # one st.latex per short line
    st.slider(..., on_change=sections.rerun_drawn("reg_curves", "reg_sweep"))  # those sections, not the page
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lossviz import i18n
from lossviz.components import controls
from lossviz.components.plotly_chart import plotly_chart
from lossviz.i18n import t


def controls_row(
    *specs: tuple, widths: list | None = None, cols: list | None = None, off: str = "", **common: Any
) -> list:
    """URL-bound controls side by side, each ``(wrapper in controls, label key, URL key, *args[, kwargs])``; returns
    their values. The help text is the translation ``<label key>_help`` where one exists; the control whose URL key
    is ``off`` is disabled. ``cols``: containers to put them in instead of a new row of columns. ``common``: keyword
    arguments for every control (``on_change=``)."""
    out = []
    for col, (kind, label, key, *args) in zip(cols or st.columns(widths or len(specs)), specs, strict=True):
        args, extra = (args[:-1], args[-1]) if args and isinstance(args[-1], dict) else (args, {})
        kw = {"disabled": key == off, "help": t(f"{label}_help") if f"{label}_help" in i18n.TABLE else None}
        kw |= common | extra
        with col:
            out.append(getattr(controls, kind)(t(label), key, *args, **kw))
    return out


def expander(label: str, key: str, *, expanded: bool = False, opened_by: Sequence[str] = (), **kwargs: Any) -> Any:
    """``st.expander`` bound to the URL parameter ``key``; a link that sets one of ``opened_by`` (the section's own
    controls) opens it, and the URL then says so. A default computed from the URL moved with it: once the open state
    equalled that default Streamlit dropped the section's flag, so a language switch, Back or a control set back to
    its default left a link that opened the section closed."""
    if key not in st.query_params and key not in st.session_state and any(k in st.query_params for k in opened_by):
        st.session_state[key] = True
    return st.expander(label, expanded=expanded, key=key, bind="query-params", **kwargs)


def preset_buttons(presets: dict, label: str, key: str, disabled: str | None = None, page: bool = False) -> None:
    """One button per preset (``code -> {URL key: value}``) that sets those controls; labels ``<label><code>``,
    widget keys ``<key><code>``; the preset ``disabled`` (the one shown now) is greyed out. ``page``: a click reruns
    the whole page, not just the fragment the buttons are in (the controls they set are drawn outside it)."""
    for col, (code, values) in zip(st.columns(len(presets)), presets.items(), strict=True):
        col.button(t(f"{label}{code}"), key=f"{key}{code}", width="stretch", on_click=_set, args=(dict(values), page),
                   disabled=code == disabled)  # fmt: skip


def _set(values: dict, page: bool) -> None:
    st.session_state.update(values)
    if page:
        st.rerun()


def heading(title: str, intro: str = "", caption: str = "") -> None:
    """A section's subheader, then its caption (a paper's reference) and its introduction, each when given."""
    st.subheader(title)
    if caption:
        st.caption(caption)
    if intro:
        st.markdown(intro)


def charts(*items: tuple[Any, str, int]) -> None:
    """Figures ``(figure or dict, key, height)`` side by side on a wide screen, one under the other on a phone."""
    for col, (fig, key, height) in zip(st.columns(len(items)), items, strict=True):
        with col:
            plotly_chart(fig, key=key, height=height)


def metrics(items: Sequence[dict]) -> None:
    """``st.metric(**item)`` for each item, side by side."""
    for col, item in zip(st.columns(len(items)) if items else [], items, strict=True):
        col.metric(**item)


def table(frame: Any, numbers_from: int | None = None, decimals: int = 4) -> None:
    """A read-only table without its index; columns from ``numbers_from`` on shown with ``decimals`` decimals."""
    fmt = None
    if numbers_from is not None:
        fmt = {c: st.column_config.NumberColumn(format=f"%.{decimals}f") for c in frame.columns[numbers_from:]}
    st.dataframe(frame, hide_index=True, column_config=fmt)


def formulas(lines: Sequence[str]) -> None:
    """Each LaTeX line on its own (short lines wrap nowhere and fit a 390 px phone)."""
    for tex in lines:
        st.latex(tex)


def drawn(keys: Sequence[str]) -> list[str]:
    """Those of the fragment ``keys`` (``@shell.fragment(key=...)``) that the page's last run drew: a section whose
    expander or tab is closed did not run, and Streamlit refuses a rerun of a fragment it has not drawn."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return []
    out = []
    for key in keys:
        try:
            ctx.fragment_storage.resolve_target(key)
        except StreamlitAPIException:
            continue
        out.append(key)
    return out


def rerun_drawn(*keys: str) -> Callable[[], None]:
    """A widget callback that reruns only the page's sections ``keys`` (fragment keys) that are drawn, instead of the
    whole page: a page-level control (Regression's α) whose value only those sections read. The sections must read
    the control from ``st.session_state`` (a fragment's own run reuses the arguments of the run that drew it). With
    none of them drawn, the page reruns as usual.

    The page's title, text, controls and closed sections are not run or re-sent: less server work and fewer bytes a
    step (issue 15: Regression's α at 30 sessions, p95 1.24 s -> 0.10 s). The browser's paint barely moved."""

    def rerun() -> None:
        if shown := drawn(keys):
            st.rerun(shown)

    return rerun
