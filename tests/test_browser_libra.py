"""In a real browser: a keyboard-driven slider reruns the samplers and lands in the URL; an uploaded picture (only a
browser can upload) is refused with a clear message when unreadable and turned into a pyramid when good; the page
fits a 390 px phone screen."""

from __future__ import annotations

import io
import re

import pytest
from conftest import wait_idle
from PIL import Image

from lossviz.analysis import libra as A
from lossviz.i18n import t

pytestmark = pytest.mark.browser


def _open(page, server_url: str, query: str) -> None:
    page.goto(f"{server_url}/libra?{query}")
    wait_idle(page)
    page.get_by_role("heading", name=t("libra.title", lang="en")).wait_for()


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text().strip()


def test_crowding_slider_by_keyboard_reruns_the_samplers_and_updates_the_url(server_url, page):
    _open(page, server_url, "lib_images=2")
    label = t("libra.metric.share", method=t("libra.method.paper", lang="en"), lang="en")
    before = A.sampling_study(A.SceneParams(images=2), A.SamplerParams())
    assert _metric(page, label) == f"{100 * before.share_above('paper'):.1f}%"
    thumb = (
        page.locator("[data-testid=stSlider]")
        .filter(has_text=t("libra.crowding", lang="en"))
        .locator("input[type=range]")
    )
    thumb.focus()
    thumb.press("ArrowRight")  # 0.30 -> 0.35
    wait_idle(page)
    after = A.sampling_study(A.SceneParams(images=2, crowding=0.35), A.SamplerParams())
    want = f"{100 * after.share_above('paper'):.1f}%"
    page.wait_for_function(
        "([label, want]) => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(want))",
        arg=[label, want],
        timeout=30_000,
    )
    assert re.search(r"lib_crowd=0\.35", page.url)
    assert page.locator("[data-testid=stException]").count() == 0


def _png(w: int, h: int) -> bytes:
    im = Image.new("RGB", (w, h), (10, 10, 10))
    for x in range(w // 3, w // 2):
        for y in range(h // 3, h // 2):
            im.putpixel((x, y), (250, 200, 30))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def test_an_uploaded_picture_is_refused_when_unreadable_and_shown_as_a_pyramid_when_good(server_url, page):
    _open(page, server_url, "lib_panel=Balanced+Feature+Pyramid&lib_src=picture&lib_refine=none")
    page.get_by_text(t("libra.upload_none", lang="en")).wait_for()
    upload = page.locator("[data-testid=stFileUploader] input[type=file]")
    upload.set_input_files(files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture"}])
    wait_idle(page)
    message = t("libra.err.image_unreadable", reason="UnidentifiedImageError", lang="en")
    page.get_by_text(message).wait_for(timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
    upload.set_input_files(files=[{"name": "square.png", "mimeType": "image/png", "buffer": _png(120, 90)}])
    wait_idle(page)
    page.get_by_role("button", name=t("libra.download_json", lang="en")).wait_for(timeout=30_000)
    assert page.get_by_text(message).count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    # the pyramid's maps are drawn (heatmaps of the inputs, the steps and the contributions)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .heatmaplayer').length >= 4", timeout=30_000)


#: Right edge of every visible element of the main area, leaving out what a visually hidden wrapper clips (Streamlit's
#: slider keeps its keyboard <input type=range> inside a 1 px ``overflow: hidden`` box at the thumb: that input's own
#: box runs up to 129 px to the right of the thumb, but nothing of it is drawn or scrollable).
RIGHT_EDGE = """() => Math.max(...[...document.querySelectorAll('[data-testid=stMain] *')]
  .filter(e => !e.closest('[data-testid=stDataFrame]'))
  .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
      const r = a.getBoundingClientRect();
      if (getComputedStyle(a).overflow === 'hidden' && r.width <= 1) return false; }
    return true; })
  .map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.right))"""
#: Horizontal overflow of the document and of Streamlit's scrolling main area (scrollWidth beyond clientWidth).
SCROLL_X = """() => [document.documentElement, document.querySelector('[data-testid=stMain]')]
  .map(e => e.scrollWidth - e.clientWidth)"""


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        (
            "lib_panel=sampling&lib_bg=1&lib_crowd=1&lib_jitter=2&lib_ffrac=1",
            "en",
        ),  # every slider thumb at the right end
        ("lib_panel=sampling&lib_sec_scene=true", "zh"),
        ("lib_panel=bfp&lib_qx=1&lib_qy=1&lib_noise=0.5", "en"),
        ("lib_panel=bfp", "zh"),
    ],
)
def test_the_page_fits_a_390_px_screen(server_url, page, query, lang):
    """No horizontal scroll at 390 px on either panel (the scene section open too), also after every slider got the
    keyboard focus (focus scrolls an element into view), and nothing drawn past the screen's right edge."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{server_url}/libra?{query}&lib_images=2&lang={lang}")
    wait_idle(page)
    page.get_by_role("heading", name=t("libra.title", lang=lang)).wait_for()
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.evaluate(SCROLL_X) == [0, 0]
    assert page.evaluate(RIGHT_EDGE) <= 390
    thumbs = page.locator("[data-testid=stSlider] input[type=range]")
    assert thumbs.count() >= 2
    for i in range(thumbs.count()):
        thumbs.nth(i).focus()
        assert page.evaluate(SCROLL_X) == [0, 0], i
        assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollLeft") == 0
    assert page.locator("[data-testid=stException]").count() == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_sampler_metric_label_is_cut_off_at_1440_px(server_url, page, lang):
    # A fresh user read "IoU-balanced (paper), IoU > …" on a wide screen: five metrics side by side cut their labels.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{server_url}/libra?lib_images=2&lang={lang}")
    wait_idle(page)
    page.locator("[data-testid=stMetricLabel]").first.wait_for()
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid=stMetricLabel]')).flatMap(label =>
            [label, ...label.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1)
              .map(() => label.innerText)).filter((v, i, a) => a.indexOf(v) === i)"""
    )
    assert page.locator("[data-testid=stMetricLabel]").count() >= 5
    assert cut == []
