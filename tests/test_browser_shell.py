"""In a real browser: the home page renders, the language switch translates it and lands in the URL."""

import pytest
from conftest import wait_idle

from lossviz.i18n import t

pytestmark = pytest.mark.browser


def test_language_switch_goes_into_the_url_and_survives_reload(server_url, page):
    page.goto(server_url)
    wait_idle(page)
    page.get_by_role("heading", name=t("app.title", lang="en")).wait_for()
    page.locator("[data-testid=stSidebar] label").filter(has_text="zh").first.click()
    wait_idle(page)
    page.get_by_role("heading", name=t("app.title", lang="zh")).wait_for()
    assert "lang=zh" in page.url
    page.reload()
    wait_idle(page)
    page.get_by_role("heading", name=t("app.title", lang="zh")).wait_for()


def test_bad_language_in_the_url_shows_a_notice_not_a_traceback(server_url, page):
    page.goto(server_url + "/?lang=xx")
    wait_idle(page)
    page.get_by_text("lang=xx").first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0
    page.get_by_role("heading", name=t("app.title", lang="en")).wait_for()
