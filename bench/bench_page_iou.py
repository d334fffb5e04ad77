"""Drag-to-numbers latency of the IoU page in a real browser (Debian Chromium driven by Playwright).

Starts ``streamlit run app.py`` on a free port, opens ``/iou`` and drags the predicted box with the mouse:

* ``release``: from the mouse-up until the browser shows the torch core's numbers for the new boxes (the canvas's
  ``data-seq`` has caught up with the update it sent and the readout is fresh) and the script is idle again.
* ``during drag``: the button held down, one pointer step, until the core's numbers for that position are shown
  (the throttled update's round trip through Python) — what the eye sees while dragging.
* ``typed``: a coordinate typed into a number input (Enter) until the canvas shows the new box and the numbers.
* ``update round trip``: measured inside the page (``data-rtt-ms``): from the canvas's ``setStateValue`` to the
  moment the echoed update is drawn, without Playwright's polling overhead.

Each is repeated ~20 times; the table gives median and p95 in milliseconds. Benchmarks report; they never assert.
"""

from __future__ import annotations

import time

from bench._live import launch_chromium, streamlit_server, wait_idle
from bench._timing import row, summarize

REPEATS = 20  # at the page's default resolution; half as many at 256 x 256

# The canvas has applied (and Python echoed) the last update it sent, and shows the core's numbers for it.
_SYNCED = """() => {
  const w = document.querySelector('.bc-wrap');
  if (!w) return false;
  const app = document.querySelector('[data-testid=stApp]');
  return Number(w.getAttribute('data-seq')) >= Number(w.getAttribute('data-sent-seq') || 0)
    && w.getAttribute('data-fresh') === '1'
    && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
_SHOWN = """(seq) => {
  const w = document.querySelector('.bc-wrap');
  return w && Number(w.getAttribute('data-seq')) >= seq && w.getAttribute('data-fresh') === '1';
}"""


def _centre(page, selector: str) -> tuple[float, float]:
    bb = page.locator(selector).bounding_box()
    return bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2


_CONSOLE: list[str] = []


def _wait(page, predicate: str, arg=None) -> None:
    """``page.wait_for_function`` that says what the page looked like when it gives up."""
    try:
        page.wait_for_function(predicate, arg=arg, polling=10, timeout=30_000)
    except Exception as err:
        wrap = page.locator(".bc-wrap")
        attrs = {k: wrap.get_attribute(k) for k in ("data-pred", "data-seq", "data-sent-seq", "data-fresh")}
        state = page.locator("[data-testid=stApp]").get_attribute("data-test-script-state")
        raise RuntimeError(f"page did not settle: {attrs}, script {state}, console {_CONSOLE[-5:]}") from err


def _measure(page, repeats: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"release": [], "during": [], "typed": [], "rtt_during": [], "rtt_release": []}
    rtt = page.locator(".bc-wrap")
    for i in range(repeats):
        x, y = _centre(page, ".bc-pred .bc-body")
        dx = 25 if i % 2 == 0 else -25
        page.mouse.move(x, y)
        page.mouse.down()
        # One step while held: wait for that position's numbers (a throttled update round trip).
        page.mouse.move(x + dx / 2, y + dx / 3)
        sent = int(page.locator(".bc-wrap").get_attribute("data-sent-seq") or 0)
        t0 = time.perf_counter()
        _wait(page, _SHOWN, sent)
        samples["during"].append((time.perf_counter() - t0) * 1e3)
        samples["rtt_during"].append(float(rtt.get_attribute("data-rtt-ms")))
        page.mouse.move(x + dx, y + dx / 2, steps=3)
        t0 = time.perf_counter()
        page.mouse.up()
        _wait(page, _SYNCED)
        samples["release"].append((time.perf_counter() - t0) * 1e3)
        samples["rtt_release"].append(float(rtt.get_attribute("data-rtt-ms")))
        page.wait_for_timeout(150)
    page.locator("[data-testid=stExpander] summary").first.click()  # open "Exact coordinates"
    inp = page.locator("[data-testid=stNumberInput] input").first
    for i in range(repeats):
        value = f"{30 + (i % 2) * 4:.1f}"
        inp.fill(value)
        t0 = time.perf_counter()
        inp.press("Enter")
        _wait(
            page,
            "(v) => { const w = document.querySelector('.bc-wrap'); return w && w.getAttribute('data-fresh') === '1'"
            " && Number(w.getAttribute('data-pred').split(',')[0]) === v; }",
            float(value),
        )
        samples["typed"].append((time.perf_counter() - t0) * 1e3)
        _wait(page, _SYNCED)
        page.wait_for_timeout(100)
    return samples


def _wait_idle(page) -> None:
    wait_idle(page, timeout=60_000, settle_ms=300)


def run() -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with streamlit_server() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: _CONSOLE.append(m.text))
        page.goto(url)  # warm-up: the first run imports torch and the analysis modules
        _wait_idle(page)
        for res, repeats in ((64, REPEATS), (256, REPEATS // 2)):
            page.goto(f"{url}/iou?iou_res={res}")
            _wait_idle(page)
            page.wait_for_selector(".bc-wrap[data-fresh='1']", timeout=60_000)
            page.locator(".bc-svg").evaluate("el => el.scrollIntoView({block: 'center'})")
            samples = _measure(page, repeats)
            size = f"landscape {res}x{res}"
            rows.append(row("page/iou", "drag release -> core numbers shown", size, summarize(samples["release"])))
            rows.append(row("page/iou", "during drag: step -> core numbers", size, summarize(samples["during"])))
            rows.append(row("page/iou", "typed coordinate -> canvas+numbers", size, summarize(samples["typed"])))
            note = "in-browser: setStateValue -> echoed data drawn"
            rows.append(row("page/iou", "update round trip, during drag", size, summarize(samples["rtt_during"]), note))
            rows.append(row("page/iou", "update round trip, release", size, summarize(samples["rtt_release"]), note))
        browser.close()
    return rows
