"""The shell: navigation, language switch in the URL, the translation table, bad parameters."""

import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import run_app
from streamlit.testing.v1 import AppTest

from lossviz import i18n
from lossviz.components import shell

ROOT = Path(__file__).resolve().parents[1]


def test_every_string_has_both_languages():
    for key, entry in i18n.TABLE.items():
        for lang in i18n.LANGS:
            assert entry.get(lang), f"{key} lacks {lang}"


# Where a page shows an i18n string as markdown (running text, captions, notices, tooltips, metric labels).
_MARKDOWN_SINK = re.compile(
    r'(?:st\.(?:markdown|caption|info|warning|error|success|write|metric)\(\s*|\.markdown\(|help=)t\(f?"([^"{]+)(\{?)'
)
# Skipped before the check: inline LaTeX, code spans, link targets and str.format fields.
_TYPESET = re.compile(r"\$[^$]*\$|`[^`]*`|\]\([^)]*\)|\{[A-Za-z_]\w*(?:[:!][^{}]*)?\}")
_RAW_NOTATION = re.compile(r"(?<![\w/.])\w+_[\w{(]+|\^\S*")


def _markdown_keys() -> list[str]:
    exact, prefixes = set(), set()
    for path in [*(ROOT / "lossviz/pages").glob("*.py"), *(ROOT / "lossviz/components").glob("*.py")]:
        for m in _MARKDOWN_SINK.finditer(path.read_text(encoding="utf-8")):
            (prefixes if m.group(2) else exact).add(m.group(1))
    data = re.compile(r"\.(csv|col|fig)\.")  # CSV/table column names and Plotly text (<sub>/<sup>) are not markdown
    return [k for k in i18n.TABLE if not data.search(k) and (k in exact or any(k.startswith(p) for p in prefixes))]


def test_markdown_strings_typeset_sub_and_superscripts():
    """Issue 14 item 7: "(1 − p_t)^γ" showed its underscores and carets; notation goes in $…$, code in `…`."""
    keys = _markdown_keys()
    assert "cls.focal.intro" in keys and "sens.feature_help" in keys  # the scan finds the sinks
    raw = {
        (key, lang): found
        for key in keys
        for lang, text in i18n.TABLE[key].items()
        if (found := _RAW_NOTATION.findall(_TYPESET.sub(" ", text)))
    }
    assert not raw, raw


def test_home_renders_in_english_by_default(app):
    at = app()
    assert not at.exception
    assert at.title[0].value == i18n.t("app.title", lang="en")


def test_language_switch_translates_and_stays_on_rerun(app):
    at = app()
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == i18n.t("app.title", lang="zh")
    at.run()
    assert at.radio(key="lang").value == "zh"
    assert at.title[0].value == i18n.t("app.title", lang="zh")


def test_lang_from_url(app):
    at = app(query={"lang": "zh"})
    assert at.title[0].value == i18n.t("app.title", lang="zh")


def test_bad_lang_in_url_falls_back_with_notice(app):
    at = app(query={"lang": "klingon"})
    assert not at.exception
    assert at.title[0].value == i18n.t("app.title", lang="en")
    assert any("lang=klingon" in w.value for w in at.warning)


def _in_fresh_thread(fn):
    """Run ``fn`` in a new thread (no language set there, like a fragment rerun) and return its result."""
    out = []
    th = threading.Thread(target=lambda: out.append(fn()))
    th.start()
    th.join()
    return out[0]


def test_language_falls_back_to_the_registered_source_when_no_run_set_it():
    saved = i18n._fallback
    try:
        i18n.set_fallback(lambda: "zh")
        assert _in_fresh_thread(i18n.get_lang) == "zh"
        assert _in_fresh_thread(lambda: i18n.t("nav.home")) == i18n.t("nav.home", lang="zh")
        i18n.set_fallback(lambda: "xx")  # unknown -> English
        assert _in_fresh_thread(i18n.get_lang) == "en"
        i18n.set_fallback(lambda: 1 / 0)  # a broken source never breaks a page
        assert _in_fresh_thread(i18n.get_lang) == "en"
        i18n.set_fallback(lambda: "zh")  # a language set for the run wins over the fallback
        assert _in_fresh_thread(lambda: (i18n.set_lang("en"), i18n.get_lang())[1]) == "en"
    finally:
        i18n.set_fallback(saved)


def test_url_notices_appear_at_the_top_of_the_page(app):
    # iou_px1 belongs to a number input inside a collapsed expander: its notice must still be seen first thing.
    at = app("iou", {"iou_px1": "abc", "iou_loss": "FOO"})
    top = at.main.children[0]
    notices = [w.value for w in top.warning]
    assert any("iou_px1=abc" in n for n in notices), notices
    assert any("iou_loss=FOO" in n and "GIoU" in n for n in notices), notices  # options shown as the URL has them
    assert not at.exception


# ------------------------------------------------------------------------------- unknown URL parameters (issue 14)
ALL_PAGES = [None] + [p.url_path for p in shell.PAGES]


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p or "home")
def test_unknown_url_parameter_gets_a_notice_and_is_dropped(app, page):
    key = f"{page or 'home'}_nonsense"
    at = app(page, {key: "1", "lang": "zh"})
    assert not at.exception
    notices = [w.value for w in at.main.children[0].warning]  # the notice area at the top of the page
    expected = i18n.t("common.unknown_param", lang="zh", key=key, value="1")
    assert any(expected in n for n in notices), notices
    assert key not in at.query_params
    assert at.query_params.get("lang") == "zh"  # lang is always known


def test_a_realistic_typo_is_dropped_with_the_closest_key_suggested(app):
    at = app("regression", {"reg_family": "gamma", "reg_alpha": "0.8"})
    notices = [w.value for w in at.warning]
    assert any("reg_family=gamma" in n and "Did you mean `reg_fam`?" in n for n in notices), notices
    assert "reg_family" not in at.query_params
    assert at.query_params.get("reg_alpha") == "0.8"  # the page's own keys are kept, silently
    assert not any("reg_alpha" in n for n in notices)


def _did_you_mean(at) -> list[str]:
    return [w.value for w in at.warning if "not a setting" in w.value]


def test_an_unrelated_key_with_the_page_prefix_gets_no_suggestion(app):
    # The shared prefix made any key "close": sens_foo used to suggest sens_iou.
    at = app("sensitivity", {"sens_foo": "1"})
    (notice,) = _did_you_mean(at)
    assert "sens_foo=1" in notice and "Did you mean" not in notice, notice


# One realistic typo per page (a letter left out, two swapped, a plural, the prefix forgotten) -> the key meant.
PAGE_TYPOS = [
    ("regression", "reg_aplha", "reg_alpha"),
    ("regression", "alpha", "reg_alpha"),
    ("iou", "iou_los", "iou_loss"),
    ("classification", "cls_gama", "cls_gamma"),
    ("simulation", "sim_iter", "sim_iters"),
    ("boxsize", "bs_std", "bs_stds"),
    ("libra", "lib_pannel", "lib_panel"),
    ("sensitivity", "sens_metrics", "sens_metric"),
]


@pytest.mark.parametrize(("page", "typo", "meant"), PAGE_TYPOS, ids=lambda v: v)
def test_a_realistic_typo_on_each_page_suggests_the_key_meant(app, page, typo, meant):
    at = app(page, {typo: "1"})
    (notice,) = _did_you_mean(at)
    assert f"Did you mean `{meant}`?" in notice, notice


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("reg_family", "reg_fam"), ("reg_gama", "reg_gamma"), ("REG_ALPHA", "reg_alpha"), ("reg-seed", "reg_seed"),
     ("reg_fam_number", "reg_fam_n"), ("sens_foo", None), ("sens_x", None), ("reg_zzz", None), ("reg_a", None),
     ("sens_ious", "sens_iou"), ("iou_xyz", None), ("cls_foo", None), ("lib_abc", None), ("sim_foo", None)],
)  # fmt: skip
def test_suggestions_compare_the_names_after_the_page_prefix(typo, meant):
    from lossviz.analysis import regression
    from lossviz.components import controls

    others = "sens_iou sens_metric sens_mode sens_score iou_loss iou_mode iou_res cls_log cls_cb_type cls_alpha"
    known = {*regression.URL_KEYS, *others.split(), "lib_bins", "lib_bg", "lib_src", "sim_log", "sim_pair"}
    assert controls.suggest(typo, known) == meant


def test_valid_parameters_of_every_page_raise_no_unknown_notice(app):
    for page, query in (("iou", {"iou_loss": "ciou"}), ("boxsize", {}), ("libra", {}), ("simulation", {})):
        at = app(page, query)
        assert not [w.value for w in at.warning if "not a setting" in w.value], page


def test_a_long_unknown_key_is_quoted_short():
    from lossviz.components import controls

    assert len(controls.short("x" * 5000)) <= controls.QUOTE_LIMIT


def _bound_directly_demo():
    import streamlit as st

    from lossviz.components import controls

    name = "demo" + "_sec"  # built at run time and bound without the controls wrappers: no source scan sees it
    st.expander("x", key=name, bind="query-params", on_change="rerun")
    st.slider("y", 0, 5, key="demo_" + "y", bind="query-params")
    controls.check_unknown_params()


def test_keys_of_widgets_bound_directly_are_known_from_streamlits_bindings():
    at = AppTest.from_function(_bound_directly_demo, default_timeout=30)
    at.query_params.update({"demo_sec": "true", "demo_y": "3", "demo_typo": "1"})
    at.run()
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and "demo_typo=1" in notices[0], notices


# ------------------------------------------------------------------------------- the registry of each page's URL keys
def _iou_option_queries() -> list[dict]:
    """One IoU view per option control: the first loss that takes it (each loss shows only its own options)."""
    from lossviz.analysis import iou as A

    codes = {name: next(c for c in A.loss_codes() if name in A.option_names(c)) for name in A.OPTION_CONTROLS}
    return [{"iou_loss": code, "iou_res": "32"} for code in dict.fromkeys(codes.values())]


def _drive() -> dict[str, list[dict]]:
    """Per page, the URLs that together open every section, tab, view and mode (small sizes where a run costs)."""
    from lossviz.analysis import boxsize as B

    sim, panels = {"sim_points": "1", "sim_iters": "5"}, ("Focal loss", "Class-balanced", "GHM-C", "AP-loss")
    return {
        "regression": [{"reg_sec_formulas": "true", "reg_sec_sweep": "true", "reg_sec_balance": "true"}],
        "iou": _iou_option_queries(),
        "classification": [{"cls_panel": p} for p in panels] + [{"cls_panel": panels[1], "cls_cb_type": "focal"}],
        "simulation": [{**sim, "sim_view": v} for v in ("curves", "map", "traj", "load")],
        "boxsize": [{"bs_mode": m} for m in B.MODES] + [{"bs_section": s} for s in ("nwd", "dist")],
        "libra": [{"lib_images": "1", "lib_props": "50", "lib_sec_k": "true", "lib_show": "hard"},
                  {"lib_panel": "bfp"}],
        "sensitivity": [{}],
    }  # fmt: skip


@pytest.mark.parametrize("page", [p.url_path for p in shell.PAGES])
def test_the_keys_every_page_puts_in_the_url_are_exactly_its_registry(app, page, monkeypatch):
    """Issue 14 "thin pages": the unknown-key check knows a page's keys from its registry
    (``lossviz.analysis.<page>.URL_KEYS``), not from scanning its source. With every section, tab and view opened,
    the keys the page's widgets bind (and its coded selections write) must be the registry's: a widget built with a
    key the registry lacks fails here, and so does a registry key that no widget uses any more."""
    from lossviz.components import controls

    monkeypatch.setattr(controls, "_known", {})  # a fresh server: only what these runs create
    for query in _drive()[page]:
        at = app(page, query)
        assert not at.exception, (query, at.exception)
        assert not [w.value for w in at.warning if "not a setting" in w.value], query
    seen = set().union(*controls._known.values()) - controls.ALWAYS_KNOWN
    registry = controls.registry(page)
    assert seen - registry == set(), "keys a widget binds but the registry lacks"
    assert registry - seen == set(), "registry keys no widget binds"


def test_every_page_with_controls_has_a_registry_of_its_own_prefix():
    from lossviz.components import controls

    for info in shell.PAGES:
        keys = controls.registry(info.url_path)
        assert keys and all(k.startswith(info.state_prefix + "_") for k in keys), info.url_path
    assert controls.registry("home") == frozenset()


def test_a_closed_sections_key_is_known_on_a_fresh_server_and_a_typo_of_it_is_not(app, monkeypatch):
    # bs_rel is the error slider of the "relative" mode of the size section, built from a spec (no literal key in the
    # page's source): with another section open on a fresh server, the old source scan did not know it.
    from lossviz.components import controls

    monkeypatch.setattr(controls, "_known", {})
    monkeypatch.setattr(controls, "_known_prefixes", {})
    at = app("boxsize", {"bs_section": "nwd", "bs_rel": "0.2", "bs_iou": "0.5", "bs_rell": "0.3"})
    assert not at.exception
    notices = _did_you_mean(at)
    assert len(notices) == 1 and "bs_rell=0.3" in notices[0] and "Did you mean `bs_rel`?" in notices[0], notices
    assert at.query_params.get("bs_rel") == "0.2" and at.query_params.get("bs_iou") == "0.5"
    assert "bs_rell" not in at.query_params


# ------------------------------------------------------------------------------------- shared helpers for pages
SHELL_DEMO = ROOT / "tests" / "apps" / "shell_demo.py"


def _expanded(at) -> bool:
    return at.expander[0].proto.expanded


def test_explanation_is_open_on_the_first_visit_of_a_page_and_closed_later():
    at = AppTest.from_file(str(SHELL_DEMO), default_timeout=30).run()
    assert not at.exception
    assert at.expander[0].label == i18n.t("common.explanation")
    assert _expanded(at)
    at.slider(key="demo_slider").set_value(7).run()  # same visit: it must not snap shut while the user reads
    assert _expanded(at)
    at.session_state["demo_page"] = "b"  # the user goes to another page ...
    at.run()
    at.session_state["demo_page"] = "a"  # ... and comes back
    at.run()
    assert not _expanded(at)


def test_downloads_buttons_give_one_button_per_format_named_after_the_data():
    from lossviz.components import downloads

    at = AppTest.from_file(str(SHELL_DEMO), default_timeout=30).run()
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [i18n.t("common.download_csv"), i18n.t("common.download_json")]
    assert downloads.to_csv({"a": [1, 2]}) == b"a\n1\n2\n"
    assert json.loads(downloads.to_json({"a": np.arange(2)})) == {"a": [0, 1]}
    with pytest.raises(ValueError, match="csv= or json="):
        downloads.buttons("x", key="k")


# ---------------------------------------------------------------------------------- reset to defaults, copy link
def test_reset_clears_the_page_parameters_and_widgets_and_keeps_the_language(app):
    at = app("regression", {"reg_alpha": "0.8", "reg_gamma": "2", "lang": "zh"})
    assert (at.slider(key="reg_alpha").value, at.slider(key="reg_gamma").value) == (0.8, 2.0)
    at.sidebar.button(key="lossviz_reset").click().run()
    assert not at.exception
    assert dict(at.query_params) == {"lang": "zh"}
    assert at.slider(key="reg_alpha").value == at.slider(key="reg_alpha").proto.default[0]
    assert at.slider(key="reg_gamma").value == at.slider(key="reg_gamma").proto.default[0]
    assert at.sidebar.button(key="lossviz_reset").label == i18n.t("common.reset", lang="zh")


def test_every_page_has_a_labelled_copy_link_button_in_the_sidebar(app):
    for page in (None, "regression"):  # the shell draws it, the same for every page
        at = app(page, {"lang": "zh"})
        copy = [c for c in at.sidebar.get("bidi_component") if c.proto.component_name == "lossviz_copy_link"]
        assert len(copy) == 1, page
        data = json.loads(copy[0].proto.json)
        assert data["label"] == i18n.t("common.copy_link", lang="zh")
        assert data["aria"] and data["fallback"]


def test_no_legacy_pages_folder_beside_the_main_script():
    # A pages/ folder next to app.py makes Streamlit treat the app as a legacy (v1) multipage app until st.navigation
    # has run once in the process: a deep link on a fresh server could show the raw file list without the shell.
    from streamlit.runtime.pages_manager import PagesManager

    from lossviz.components.shell import PAGES, PAGES_DIR, ROOT

    assert not (ROOT / "pages").exists()
    assert all((PAGES_DIR / p.file).exists() for p in PAGES)
    PagesManager.uses_pages_directory = None  # what a fresh server process starts with
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is False


# ------------------------------------------------------------------------- numbers out of a float's range (issue 14)
def test_reg_alpha_1e309_is_out_of_range_and_the_page_keeps_working(app):
    at = app("regression", {"reg_alpha": "1e309"})
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert any("reg_alpha=1e309" in n and "outside [" in n for n in notices), notices
    assert not any("not a number" in n for n in notices), notices
    assert at.slider(key="reg_alpha").value == at.slider(key="reg_alpha").proto.default[0]
    at.slider(key="reg_alpha").set_value(0.7).run()  # reruns the sections that read α (AppTest then shows only them)
    assert not at.exception
    at.run()
    assert not at.exception and at.slider(key="reg_alpha").value == 0.7
    assert "reg_alpha" not in at.query_params  # the overflowing value is gone from the URL


# ------------------------------------------------------------------------------- torch threads per server (issue 15)
def test_the_app_gives_torch_one_intra_op_thread_per_process(app, monkeypatch):
    import torch

    from lossviz.analysis import configure_threads

    before = torch.get_num_threads()
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    try:
        torch.set_num_threads(2)
        configure_threads.cache_clear()
        assert not app().exception
        # Every session's script runs in a new thread: that is where the count must hold (a thread that already ran
        # torch keeps its own OpenMP setting).
        assert _in_fresh_thread(lambda: (torch.ones(8).sum(), torch.get_num_threads())[1]) == 1
        monkeypatch.setenv("OMP_NUM_THREADS", "2")  # an explicit setting wins
        configure_threads.cache_clear()
        assert configure_threads() == 2
    finally:
        configure_threads.cache_clear()
        torch.set_num_threads(before)


def test_a_chinese_typo_notice_has_no_space_after_the_full_stop(app):
    # A fresh user saw "已忽略。 您是否想输入 reg_gamma？": English spacing between two Chinese sentences.
    at = app("regression", {"lang": "zh", "reg_gama": "2"})
    notices = [w.value for w in at.warning if "reg_gamma" in w.value]
    assert notices and all("。 " not in n for n in notices), notices
    assert any("。您是否想输入" in n for n in notices), notices


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("home", ""),
        ("Home", ""),
        ("index", ""),
        ("Regression", "regression"),
        ("box-size", "boxsize"),
        ("box_size", "boxsize"),
        ("IoU-family", "iou"),
        ("libra-r-cnn", "libra"),
        ("Libra_RCNN", "libra"),
        ("nope", None),
        ("", None),
    ],
)
def test_paths_a_user_would_type_for_a_page_are_aliases_of_it(typed, meant):
    assert shell.alias_target(typed) == meant


def _history_trip(monkeypatch, back_query: dict) -> AppTest:
    """Regression with a slider moved, then IoU, then a Back (a history navigation) to Regression's URL
    ``back_query``: what Streamlit's frontend sends for the bare entry it pushes on the way out is ``{}``."""
    at = run_app("regression", {"reg_alpha": "1.25"})
    assert at.slider(key="reg_alpha").value == 1.25
    at.query_params.clear()  # what the frontend sends when it leaves the page
    at.switch_page("lossviz/pages/iou.py").run()
    monkeypatch.setattr(shell, "_is_history_navigation", lambda: True)
    at.query_params.clear()
    at.query_params.update(back_query)
    at.switch_page("lossviz/pages/regression.py").run()
    assert not at.exception
    return at


def test_back_to_a_page_whose_url_lost_its_parameters_restores_them(monkeypatch):
    at = _history_trip(monkeypatch, {})
    assert at.slider(key="reg_alpha").value == 1.25
    assert "reg_alpha" in at.query_params


def test_back_to_an_entry_with_parameters_keeps_them_not_the_remembered_ones(monkeypatch):
    at = _history_trip(monkeypatch, {"reg_alpha": "0.75"})
    assert at.slider(key="reg_alpha").value == 0.75


def test_the_copy_link_elements_carry_no_code_of_their_own_on_a_rerun(app):
    """Issue 15: the shell's two copy-link elements are re-sent on every rerun of every page; their JavaScript and
    style sheet (3.9 kB an element) now come once per page load as a served module, the elements only name it."""
    from lossviz.components import copy_link, served

    at = app("regression")
    at.slider(key="reg_alpha").set_value(0.8).run()
    at.run()  # a rerun of the page (α's own step reruns only the sections that read it)
    copies = [c for c in at.get("bidi_component") if c.proto.component_name == "lossviz_copy_link"]
    assert len(copies) == 2  # the sidebar's and the phones' row
    for c in copies:
        assert c.proto.js_content == served.LOADER and c.proto.css_content == served.LOADER_CSS
        assert json.loads(c.proto.json)["module"] == copy_link.MODULE_URL
        assert len(c.proto.SerializeToString()) < 2000, len(c.proto.SerializeToString())  # was 3.9 kB
    module = (copy_link._JS_DIR / copy_link._JS_FILE).read_text(encoding="utf-8")
    assert ".lossviz-copy-link__button" in module and "navigator.clipboard" in module  # the code and its style
