"""The one loader of the served components (lossviz/components/served.py) in a real Chromium: the Plotly chart and the
box canvas import their modules through it, and a module that cannot load leaves a message, not a blank."""

from __future__ import annotations

import re

import pytest

from lossviz.components import box_canvas, copy_link, served
from lossviz.components import plotly_chart as pc
from lossviz.i18n import t
from tests.conftest import wait_idle

pytestmark = pytest.mark.browser

ERROR_PREFIX = t("common.error", lang="en", msg="").rstrip()


def test_the_chart_and_the_canvas_load_their_modules_through_one_loader(page, server_url):
    """Issue 14 "thin": each component had its own loader (and its own module cache); now one loader serves both."""
    page.goto(f"{server_url}/iou")
    wait_idle(page)
    page.wait_for_selector(".bc-svg", timeout=30_000)
    page.wait_for_selector(".lossviz-plotly-chart .main-svg", timeout=30_000)
    loaded = page.evaluate("() => Object.keys(window.__lossvizModules || {})")
    paths = sorted(re.sub(r"^https?://[^/]+/", "", url) for url in loaded)
    assert paths == sorted([box_canvas.MODULE_URL, copy_link.MODULE_URL, pc.module_url()]), paths
    assert page.locator(".lossviz-served__message:visible").count() == 0


@pytest.mark.parametrize(
    ("path", "module", "ready"),
    [("iou", r"/box_canvas\.js$", ".bc-svg"), ("regression", r"/plotly_chart\.[0-9a-f]{12}\.js$", ".main-svg")],
    ids=["canvas", "chart"],
)
def test_a_module_that_cannot_load_shows_a_translated_message_not_a_blank(browser, server_url, path, module, ready):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = ctx.new_page()
        page.route(re.compile(module), lambda route: route.abort())
        page.goto(f"{server_url}/{path}")
        wait_idle(page)
        message = page.locator(".lossviz-served__message").first
        message.wait_for(state="visible", timeout=30_000)
        assert message.get_attribute("role") == "alert"
        text = message.inner_text()
        assert text.startswith(ERROR_PREFIX) and "could not load" in text, text
        assert page.locator(ready).count() == 0
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        ctx.close()


def test_the_loader_reads_no_streamlit_internals():
    for internal in ("data-testid", "stApp", "static/js/index", "__test"):
        assert internal not in served.LOADER, internal
