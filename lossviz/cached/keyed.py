"""``st.cache_data`` keyed by the exact text of the arguments: for caches looked up on every rerun.

Streamlit hashes a cached function's arguments on every lookup, walking each value (a frozen dataclass of five
fields ~0.2 ms) and looking the function's signature up once per positional argument: ~1–2 ms of server CPU for a
lookup of the IoU page's landscape figure, four such lookups a rerun, every session. Arguments made only of values
whose ``repr`` is exact (str, int, float, bool, None, numpy scalars, tuples and lists of them, frozen dataclasses of
them that show every field) have a key already: their ``repr``. :func:`cache_data` passes that text as the only
argument Streamlit hashes and the values themselves as arguments it skips (a leading underscore), so a lookup costs
one short string. Anything else (an array, a frame, bytes, a mutable object) is refused with ``TypeError`` at the
call: its ``repr`` would elide or could change under the same key.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import streamlit as st

F = TypeVar("F", bound=Callable[..., Any])

_EXACT = (str, int, float, bool, type(None), np.integer, np.floating, np.bool_)


def check_exact(value: Any) -> None:
    """Refuse (``TypeError``) a value whose ``repr`` is not an exact, stable key."""
    if isinstance(value, _EXACT):
        return
    if isinstance(value, tuple | list):
        for item in value:
            check_exact(item)
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        if value.__dataclass_params__.frozen and all(f.repr for f in fields):
            for f in fields:
                check_exact(getattr(value, f.name))
            return
    raise TypeError(f"a cache keyed by repr takes only exact values, got {type(value).__name__}")


def cache_data(**options: Any) -> Callable[[F], F]:
    """Like ``st.cache_data(**options)``, keyed by the arguments' ``repr`` (see the module's docstring).

    The key also carries a digest of the function's code, so an edited function (``streamlit run`` reloading a
    changed module) does not return what the old code computed. ``.clear()`` empties the cache.
    """

    def decorate(func: F) -> F:
        code = func.__code__
        digest = hashlib.blake2b(code.co_code + repr(code.co_consts).encode(), digest_size=8).hexdigest()

        def run(key: str, _args: tuple, _kwargs: dict) -> Any:
            return func(*_args, **_kwargs)

        # Streamlit tells caches apart by module and qualified name: each decorated function gets its own.
        run.__module__, run.__qualname__ = func.__module__, f"{func.__qualname__}.<keyed>"
        cached = st.cache_data(**options)(run)

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            check_exact(args)
            check_exact(list(kwargs.values()))
            key = f"{digest}{args!r}{sorted(kwargs.items())!r}"
            return cached(key=key, _args=args, _kwargs=kwargs)  # by keyword: no signature lookups either

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return decorate
