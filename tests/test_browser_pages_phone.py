"""On a 390 px phone: each of the Simulation, Box-size, Libra R-CNN and Sensitivity pages shows its main controls and
its main figure in the main area (the sidebar stays collapsed), and nothing reaches past the right edge: LaTeX,
tables and chart titles included (a table's grid may scroll inside itself; the page never scrolls sideways)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import wait_idle

from lossviz.i18n import t

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


# --- Collisions inside charts, formulas and labels (issue 14 items 3 and 5), at a desktop and a phone width --------

WIDTHS = (1440, 390)

#: What collides inside one chart (a ``.js-plotly-plot``): its labels (annotations and bar texts), each with the other
#: labels and with the bars, the legend entries, the axis and chart titles and the tick labels. Two boxes collide when
#: they share more than a pixel each way, two labels when they come closer than 2 px (text boxes include
#: their line height); a label reaching past the chart's sides is cut off. Returns readable descriptions.
OVERLAPS = """(root) => {
  const shown = e => { const s = getComputedStyle(e);
    return s.display !== 'none' && s.visibility !== 'hidden' && +s.opacity !== 0 && +s.fillOpacity !== 0; };
  const boxes = (sel, kind) => [...root.querySelectorAll(sel)].filter(shown)
    .map(e => ({kind, r: e.getBoundingClientRect(), text: (e.textContent || '').trim().slice(0, 40)}))
    .filter(b => b.r.width > 0.5 && b.r.height > 0.5 && (kind === 'bar' || b.text));
  const labels = [...boxes('.annotation-text', 'annotation'), ...boxes('.textpoint text', 'bar text')];
  const others = [...boxes('.barlayer .point path', 'bar'), ...boxes('.legend .traces text', 'legend'),
    ...boxes('.g-xtitle text, .g-ytitle text, [class*=g-x] .xtitle, .gtitle', 'title'),
    ...boxes('.xtick text, .ytick text', 'tick')];
  const hit = (a, b, gap = -1) => a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap
    && b.top < a.bottom + gap;
  const out = [], frame = root.getBoundingClientRect();
  labels.forEach(a => {
    if (a.r.left < frame.left - 1 || a.r.right > frame.right + 1) out.push(`${a.kind} "${a.text}" cut off`); });
  labels.forEach((a, i) => {  // two labels side by side need a gap ("27/3127/31" reads as one label)
    labels.slice(i + 1).forEach(b => {
      if (hit(a.r, b.r, 2)) out.push(`${a.kind} "${a.text}" on ${b.kind} "${b.text}"`); });
    others.forEach(b => { if (hit(a.r, b.r)) out.push(`${a.kind} "${a.text}" on ${b.kind} "${b.text}"`); });
  });
  return out.slice(0, 10);
}"""

#: Per drawn bar (height over a pixel) its width in px, and the headroom: the plot area's top to the highest bar's top.
BARS = """(root) => {
  const bars = [...root.querySelectorAll('.barlayer .point path')].map(e => e.getBoundingClientRect())
    .filter(r => r.height > 1);
  const area = root.querySelector('.nsewdrag').getBoundingClientRect();
  return {widths: bars.map(r => r.width), headroom: Math.min(...bars.map(r => r.top)) - area.top};
}"""


def _chart(page, key: str):
    chart = page.locator(f".st-key-{key} .js-plotly-plot").first
    chart.wait_for(timeout=120_000)
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "(k) => { const g = document.querySelector(`.st-key-${k} .js-plotly-plot`);"
        " return g && g.querySelector('.barlayer .point path, .annotation-text'); }",
        arg=key,
        timeout=60_000,
    )
    page.wait_for_timeout(300)  # plotly's text fitting runs after the bars are drawn
    return chart


def _open_at(browser, width: int, url: str):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(url)
    wait_idle(page, timeout=240_000)
    return ctx, page


#: page, query, the charts to check (their keys)
CHARTS = {
    "libra": ("lib_images=2", ("lib_hist", "lib_share", "lib_bins_chart")),
    "sensitivity": ("", ("sens_bars", "sens_hist")),
    "regression": ("", ("reg_curves_chart",)),  # the ±β labels of both losses (equal β by default)
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(CHARTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_labels_overlap_no_bar_legend_title_or_other_label(server_url, browser, name, width, lang):
    query, keys = CHARTS[name]
    ctx, page = _open_at(browser, width, f"{server_url}/{name}?{query}&lang={lang}")
    try:
        for key in keys:
            chart = _chart(page, key)
            assert chart.evaluate(OVERLAPS) == [], key
    finally:
        ctx.close()


#: Each chart's title and modebar boxes: the modebar is laid out (and its box known) while it is hidden.
TITLE_AND_MODEBAR = """(root) => [...root.querySelectorAll('.js-plotly-plot')].map((g) => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
                        return r.width > 0 ? [r.left, r.top, r.right, r.bottom] : null; };
  return {title: box(g.querySelector('.gtitle')), modebar: box(g.querySelector('.modebar'))};
})"""


@pytest.mark.parametrize("name, query, keys", [
    ("classification", "cls_panel=Focal+loss", ("cls_focal_curves", "cls_focal_factor", "cls_pop")),
    ("iou", "", ("iou_land_centre", "iou_land_size")),
])  # fmt: skip
def test_on_a_phone_no_chart_title_runs_under_its_modebar(server_url, browser, name, query, keys):
    """On a 390 px phone the modebar's icons (top right, shown on a tap) covered the end of long chart titles: the
    IoU landscapes' "(size 36.0 × 36.0)", Classification's population title (fresh-eyes check). The title now sits
    under the modebar on a narrow chart."""
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(f"{server_url}/{name}?{query}")
        wait_idle(page, timeout=240_000)
        for key in keys:
            chart = page.locator(f".st-key-{key}")
            chart.scroll_into_view_if_needed()
            page.wait_for_function("(k) => document.querySelector(`.st-key-${k} .gtitle`)", arg=key, timeout=60_000)
            page.wait_for_timeout(300)
            (boxes,) = chart.evaluate(TITLE_AND_MODEBAR)
            title, bar = boxes["title"], boxes["modebar"]
            assert title and bar, (key, boxes)
            apart = title[3] <= bar[1] or bar[3] <= title[1] or title[2] <= bar[0] or bar[2] <= title[0]
            assert apart, (key, boxes)
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_libra_histogram_leaves_headroom_above_its_highest_bar(server_url, browser, width):
    ctx, page = _open_at(browser, width, f"{server_url}/libra?lib_images=2")
    try:
        bars = _chart(page, "lib_hist").evaluate(BARS)
        assert bars["headroom"] >= 15, bars["headroom"]
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_sensitivity_histogram_bars_are_wide_enough_to_see_on_the_log_axis(server_url, browser, width):
    ctx, page = _open_at(browser, width, f"{server_url}/sensitivity")
    try:
        bars = _chart(page, "sens_hist").evaluate(BARS)
        assert len(bars["widths"]) >= 10
        assert min(bars["widths"]) >= 3, sorted(bars["widths"])[:5]
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_box_size_stds_toggle_label_is_not_cut_at_390_px(server_url, browser, lang):
    ctx, page = _open_at(browser, WIDTH, f"{server_url}/boxsize?lang={lang}")
    try:
        label = page.locator(".st-key-bs_stds [data-testid=stWidgetLabel], .st-key-bs_stds label p").first
        label.wait_for(timeout=120_000)
        label.scroll_into_view_if_needed()
        sizes = label.evaluate(
            "e => [...[e, ...e.querySelectorAll('*')]].map(x => [x.scrollWidth, x.clientWidth, x.scrollHeight,"
            " x.clientHeight])"
        )
        assert all(sw <= cw + 1 and sh <= ch + 1 for sw, cw, sh, ch in sizes), sizes
    finally:
        ctx.close()


IOU_CODES = ("iou", "giou", "diou", "ciou", "eiou", "siou", "alpha_iou", "wiou", "nwd")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_iou_formula_scrolls_sideways_at_390_px(server_url, browser, lang):
    """Every IoU loss's formula (SIoU's Δ and Ω too) fits a 390 px phone: no display formula scrolls inside its box."""
    from lossviz.analysis import iou as A

    assert set(IOU_CODES) == set(A.loss_codes())
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 900})
    page = ctx.new_page()
    try:
        for code in IOU_CODES:
            page.goto(f"{server_url}/iou?iou_loss={quote(A.loss_name(code))}&iou_land_open=false&lang={lang}")
            wait_idle(page, timeout=240_000)
            page.locator(".katex-display").first.wait_for(timeout=60_000)
            title = t("iou.explain.title", name=A.loss_name(code), lang=lang)  # the URL chose this loss
            page.locator("h3").filter(has_text=title).first.wait_for(timeout=30_000)
            n = page.locator(".katex-display").count()
            assert n == (4 if code == "siou" else 1), (code, n)
            wide = (
                "() => [...document.querySelectorAll('.katex-display')].filter(e => e.scrollWidth > e.clientWidth + 1)"
                ".map(e => `${e.scrollWidth} > ${e.clientWidth}`)"
            )
            try:  # measured once KaTeX's fonts and the page's CSS are in (a rerun may still be replacing the view)
                page.wait_for_function(f"document.fonts.ready && ({wide})().length === 0", timeout=5_000)
            except Exception:
                assert page.evaluate(wide) == [], code
    finally:
        ctx.close()
