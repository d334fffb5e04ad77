"""One user in Chromium: a keypress on each page's main control until the changed figures and numbers are painted,
against the bare Streamlit page (``bench/baseline_app.py``: one slider, one 2,000-point Plotly line) in the same run,
step for step interleaved (issue 15 item 3: every page within 1.3x the bare page; the IoU page's landscapes, redrawn
after a release or a key, within 2x).

Two live servers (the app and the baseline) and Debian's Chromium (one browser for each, so neither tab is a
background tab). A step is timed inside the page: from the ``keydown`` to the first frame after the last change, on
screen, of a figure or number of the page, once the script is idle again and those have been quiet for ``QUIET_MS``
(a figure that Plotly redraws in several passes counts when its last pass is shown). Figures: ``.js-plotly-plot``
(native and lossviz's own chart); numbers: ``st.metric``; the IoU canvas' readout. A change off screen is not what the
key painted: lossviz's chart draws a figure far below the fold when it scrolls near (or after a quiet second).
A step after which nothing visible changed is counted as ``unchanged`` and left out of the times.

Each page's control (by its URL key: Streamlit puts ``st-key-<key>`` on a keyed widget's container):

Each page is scrolled so that its control sits 150 px below the top of the 1400 x 1000 view, with what it changes
under it on screen, as a user working the control would (the canvas, the IoU page's control, stays where focusing it
puts it). On a first visit Libra's crowding and Sensitivity's buckets have all they change below the fold.

* slider: ``ArrowRight`` on its thumb (``ArrowLeft`` once the thumb is at its maximum), so each step is a new value
  until the end of the range;
* toggle (Simulation: the curves' log scale, on the cached reduced run): ``Space``;
* IoU: ``ArrowRight`` on the focused predicted box of the canvas (a single press goes to Python at once; the
  presses of a burst after the first go once the keys rest, 300 ms); then the same key with the page scrolled to the
  landscapes, until they are redrawn. A release sends the same final update, but the landscapes are ~600 px below the
  canvas: a release cannot be watched on them, and on the canvas its changes were shown during the drag.

    python -m bench.bench_paint                      # every page, 15 steps each
    python -m bench.bench_paint --steps 5 --pages regression,iou

Writes ``bench/results/paint.{json,md}`` (``--name``) and prints the table. Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

from bench._live import BARE_STREAMLIT, ROOT, launch_chromium, streamlit_server, wait_idle
from bench._timing import row, summarize

RESULTS = ROOT / "bench" / "results"
QUIET_MS = 150
# background tabs and occluded windows must not be throttled: the two pages are measured one after the other
NO_THROTTLE = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding"]
NO_THROTTLE += ["--disable-backgrounding-occluded-windows"]
SHOWN = "[data-testid=stMain] .js-plotly-plot, [data-testid=stMain] [data-testid=stMetric], .bc-readout"
LANDSCAPES = "arrow key, landscapes in view (redrawn)"  # the "release (landscapes redrawn)", target 2x


@dataclass(frozen=True)
class Control:
    """What a step presses on a page: ``path`` (with its query), the control's locator and kind."""

    path: str
    selector: str
    kind: str  # "slider", "toggle" or "canvas"
    label: str


CONTROLS = {
    "baseline": Control("", ".st-key-b_freq input[type=range]", "slider", "frequency slider"),
    "regression": Control("regression", ".st-key-reg_alpha input[type=range]", "slider", "α slider"),
    "iou": Control("iou", ".bc-box.bc-pred", "canvas", "predicted box, arrow key"),
    "classification": Control("classification", ".st-key-cls_gamma input[type=range]", "slider", "γ slider"),
    "simulation": Control("simulation", ".st-key-sim_log input[type=checkbox]", "toggle", "log-scale toggle"),
    "boxsize": Control("boxsize", ".st-key-bs_px input[type=range]", "slider", "pixel error slider"),
    "libra": Control("libra", ".st-key-lib_crowd input[type=range]", "slider", "crowding slider"),
    "sensitivity": Control("sensitivity", ".st-key-sens_buckets input[type=range]", "slider", "buckets slider"),
}
PAGES = [p for p in CONTROLS if p != "baseline"]

# Arms a measurement: resolves with {ms, changed} for the next `event` (keydown or pointerup). Mutations inside SHOWN
# elements (or nodes added with one inside) are the candidates; each is looked at in "the next frame after it" (rAF,
# then a task: the frame has been painted, its layout is clean, so reading the element's box forces none) and counts
# as a change only if the element is then on screen: a chart far below the fold that the page draws later (lossviz's
# chart draws an off-screen figure once it scrolls near, or after a quiet second) is not part of what the key painted.
# The step ends when the script has run and gone idle and the on-screen changes have been quiet for QUIET_MS.
ARM = """([event, shown, quiet]) => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__paint = new Promise((resolve, reject) => {
    let t0 = null, sawRunning = false, idleAt = null, lastChange = null, painted = null, checking = 0;
    const shownIn = (r) => {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const own = el && el.closest(shown);
      if (own) return [own];
      return Array.from(r.addedNodes).filter((n) => n.nodeType === 1)
        .map((n) => (n.matches(shown) ? n : n.querySelector(shown))).filter(Boolean);
    };
    const onScreen = (el) => {
      if (!el.isConnected) return false;
      const b = el.getBoundingClientRect();
      return b.width > 0 && b.height > 0 && b.bottom > 0 && b.right > 0 && b.top < innerHeight && b.left < innerWidth;
    };
    const obs = new MutationObserver((records) => {
      if (t0 === null) return;
      const state = app.getAttribute('data-test-script-state');
      if (state === 'running' || records.some((r) => r.target === app && r.oldValue === 'running')) sawRunning = true;
      const els = records.filter((r) => r.target !== app).flatMap(shownIn);
      if (!els.length) return;
      const at = performance.now();
      checking += 1;
      requestAnimationFrame(() => setTimeout(() => {
        checking -= 1;
        if (!els.some(onScreen)) return;
        if (lastChange === null || at >= lastChange) { lastChange = at; painted = performance.now(); }
      }, 0));
    });
    obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true,
                                attributeOldValue: true});
    document.addEventListener(event, () => { if (t0 === null) t0 = performance.now(); }, {capture: true, once: true});
    const finish = (value, err) => { obs.disconnect(); clearInterval(poll); err ? reject(err) : resolve(value); };
    const armed = performance.now();
    const poll = setInterval(() => {
      const now = performance.now();
      if (t0 === null) { if (now - armed > 30000) finish(null, new Error('no ' + event + ' within 30 s')); return; }
      const idle = app.getAttribute('data-test-script-state') === 'notRunning';
      if (!idle) { idleAt = null; sawRunning = true; return; }
      if (!sawRunning) { if (now - t0 > 5000) finish({ms: now - t0, changed: false}); return; }
      if (idleAt === null) idleAt = now;
      if (checking) return;  // a change not yet looked at
      if (painted !== null && now - lastChange >= quiet && now - idleAt >= quiet) {
        finish({ms: painted - t0, changed: true});
      } else if (lastChange === null && now - idleAt > 1000) {
        finish({ms: idleAt - t0, changed: false});
      } else if (now - t0 > 60000) {
        finish(null, new Error('no paint within 60 s'));
      }
    }, 10);
  });
}"""


# Scrolls the page so that an element sits `px` below the top of the view, as a user working a control scrolls it up
# to watch what it changes. Streamlit's main area is the element's scrolling ancestor.
TO_TOP = """(el, px) => {
  el.scrollIntoView({block: 'start'});
  let s = el.parentElement;
  while (s && !(s.scrollHeight > s.clientHeight && getComputedStyle(s).overflowY !== 'visible')) s = s.parentElement;
  (s || document.scrollingElement).scrollBy(0, -px);
}"""
TOP_PX = 150


class Tab:
    """One page in its own headless Chromium, on ``url``, with ``control`` to press."""

    def __init__(self, playwright, url: str, control: Control) -> None:
        self.browser = launch_chromium(playwright, extra_args=NO_THROTTLE)
        self.page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        self.control = control
        self.page.goto(f"{url}/{control.path}")
        wait_idle(self.page, timeout=120_000)
        self.page.wait_for_selector(self.control.selector, state="attached", timeout=60_000)
        if control.kind != "canvas":  # the control near the top: what it changes, below it, is on screen
            self.page.locator(self.control.selector).first.evaluate(TO_TOP, TOP_PX)
        self.page.wait_for_timeout(1500)  # plotly.js loaded, the first figures drawn (those in view at once)
        self.direction = "ArrowRight"

    def _arm(self, event: str = "keydown") -> None:
        self.page.evaluate(ARM, [event, SHOWN, QUIET_MS])

    def _result(self) -> dict:
        out = self.page.evaluate("() => window.__paint")
        wait_idle(self.page, timeout=60_000, settle_ms=100)
        return out

    def step(self) -> dict:
        """One keypress on the control; {ms, changed}."""
        target = self.page.locator(self.control.selector).first
        key = "Space"
        if self.control.kind == "slider":
            value = float(target.input_value())
            if value >= float(target.get_attribute("max")):
                self.direction = "ArrowLeft"
            elif value <= float(target.get_attribute("min")):
                self.direction = "ArrowRight"
            key = self.direction
        elif self.control.kind == "canvas":
            key = self.direction
            self.direction = "ArrowLeft" if self.direction == "ArrowRight" else "ArrowRight"  # stay on the canvas
        self._arm()
        target.focus()
        self.page.keyboard.press(key)
        return self._result()

    def landscapes_key(self, i: int) -> dict:
        """The IoU page's landscapes in view, the predicted box focused: an arrow key until the landscapes are redrawn.

        The landscapes sit ~600 px below the canvas (1400 x 1000), so a drag's release cannot be watched on them: the
        box keeps the keyboard focus while the page scrolls to them, and its arrow key sends the same final update
        as a release (the pair, the landscapes and the coordinates rerun)."""
        if i == 0:
            self.page.locator(self.control.selector).first.evaluate("(el) => el.focus({preventScroll: true})")
            self.page.locator(".st-key-iou_land_centre").scroll_into_view_if_needed()
            self.page.wait_for_timeout(1500)  # what scrolling into view draws is not what is timed
            wait_idle(self.page, timeout=60_000, settle_ms=100)
        self._arm()
        self.page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        return self._result()

    def close(self) -> None:
        self.browser.close()


def _interleaved(base: Tab, other: Tab, steps: int, warmup: int, what=None) -> tuple[dict, dict]:
    """``steps`` steps on each tab, alternately first; returns their samples {"ms": [...], "unchanged": n}."""
    what = what or (lambda tab, _i: tab.step())
    out = {id(base): {"ms": [], "unchanged": 0}, id(other): {"ms": [], "unchanged": 0}}
    for i in range(warmup + steps):
        order = (base, other) if i % 2 == 0 else (other, base)
        for tab in order:
            r = what(tab, i) if tab is other else tab.step()
            if i < warmup:
                continue
            if r["changed"]:
                out[id(tab)]["ms"].append(float(r["ms"]))
            else:
                out[id(tab)]["unchanged"] += 1
    return out[id(base)], out[id(other)]


def _stats(samples: dict) -> dict:
    ms = samples["ms"]
    s = summarize(ms) if ms else {"median_ms": None, "p95_ms": None, "repeats": 0}
    return {**s, "unchanged": samples["unchanged"]}


def measure(pages: list[str], steps: int, warmup: int = 2, landscapes: bool = True) -> list[dict]:
    """Every page in ``pages`` against the baseline, interleaved; the IoU landscapes' redraw too (``landscapes``)."""
    from playwright.sync_api import sync_playwright

    results = []
    with (
        streamlit_server(timeout=120) as app_url,
        streamlit_server(ROOT / "bench" / "baseline_app.py", timeout=120, flags=BARE_STREAMLIT) as base_url,
        sync_playwright() as p,
    ):
        base = Tab(p, base_url, CONTROLS["baseline"])
        try:
            for name in pages:
                print(f"# {name} ...", file=sys.stderr, flush=True)
                load0 = os.getloadavg()[0]
                tab = Tab(p, app_url, CONTROLS[name])
                try:
                    b, s = _interleaved(base, tab, steps, warmup)
                    results.append(_result(name, CONTROLS[name].label, s, b, load0))
                    if name == "iou" and landscapes:
                        b, s = _interleaved(base, tab, steps, 1, lambda t, i: t.landscapes_key(i))
                        results.append(_result("iou", LANDSCAPES, s, b, load0))
                finally:
                    tab.close()
        finally:
            base.close()
    return results


def _result(page: str, what: str, s: dict, b: dict, load0: float) -> dict:
    page_s, base_s = _stats(s), _stats(b)
    ratio = page_s["median_ms"] / base_s["median_ms"] if page_s["median_ms"] and base_s["median_ms"] else None
    return {
        "page": page,
        "what": what,
        "page_ms": page_s,
        "baseline_ms": base_s,
        "ratio_median": ratio,
        "target": 2.0 if what == LANDSCAPES else 1.3,
        "load_before": load0,
        "load_after": os.getloadavg()[0],
    }


def table(results: list[dict]) -> str:
    def ms(s: dict) -> str:
        return "—" if s["median_ms"] is None else f"{s['median_ms']:.0f} ({s['p95_ms']:.0f})"

    lines = [
        "| page | step | steps (unchanged) | page: median (p95) ms | bare page, interleaved: median (p95) ms "
        "| ÷ bare page (median) | issue 15 target | load average |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = "—" if r["ratio_median"] is None else f"{r['ratio_median']:.2f}×"
        lines.append(
            f"| {r['page']} | {r['what']} | {r['page_ms']['repeats']} ({r['page_ms']['unchanged']}) "
            f"| {ms(r['page_ms'])} | {ms(r['baseline_ms'])} | {ratio} | ≤ {r['target']:g}× "
            f"| {r['load_before']:.1f} → {r['load_after']:.1f} |"
        )
    return "\n".join(lines)


def run() -> list[dict]:
    """For ``python -m bench.run paint``: 10 steps per page, as rows of the benchmark table."""
    rows = []
    for r in measure(PAGES, steps=10):
        note = f"÷ bare page {r['ratio_median']:.2f}×" if r["ratio_median"] else "no visible change"
        rows.append(row(f"paint/{r['page']}", f"{r['what']} -> painted", "1 step", r["page_ms"], note))
        rows.append(row(f"paint/{r['page']}", "bare page, interleaved", "1 step", r["baseline_ms"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_paint", description=__doc__.split("\n\n")[0])
    p.add_argument("--pages", default="all", help=f"'all' or some of {', '.join(PAGES)}")
    p.add_argument("--steps", type=int, default=15, help="measured steps per page (and as many on the bare page)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--no-landscapes", action="store_true", help="skip the IoU page's landscapes step")
    p.add_argument("--name", default="paint", help="results file name in bench/results/")
    a = p.parse_args(argv)
    pages = PAGES if a.pages == "all" else [x for x in a.pages.split(",") if x]
    unknown = [x for x in pages if x not in CONTROLS]
    if unknown:
        p.error(f"unknown page {unknown}; known: {', '.join(PAGES)}")
    if not 1 <= a.steps <= 200:
        p.error("--steps must be in [1, 200]")
    results = measure(pages, a.steps, a.warmup, not a.no_landscapes)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    md = f"Measured {when}, {os.cpu_count()} CPUs, {a.steps} steps per page.\n\n" + table(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{a.name}.json").write_text(json.dumps({"when": when, "results": results}, indent=2))
    (RESULTS / f"{a.name}.md").write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
