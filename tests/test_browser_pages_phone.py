"""On a 390 px phone: each of the Simulation, Box-size, Libra R-CNN and Sensitivity pages shows its main controls and
its main figure in the main area (the sidebar stays collapsed), and nothing reaches past the right edge: LaTeX,
tables and chart titles included (a table's grid may scroll inside itself; the page never scrolls sideways)."""

from __future__ import annotations

import pytest
from conftest import wait_idle

pytestmark = pytest.mark.browser

WIDTH = 390
#: page -> (query, the main control's key, the main figure's key)
PAGES = {
    "simulation": ("sim_points=2&sim_iters=10", "sim_losses", "sim_curves"),
    "boxsize": ("", "bs_px", "bs_size_chart"),
    "libra": ("lib_images=2", "lib_crowd", "lib_hist"),
    "sensitivity": ("", "sens_feature", "sens_bars"),
}

_RIGHT = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const bad = [];
  for (const e of main.querySelectorAll('*')) {
    if (e.closest('[data-testid=stDataFrame]')) continue;  // the grid scrolls inside its own box
    let p = e.parentElement, clipped = false;  // inside a box that scrolls or clips sideways: not the page's width
    while (p && p !== main) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
      p = p.parentElement;
    }
    if (clipped) continue;
    const r = e.getBoundingClientRect();
    const name = (e.className || e.tagName).toString().slice(0, 60);
    if (r.width > 0 && r.right > innerWidth + 2) bad.push(name + ' ' + Math.round(r.right));
  }
  return bad.slice(0, 8);
}"""


@pytest.mark.parametrize("name", list(PAGES))
def test_main_controls_and_figure_are_usable_on_a_390_px_phone(server_url, browser, name):
    query, control, figure = PAGES[name]
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(f"{server_url}/{name}?{query}")
        wait_idle(page, timeout=240_000)
        chart = page.locator(f".st-key-{figure} .js-plotly-plot, [class*='{figure}'] .js-plotly-plot").first
        chart.wait_for(timeout=240_000)
        wait_idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        # the sidebar is collapsed: the main area holds the controls
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.count() == 0 or sidebar.get_attribute("aria-expanded") != "true"
        widget = page.locator(f".st-key-{control}").first
        widget.scroll_into_view_if_needed()
        box = widget.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1, box
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1 and box["height"] > 150, box
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 1
        assert page.evaluate(_RIGHT) == []
    finally:
        ctx.close()
