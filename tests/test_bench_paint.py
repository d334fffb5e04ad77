"""``bench/bench_paint.py``'s measurement in Chromium, on a page made here: which changes end a step.

A step ends at the frame after the last change *on screen*. Before, any change of a figure or number counted, on
screen or not: the IoU page's "release" ended at the canvas readout being rewritten with the same text, and the
landscapes, 1,500 px below, were drawn a second later by design (lossviz's chart draws a far figure when it
scrolls near, or after a quiet second), so what the issue calls "the landscapes redrawn" was never timed.
"""

from __future__ import annotations

import pytest

from bench.bench_paint import ARM, SHOWN

pytestmark = pytest.mark.browser

PAGE = """<div data-testid="stApp" data-test-script-state="notRunning"><div data-testid="stMain">
  <div class="js-plotly-plot" id="near" style="height: 100px">near</div>
  <div style="height: 3000px"></div>
  <div class="js-plotly-plot" id="far" style="height: 100px">far</div>
</div></div>"""

# A rerun (the script runs for 30 ms) and changes of the two figures at the given times after the key.
STEP = """async ([nearAt, farAt]) => {
  const app = document.querySelector('[data-testid=stApp]');
  const later = (ms, f) => setTimeout(f, ms);
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'}));
  later(0, () => app.setAttribute('data-test-script-state', 'running'));
  later(30, () => app.setAttribute('data-test-script-state', 'notRunning'));
  if (nearAt !== null) later(nearAt, () => { document.getElementById('near').textContent = 'near, new'; });
  if (farAt !== null) later(farAt, () => { document.getElementById('far').textContent = 'far, new'; });
  return await window.__paint;
}"""


def _step(page, near_at, far_at) -> dict:
    page.set_content(PAGE)
    page.evaluate(ARM, ["keydown", SHOWN, 400])  # quiet for 400 ms ends a step
    return page.evaluate(STEP, [near_at, far_at])


def test_a_change_below_the_fold_after_the_one_on_screen_does_not_end_the_step(page):
    out = _step(page, 60, 300)  # within the quiet time after the first: it would have been the step's end
    assert out["changed"] and 60 <= out["ms"] < 280, out


def test_a_change_on_screen_after_one_below_the_fold_ends_the_step(page):
    out = _step(page, 250, 60)
    assert out["changed"] and out["ms"] >= 250, out  # the far change alone would have ended it at ~60 ms


def test_a_step_that_changed_only_what_is_below_the_fold_changed_nothing_shown(page):
    out = _step(page, None, 60)
    assert not out["changed"], out
