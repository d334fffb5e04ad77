"""In a real browser: a keyboard step on a slider lands in the URL and changes the plotted data; bad URLs explain."""

import re

import numpy as np
import pytest
import torch
from conftest import wait_idle

from lossviz import losses
from lossviz.i18n import t

pytestmark = pytest.mark.browser

# The drawn data of the trace named ``name`` in whichever Plotly graph holds it. ``_fullData`` holds the arrays
# as plotly.js decoded them (``data`` may still hold the base64 typed-array spec); typed arrays -> plain lists.
READ_TRACE = """(name) => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    for (const tr of gd._fullData || []) {
      if (tr.name === name) return {x: Array.from(tr.x), y: Array.from(tr.y)};
    }
  }
  return null;
}"""


MARK_GRAPH = """(name) => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if ((gd._fullData || []).some((tr) => tr.name === name)) { gd.__lossvizTag = 'kept'; return true; }
  }
  return false;
}"""
GRAPH_IS_MARKED = """(name) => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if ((gd._fullData || []).some((tr) => tr.name === name)) return gd.__lossvizTag === 'kept' && gd.isConnected;
  }
  return false;
}"""


def _trace(page, name: str) -> dict:
    page.wait_for_function(f"() => ({READ_TRACE})({name!r}) !== null", timeout=30_000)
    return page.evaluate(READ_TRACE, name)


def _open(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_role("heading", name=t("reg.title", lang="en")).wait_for()
    page.locator("[data-testid=stSidebar]").get_by_text("简体中文").wait_for()  # the shell ran


def test_arrow_key_on_alpha_updates_the_url_and_the_plotted_curve(server_url, page):
    _open(page, server_url + "/regression")
    before = _trace(page, "Balanced L1")
    # tag the graph's DOM node: if the chart were remounted (the flicker of st.plotly_chart) the tag would be gone
    page.evaluate(MARK_GRAPH, "Balanced L1")
    slider = page.locator("[data-testid=stMain] [data-testid=stSlider]").filter(has_text=t("reg.alpha"))
    slider.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"reg_alpha=0\.55"), timeout=30_000)
    wait_idle(page)
    page.wait_for_function(
        f"(y0) => {{ const tr = ({READ_TRACE})('Balanced L1'); return tr && tr.y[1] !== y0; }}",
        arg=before["y"][1],
        timeout=30_000,
    )
    after = _trace(page, "Balanced L1")
    # the residual grid arrives as float32 (every hover label, 6 significant digits, reads as in float64): the
    # residuals are the grid values those labels show; the loss values arrive as float64
    x = np.array([float(f"{v:.6g}") for v in after["x"]])
    expected = losses.balanced_l1_loss(torch.as_tensor(x), torch.zeros(len(x), dtype=torch.float64), alpha=0.55)
    np.testing.assert_allclose(after["y"], expected.numpy(), rtol=1e-9, atol=1e-12)
    assert not np.allclose(before["y"], after["y"])
    assert page.evaluate(GRAPH_IS_MARKED, "Balanced L1"), "the curves chart was remounted instead of updated in place"
    # the printed b follows, and survives a reload from the URL
    b = f"{losses.balanced_l1_b(alpha=0.55, gamma=1.5):.6g}"
    page.get_by_text(b, exact=True).first.wait_for()
    page.reload()
    wait_idle(page)
    page.get_by_text(b, exact=True).first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_section_opened_by_a_link_keeps_its_flag_in_the_url_through_a_full_rerun(server_url, page):
    """The balance section's default was computed from the URL (open when a balance value is in it): its open state
    equalled that default, so the browser dropped ``reg_sec_balance=true`` on the next full run (a language switch,
    Back, a preset), and once the value went back to its default a reload showed the section closed."""
    _open(page, server_url + "/regression?reg_sec_balance=true&reg_out_scale=3.5")
    page.get_by_role("button", name=t("reg.preset.libra_fig5")).click()  # a full run of the page
    wait_idle(page)
    page.wait_for_timeout(300)
    assert "reg_sec_balance=true" in page.url, page.url
    page.goto(server_url + "/regression?reg_sec_balance=true")  # the value back at its default: the flag alone
    wait_idle(page)
    page.locator(".js-plotly-plot").nth(1).wait_for()  # the curves and the balance chart
    assert page.get_by_text(t("reg.balance.intro")[:40]).count() >= 1


def test_bad_url_parameters_show_notices_not_tracebacks(server_url, page):
    _open(page, server_url + "/regression?reg_alpha=abc&reg_beta=7&reg_fam=delta")
    for text in ("reg_alpha=abc", "reg_beta=7", "reg_fam=delta"):
        page.get_by_text(text).first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0
    page.get_by_text(f"{losses.balanced_l1_b(alpha=0.5, gamma=1.5):.6g}", exact=True).first.wait_for()


# ------------------------------------------------------------------------------------- issue 14: phones (item 2)

# Everything wider than its box: the document, and each formula (KaTeX) or chart that would need a sideways scroll.
OVERFLOW = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) out.push(`document ${doc.scrollWidth} > ${window.innerWidth}`);
  const main = document.querySelector('[data-testid=stMain]');
  for (const el of main.querySelectorAll('.katex-display, [data-testid=stMarkdownContainer], .js-plotly-plot')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.clientWidth === 0) continue;  // not laid out (a closed tooltip)
    if (el.scrollWidth > el.clientWidth + 1 || r.right > window.innerWidth + 1) {
      const what = `${el.className || el.dataset.testid} "${el.textContent.slice(0, 30)}"`;
      out.push(`${what}: scroll ${el.scrollWidth}/${el.clientWidth}, right ${r.right}`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1440, 900)])
def test_main_controls_and_chart_without_the_sidebar_and_no_sideways_scroll(server_url, browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    try:
        _open(page, server_url + "/regression?reg_sec_formulas=true&reg_beta=0.5&lang=en")
        page.locator(".katex-display").first.wait_for()
        _trace(page, "Balanced L1")
        main = page.locator("[data-testid=stMain]")
        alpha = main.locator("[data-testid=stSlider]").filter(has_text=t("reg.alpha")).first
        alpha.wait_for()
        box = alpha.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["y"] < 2 * height, f"the α slider starts {box['y']:.0f} px down: more than two screens"
        chart = main.locator(".js-plotly-plot").first.bounding_box()
        assert chart and chart["y"] < 3 * height, f"the chart starts {chart['y']:.0f} px down"
        assert page.evaluate(OVERFLOW) == []
        # the α thumb works from the keyboard right there, without opening the sidebar
        alpha.locator("input[type=range]").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile(r"reg_alpha=0\.55"), timeout=30_000)
    finally:
        ctx.close()


# Bounding boxes of the balance chart's titles: the x-axis titles and the annotations (plot titles, share marker).
BALANCE_TITLES = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(
    (g) => (g._fullData || []).some((tr) => tr.orientation === 'h'));
  if (!gd) return null;
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const chart = box(gd);
  const parts = [...gd.querySelectorAll('.g-xtitle, .g-x2title, .annotation')].map(
    (el) => ({ text: el.textContent, box: box(el) }));
  return { chart, parts };
}"""


def test_the_gradient_balance_on_a_phone_stacks_its_two_plots_without_overlapping_titles(server_url, browser):
    """At 390 px the histogram and the shares sat side by side: "Sampled residuals" was cut off and ran into the
    inliers' share marker, and the two x-axis titles merged into one line. On a phone they are now stacked."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        _open(page, server_url + "/regression?reg_sec_curves=false&reg_sec_balance=true&lang=en")
        page.wait_for_function(f"() => ({BALANCE_TITLES})() !== null", timeout=30_000)
        page.wait_for_timeout(500)
        got = page.evaluate(BALANCE_TITLES)
        left, top, right, bottom = got["chart"]
        parts = [p for p in got["parts"] if p["text"].strip()]
        assert len(parts) >= 5, parts  # two axis titles, two plot titles, the marker
        for p in parts:
            x0, y0, x1, y1 = p["box"]
            assert x0 >= left - 1 and x1 <= right + 1 and y0 >= top - 1 and y1 <= bottom + 1, p
        for i, a in enumerate(parts):
            for b in parts[i + 1 :]:
                (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
                overlap = min(ax1, bx1) - max(ax0, bx0) > 2 and min(ay1, by1) - max(ay0, by0) > 2
                assert not overlap, (a, b)
    finally:
        ctx.close()
