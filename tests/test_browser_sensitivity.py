"""In a real browser: uploading a ground truth and two detection files through the file inputs gives their report;
a bad file gives a message naming the entry (no traceback); the page fits a 390 px phone screen."""

from __future__ import annotations

import pytest
from conftest import wait_idle

from lossviz.analysis import sensitivity as S
from lossviz.i18n import t

pytestmark = pytest.mark.browser


def _open(page, server_url: str, query: str = "") -> None:
    page.goto(f"{server_url}/sensitivity{query}")
    wait_idle(page)
    page.get_by_role("heading", name=t("sens.title", lang="en")).wait_for()


def _file_input(page, label_key: str):
    box = page.locator("[data-testid=stFileUploader]").filter(has_text=t(label_key, lang="en"))
    return box.locator("input[type=file]")


def _metric_text(page) -> str:
    return " | ".join(page.locator("[data-testid=stMetric]").all_inner_texts())


def test_uploading_files_in_the_browser_shows_their_report(server_url, page, tmp_path):
    gt, runs = S.synthetic_sample()
    (tmp_path / "gt.json").write_bytes(gt)
    (tmp_path / "before.json").write_bytes(runs["Smooth L1"])
    (tmp_path / "after.json").write_bytes(runs["Balanced L1"])
    _open(page, server_url)
    page.locator("[data-testid=stMetric]").filter(has_text="Smooth L1").wait_for()  # the synthetic sample first
    _file_input(page, "sens.upload_gt").set_input_files(str(tmp_path / "gt.json"))
    wait_idle(page)
    _file_input(page, "sens.upload_dt").set_input_files([str(tmp_path / "before.json"), str(tmp_path / "after.json")])
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('after.json'))",
        timeout=60_000,
    )
    wait_idle(page)
    text = _metric_text(page)
    assert "before.json" in text and "0.1546" in text and "0.0912" in text
    assert page.locator("[data-testid=stException]").count() == 0
    # the bars of both runs are drawn, named with their std (the chart updates in place, after the script run)
    want = [
        t("sens.fig.run_std", run=r, std=v, lang="en") for r, v in (("before.json", "0.1546"), ("after.json", "0.0912"))
    ]
    page.wait_for_function(
        "(want) => { const names = [...document.querySelectorAll('.js-plotly-plot')]"
        ".flatMap(g => (g._fullData || []).map(t => t.name)); return want.every(w => names.includes(w)); }",
        arg=want,
        timeout=30_000,
    )


def test_a_bad_detections_file_gives_a_message_naming_the_entry(server_url, page, tmp_path):
    gt, _ = S.synthetic_sample()
    (tmp_path / "gt.json").write_bytes(gt)
    (tmp_path / "bad.json").write_text('[{"image_id": 4242, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5}]')
    _open(page, server_url)
    _file_input(page, "sens.upload_gt").set_input_files(str(tmp_path / "gt.json"))
    wait_idle(page)
    _file_input(page, "sens.upload_dt").set_input_files(str(tmp_path / "bad.json"))
    alert = page.locator("[data-testid=stAlert]").filter(has_text="image_id 4242 is not in the ground truth")
    alert.wait_for(timeout=60_000)
    assert "bad.json" in alert.inner_text()
    assert page.locator("[data-testid=stException]").count() == 0


def test_page_fits_a_390px_screen(server_url, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        _open(page, server_url)
        page.locator("[data-testid=stMetric]").first.wait_for()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
    finally:
        ctx.close()
