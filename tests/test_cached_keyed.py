"""``lossviz.cached.keyed``: st.cache_data keyed by the arguments' exact repr (issue 15: lookups on every rerun)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from streamlit.runtime.caching import hashing

from lossviz.analysis import iou as A
from lossviz.cached import iou as C
from lossviz.cached import keyed


@dataclass(frozen=True)
class _Opts:
    alpha: float = 1.0
    mode: str = "a"


def _counting(calls: list):
    @keyed.cache_data(max_entries=8, show_spinner=False)
    def square(box: tuple, opts: _Opts, scale: float = 1.0) -> float:
        calls.append((box, opts, scale))
        return sum(box) * opts.alpha * scale

    return square


def test_a_keyed_cache_computes_once_per_distinct_arguments():
    calls: list = []
    f = _counting(calls)
    f.clear()
    assert f((1.0, 2.0), _Opts()) == 3.0 and f((1.0, 2.0), _Opts()) == 3.0
    assert len(calls) == 1
    f((1.0, 2.0), _Opts(alpha=2.0))  # a field of the dataclass differs
    f((1.0, 2.000000000000001), _Opts())  # floats differ in the last place: repr tells them apart
    f((1.0, 2.0), _Opts(), scale=1.0)  # a keyword argument is part of the key
    f((1.0, 2.0), _Opts(mode="b"))
    assert len(calls) == 5
    assert f((1.0, 2.0), _Opts(alpha=2.0)) == 6.0 and len(calls) == 5


def test_two_keyed_functions_do_not_share_entries():
    @keyed.cache_data(show_spinner=False)
    def one(x: float) -> str:
        return "one"

    @keyed.cache_data(show_spinner=False)
    def two(x: float) -> str:
        return "two"

    assert (one(1.0), two(1.0), one(1.0)) == ("one", "two", "one")


@pytest.mark.parametrize(
    "bad",
    [np.zeros(3), [np.zeros(2)], {"a": 1}, b"bytes", object(), _Opts.__class__],
    ids=["array", "array-in-list", "dict", "bytes", "object", "type"],
)
def test_a_keyed_cache_refuses_values_whose_repr_is_not_an_exact_key(bad):
    f = _counting([])
    with pytest.raises(TypeError, match="exact values"):
        f(bad, _Opts())


def test_a_dataclass_that_hides_a_field_from_its_repr_is_refused():
    @dataclass(frozen=True)
    class Hidden:
        shown: float = 1.0
        hidden: float = field(default=2.0, repr=False)

    with pytest.raises(TypeError):
        keyed.check_exact(Hidden())
    with pytest.raises(TypeError):  # not frozen: it could change under its key
        keyed.check_exact(type("M", (), {})())


def test_the_iou_page_cache_lookups_hash_one_short_string_not_the_arguments(monkeypatch):
    """Issue 15: Streamlit's hasher walked the boxes, the options dataclass and the function's signature on every
    lookup (~1-2 ms each, four lookups a rerun); a keyed lookup hashes its key text only."""
    pred, target, options = (10.0, 10.0, 50.0, 60.0), (20.0, 15.0, 55.0, 70.0), A.Options()
    C.pair(pred, target, options)  # computed once
    hashed: list = []
    real = hashing.update_hash

    def spy(val, *args, **kwargs):
        hashed.append(val)
        return real(val, *args, **kwargs)

    monkeypatch.setattr("streamlit.runtime.caching.cache_utils.update_hash", spy)
    rows, geo = C.pair(pred, target, options)
    assert [r.code for r in rows] == list(A.loss_codes()) and geo.iou == pytest.approx(A.geometry(pred, target).iou)
    assert hashed and all(isinstance(v, str) for v in hashed), [type(v).__name__ for v in hashed]
    assert not any(isinstance(v, A.Options | tuple) for v in hashed)
