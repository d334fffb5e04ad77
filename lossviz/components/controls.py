"""URL-bound widgets that explain, instead of silently dropping, a bad URL parameter.

Every control is created with ``bind="query-params"`` (the key is the URL parameter name), so a link restores the
exact view. Streamlit itself drops an invalid bound parameter or clamps an out-of-range one; these wrappers look at
the raw parameter first and show a visible notice saying what was wrong and which default is used instead.

Streamlit writes the *formatted* option of a selection widget into the URL. So options must be stable,
language-independent values (codes such as ``"giou"`` or names such as ``"Smooth L1"``), and a ``format_func`` on a
bound widget must not depend on the language, or a link made in one language would break in the other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lossviz.i18n import t


def _raw(key: str) -> str | None:
    try:
        value = st.query_params.get(key)
    except Exception:
        return None
    return value


# Where this run's URL notices go: the shell puts an empty container at the top of the main area, so a bad
# parameter is reported where the user looks first, not beside a control that may sit in a closed expander.
_area: ContextVar[Any] = ContextVar("lossviz_notice_area", default=None)


def set_notice_area(container: Any) -> None:
    """Send this run's URL notices to ``container`` (None: show each beside its control)."""
    _area.set(container)


def _warn(text: str) -> None:
    area = _area.get()
    if area is not None:
        try:
            area.warning(text, icon=":material/warning:")
            return
        except StreamlitAPIException:  # a fragment rerun may not write outside the fragment: show it inline
            pass
    st.warning(text, icon=":material/warning:")


QUOTE_LIMIT = 40  # characters of a bad URL value quoted in a notice (a 5,000-character value must not fill the page)


def short(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as text, cut to ``limit`` characters with an ellipsis: what a notice quotes of a URL value."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _notice(key: str, value: Any, reason: str, default: Any) -> None:
    _warn(t("common.bad_param", key=key, value=short(value), reason=reason, default=default))


def _check_number(key: str, lo: float, hi: float, default: float, *, integer: bool = False) -> None:
    raw = _raw(key)
    if raw is None or raw == "":
        return
    try:
        v = float(raw)
    except ValueError:
        _notice(key, raw, t("common.reason_not_number"), default)
        return
    if not math.isfinite(v):
        _notice(key, raw, t("common.reason_not_number"), default)
        _forget_url_value(key)
    elif v < lo or v > hi:
        _notice(key, raw, t("common.reason_out_of_range", lo=lo, hi=hi), default)
    elif integer and v != int(v):
        # Streamlit truncates a fractional value for an integer widget; say so rather than let it pass silently.
        _warn(t("common.bad_param_whole", key=key, value=short(raw), used=int(v)))


def _forget_url_value(key: str) -> None:
    """Drop ``key`` from the URL and from the value Streamlit seeds the widget with.

    Streamlit's integer deserialiser raises ``OverflowError`` on ``inf`` (a traceback instead of a fallback), and it
    seeds widgets from the URL as first loaded, not from ``st.query_params``; so the seed is removed too (a private
    attribute: if Streamlit renames it, this does nothing and the old behaviour stays).
    """
    try:
        del st.query_params[key]
    except Exception:
        pass
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        ctx.session_state._state.query_params._initial_query_params.pop(key, None)
    except Exception:
        pass


def drop_param(key: str, message: str) -> bool:
    """A URL parameter that the current view does not use: show ``message`` and remove it from the URL.

    Returns whether the parameter was there. ``message`` is the translated sentence (it should name the key).
    """
    raw = _raw(key)
    if raw is None:
        return False
    _warn(message)
    try:
        del st.query_params[key]
    except Exception:  # the URL is only cosmetic here: the view already ignores the parameter
        pass
    return True


def _is_int(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None)


def _check_option(
    key: str, options: Sequence[Any], default: Any, *, multi: bool = False, format_func: Any = None
) -> None:
    if multi:
        try:
            raws = st.query_params.get_all(key)
        except Exception:
            return
    else:
        raw = _raw(key)
        raws = [] if raw is None else [raw]
    # Streamlit writes the *formatted* option into the URL, so that is what a valid parameter looks like.
    shown = [str(format_func(o) if format_func else o) for o in options]
    allowed = set(shown)
    bad = [r for r in raws if r not in allowed]
    if not bad:
        return
    good = [r for r in raws if r in allowed]
    if multi and good:  # Streamlit keeps the valid values and drops the rest
        _warn(t("common.bad_param_dropped", key=key, value=short(", ".join(bad)), kept=", ".join(good)))
        return
    fmt = format_func or str
    default_shown = ", ".join(str(fmt(d)) for d in default) if multi else str(fmt(default))
    reason = t("common.reason_not_option", options=", ".join(shown[:12]) + (", …" if len(shown) > 12 else ""))
    _notice(key, ", ".join(bad), reason, default_shown or "—")


def slider(label: str, key: str, min_value: float, max_value: float, value: float, step: float, **kwargs: Any) -> Any:
    """``st.slider`` bound to the URL parameter ``key``; a non-numeric or out-of-range parameter gets a notice."""
    _check_number(key, min_value, max_value, value, integer=_is_int(min_value, max_value, value, step))
    return st.slider(
        label, min_value=min_value, max_value=max_value, value=value, step=step, key=key, bind="query-params", **kwargs
    )


def number_input(
    label: str, key: str, min_value: float, max_value: float, value: float, step: float | None = None, **kwargs: Any
) -> Any:
    """``st.number_input`` bound to the URL; a non-numeric or out-of-range parameter gets a notice."""
    _check_number(key, min_value, max_value, value, integer=_is_int(min_value, max_value, value, step))
    return st.number_input(
        label, min_value=min_value, max_value=max_value, value=value, step=step, key=key, bind="query-params", **kwargs
    )


def selectbox(label: str, key: str, options: Sequence[Any], index: int = 0, **kwargs: Any) -> Any:
    """``st.selectbox`` bound to the URL; an unknown option in the URL gets a notice."""
    _check_option(key, options, options[index], format_func=kwargs.get("format_func"))
    return st.selectbox(label, options, index=index, key=key, bind="query-params", **kwargs)


def radio(label: str, key: str, options: Sequence[Any], index: int = 0, **kwargs: Any) -> Any:
    """``st.radio`` bound to the URL; an unknown option in the URL gets a notice."""
    _check_option(key, options, options[index], format_func=kwargs.get("format_func"))
    return st.radio(label, options, index=index, key=key, bind="query-params", **kwargs)


def segmented(label: str, key: str, options: Sequence[Any], default: Any, **kwargs: Any) -> Any:
    """``st.segmented_control`` (single selection) bound to the URL."""
    _check_option(key, options, default, format_func=kwargs.get("format_func"))
    return st.segmented_control(label, options, default=default, key=key, bind="query-params", **kwargs)


def multiselect(label: str, key: str, options: Sequence[Any], default: Sequence[Any], **kwargs: Any) -> Any:
    """``st.multiselect`` bound to the URL (repeated parameters); unknown options get a notice."""
    _check_option(key, options, list(default), multi=True, format_func=kwargs.get("format_func"))
    return st.multiselect(label, options, default=list(default), key=key, bind="query-params", **kwargs)


def checkbox(label: str, key: str, value: bool = False, **kwargs: Any) -> bool:
    """``st.checkbox`` bound to the URL; anything but true/false in the URL gets a notice."""
    _check_option(key, ["true", "false", "True", "False"], value)
    return st.checkbox(label, value=value, key=key, bind="query-params", **kwargs)


def toggle(label: str, key: str, value: bool = False, **kwargs: Any) -> bool:
    """``st.toggle`` bound to the URL; anything but true/false in the URL gets a notice."""
    _check_option(key, ["true", "false", "True", "False"], value)
    return st.toggle(label, value=value, key=key, bind="query-params", **kwargs)


def text_input(label: str, key: str, value: str = "", **kwargs: Any) -> str:
    """``st.text_input`` bound to the URL (free text: the page validates what it parses from it)."""
    return st.text_input(label, value=value, key=key, bind="query-params", **kwargs)


def tabs(labels: Sequence[str], key: str, default: str, **kwargs: Any) -> Any:
    """``st.tabs`` that track the open tab in the URL parameter ``key`` (the label: keep labels language-independent)
    and rerun on a switch, so a page renders only the open tab (``tab.open``); an unknown label gets a notice."""
    _check_option(key, labels, default)
    return st.tabs(labels, default=default, key=key, on_change="rerun", bind="query-params", **kwargs)
