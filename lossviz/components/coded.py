"""Selections whose URL value is a short code while the widget shows a translated label.

Streamlit's ``bind="query-params"`` writes a selection's *formatted* option into the URL, so a bound widget can
show either a code or a label, never a code in the URL and a label (in the user's language) on the page. These
wrappers keep the URL in sync themselves: the URL parameter ``key`` holds the option's code (repeated for a
multiselect), the widget shows ``labels[code]``. A link is read once per session (a bad value gets the same notice
as a bound control's); ``legacy`` maps values that older links carried (the display labels the URL held before) to
their codes, so those links keep working. The value is written back to the URL after every run, and dropped when it
is the default, as Streamlit does for bound widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from lossviz.components import controls
from lossviz.i18n import t

Labels = Mapping[str, str] | Callable[[str], str]  # a code's label: a table or a function
_SEEDED = "_coded_seeded"  # session-state set of the keys already read from this session's URL


def _url_values(key: str) -> list[str]:
    try:
        return list(st.query_params.get_all(key))
    except Exception:
        return []


def _seed(key: str, codes: Sequence[str], default: Any, legacy: Mapping[str, str], multi: bool) -> bool:
    """On this session's first render of ``key``: take its value from the URL (codes, or legacy labels).

    Returns whether it set the widget's value (then the widget is created without a default, as Streamlit asks)."""
    controls._register(key)  # seen on this page (the page's registry lists it too)
    controls.remember_default(key, list(default) if multi else default)  # what "Reset to defaults" sets
    seeded = st.session_state.setdefault(_SEEDED, set())
    if key in seeded:
        return False
    seeded.add(key)
    raws = [r for r in _url_values(key) if r != ""]  # an empty parameter is no parameter
    if not raws:
        return False
    lookup = {c: c for c in codes} | {k: v for k, v in legacy.items() if v in codes}
    good = [lookup[r] for r in raws if r in lookup]
    bad = [r for r in raws if r not in lookup]
    if bad:
        shown = ", ".join(default) if multi else str(default)
        reason = t("common.reason_not_option", options=", ".join(codes))
        controls._warn(
            t("common.bad_param", key=key, value=controls.short(", ".join(bad)), reason=reason, default=shown or "—")
        )
    if good:
        st.session_state[key] = list(dict.fromkeys(good)) if multi else good[0]
    return bool(good)


def _write(key: str, value: Any, default: Any) -> None:
    """The URL parameter ``key`` = the code(s) of ``value``; absent when ``value`` is the default."""
    want: list[str] = [] if value == default or value is None else (list(value) if isinstance(value, list) else [value])
    if _url_values(key) == want:
        return
    try:
        if want:
            st.query_params[key] = want if len(want) > 1 else want[0]
        else:
            del st.query_params[key]
    except Exception:  # the URL is a convenience: the view itself is already right
        pass


def _label(labels: Labels, codes: Sequence[str]) -> Callable[[str], str]:
    """A format function fixed now (in this run's language), so it gives the same labels wherever it is called."""
    table = {c: (labels(c) if callable(labels) else labels.get(c, c)) for c in codes}
    return lambda c: table.get(c, str(c))


def _single(
    widget: Callable[..., Any],
    label: str,
    key: str,
    codes: Sequence[str],
    default: str,
    labels: Labels,
    legacy: Mapping[str, str] | None,
    by_index: bool,
    **kwargs: Any,
) -> str:
    """One single-choice ``widget`` over ``codes`` showing ``labels``; the URL holds the code; never None.

    ``by_index``: the widget takes its starting choice as ``index=`` (radio, selectbox), else as ``default=``."""
    seeded = _seed(key, codes, default, legacy or {}, multi=False)
    if key in st.session_state and st.session_state[key] not in codes:  # fewer options than before: the default
        del st.session_state[key]
    start = None if seeded else default  # seeded: the session state holds the URL's choice
    initial = {"index": None if start is None else list(codes).index(start)} if by_index else {"default": start}
    value = widget(label, list(codes), key=key, format_func=_label(labels, codes), **initial, **kwargs)
    value = value if value in codes else default
    _write(key, value, default)
    return value


def segmented(label: str, key: str, codes: Sequence[str], default: str, labels: Labels,
              *, legacy: Mapping[str, str] | None = None, **kwargs: Any) -> str:  # fmt: skip
    """``st.segmented_control`` over ``codes`` showing ``labels``; the URL holds the code. Never returns None."""
    return _single(st.segmented_control, label, key, codes, default, labels, legacy, False, **kwargs)


def radio(label: str, key: str, codes: Sequence[str], default: str, labels: Labels,
          *, legacy: Mapping[str, str] | None = None, **kwargs: Any) -> str:  # fmt: skip
    """``st.radio`` over ``codes`` showing ``labels``; the URL holds the code."""
    return _single(st.radio, label, key, codes, default, labels, legacy, True, **kwargs)


def selectbox(label: str, key: str, codes: Sequence[str], default: str, labels: Labels,
              *, legacy: Mapping[str, str] | None = None, **kwargs: Any) -> str:  # fmt: skip
    """``st.selectbox`` over ``codes`` showing ``labels``; the URL holds the code; the placeholder is translated."""
    return _single(st.selectbox, label, key, codes, default, labels, legacy, True, **controls.with_placeholder(kwargs))


def multiselect(
    label: str,
    key: str,
    codes: Sequence[str],
    default: Sequence[str],
    labels: Labels,
    *,
    legacy: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> list[str]:
    """``st.multiselect`` over ``codes`` showing ``labels``; the URL holds the codes (repeated parameter)."""
    seeded = _seed(key, codes, list(default), legacy or {}, multi=True)
    kwargs = controls.with_placeholder(kwargs)
    value = st.multiselect(
        label,
        list(codes),
        default=None if seeded else list(default),
        key=key,
        format_func=_label(labels, codes),
        **kwargs,
    )
    _write(key, list(value), list(default))
    return list(value)
