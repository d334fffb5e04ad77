"""In a real browser: uploading a saved run (only a browser can pick a file) shows its curves, a malformed file is
refused with a message; the page works at 390 px width with its charts drawn."""

from __future__ import annotations

import pytest
from conftest import wait_idle

from lossviz.analysis import simulation as A
from lossviz.i18n import t

pytestmark = pytest.mark.browser

QUERY = "sim_points=2&sim_iters=20"


def _open(page, server_url: str, query: str = QUERY, chart: bool = True) -> None:
    page.goto(f"{server_url}/simulation?{query}")
    wait_idle(page, timeout=240_000)
    page.get_by_role("heading", name=t("sim.title", lang="en")).wait_for(timeout=240_000)
    if chart:
        title = t("sim.fig.curves_title", lang="en")
        page.locator(".lossviz-plotly-chart .gtitle").filter(has_text=title).first.wait_for(timeout=240_000)


def test_uploading_a_saved_run_shows_it_and_a_malformed_file_is_refused(server_url, page, tmp_path):
    _open(page, server_url, QUERY + "&sim_view=load", chart=False)  # the saved-run view
    uploader = page.locator("[data-testid=stFileUploader] input[type=file]")
    bad = tmp_path / "bad.json"
    bad.write_text('{"cases": 1, "losses": ')
    uploader.set_input_files(str(bad))
    page.get_by_text(t("sim.bad_file", lang="en", msg="").strip()).first.wait_for(timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0

    good = tmp_path / "run.json"
    good.write_text(A.to_json(A.run(A.Config(points=1, iters=9, losses=("diou", "siou")))))
    uploader.set_input_files(str(good))
    loaded = t("sim.loaded", lang="en", cases=343, gradients="autograd", iters=9, s=0.0).split(",")[0]
    page.get_by_text(loaded).first.wait_for(timeout=60_000)
    wait_idle(page)
    # the loaded run's chart: two curves (DIoU, SIoU) of 9 points (the chart draws after the script has finished)
    script = (
        "() => [...document.querySelectorAll('.lossviz-plotly-chart__graph')]"
        ".map(g => (g.calcdata || []).map((c, i) => [g.data[i].name, c.length]))"
    )
    page.wait_for_function(f"() => ({script})().some(c => c.length === 2)", timeout=60_000)
    charts = page.evaluate(script)
    assert [["DIoU · autograd", 9], ["SIoU · autograd", 9]] in charts, charts
    assert page.locator("[data-testid=stException]").count() == 0


def test_page_fits_a_390px_screen_with_its_charts_drawn(server_url, page):
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, server_url)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    assert page.locator(".lossviz-plotly-chart .main-svg").count() >= 1  # the selected view only (curves)
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_typo_in_the_url_is_shown_while_the_run_is_still_in_progress(server_url, page):
    # a run can take minutes; the notice about an unknown parameter must not wait for it (a seed of its own: the
    # server's finished runs are shared, and this run must really compute)
    typo = "sim_mdoes=paper"
    page.goto(f"{server_url}/simulation?sim_points=6&sim_modes=autograd&sim_seed=777111&{typo}")
    running = page.get_by_text(t("sim.running", lang="en", loss="IoU, GIoU, DIoU, CIoU", mode="autograd"))
    running.wait_for(timeout=240_000)
    notice = page.locator("[data-testid=stAlert]").filter(has_text="sim_mdoes")
    notice.wait_for(timeout=30_000)
    assert "sim_modes" in notice.inner_text()  # the closest known key is suggested
    assert running.is_visible(), "the run finished before the notice showed"
    assert page.locator("[data-testid=stProgress]").count() >= 1
    wait_idle(page, timeout=240_000)
    assert page.locator("[data-testid=stAlert]").filter(has_text="sim_mdoes").count() == 1
    assert "sim_mdoes" not in page.url
    assert page.locator("[data-testid=stException]").count() == 0
