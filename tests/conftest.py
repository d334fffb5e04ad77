"""Shared test fixtures: AppTest runs of the real app, and a live server + headless Chromium for browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench._live import CHROMIUM, launch_chromium, streamlit_server, wait_idle  # noqa: F401 (tests import it)

ROOT = Path(__file__).resolve().parents[1]


def run_app(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run ``app.py`` in AppTest on ``page`` (a url_path such as "regression"; None for home) with URL ``query``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if query:
        at.query_params.update(query)
    if page is not None:
        # Open the page directly, as a deep link does: a first run on Home would report (and drop) the page's
        # parameters as unknown there. Our url_paths are the files' stems, so the file name finds the page.
        at.switch_page(f"lossviz/pages/{page}.py")
    at.run()
    return at


@pytest.fixture
def app():
    """``app(page, query)`` -> a finished AppTest run of the whole app (shell included)."""
    return run_app


@pytest.fixture(scope="session")
def server_url():
    """One live server shared by the browser tests."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    yield pg
    ctx.close()
