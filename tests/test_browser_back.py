"""In a real browser: Back returns to a page with the URL it was left with, also when its run ended early."""

import pytest
from conftest import wait_idle

from lossviz.analysis import simulation as sim
from lossviz.i18n import t

pytestmark = pytest.mark.browser


def test_back_restores_a_page_whose_run_stopped_early(server_url, page):
    """A shared link to Simulation at the paper's scale waits for its start button (the page stops early: the run
    never reaches the end where the shell notes the page's URL); the student looks at Home and presses Back, to the
    bare /simulation entry Streamlit pushes on the way out. The link's settings must come back, not the defaults."""
    page.goto(f"{server_url}/simulation?sim_points={sim.PAPER_POINTS}&sim_iters=150")
    start = page.locator(".st-key-sim_start button")
    start.wait_for()
    wait_idle(page)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=t("nav.home")).click()
    page.get_by_role("heading", name=t("app.title")).first.wait_for()
    wait_idle(page)
    page.go_back()
    page.get_by_role("heading", name=t("sim.title")).first.wait_for()
    page.wait_for_function(f"location.search.includes('sim_points={sim.PAPER_POINTS}')", timeout=30_000)
    wait_idle(page)
    assert "sim_iters=150" in page.url
    start.wait_for()  # the same view: still waiting for the user's start
    assert page.locator("[data-testid=stException]").count() == 0
