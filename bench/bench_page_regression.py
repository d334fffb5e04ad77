"""End-to-end latency of the regression page: a keyboard step on a slider -> the app's rerun has finished.

Starts a real ``streamlit run app.py`` on a free loopback port and drives Debian's Chromium with Playwright. The
time is measured inside the page: from the ``keydown`` event to the moment ``[data-testid=stApp]`` goes back to
``data-test-script-state=notRunning`` after having been ``running``. Every step goes to a new value, so nothing is
served from ``st.cache_data``. Two sliders: α above the chart (reruns the whole page) and one inside the
gradient-balance fragment (reruns only that fragment).
"""

from __future__ import annotations

from bench._live import launch_chromium, streamlit_server
from bench._timing import row, summarize

REPEATS = 20
WARMUP = 2

# Resolves with the milliseconds from the next keydown to the end of the rerun it triggers. The observer reads each
# mutation's old value too: a fast rerun can flip running -> notRunning within one batch of mutation records.
ARM = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__regLatency = new Promise((resolve, reject) => {
    let t0 = null;
    let sawRunning = false;
    const onKey = () => { if (t0 === null) t0 = performance.now(); };
    document.addEventListener('keydown', onKey, {capture: true, once: true});
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('no rerun within 60 s')); }, 60000);
    const obs = new MutationObserver((records) => {
      const state = app.getAttribute('data-test-script-state');
      if (state === 'running' || records.some((r) => r.oldValue === 'running')) sawRunning = true;
      if (sawRunning && state === 'notRunning' && t0 !== null) {
        obs.disconnect();
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    obs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state'], attributeOldValue: true});
  });
}"""


def _wait_idle(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)


def _step_latencies(page, thumb, repeats: int, warmup: int) -> list[float]:
    samples = []
    for i in range(warmup + repeats):
        page.evaluate(ARM)
        thumb.focus()
        page.keyboard.press("ArrowRight")
        ms = page.evaluate("() => window.__regLatency")
        _wait_idle(page)
        if i >= warmup:
            samples.append(float(ms))
    return samples


def run() -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/regression?reg_sec_balance=true")  # the balance section open too (closed by default)
        _wait_idle(page)
        page.wait_for_timeout(1500)  # first charts drawn, plotly.js loaded
        main = page.locator("[data-testid=stMain] [data-testid=stSlider]")
        alpha = main.filter(has_text="Balanced L1 α").locator("input[type=range]")
        samples = _step_latencies(page, alpha, REPEATS, WARMUP)
        rows.append(
            row(
                "page/regression",
                "slider step -> rerun done: α (above the chart, whole page)",
                "1 step",
                summarize(samples),
                "Chromium + live server, uncached values",
            )
        )
        out_frac = page.locator("[data-testid=stSlider]").filter(has_text="Outlier fraction")
        samples = _step_latencies(page, out_frac.locator("input[type=range]"), REPEATS, WARMUP)
        rows.append(
            row(
                "page/regression",
                "slider step -> rerun done: outlier fraction (fragment)",
                "1 step",
                summarize(samples),
                "20,000 residuals, 4 losses",
            )
        )
        browser.close()
    return rows
