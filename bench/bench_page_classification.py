"""Rerun latency of the classification page: a control changed -> the page's numbers recomputed and shown.

* ``apptest``: server side, in AppTest (the whole app, shell included): one control set to a *new* value each repeat
  (so the cached analysis is really recomputed), then ``run()``; per panel.
* ``browser``: a real ``streamlit run app.py`` on a free port and Debian Chromium driven by Playwright: ArrowRight on a
  slider thumb, until the metric that depends on it shows the new value and the script is idle again.

~20 repeats each; median and p95 in milliseconds. Benchmarks report; they never assert.
"""

from __future__ import annotations

import time

from bench._live import launch_chromium, streamlit_server, wait_idle
from bench._timing import row, summarize

REPEATS = 20
GROUP = "page/classification"


def _apptest_rows() -> list[dict]:
    from tests.conftest import run_app

    rows = []
    cases = [
        ("Focal loss", "γ slider (curves + population of 100k, as expected sums)", "slider", "cls_gamma",
         [round(1.0 + 0.1 * i, 1) for i in range(REPEATS)]),
        ("Class-balanced", "class counts typed (8 classes)", "text_input", "cls_counts",
         [f"{5000 + i},2000,800,300,120,50,20,8" for i in range(REPEATS)]),
        ("GHM-C", "bins slider (5 batches of 20k)", "slider", "cls_bins", [i + 2 for i in range(REPEATS)]),
        ("AP-loss", "δ slider (10 anchors)", "slider", "cls_delta", [round(0.2 + 0.1 * i, 1) for i in range(REPEATS)]),
    ]  # fmt: skip
    for panel, name, kind, key, values in cases:
        at = run_app("classification", {"cls_panel": panel})
        samples = []
        for v in values:
            widget = getattr(at, kind)(key=key)
            t0 = time.perf_counter()
            (widget.input(v) if kind == "text_input" else widget.set_value(v)).run()
            samples.append((time.perf_counter() - t0) * 1e3)
            assert not at.exception, [e.value for e in at.exception]
        rows.append(row(GROUP, f"AppTest rerun: {name}", panel, summarize(samples), "server side, new value each time"))
    return rows


def _wait_idle(page) -> None:
    wait_idle(page, timeout=60_000, settle_ms=300)


_SHOWN = """([label, want]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  return [...document.querySelectorAll('[data-testid=stMetric]')]
    .some(m => m.innerText.includes(label) && m.innerText.includes(want));
}"""


def _browser_loop(page, url: str, query: str, slider_label: str, metric_label: str, expected) -> list[float]:
    page.goto(f"{url}/classification?{query}")
    _wait_idle(page)
    thumb = page.locator("[data-testid=stSlider]").filter(has_text=slider_label).locator("input[type=range]")
    samples = []
    for i in range(1, REPEATS + 1):
        thumb.focus()
        t0 = time.perf_counter()
        thumb.press("ArrowRight")
        page.wait_for_function(_SHOWN, arg=[metric_label, expected(i)], polling=10, timeout=60_000)
        samples.append((time.perf_counter() - t0) * 1e3)
        page.wait_for_timeout(100)
    return samples


def _browser_rows() -> list[dict]:
    from playwright.sync_api import sync_playwright

    from lossviz.i18n import t

    rows = []
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)  # warm-up: the first run imports torch and the analysis modules
        _wait_idle(page)
        samples = _browser_loop(
            page, url, "cls_panel=Focal+loss&cls_gamma=1.0", t("cls.gamma"), t("cls.metric.easy_factor"),
            lambda i: f"{0.1 ** round(1.0 + 0.1 * i, 1):.4g}",
        )  # fmt: skip
        rows.append(row(GROUP, "browser: ArrowRight on γ -> metrics shown", "Focal loss", summarize(samples),
                        "population (expected sums) + curves"))  # fmt: skip
        samples = _browser_loop(
            page, url, "cls_panel=GHM-C&cls_bins=5", t("cls.ghm.bins"), t("cls.ghm.m_nonempty"),
            lambda i: f"/ {5 + i}",
        )  # fmt: skip
        rows.append(row(GROUP, "browser: ArrowRight on bins -> metrics shown", "GHM-C", summarize(samples),
                        "5 batches of 20k"))  # fmt: skip
        browser.close()
    return rows


def run() -> list[dict]:
    return _apptest_rows() + _browser_rows()
