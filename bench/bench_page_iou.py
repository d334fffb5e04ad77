"""Drag-to-numbers latency of the IoU page in a real browser (Debian Chromium driven by Playwright).

Starts ``streamlit run app.py`` on a free port, opens ``/iou`` and drags the predicted box with the mouse:

* ``release``: from the mouse-up until the browser shows the torch core's numbers for the new boxes (the canvas is no
  longer ``aria-busy`` and its readout is fresh) and the script is idle again.
* ``during drag``: the button held down, one pointer step, until the core's numbers for that position are shown
  (the throttled update's round trip through Python) — what the eye sees while dragging.
* ``typed``: a coordinate typed into a number input (Enter) until the canvas shows the new box and the numbers.
* ``keys``: three arrow-key presses on the focused prediction until the core's numbers for it are shown (the
  canvas debounces keys: 300 ms of that is the wait for the keys to rest).

The canvas ships no timing instrumentation: everything is measured from outside, through its accessible state.

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
  return !w.hasAttribute('aria-busy') && !w.querySelector('.bc-readout.bc-stale')
    && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
_SHOWN = "() => !document.querySelector('.bc-readout.bc-stale')"
_PRED_X1 = """(v) => { const b = document.querySelector('.bc-box.bc-pred');
  return b && Number(b.getAttribute('aria-label').split('x1 ')[1].split(',')[0]) === v
    && !document.querySelector('.bc-readout.bc-stale'); }"""


def _centre(page, selector: str) -> tuple[float, float]:
    bb = page.locator(selector).bounding_box()
    return bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2


_CONSOLE: list[str] = []


def _wait(page, predicate: str, arg=None) -> None:
    """``page.wait_for_function`` that says what the page looked like when it gives up."""
    try:
        page.wait_for_function(predicate, arg=arg, polling=10, timeout=30_000)
    except Exception as err:
        attrs = {"pred": page.locator(".bc-box.bc-pred").get_attribute("aria-label")}
        state = page.locator("[data-testid=stApp]").get_attribute("data-test-script-state")
        raise RuntimeError(f"page did not settle: {attrs}, script {state}, console {_CONSOLE[-5:]}") from err


def _measure(page, repeats: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"release": [], "during": [], "typed": [], "keys": []}
    for i in range(repeats):
        x, y = _centre(page, ".bc-pred .bc-body")
        dx = 25 if i % 2 == 0 else -25
        page.mouse.move(x, y)
        page.mouse.down()
        # One step while held: wait for that position's numbers (a throttled update round trip).
        page.mouse.move(x + dx / 2, y + dx / 3)
        t0 = time.perf_counter()
        _wait(page, _SHOWN)
        samples["during"].append((time.perf_counter() - t0) * 1e3)
        page.mouse.move(x + dx, y + dx / 2, steps=3)
        t0 = time.perf_counter()
        page.mouse.up()
        _wait(page, _SYNCED)
        samples["release"].append((time.perf_counter() - t0) * 1e3)
        page.wait_for_timeout(150)
    for i in range(repeats):
        page.locator(".bc-box.bc-pred").focus()
        t0 = time.perf_counter()
        for _ in range(3):
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_timeout(50)
        _wait(page, _SYNCED)
        samples["keys"].append((time.perf_counter() - t0) * 1e3)
        page.wait_for_timeout(100)
    page.locator("[data-testid=stExpander] summary").first.click()  # open "Exact coordinates"
    inp = page.locator("[data-testid=stNumberInput] input").first
    for i in range(repeats):
        value = f"{30 + (i % 2) * 4:.1f}"
        inp.fill(value)
        t0 = time.perf_counter()
        inp.press("Enter")
        _wait(page, _PRED_X1, float(value))
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
            page.wait_for_selector(".bc-readout:not(.bc-stale)", timeout=60_000)
            page.locator(".bc-svg").evaluate("el => el.scrollIntoView({block: 'center'})")
            samples = _measure(page, repeats)
            size = f"landscape {res}x{res}"
            rows.append(row("page/iou", "drag release -> core numbers shown", size, summarize(samples["release"])))
            rows.append(row("page/iou", "during drag: step -> core numbers", size, summarize(samples["during"])))
            rows.append(row("page/iou", "typed coordinate -> canvas+numbers", size, summarize(samples["typed"])))
            note = "includes the 300 ms key debounce"
            rows.append(row("page/iou", "3 arrow keys -> core numbers shown", size, summarize(samples["keys"]), note))
        browser.close()
    return rows
