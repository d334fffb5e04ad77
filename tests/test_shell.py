"""The shell: navigation, language switch in the URL, the translation table, bad parameters."""

import threading

from lossviz import i18n


def test_every_string_has_both_languages():
    for key, entry in i18n.TABLE.items():
        for lang in i18n.LANGS:
            assert entry.get(lang), f"{key} lacks {lang}"


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
