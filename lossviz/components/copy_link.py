"""A "copy link" button: copies the page's URL (every control is in it) to the clipboard.

A tiny ``st.components.v2`` component: a real ``<button>`` (keyboard reachable, labelled) that writes
``window.location.href`` with ``navigator.clipboard`` and says "copied" in a live region; where the browser refuses
the clipboard (no secure context, permission denied) it shows the link in a read-only, selected text field instead.

Its code and style sheet (``copy_link_js/copy_link.js``) are a served module (``lossviz.components.served``): the
shell draws two copy-link elements on every rerun of every page (the sidebar's and the phones' row), and an inline
source would ride in both each time (3.9 kB each); the elements now carry the shared loader and their texts only.
"""

from __future__ import annotations

from pathlib import Path

from lossviz.components import served
from lossviz.i18n import t

__all__ = ["copy_link"]

_JS_DIR = Path(__file__).resolve().parent / "copy_link_js"  # served as static files: only the button's module
_JS_FILE = "copy_link.js"
_SERVED_NAME = "copy_link_js"  # served as "lossviz.components.served.copy_link_js"
#: Where the browser fetches the module (relative to the app's base URL), once per page load.
MODULE_URL = served.url(_SERVED_NAME, _JS_FILE)

_component = served.component("lossviz_copy_link")


def copy_link(key: str = "lossviz_copy_link") -> None:
    """The copy-link button (put it in the sidebar); ``key`` tells one copy-link element from another on a page.

    The element holds no state, so it is mounted without a Streamlit key (the key rides in its data and keeps the
    element's identity apart): a keyed component sits in the session's widget state, which Streamlit copies out,
    presenting each component's state, for every number input, select box and radio built on a rerun."""
    served.serve(_SERVED_NAME, _JS_DIR)  # checked on every call: registration is per runtime
    _component(
        data={
            "slot": key,
            "label": t("common.copy_link"),
            "aria": t("common.copy_link_aria"),
            "copied": t("common.link_copied"),
            "fallback": t("common.copy_link_fallback"),
            "field": t("common.copy_link_field"),
            "module": MODULE_URL,
            "base": served.base_path(),
            "error": t("common.error", msg="{msg}"),
        },
        height="content",
    )
