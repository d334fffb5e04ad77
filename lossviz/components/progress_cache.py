"""A shared cache for results whose computation shows a progress bar.

``st.cache_data`` replays the elements a cached function draws, and refuses one that draws into a block created
outside it, so a progress bar cannot be passed into a cached function. ``cached_with_progress`` keeps the results in
one ``st.cache_resource`` dict shared by all sessions (newest last, oldest dropped) and draws the bar only on a miss.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

MAX_ENTRIES = 32


@st.cache_resource
def _store() -> dict:
    return {}


def cached_with_progress(key: Hashable, compute: Callable[[Callable[[float], None]], Any], text: str) -> Any:
    """``compute(progress)`` once per ``key`` (hashable, immutable inputs); ``progress(fraction)`` moves a bar
    labelled ``text`` while it runs, and the bar is removed afterwards. An exception is raised, not cached."""
    store = _store()
    if key not in store:
        slot = st.empty()
        try:
            value = compute(lambda fraction: slot.progress(min(1.0, max(0.0, fraction)), text=text))
        finally:
            slot.empty()
        store[key] = value
        while len(store) > MAX_ENTRIES:
            store.pop(next(iter(store)))
    return store[key]
