"""plotly_chart in a real browser: plotly.js loads from the plotly package, zoom survives updates, no remount."""

import re
import statistics
import urllib.request
from pathlib import Path

import pytest
from conftest import wait_idle

from bench._live import streamlit_server
from lossviz.components import plotly_chart as pc
from lossviz.figures import style
from lossviz.i18n import t

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "apps" / "plotly_chart_demo.py"
GD = "document.querySelector('.lossviz-plotly-chart__graph')"


@pytest.fixture(scope="module")
def demo_url():
    """``streamlit run tests/apps/plotly_chart_demo.py`` on a free loopback port."""
    with streamlit_server(DEMO) as url:
        yield url


def _open(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.wait_for_selector(".lossviz-plotly-chart .main-svg", timeout=30_000)


def _shipped_version() -> str:
    header = (pc._PLOTLY_DIR / pc._PLOTLY_FILE).read_text(encoding="utf-8", errors="replace")[:200]
    return re.search(r"plotly\.js v(\d+\.\d+\.\d+)", header).group(1)


def test_chart_renders_with_the_plotly_js_of_the_plotly_package_and_downloads_png(demo_url, page):
    _open(page, demo_url)
    assert page.evaluate("() => window.Plotly.version") == _shipped_version()
    assert page.evaluate(f"() => {GD}._fullData[0].type") == "scatter"
    assert page.locator(".lossviz-plotly-chart .main-svg").first.is_visible()
    # Served by Streamlit itself (no CDN): the same file, as JavaScript.
    with urllib.request.urlopen(f"{demo_url}/{pc.PLOTLY_JS_URL}", timeout=10) as r:
        assert r.status == 200
        assert "javascript" in r.headers["Content-Type"]
        assert len(r.read()) == (pc._PLOTLY_DIR / pc._PLOTLY_FILE).stat().st_size
    assert page.locator("[data-testid=stException]").count() == 0

    # The camera button downloads a PNG named after the chart; no "Share chart" upload button.
    page.locator(".lossviz-plotly-chart").hover()
    button = page.locator(".lossviz-plotly-chart .modebar-btn[data-title='Download plot as a PNG']")
    assert page.locator(".lossviz-plotly-chart .modebar-btn[data-title^='Share']").count() == 0
    with page.expect_download(timeout=20_000) as download:
        button.click()
    assert download.value.suggested_filename == "demo_chart.png"


def test_zoom_survives_slider_updates_and_the_plot_is_not_remounted(demo_url, page):
    """Zoom, then move the slider with the keyboard: the same graph node redraws new data in the zoomed view.

    Also measures (never asserts) key press -> plotly_afterplot and prints it.
    """
    _open(page, demo_url)
    y_before = page.evaluate(f"() => Array.from({GD}._fullData[0].y.slice(0, 5))")
    page.evaluate(
        f"() => {{ {GD}.__lossvizMarker = 'first mount'; return Plotly.relayout({GD}, {{'xaxis.range': [-1, 1]}}); }}"
    )
    assert page.evaluate(f"() => {GD}.layout.xaxis.range") == [-1, 1]

    page.locator("[data-testid=stSlider] input[type=range]").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    page.wait_for_function(f"() => {GD}.layout.title.text === 'scatter, shift = 1'", timeout=10_000)
    page.wait_for_function(f"() => {GD}.parentElement.getAttribute('aria-busy') === 'false'", timeout=10_000)

    assert page.evaluate(f"() => {GD}.__lossvizMarker") == "first mount"  # same DOM node: updated, not remounted
    assert page.evaluate("() => document.querySelectorAll('.lossviz-plotly-chart__graph').length") == 1
    assert page.evaluate(f"() => {GD}._fullLayout.xaxis.range") == [-1, 1]  # the zoom survived
    y_after = page.evaluate(f"() => Array.from({GD}._fullData[0].y.slice(0, 5))")
    assert y_after != y_before  # and the data changed under it

    # One update at a time, timed: shift 1 -> 3 -> 0.
    page.evaluate(
        f"""() => {{
        const gd = {GD};
        window.__samples = [];
        window.__seen = gd.layout.title.text;
        document.addEventListener('keydown', () => {{ window.__keyAt = performance.now(); }}, true);
        gd.on('plotly_afterplot', () => {{
          if (gd.layout.title.text === window.__seen) return;  // a resize or relayout, not a new figure
          window.__seen = gd.layout.title.text;
          window.__samples.push(performance.now() - window.__keyAt);
        }});
      }}"""
    )
    presses = ["ArrowRight"] * 4 + ["ArrowLeft"] * 6
    for i, key in enumerate(presses, start=1):
        page.keyboard.press(key)
        page.wait_for_function(f"() => window.__samples.length >= {i}", timeout=15_000)
        wait_idle(page)
    samples = page.evaluate("() => window.__samples")
    assert len(samples) == len(presses)
    assert page.evaluate(f"() => {GD}.layout.title.text") == "scatter, shift = 0"
    assert page.evaluate(f"() => {GD}.__lossvizMarker") == "first mount"
    assert page.evaluate(f"() => {GD}._fullLayout.xaxis.range") == [-1, 1]
    assert page.evaluate(f"() => Array.from({GD}._fullData[0].y.slice(0, 5))") == y_before

    def stats(values):
        values = sorted(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms"

    print(f"\nplotly_chart update, key press -> plotly_afterplot (incl. rerun): {stats(samples)}")


def test_heatmap_contour_and_bar_render_and_a_new_uirevision_resets_the_zoom(demo_url, page):
    """The demo passes the trace type as uirevision: switching it must autorange again, not keep a stale zoom."""
    _open(page, demo_url)
    page.evaluate(f"() => Plotly.relayout({GD}, {{'xaxis.range': [-1, 1]}})")
    for kind, selector in [("heatmap", ".hm image"), ("contour", ".contour"), ("bar", ".bars .point")]:
        page.locator("[data-testid=stSelectbox]").first.click()
        page.get_by_role("option", name=kind, exact=True).click()
        wait_idle(page)
        page.wait_for_function(f"() => {GD}._fullData[0].type === '{kind}'", timeout=10_000)
        page.wait_for_function(f"() => {GD}.parentElement.getAttribute('aria-busy') === 'false'", timeout=10_000)
        assert page.locator(f".lossviz-plotly-chart {selector}").count() > 0
        lo, hi = page.evaluate(f"() => {GD}._fullLayout.xaxis.range")
        x_min, x_max = page.evaluate(f"() => [Math.min(...{GD}._fullData[0].x), Math.max(...{GD}._fullData[0].x)]")
        assert lo <= x_min and hi >= x_max, (kind, lo, hi)
    assert page.locator("[data-testid=stException]").count() == 0


def test_plotly_js_that_cannot_load_shows_a_message_not_a_blank(demo_url, page):
    page.route(re.compile(r".*/plotly\.min\.js$"), lambda route: route.abort())
    page.goto(demo_url)
    wait_idle(page)
    message = page.locator(".lossviz-plotly-chart__message")
    message.wait_for(state="visible", timeout=20_000)
    assert message.inner_text().startswith(t("common.error", msg="").rstrip())
    assert "plotly.min.js" in message.inner_text()
    assert page.locator("[data-testid=stException]").count() == 0


def test_the_png_export_carries_the_page_parameters_in_a_footer(demo_url, page):
    """The camera button's image: named after the chart, its footer holds the URL's parameters (issue 14, item 4)."""
    page.goto(f"{demo_url}/?demo_shift=1.5&demo_kind=bar")
    wait_idle(page)
    page.wait_for_selector(".lossviz-plotly-chart .main-svg", timeout=30_000)
    page.evaluate(
        """() => {
        const original = window.Plotly.downloadImage;
        window.__exports = [];
        window.Plotly.downloadImage = (figure, options) => {
          window.__exports.push({annotations: figure.layout.annotations, height: figure.layout.height, options});
          return Promise.resolve('');
        };
        window.__restore = () => { window.Plotly.downloadImage = original; };
      }"""
    )
    page.locator(".lossviz-plotly-chart").hover()
    page.locator(".lossviz-plotly-chart .modebar-btn[data-title='Download plot as a PNG']").click()
    page.wait_for_function("() => window.__exports.length === 1", timeout=10_000)
    sent = page.evaluate("() => window.__exports[0]")
    assert sent["options"]["filename"] == "demo_chart"
    assert sent["options"]["format"] == "png"
    footer = " ".join(a["text"] for a in sent["annotations"] if a.get("name") == "lossviz-parameters")
    assert "demo_shift=1.5" in footer and "demo_kind=bar" in footer, footer
    assert sent["height"] > page.evaluate(f"() => {GD}._fullLayout.height")  # room for the footer, plot unsquashed


def test_the_chart_draws_light_text_on_a_dark_page_when_the_system_is_dark(demo_url, browser):
    """No theme is forced: a dark system setting gives a dark page, and the chart's text follows it (item 3)."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme="dark")
    try:
        pg = ctx.new_page()
        _open(pg, demo_url)
        pg.wait_for_function(f"() => {GD}.parentElement.getAttribute('aria-busy') === 'false'", timeout=10_000)
        colours = pg.evaluate(
            """() => {
            const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
            const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
            const text = [...document.querySelectorAll('.lossviz-plotly-chart svg text')]
              .find((el) => el.textContent.trim());
            const bg = document.querySelector('.lossviz-plotly-chart .main-svg .bg');
            return {page: lum(rgb(getComputedStyle(document.body).backgroundColor)),
                    text: lum(rgb(getComputedStyle(text).fill)),
                    plot: bg ? lum(rgb(getComputedStyle(bg).fill)) : null};
          }"""
        )
        assert colours["page"] < 0.3, colours
        assert colours["text"] > 0.7, colours
        assert colours["plot"] is None or colours["plot"] < 0.3, colours
    finally:
        ctx.close()


def test_a_chart_sent_as_typed_arrays_without_its_template_draws_the_exact_values(demo_url, page):
    """Issue 15: the grid goes as float32 (exact), computed values as float64, the shared template from the served
    module: plotly.js reads back the very numbers Python computed, the hover label prints them, the template applies,
    and the PNG export still works."""
    import numpy as np

    page.goto(f"{demo_url}/?demo_kind=typed&demo_shift=1.5")
    wait_idle(page)
    page.wait_for_selector(".lossviz-plotly-chart .main-svg", timeout=30_000)
    page.wait_for_function(f"() => {GD}.layout && {GD}.layout.title.text === 'typed, shift = 1.5'", timeout=10_000)
    grid = np.linspace(-3.0, 3.0, 25)
    expected = np.log1p(np.abs(grid)) + 1.5 / 7
    drawn = page.evaluate(f"() => ({{x: Array.from({GD}._fullData[0].x), y: Array.from({GD}._fullData[0].y)}})")
    np.testing.assert_array_equal(np.array(drawn["x"]), grid)
    np.testing.assert_array_equal(np.array(drawn["y"]), expected)  # float64 arrived bit for bit
    colorway = page.evaluate(f"() => {GD}._fullLayout.colorway")
    assert colorway == list(style.CATEGORICAL)  # the template came from the served module
    page.evaluate(f"() => Plotly.Fx.hover({GD}, [{{curveNumber: 0, pointNumber: 7}}])")
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for(timeout=5_000)
    assert f"{expected[7]:.6g}" in label.text_content() and f"d = {grid[7]:.6g}" in label.text_content()

    page.locator(".lossviz-plotly-chart").hover()
    with page.expect_download(timeout=20_000) as download:
        page.locator(".lossviz-plotly-chart .modebar-btn[data-title='Download plot as a PNG']").click()
    assert download.value.suggested_filename == "demo_chart.png"


def test_a_chart_adds_few_tab_stops_for_its_toolbar(demo_url, page):
    # A keyboard user met nine toolbar buttons per chart (Zoom, Pan, Box Select, Lasso, Zoom in/out, Autoscale,
    # Reset, PNG) before the next control; selection, zoom in/out and autoscale are of no use on these charts.
    _open(page, demo_url)
    chart = page.locator(".lossviz-plotly-chart").first
    chart.hover()
    buttons = chart.locator(".modebar-btn")
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert 2 <= len(titles) <= 5, titles
    assert not {"Box Select", "Lasso Select", "Zoom in", "Zoom out", "Autoscale"} & set(titles), titles
