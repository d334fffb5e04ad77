"""The shell: navigation, language switch in the URL, the translation table, bad parameters."""

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
