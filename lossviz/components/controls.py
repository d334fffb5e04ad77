"""URL-bound widgets that explain, instead of silently dropping, a bad URL parameter.

Every control is created with ``bind="query-params"`` (the key is the URL parameter name), so a link restores the
exact view. Streamlit itself drops an invalid bound parameter or clamps an out-of-range one; these wrappers look at
the raw parameter first and show a visible notice saying what was wrong and which default is used instead.

Streamlit writes the *formatted* option of a selection widget into the URL. So options must be stable,
language-independent values (codes such as ``"giou"`` or names such as ``"Smooth L1"``), and a ``format_func`` on a
bound widget must not depend on the language, or a link made in one language would break in the other.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import math
import threading
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lossviz.i18n import t

# ----------------------------------------------------------------------------------------- which URL keys a page knows
# A URL parameter that no control of the current page knows (a typo such as ``reg_family=`` for ``reg_fam``)
# gets a notice and is dropped. What a page knows is the union of:
#   * its registry: every page ``lossviz/pages/<name>.py`` lists the URL keys of all its controls, sections and tabs
#     once, in ``lossviz.analysis.<name>.URL_KEYS`` (derived from the control specs where the page has them), so the
#     keys of sections that did not run this time are known on a fresh server too. ``tests/test_shell.py`` drives
#     every section of every page open and checks that the keys its widgets bind are exactly the registry's;
#   * every key a widget of the page was bound to (Streamlit's binding table) or a wrapper below created, in this run
#     or an earlier one in this server process (a safety net: such a key is real, as keys come from code);
#   * keys and prefixes declared with ``declare_keys`` (URL keys that no control owns: old links a page redirects);
#   * ``lang`` (the shell's language switch).
# The check runs after the page (app.py), not during it: a fragment's controls are created in the full run too.

ALWAYS_KNOWN = frozenset({"lang"})
_lock = threading.Lock()
_known: dict[str, set[str]] = {}  # page (script hash) -> keys created or declared there, in any session
_known_prefixes: dict[str, set[str]] = {}
_source: ContextVar[str | None] = ContextVar("lossviz_page_source", default=None)


def set_page_source(path: str | None) -> None:
    """Tell the URL check which page runs (its script's path: ``lossviz/pages/<name>.py`` has the registry
    ``lossviz.analysis.<name>.URL_KEYS``)."""
    _source.set(path)


@functools.cache
def registry(name: str) -> frozenset[str]:
    """The URL keys page ``name`` (its script's stem) declares in ``lossviz.analysis.<name>.URL_KEYS``; empty for a
    page without controls (Home)."""
    try:
        module = importlib.import_module(f"lossviz.analysis.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"lossviz.analysis.{name}":  # the module is there but fails to import: say so
            raise
        return frozenset()
    return frozenset(getattr(module, "URL_KEYS", ()))


def _page_id() -> str:
    """The running page's script hash (the same in full and fragment runs, and in every session)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        return ctx.page_script_hash if ctx else ""
    except Exception:
        return ""


def _register(key: str) -> None:
    with _lock:
        _known.setdefault(_page_id(), set()).add(key)


def declare_keys(*keys: str, prefixes: Iterable[str] = ()) -> None:
    """Declare URL keys the current page reads that no control owns (read straight from ``st.query_params``), and
    key prefixes it handles itself (``"reg_cb_"``). A control's key belongs in the page's registry instead."""
    with _lock:
        _known.setdefault(_page_id(), set()).update(keys)
        _known_prefixes.setdefault(_page_id(), set()).update(prefixes)


def _register_bound() -> None:
    """Register every URL key that a widget of the running page is bound to in this session, whoever created it
    (``st.expander``/``st.tabs``/``st.slider`` with ``bind="query-params"`` directly, keys built at run time):
    Streamlit's own binding table, read through private attributes (if they move, this does nothing and the
    registry and the wrappers' keys remain)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        bindings = ctx.session_state._state.query_params._bindings_by_param
        keys = {k for k, b in list(bindings.items()) if b.script_hash == ctx.page_script_hash}
    except Exception:
        return
    if keys:
        with _lock:
            _known.setdefault(_page_id(), set()).update(keys)


def known_keys() -> tuple[set[str], set[str]]:
    """The URL keys and key prefixes the current page knows (see above)."""
    _register_bound()
    pid = _page_id()
    with _lock:
        keys = set(ALWAYS_KNOWN) | _known.get(pid, set())
        prefixes = set(_known_prefixes.get(pid, set()))
    source = _source.get()
    if source:
        keys |= registry(Path(source).stem)
    return keys, prefixes


SUGGEST_CUTOFF = 0.75  # similarity of the names after the page prefix (difflib's ratio) for a suggestion


def suggest(key: str, known: Iterable[str]) -> str | None:
    """The known key that ``key`` is most likely a typo of, or None when none is genuinely close.

    A page's keys share its prefix (``reg_``), which makes any two of them look alike as whole strings
    (``sens_foo`` against ``sens_iou``); so the names are compared after the prefix: ``reg_aplha`` is close to
    ``reg_alpha``, ``reg_family`` to ``reg_fam`` (one name starts with the other, three letters at least),
    ``sens_foo`` to nothing. A key typed without the prefix (``alpha``) is compared whole with the names after it.
    Case and ``-`` for ``_`` do not count.
    """
    unknown = key.lower().replace("-", "_")
    head, sep, tail = unknown.partition("_")
    split = {cand: cand.lower().partition("_")[::2] if "_" in cand else ("", cand.lower()) for cand in known}
    prefixed = bool(sep) and head in {h for h, _ in split.values() if h}  # the key starts with a known prefix
    best: tuple[float, float, str] | None = None
    for cand in sorted(known):
        c_head, c_tail = split[cand]
        if prefixed and c_head != head:
            continue  # compare within the prefix only
        a = tail if prefixed else unknown  # no known prefix: the whole key against the names after the prefix
        if not a or not c_tail:
            continue
        ratio = difflib.SequenceMatcher(None, a, c_tail).ratio()
        starts = min(len(a), len(c_tail)) >= 3 and (a.startswith(c_tail) or c_tail.startswith(a))
        score = max(ratio, 0.8) if starts else ratio
        if score >= SUGGEST_CUTOFF and (best is None or (score, ratio) > best[:2]):
            best = (score, ratio, cand)
    return best[2] if best else None


def check_unknown_params() -> list[str]:
    """Report and drop every URL parameter the current page does not know; returns the dropped keys.

    Call once after the page has run (app.py does), or via ``stop`` before an early ``st.stop()``.
    """
    try:
        present = list(st.query_params)
    except Exception:
        return []
    keys, prefixes = known_keys()
    dropped = []
    for key in present:
        if key in keys or any(key.startswith(p) for p in prefixes):
            continue
        close = suggest(key, keys - ALWAYS_KNOWN)
        text = t("common.unknown_param", key=short(key), value=short(_raw(key) or ""))
        if close:
            text += t("common.did_you_mean", key=close)  # it starts with the gap its language puts between sentences
        _warn(text)
        _forget_url_value(key)
        dropped.append(key)
    return dropped


def stop() -> None:
    """``st.stop()`` for a page that ends early: does first what the shell does after a page, as nothing runs after a
    stop (not even a ``finally``: every Streamlit call, session state included, raises the stop again): checks the
    URL for unknown keys and notes the page's URL for Back and Forward."""
    from lossviz.components import shell  # here, not at the top: the shell imports this module

    check_unknown_params()
    shell._remember_query()
    st.stop()


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


def _repeated(key: str, default: Any) -> bool:
    """A single-value control given its parameter more than once (``?reg_alpha=0.3&reg_alpha=0.7``): which one was
    meant is unknowable, and Streamlit does not agree with itself (a slider falls back to the default without a word,
    a number input or a selection takes the last). Say so, quoting the values, drop the parameter and use the
    default, for every kind of single-value control alike. Returns whether it was repeated."""
    try:
        raws = st.query_params.get_all(key)
    except Exception:
        return False
    if len(raws) < 2:
        return False
    _warn(t("common.bad_param_repeated", key=key, n=len(raws), values=short(", ".join(raws)), default=default))
    _forget_url_value(key)
    return True


def _check_number(key: str, lo: float, hi: float, default: float, *, integer: bool = False) -> None:
    _register(key)
    if _repeated(key, default):
        return
    raw = _raw(key)
    if raw is None:
        return
    if not raw.strip():  # "?reg_alpha=": Streamlit falls back to the default without a word
        _notice(key, raw, t("common.reason_empty"), default)
        return
    try:
        v = float(raw)
    except ValueError:
        _notice(key, raw, t("common.reason_not_number"), default)
        return
    if not math.isfinite(v):
        # ``inf``, ``-inf``, ``nan`` are literals of no finite number; ``1e309`` is a number too large for a float
        # (it overflows to inf): out of range. Either way Streamlit must not see it (its integer parser raises).
        literal = raw.strip().lstrip("+-").lower() in {"inf", "infinity", "nan"}
        reason = t("common.reason_not_finite") if literal else t("common.reason_out_of_range", lo=lo, hi=hi)
        _notice(key, raw, reason, default)
        _forget_url_value(key)
    elif v < lo or v > hi:
        _notice(key, raw, t("common.reason_out_of_range", lo=lo, hi=hi), default)
    elif integer and v != int(v):
        # Streamlit truncates a fractional value for an integer widget; say so rather than let it pass silently.
        _warn(t("common.bad_param_whole", key=key, value=short(raw), used=int(v)))


def _forget_url_value(key: str) -> None:
    """Drop ``key`` from the URL and from the value Streamlit seeds the widget with.

    Streamlit's integer deserialiser raises ``OverflowError`` on ``inf`` (a traceback instead of a fallback), and it
    seeds widgets from the URL as first loaded, not from ``st.query_params``; so the seed is removed too (private
    attributes: if Streamlit renames them, this does nothing and the old behaviour stays). A parameter bound to a
    widget is removed the way Streamlit removes it when it resets that widget (``remove_param``).
    """
    try:
        del st.query_params[key]
    except Exception:  # a parameter bound to a widget cannot be deleted through the public API
        pass
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        qp = get_script_run_ctx().session_state._state.query_params
        qp.remove_param(key)  # what Streamlit itself does when it resets a bound widget (sends the new URL)
        qp._initial_query_params.pop(key, None)
    except Exception:
        pass


def drop_param(key: str, message: str) -> bool:
    """A URL parameter that the current view does not use: show ``message`` and remove it from the URL.

    Returns whether the parameter was there. ``message`` is the translated sentence (it should name the key).
    """
    _register(key)
    raw = _raw(key)
    if raw is None:
        return False
    _warn(message)
    try:
        del st.query_params[key]
    except Exception:  # the URL is only cosmetic here: the view already ignores the parameter
        pass
    return True


_DEFAULTS = "_lossviz_defaults"  # session state: {URL key: the default its control was last created with}


def with_placeholder(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with a translated ``placeholder`` unless given (Streamlit's own, "Choose an option", is English)."""
    return {"placeholder": t("common.choose"), **kwargs}


def remember_default(key: str, default: Any) -> None:
    """Note the default of the control ``key`` (what "Reset to defaults" sets it back to) for this session."""
    try:
        st.session_state.setdefault(_DEFAULTS, {})[key] = default
    except Exception:  # outside a script run: nothing to reset later
        pass


def defaults() -> dict[str, Any]:
    """``{URL key: default}`` of the controls this session has created (see ``remember_default``)."""
    try:
        return dict(st.session_state.get(_DEFAULTS, {}))
    except Exception:
        return {}


def _is_int(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None)


def _check_option(
    key: str, options: Sequence[Any], default: Any, *, multi: bool = False, format_func: Any = None
) -> None:
    _register(key)
    if multi:
        try:
            raws = st.query_params.get_all(key)
        except Exception:
            return
    else:
        if _repeated(key, format_func(default) if format_func else default):
            return
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
    remember_default(key, value)
    return st.slider(
        label, min_value=min_value, max_value=max_value, value=value, step=step, key=key, bind="query-params", **kwargs
    )


def number_input(
    label: str, key: str, min_value: float, max_value: float, value: float, step: float | None = None, **kwargs: Any
) -> Any:
    """``st.number_input`` bound to the URL; a non-numeric or out-of-range parameter gets a notice."""
    _check_number(key, min_value, max_value, value, integer=_is_int(min_value, max_value, value, step))
    remember_default(key, value)
    return st.number_input(
        label, min_value=min_value, max_value=max_value, value=value, step=step, key=key, bind="query-params", **kwargs
    )


def selectbox(label: str, key: str, options: Sequence[Any], index: int = 0, **kwargs: Any) -> Any:
    """``st.selectbox`` bound to the URL; an unknown option in the URL gets a notice."""
    _check_option(key, options, options[index], format_func=kwargs.get("format_func"))
    remember_default(key, options[index])
    return st.selectbox(label, options, index=index, key=key, bind="query-params", **with_placeholder(kwargs))


def radio(label: str, key: str, options: Sequence[Any], index: int = 0, **kwargs: Any) -> Any:
    """``st.radio`` bound to the URL; an unknown option in the URL gets a notice."""
    _check_option(key, options, options[index], format_func=kwargs.get("format_func"))
    remember_default(key, options[index])
    return st.radio(label, options, index=index, key=key, bind="query-params", **kwargs)


def segmented(label: str, key: str, options: Sequence[Any], default: Any, **kwargs: Any) -> Any:
    """``st.segmented_control`` (single selection) bound to the URL."""
    _check_option(key, options, default, format_func=kwargs.get("format_func"))
    remember_default(key, default)
    return st.segmented_control(label, options, default=default, key=key, bind="query-params", **kwargs)


def multiselect(label: str, key: str, options: Sequence[Any], default: Sequence[Any], **kwargs: Any) -> Any:
    """``st.multiselect`` bound to the URL (repeated parameters); unknown options get a notice."""
    _check_option(key, options, list(default), multi=True, format_func=kwargs.get("format_func"))
    remember_default(key, list(default))
    return st.multiselect(
        label, options, default=list(default), key=key, bind="query-params", **with_placeholder(kwargs)
    )


def checkbox(label: str, key: str, value: bool = False, **kwargs: Any) -> bool:
    """``st.checkbox`` bound to the URL; anything but true/false in the URL gets a notice."""
    _check_option(key, ["true", "false", "True", "False"], value)
    remember_default(key, value)
    return st.checkbox(label, value=value, key=key, bind="query-params", **kwargs)


def toggle(label: str, key: str, value: bool = False, **kwargs: Any) -> bool:
    """``st.toggle`` bound to the URL; anything but true/false in the URL gets a notice."""
    _check_option(key, ["true", "false", "True", "False"], value)
    remember_default(key, value)
    return st.toggle(label, value=value, key=key, bind="query-params", **kwargs)


def text_input(label: str, key: str, value: str = "", **kwargs: Any) -> str:
    """``st.text_input`` bound to the URL (free text: the page validates what it parses from it)."""
    _register(key)
    _repeated(key, repr(value))
    remember_default(key, value)
    return st.text_input(label, value=value, key=key, bind="query-params", **kwargs)


def tabs(labels: Sequence[str], key: str, default: str, **kwargs: Any) -> Any:
    """``st.tabs`` that track the open tab in the URL parameter ``key`` (the label: keep labels language-independent)
    and rerun on a switch, so a page renders only the open tab (``tab.open``); an unknown label gets a notice."""
    _check_option(key, labels, default)
    return st.tabs(labels, default=default, key=key, on_change="rerun", bind="query-params", **kwargs)
