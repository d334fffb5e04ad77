"""In a real browser: a keyboard step on the error slider updates the URL and the plotted gradients in place; an old
C-BBL link on the Regression page leads, with its settings, to the Box-size page; the page fits a 390 px phone."""

import re

import numpy as np
import pytest
import torch
from conftest import wait_idle

from lossviz import losses
from lossviz.i18n import t

pytestmark = pytest.mark.browser

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
    page.get_by_role("heading", name=t("bs.title", lang="en")).wait_for()


def _iou_grad_per_pixel(w: np.ndarray, shift: float) -> np.ndarray:
    d = torch.full((len(w),), shift, dtype=torch.float64, requires_grad=True)
    wt = torch.as_tensor(w, dtype=torch.float64)
    target = torch.stack([-wt / 2, -wt / 2, wt / 2, wt / 2], -1)
    pred = target + torch.stack([d, torch.zeros_like(d), d, torch.zeros_like(d)], -1)
    losses.iou_loss(pred, target).sum().backward()
    return d.grad.abs().numpy()


def test_arrow_key_on_the_error_slider_moves_the_url_and_the_plotted_gradients(server_url, page):
    _open(page, server_url + "/boxsize")
    before = _trace(page, "IoU")
    page.evaluate(MARK_GRAPH, "IoU")
    slider = page.locator("[data-testid=stSlider]").filter(has_text=t("bs.size.px"))
    slider.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"bs_px=2\.25"), timeout=30_000)
    wait_idle(page)
    page.wait_for_function(
        f"(y0) => {{ const tr = ({READ_TRACE})('IoU'); return tr && tr.y[60] !== y0; }}",
        arg=before["y"][60],
        timeout=30_000,
    )
    after = _trace(page, "IoU")
    core = _iou_grad_per_pixel(np.asarray(after["x"]), 2.25)
    drawn = np.asarray([np.nan if v is None else v for v in after["y"]], dtype=float)
    np.testing.assert_allclose(drawn, np.where(core > 0, core, np.nan), rtol=1e-9)  # zero gradient: a gap
    assert page.evaluate(GRAPH_IS_MARKED, "IoU"), "the size chart was remounted instead of updated in place"
    assert page.locator("[data-testid=stException]").count() == 0


def test_old_cbbl_link_leads_to_the_box_size_page_with_its_settings_on_a_phone(server_url, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        page.goto(server_url + "/regression?reg_cb_n=8&reg_cb_kind=uniform")
        wait_idle(page)
        link = page.locator("a[href*='boxsize?']")
        link.first.wait_for()
        href = link.first.get_attribute("href")
        assert "bs_cb_n=8" in href and "bs_cb_kind=uniform" in href
        page.goto(server_url + "/" + href.split("/")[-1])
        wait_idle(page)
        page.get_by_role("heading", name=t("bs.title", lang="en")).wait_for()
        n_slider = page.locator("[data-testid=stSlider]").filter(has_text=t("reg.cbbl.n"))
        assert n_slider.locator("input[type=range]").input_value() == "8"
        assert page.locator("[data-testid=stException]").count() == 0
        # nothing wider than the phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        ctx.close()
