"""The URL-bound controls: a bad parameter gets a notice that says what Streamlit actually does with it."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

DEMO = Path(__file__).resolve().parent / "apps" / "controls_demo.py"


def run(query: dict) -> AppTest:
    at = AppTest.from_file(str(DEMO), default_timeout=30)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    return at


def shown(at: AppTest) -> dict[str, str]:
    return dict(el.value.split("=", 1) for el in at.text)


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_no_parameters_no_notice():
    at = run({})
    assert warnings(at) == []
    assert shown(at) == {"n": "10", "x": "1.0", "k": "5", "m": "['a']", "s": "'one'", "c": "False", "w": "'hi'"}


def test_valid_parameters_are_used_silently():
    at = run({"n": "7", "x": "0.5", "k": "42", "m": ["b", "c"], "s": "two", "c": "true", "w": "yo"})
    assert warnings(at) == []
    assert shown(at) == {"n": "7", "x": "0.5", "k": "42", "m": "['b', 'c']", "s": "'two'", "c": "True", "w": "'yo'"}


@pytest.mark.parametrize(("key", "raw", "used"), [("n", "2.5", "2"), ("n", "3.7", "3"), ("k", "12.9", "12")])
def test_fraction_for_a_whole_number_is_reported_with_the_value_used(key, raw, used):
    at = run({key: raw})
    assert shown(at)[key] == used
    (notice,) = warnings(at)
    assert f"{key}={raw}" in notice and "whole number" in notice and f"using {used}" in notice


def test_fraction_for_a_float_slider_is_fine():
    at = run({"x": "0.3"})
    assert warnings(at) == []


@pytest.mark.parametrize(
    ("key", "raw", "reason"),
    [("n", "abc", "not a number"), ("n", "99", "outside"), ("x", "-1", "outside")],
)
def test_bad_number_falls_back_to_the_default_with_a_notice(key, raw, reason):
    at = run({key: raw})
    assert shown(at)[key] == {"n": "10", "x": "1.0"}[key]
    (notice,) = warnings(at)
    assert f"{key}={raw}" in notice and reason in notice and "default" in notice


@pytest.mark.parametrize("key", ["n", "x", "k"])
@pytest.mark.parametrize("raw", ["1e309", "-1e309", "9" * 400])
def test_a_number_too_large_for_a_float_is_out_of_range_not_not_a_number(key, raw):
    # float("1e309") overflows to inf: it is a number, just far outside the control's range.
    at = run({key: raw})
    assert shown(at)[key] == {"n": "10", "x": "1.0", "k": "5"}[key]
    (notice,) = warnings(at)
    assert "outside [" in notice and "not a number" not in notice and "default" in notice


@pytest.mark.parametrize("key", ["n", "x", "k"])
@pytest.mark.parametrize("raw", ["inf", "-inf", "+Infinity", "nan", "NaN"])
def test_inf_and_nan_literals_are_not_a_finite_number(key, raw):
    at = run({key: raw})
    assert shown(at)[key] == {"n": "10", "x": "1.0", "k": "5"}[key]
    (notice,) = warnings(at)
    assert f"{key}={raw}" in notice and "not a finite number" in notice and "default" in notice
    at.run()  # the app keeps working: the value is gone from the URL, the next run is quiet
    assert not at.exception and warnings(at) == [] and key not in at.query_params


def test_multiselect_keeps_the_valid_values_and_says_which_it_ignored():
    at = run({"m": ["b", "zz"]})
    assert shown(at)["m"] == "['b']"
    (notice,) = warnings(at)
    assert "zz" in notice and "ignored" in notice and "keeping b" in notice
    assert "default" not in notice


def test_multiselect_with_only_unknown_values_uses_the_default():
    at = run({"m": ["zz", "yy"]})
    assert shown(at)["m"] == "['a']"
    (notice,) = warnings(at)
    assert "zz, yy" in notice and "default" in notice


@pytest.mark.parametrize(("key", "raw"), [("s", "three"), ("c", "maybe")])
def test_unknown_option_falls_back_with_a_notice(key, raw):
    at = run({key: raw})
    (notice,) = warnings(at)
    assert f"{key}={raw}" in notice


@pytest.mark.parametrize(("key", "raw"), [("n", "9" * 5000), ("k", "x" * 5000), ("m", "z" * 5000), ("s", "q" * 5000)])
def test_a_5000_character_url_value_is_quoted_as_a_short_prefix(key, raw):
    at = run({key: raw})
    (notice,) = warnings(at)
    assert raw[:20] in notice and "…" in notice
    assert len(notice) < 400, len(notice)


def test_an_empty_number_in_the_url_gets_a_notice_not_silence(app):
    # A fresh user found "?reg_alpha=" falling back to the default without a word.
    from lossviz.i18n import t

    at = app("regression", {"reg_alpha": ""})
    assert not at.exception
    notices = [w.value for w in at.warning if "reg_alpha" in w.value]
    assert notices and t("common.reason_empty") in notices[0], notices
    assert at.slider(key="reg_alpha").value == 0.5


# ------------------------------------------------------------------ coded choices: one helper for every single choice
def _coded_demo(kind: str) -> None:
    import streamlit as st

    from lossviz.components import coded

    codes = ("a", "b", "c")[: st.session_state.get("n_codes", 3)]  # a rerun may offer fewer codes than before
    value = getattr(coded, kind)(kind, "pick", codes, "a", {"a": "Alpha", "b": "Beta", "c": "Gamma"},
                                 legacy={"Old B": "b"})  # fmt: skip
    st.text(f"pick={value!r}")


CODED_SINGLE = ("segmented", "radio", "selectbox")


def _coded(kind: str, query: dict) -> AppTest:
    at = AppTest.from_function(_coded_demo, args=(kind,), default_timeout=30)
    at.query_params.update(query)
    return at.run()


@pytest.mark.parametrize("kind", CODED_SINGLE)
def test_every_coded_single_choice_reads_codes_legacy_labels_and_bad_values_alike(kind):
    assert _coded(kind, {"pick": "c"}).text[0].value == "pick='c'"
    assert _coded(kind, {"pick": "Old B"}).text[0].value == "pick='b'"  # an old link's label
    bad = _coded(kind, {"pick": "zzz"})
    assert bad.text[0].value == "pick='a'"
    assert any("pick=zzz" in w.value for w in bad.warning)


@pytest.mark.parametrize("kind", CODED_SINGLE)
def test_every_coded_single_choice_falls_back_to_the_default_when_its_choice_is_no_longer_offered(kind):
    at = _coded(kind, {"pick": "c"})
    at.session_state["n_codes"] = 2
    at.run()
    assert not at.exception, at.exception
    assert at.text[0].value == "pick='a'"
    assert "pick" not in at.query_params


def test_the_coded_single_choices_are_thin_wrappers_of_one_helper():
    """Issue 14 "thin": radio, selectbox and segmented repeated one body (seed, clean up, widget, write back)."""
    import ast
    import inspect

    from lossviz.components import coded

    for kind in CODED_SINGLE:
        body = ast.parse(inspect.getsource(getattr(coded, kind))).body[0].body
        *doc, ret = body
        assert len(doc) <= 1 and isinstance(ret, ast.Return), kind
        assert isinstance(ret.value, ast.Call) and ret.value.func.id == "_single", kind


DEFAULTS = {"n": "10", "x": "1.0", "k": "5", "m": "['a']", "s": "'one'", "c": "False", "w": "'hi'"}


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("n", ["3", "7"]),  # integer slider: Streamlit fell back to the default without a word
        ("x", ["0.3", "0.7"]),  # float slider: the same
        ("k", ["3", "7"]),  # number input: Streamlit silently took the last
        ("s", ["one", "two"]),  # selectbox: the last, silently
        ("c", ["true", "false"]),  # checkbox
        ("w", ["a", "b"]),  # text input: the last, silently
        ("n", ["3", "3"]),  # the same value twice is still not one value
    ],
)
def test_a_repeated_parameter_of_a_single_value_control_gets_a_notice_and_the_default(key, values):
    # A fresh user found ?reg_alpha=0.3&reg_alpha=0.7 silently falling back to the default.
    at = run({key: values})
    assert shown(at)[key] == DEFAULTS[key]
    (notice,) = warnings(at)
    assert f"`{key}` is given {len(values)} times" in notice and ", ".join(values) in notice, notice
    assert "default" in notice
    at.run()  # the parameter is gone from the URL: the next run is quiet and still shows the default
    assert not at.exception and warnings(at) == [] and key not in at.query_params
    assert shown(at)[key] == DEFAULTS[key]


def test_a_multiselect_takes_repeated_parameters_silently():
    # Streamlit's bind writes a multiselect's values as a repeated parameter: that is not an error.
    at = run({"m": ["c", "b"]})
    assert warnings(at) == [] and shown(at)["m"] == "['c', 'b']"


def test_a_long_repeated_parameter_is_quoted_short():
    at = run({"k": ["1" * 3000, "2" * 3000]})
    (notice,) = warnings(at)

    assert "given 2 times" in notice and "…" in notice and len(notice) < 400
