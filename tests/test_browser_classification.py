"""In a real browser: the γ slider moves the focal numbers and lands in the URL; editing the AP-loss anchor table
(a canvas grid only a browser can drive) rewrites the URL-bound text and the numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import wait_idle

from lossviz.i18n import t

pytestmark = pytest.mark.browser


def _open(page, server_url: str, query: str) -> None:
    page.goto(f"{server_url}/classification?{query}")
    wait_idle(page)
    page.get_by_role("heading", name=t("cls.title", lang="en")).wait_for()


def _plain_parts(label: str) -> list[str]:
    """The parts of a label outside its inline LaTeX ($...$), which the browser shows as typeset maths."""
    return [part.strip() for part in label.split("$")[::2] if part.strip()]


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]")
    for part in _plain_parts(label):
        box = box.filter(has_text=part)
    return box.first.locator("[data-testid=stMetricValue]").inner_text().strip()


def test_gamma_slider_updates_the_focal_numbers_and_the_url(server_url, page):
    _open(page, server_url, "cls_panel=Focal+loss")
    label = t("cls.metric.easy_factor", lang="en")
    assert _metric(page, label) == "0.01"
    thumb = (
        page.locator("[data-testid=stSlider]").filter(has_text=t("cls.gamma", lang="en")).locator("input[type=range]")
    )
    thumb.focus()
    for _ in range(3):  # 2.0 -> 2.3 in steps of 0.1
        thumb.press("ArrowRight")
    wait_idle(page)
    page.wait_for_function(
        "([parts, want]) => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => parts.every(p => m.innerText.includes(p)) && m.innerText.includes(want))",
        arg=[_plain_parts(label), f"{0.1**2.3:.4g}"],
        timeout=30_000,
    )
    assert re.search(r"cls_gamma=2\.3", page.url)
    assert page.locator("[data-testid=stException]").count() == 0
    # The link restores the view.
    page.goto(page.url)
    wait_idle(page)
    page.get_by_role("heading", name=t("cls.title", lang="en")).wait_for()
    assert _metric(page, label) == f"{0.1**2.3:.4g}"


def _csv(page, name: str) -> str:
    with page.expect_download(timeout=20_000) as download:
        page.locator(f".st-key-cls_dl_{name}_csv button").click()
    return Path(download.value.path()).read_text(encoding="utf-8")


def test_the_focal_csvs_hold_the_values_on_screen_from_a_shared_link_and_after_a_gamma_step(server_url, page):
    """The focal tab's downloads were drawn outside the sections γ reruns, with data read from the session at the
    click: a click builds the file without the session, so a shared link's CSVs held the defaults (γ 2, α 0.25), and
    after a γ step the buttons' files were gone ("Failed to generate file for download"). Each button is now drawn in
    the section that computed its data."""
    _open(page, server_url, "cls_panel=Focal+loss&cls_gamma=2.3&cls_alpha=0.15&cls_nneg=5000")
    first = _csv(page, "focal_curves").splitlines()[0]
    assert "alpha=0.15" in first and "gamma=2.3" in first, first
    pop, grads = _csv(page, "focal_population"), _csv(page, "focal_gradients")
    thumb = (
        page.locator("[data-testid=stSlider]").filter(has_text=t("cls.gamma", lang="en")).locator("input[type=range]")
    )
    thumb.focus()
    thumb.press("ArrowRight")  # 2.3 -> 2.4: the sections rerun, not the page
    page.wait_for_url(re.compile(r"cls_gamma=2\.4"))
    wait_idle(page)
    first = _csv(page, "focal_curves").splitlines()[0]
    assert "alpha=0.15" in first and "gamma=2.4" in first, first
    assert _csv(page, "focal_population") != pop  # the focal loss's shares follow γ
    assert _csv(page, "focal_gradients") != grads  # ... and so do its gradients
    assert page.locator("[data-testid=stException]").count() == 0
    assert not page.get_by_text("Failed to generate").count()


def test_editing_the_anchor_table_rewrites_the_text_the_url_and_the_numbers(server_url, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    _open(page, server_url, "cls_panel=AP-loss&cls_anchors=3:1,2:0,1:1")
    assert _metric(page, t("cls.ap.m_loss", lang="en")) == "0.1667"
    grid = page.locator("[data-testid=stDataFrame]").first  # the editor comes first
    grid.locator("canvas").first.wait_for()
    text = page.locator("[data-testid=stTextInput]").filter(has_text=t("cls.ap.anchors", lang="en")).locator("input")
    # The grid is a canvas: select the "score" cell of the second row (header and rows are ~35 px high), type, Enter.
    # Mouse clicks land only inside the viewport, and the page may still be settling: bring the grid into view and
    # measure it again before every attempt.
    for _attempt in range(3):
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 90, box["y"] + 35 + 35 + 17)
        page.wait_for_timeout(500)
        page.keyboard.type("5.5")
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        wait_idle(page)
        try:
            page.wait_for_function("(el) => el.value === '3:1,5.5:0,1:1'", arg=text.element_handle(), timeout=10_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    assert text.input_value() == "3:1,5.5:0,1:1"
    assert "cls_anchors=3%3A1%2C5.5%3A0%2C1%3A1" in page.url
    # The negative now outranks both positives: precisions 1/2 and 2/3, interpolated to 2/3 each -> loss 1/3.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => m.innerText.includes('AP-loss') && m.innerText.includes('0.3333'))",
        timeout=30_000,
    )
    assert page.locator("[data-testid=stException]").count() == 0
