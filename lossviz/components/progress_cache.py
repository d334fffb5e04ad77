"""A shared cache for results whose computation shows a progress bar.

``st.cache_data`` replays the elements a cached function draws, and refuses one that draws into a block created
outside it, so a progress bar cannot be passed into a cached function. ``cached_with_progress`` keeps the results in
one ``st.cache_resource`` dict shared by all sessions (newest last, oldest dropped) and draws the bar only on a miss.

One computation per key at a time: a session asking for a key that another session is computing waits for it
(under a spinner with the same text) and takes its result, instead of starting the same work again beside it. A
class that moves one slider to a new value together asks for that value thirty times at once; each copy of the work
would slow all the others on a server that runs the sessions' scripts on one core.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

MAX_ENTRIES = 32


@st.cache_resource
def _store() -> dict:
    return {}


@st.cache_resource
def _locks() -> tuple[threading.Lock, dict]:
    """A guard and ``{key: lock}`` for the keys being computed now (an entry lives while its computation runs)."""
    return threading.Lock(), {}


def cached_with_progress(key: Hashable, compute: Callable[[Callable[[float], None]], Any], text: str) -> Any:
    """``compute(progress)`` once per ``key`` (hashable, immutable inputs); ``progress(fraction)`` moves a bar
    labelled ``text`` while it runs, and the bar is removed afterwards. An exception is raised, not cached (a session
    that was waiting for that computation then computes it itself)."""
    store = _store()
    if key in store:
        return store[key]
    guard, running = _locks()
    with guard:
        lock = running.setdefault(key, threading.Lock())
    if not lock.acquire(blocking=False):  # another session is computing it: wait for its result
        with st.spinner(text):
            lock.acquire()
    try:
        if key in store:
            return store[key]
        slot = st.empty()
        try:
            value = compute(lambda fraction: slot.progress(min(1.0, max(0.0, fraction)), text=text))
        finally:
            slot.empty()
        store[key] = value
        while len(store) > MAX_ENTRIES:
            store.pop(next(iter(store)))
        return value
    finally:
        with guard:
            if running.get(key) is lock:
                del running[key]
        lock.release()
