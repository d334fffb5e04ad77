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


@pytest.mark.parametrize(
    ("panel", "lang"),
    [("IoU-balanced+sampling", "en"), ("Balanced+Feature+Pyramid", "en"), ("Balanced+Feature+Pyramid", "zh")],
)
def test_the_page_fits_a_390_px_screen(server_url, page, panel, lang):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{server_url}/libra?lib_panel={panel}&lib_images=2&lang={lang}")
    wait_idle(page)
    page.get_by_role("heading", name=t("libra.title", lang=lang)).wait_for()
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    # nothing in the main area (chart titles included) reaches past the screen's right edge; Streamlit scrolls inside
    # its own container, so the document's width alone would not tell. A table's grid scrolls inside itself.
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain] *')]"
        ".filter(e => !e.closest('[data-testid=stDataFrame]'))"
        ".map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.right))"
    )
    assert right <= 394, right
    assert page.locator("[data-testid=stException]").count() == 0
