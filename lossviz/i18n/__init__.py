"""One translation table for every user-visible string: English and Simplified Chinese.

Each domain keeps its strings in its own module (``common``, ``regression``, ``iou``, ``classification``, ...)
as ``STRINGS = {"key": {"en": "...", "zh": "..."}}``; this module merges them. ``t(key, **fmt)`` looks a key up in
the current language and formats it. The language is set once per run by the app shell (from the URL).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from contextvars import ContextVar

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANG = "en"

# A ContextVar, not a global: Streamlit runs each browser session's script in its own thread, so two users
# with different languages never see each other's.
_current: ContextVar[str | None] = ContextVar("lossviz_lang", default=None)
# Where the language comes from when no run has set it: a fragment rerun executes only the fragment, in a fresh
# thread, so the app shell registers a function that reads the session's language switch.
_fallback: Callable[[], str | None] | None = None


def _load() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        strings = getattr(importlib.import_module(f"{__name__}.{mod.name}"), "STRINGS", {})
        for key, entry in strings.items():
            if key in table:
                raise RuntimeError(f"translation key {key!r} defined twice ({mod.name})")
            table[key] = entry
    return table


TABLE: dict[str, dict[str, str]] = _load()


def set_lang(lang: str) -> str:
    """Set the current language; unknown values fall back to English. Returns the language in force."""
    value = lang if lang in LANGS else DEFAULT_LANG
    _current.set(value)
    return value


def set_fallback(fn: Callable[[], str | None] | None) -> None:
    """Register where the language comes from when no run has set it (see ``_fallback``)."""
    global _fallback
    _fallback = fn


def get_lang() -> str:
    """The language in force: the one set for this run, else the registered fallback's, else English."""
    lang = _current.get()
    if lang is None and _fallback is not None:
        try:
            lang = _fallback()
        except Exception:  # a fallback must never break a page: English it is
            lang = None
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, /, lang: str | None = None, **fmt: object) -> str:
    """The string ``key`` in ``lang`` (default: the current language), formatted with ``fmt``.

    A missing key raises ``KeyError`` (tests check every key used exists in both languages).
    """
    entry = TABLE[key]
    text = entry.get(lang or get_lang()) or entry[DEFAULT_LANG]
    return text.format(**fmt) if fmt else text
