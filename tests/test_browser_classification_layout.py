"""What only a browser shows on the classification page: element boxes of every chart (legends, axis titles,
annotations and bars must not overlap; two legend entries never share one swatch), and a 390 px phone (no
horizontal scroll, LaTeX included; the focal controls and the focal chart on one screen)."""

from __future__ import annotations

import pytest
from conftest import wait_idle

from lossviz.i18n import t

pytestmark = pytest.mark.browser

PANELS = {"focal": "Focal+loss", "cb": "Class-balanced", "ghm": "GHM-C", "ap": "AP-loss"}

# Element boxes of one drawn Plotly chart (client coordinates) and each legend entry's swatch.
_GEOMETRY = """(el) => {
  const box = (n) => { const b = n.getBoundingClientRect();
    return {x0: b.left, y0: b.top, x1: b.right, y1: b.bottom, w: b.width, h: b.height}; };
  const all = (sel) => [...el.querySelectorAll(sel)].map(box).filter(b => b.w > 0 && b.h > 0);
  const swatches = [...el.querySelectorAll('g.legend g.traces')].map(tr => {
    const p = tr.querySelector('.legendpoints path');
    if (!p) return '';
    const s = getComputedStyle(p);
    return [s.fill, s.stroke, s.strokeDasharray, s.fillOpacity].join('|');
  });
  return {legend: all('g.legend'), gtitle: all('.g-gtitle text'), xtitle: all('.g-xtitle text'),
          ytitle: all('.g-ytitle text'), xticks: all('.xtick text'), annotations: all('g.annotation'),
          bars: all('g.trace.bars g.point path'), swatches};
}"""


def _overlap(a: dict, b: dict, tol: float = 1.0) -> bool:
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tol and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tol


def _open(page, server_url: str, panel: str, extra: str = "") -> None:
    page.goto(f"{server_url}/classification?cls_panel={PANELS[panel]}{extra}")
    wait_idle(page)
    page.get_by_role("heading", name=t("cls.title", lang="en")).wait_for()


def _charts(page) -> list[dict]:
    """Every chart on the page, each scrolled into view first (off-screen charts are drawn lazily)."""
    graphs = page.locator(".lossviz-plotly-chart__graph")
    graphs.first.wait_for(timeout=30_000)
    wait_idle(page)
    out = []
    for i in range(graphs.count()):
        g = graphs.nth(i)
        g.scroll_into_view_if_needed()
        g.locator(".main-svg").first.wait_for()
        page.wait_for_timeout(300)
        out.append(g.evaluate(_GEOMETRY))
    return out


def _collisions(geo: dict) -> list[str]:
    found = []
    texts = {k: geo[k] for k in ("gtitle", "xtitle", "ytitle", "xticks")}
    for lg in geo["legend"]:
        for name, boxes in texts.items():
            if any(_overlap(lg, b) for b in boxes):
                found.append(f"legend over {name}")
    for ann in geo["annotations"]:
        if any(_overlap(ann, b) for b in geo["bars"]):
            found.append("annotation over a bar")
        if any(_overlap(ann, b) for b in geo["legend"] + geo["gtitle"]):
            found.append("annotation over the legend or title")
    swatches = [s for s in geo["swatches"] if s]
    if len(set(swatches)) < len(swatches):
        found.append(f"two legend entries share a swatch: {swatches}")
    return found


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("panel", list(PANELS))
def test_no_chart_has_overlapping_legend_titles_annotations_or_bars(server_url, browser, panel, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844})
    page = ctx.new_page()
    try:
        _open(page, server_url, panel)
        charts = _charts(page)
        assert charts, "no chart drawn"
        problems = {i: c for i, geo in enumerate(charts) if (c := _collisions(geo))}
        assert not problems, problems
    finally:
        ctx.close()


@pytest.mark.parametrize("panel", list(PANELS))
def test_phone_has_no_horizontal_scroll(server_url, browser, panel):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        _open(page, server_url, panel)
        _charts(page)  # everything drawn, LaTeX included
        wide = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.body.scrollWidth]"
        )
        assert wide[0] <= wide[1] and wide[2] <= wide[1], wide
    finally:
        ctx.close()


def test_phone_shows_the_focal_controls_with_the_focal_chart(server_url, browser):
    """At 390 px the γ slider, the α controls and the focal-loss chart fit on one screen, no sidebar needed."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        _open(page, server_url, "focal")
        gamma = page.locator("[data-testid=stSlider]").filter(has_text=t("cls.gamma", lang="en")).first
        gamma.scroll_into_view_if_needed()
        chart = page.locator(".lossviz-plotly-chart__graph").first
        top = gamma.bounding_box()["y"]
        bottom = chart.bounding_box()["y"] + chart.bounding_box()["height"]
        assert bottom - top <= 844, f"slider top {top:.0f}, chart bottom {bottom:.0f}: more than one screen apart"
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.count() == 0 or sidebar.get_attribute("aria-expanded") != "true"
    finally:
        ctx.close()
