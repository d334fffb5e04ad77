"""The IoU page in a real Chromium: drag and resize boxes with the mouse, then check the numbers shown against the
torch core computed here from the coordinates the page reports (URL and canvas)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
import torch

from lossviz import losses
from lossviz.i18n import t
from tests.conftest import wait_idle

pytestmark = pytest.mark.browser

SYNCED = """() => {
  const w = document.querySelector('.bc-wrap');
  const app = document.querySelector('[data-testid=stApp]');
  return w && Number(w.getAttribute('data-seq')) >= Number(w.getAttribute('data-sent-seq') || 0)
    && w.getAttribute('data-fresh') === '1' && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
READOUT = re.compile(r"^(?P<name>\S+) loss = (?P<value>-?[\d.]+) · IoU = (?P<iou>[\d.]+)$")


def core(code, pred, target):
    p = torch.tensor(np.asarray([pred], dtype=np.float64))
    g = torch.tensor(np.asarray([target], dtype=np.float64))
    return float(losses.IOU_LOSSES[code](p, g)[0]), float(losses.box_geometry(p, g).iou[0])


def open_iou(page, server_url, query=""):
    page.goto(f"{server_url}/iou{query}")
    wait_idle(page)
    page.wait_for_selector(".bc-wrap[data-fresh='1']", timeout=30_000)
    page.locator(".bc-svg").evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)


def settle(page):
    page.wait_for_function(SYNCED, polling=20, timeout=30_000)
    wait_idle(page)
    page.wait_for_function(SYNCED, polling=20, timeout=30_000)


def shown_boxes(page):
    wrap = page.locator(".bc-wrap")
    pred = [float(v) for v in wrap.get_attribute("data-pred").split(",")]
    target = [float(v) for v in wrap.get_attribute("data-target").split(",")]
    return pred, target


def url_boxes(page, default_pred, default_target):
    """The boxes as the URL holds them (a parameter equal to its default is left out of the URL)."""
    q = parse_qs(urlparse(page.url).query)
    keys = ("iou_px1", "iou_py1", "iou_px2", "iou_py2", "iou_gx1", "iou_gy1", "iou_gx2", "iou_gy2")
    values = [float(q[k][0]) if k in q else d for k, d in zip(keys, [*default_pred, *default_target], strict=True)]
    return [values[:4], values[4:]]


def units_per_px(page):
    bb = page.locator(".bc-svg").bounding_box()
    return 106.0 / bb["width"]  # viewBox is 106 world units wide (-3 .. 103)


def centre_of(page, selector):
    bb = page.locator(selector).bounding_box()
    return bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2


def drag(page, start, delta, steps=8):
    x, y = start
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + delta[0], y + delta[1], steps=steps)
    page.mouse.up()
    settle(page)


def assert_numbers_match_core(page, code="giou"):
    pred, target = shown_boxes(page)
    text = page.locator(".bc-readout").inner_text().strip()
    m = READOUT.match(text)
    assert m, text
    value, iou = core(code, pred, target)
    assert float(m["value"]) == pytest.approx(value, abs=6e-5)
    assert float(m["iou"]) == pytest.approx(iou, abs=6e-5)
    metrics = page.locator("[data-testid=stMetricValue]").all_inner_texts()
    assert float(metrics[0]) == pytest.approx(iou, abs=6e-5)
    assert float(metrics[1]) == pytest.approx(value, abs=6e-5)


def test_dragging_the_prediction_moves_it_and_the_core_numbers_follow(page, server_url):
    open_iou(page, server_url)
    pred0, target0 = shown_boxes(page)
    upp = units_per_px(page)
    drag(page, centre_of(page, ".bc-pred .bc-body"), (-60, 45))
    pred, target = shown_boxes(page)
    assert target == target0
    assert pred[0] - pred0[0] == pytest.approx(-60 * upp, abs=0.6)
    assert pred[1] - pred0[1] == pytest.approx(45 * upp, abs=0.6)
    assert pred[2] - pred[0] == pytest.approx(pred0[2] - pred0[0], abs=0.11)  # a move keeps the size
    # The URL-bound inputs followed the drag, and the numbers shown are the core's for those boxes.
    assert url_boxes(page, pred0, target0) == [pred, target]
    assert page.locator("[data-testid=stNumberInput] input").first.input_value() == f"{pred[0]:.1f}"
    assert_numbers_match_core(page)
    # The drag reran only the pair view; its release must also have brought the landscapes to the new box.
    cx, cy = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
    title = t("iou.land.size_title", name="GIoU", cx=cx, cy=cy)
    page.locator(".lossviz-plotly-chart .gtitle").filter(has_text=title).first.wait_for(timeout=30_000)


def test_resizing_by_a_corner_and_by_an_edge_moves_only_those_edges(page, server_url):
    open_iou(page, server_url)
    pred0, _ = shown_boxes(page)
    upp = units_per_px(page)
    drag(page, centre_of(page, ".bc-pred .bc-h-se"), (40, 25))
    pred1, _ = shown_boxes(page)
    assert pred1[:2] == pred0[:2]
    assert pred1[2] - pred0[2] == pytest.approx(40 * upp, abs=0.6)
    assert pred1[3] - pred0[3] == pytest.approx(25 * upp, abs=0.6)
    # The left edge itself (an invisible, wide hit line) away from its handle.
    bb = page.locator(".bc-pred .bc-body").bounding_box()
    drag(page, (bb["x"], bb["y"] + bb["height"] * 0.25), (-30, 0))
    pred2, _ = shown_boxes(page)
    assert pred2[0] - pred1[0] == pytest.approx(-30 * upp, abs=0.6)
    assert pred2[1:] == pred1[1:]
    assert_numbers_match_core(page)


def test_the_ground_truth_can_be_dragged_too(page, server_url):
    open_iou(page, server_url, "?iou_loss=DIoU")
    pred0, target0 = shown_boxes(page)
    bb = page.locator(".bc-target .bc-body").bounding_box()
    # grab the part of the target that the prediction does not cover (its bottom-right corner region)
    drag(page, (bb["x"] + bb["width"] * 0.85, bb["y"] + bb["height"] * 0.85), (30, -20))
    pred, target = shown_boxes(page)
    assert pred == pred0 and target != target0
    assert url_boxes(page, pred0, target0) == [pred, target]
    assert_numbers_match_core(page, "diou")


def test_a_box_cannot_leave_the_canvas_or_collapse(page, server_url):
    open_iou(page, server_url)
    pred0, _ = shown_boxes(page)
    drag(page, centre_of(page, ".bc-pred .bc-body"), (-2000, -2000))
    pred, _ = shown_boxes(page)
    assert pred[0] == 0 and pred[1] == 0
    assert pred[2] == pytest.approx(pred0[2] - pred0[0], abs=0.11)
    # Crush it: the right edge dragged far past the left one stops at the minimum size.
    drag(page, centre_of(page, ".bc-pred .bc-h-e"), (-2000, 0))
    pred, _ = shown_boxes(page)
    assert pred[2] - pred[0] == pytest.approx(1.0, abs=0.11)
    assert_numbers_match_core(page)
    assert not page.locator("[data-testid=stException]").count()


def test_numbers_update_during_the_drag_before_release(page, server_url):
    open_iou(page, server_url)
    x, y = centre_of(page, ".bc-pred .bc-body")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 10, steps=4)
    sent = int(page.locator(".bc-wrap").get_attribute("data-sent-seq"))
    # Still holding the button: the core's numbers for this position come back and are shown.
    page.wait_for_function(
        "(seq) => { const w = document.querySelector('.bc-wrap');"
        " return Number(w.getAttribute('data-seq')) >= seq && w.getAttribute('data-fresh') === '1'; }",
        arg=sent,
        polling=20,
        timeout=30_000,
    )
    pred, target = shown_boxes(page)
    m = READOUT.match(page.locator(".bc-readout").inner_text().strip())
    assert float(m["value"]) == pytest.approx(core("giou", pred, target)[0], abs=6e-5)
    page.mouse.up()
    settle(page)
    assert_numbers_match_core(page)


def test_iou_draws_no_gradient_arrows_for_disjoint_boxes_but_giou_does(page, server_url):
    boxes = "iou_px1=5&iou_py1=5&iou_px2=25&iou_py2=30"  # far from the default ground truth (40, 38, 82, 78)
    open_iou(page, server_url, f"?iou_loss=IoU&{boxes}")
    assert page.locator(".bc-arrow").count() == 0
    assert page.locator("[data-testid=stAlert]").filter(has_text="exactly zero").count() == 1
    open_iou(page, server_url, f"?iou_loss=GIoU&{boxes}")
    assert page.locator(".bc-arrow").count() == 4
    # Descent grows the prediction towards the target: the right and bottom edges move right and down.
    for edge, axis in (("x2", "x"), ("y2", "y")):
        line = page.locator(f".bc-arrow[data-edge={edge}] line")
        assert float(line.get_attribute(f"{axis}2")) > float(line.get_attribute(f"{axis}1"))
    assert_numbers_match_core(page)


def _drawn_enclose(page):
    rect = page.locator(".bc-enclose")
    return [float(rect.get_attribute(a)) for a in ("x", "y", "width", "height")]


def _core_enclose(page):
    pred, target = shown_boxes(page)
    p = torch.tensor([pred], dtype=torch.float64)
    g = torch.tensor([target], dtype=torch.float64)
    x1, y1, x2, y2 = losses.box_geometry(p, g).enclose[0].tolist()
    return [x1, y1, x2 - x1, y2 - y1]


SNAPSHOT = """() => {
  const w = document.querySelector('.bc-wrap');
  const r = document.querySelector('.bc-enclose');
  return {
    cls: document.querySelector('.bc-overlay').getAttribute('class') || '',
    rect: ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a))),
    pred: w.getAttribute('data-pred').split(',').map(Number),
    target: w.getAttribute('data-target').split(',').map(Number),
  };
}"""


def test_the_canvas_draws_the_core_geometry_and_never_derives_its_own(page, server_url):
    open_iou(page, server_url)
    assert _drawn_enclose(page) == pytest.approx(_core_enclose(page), abs=1e-6)
    before = _drawn_enclose(page)
    x, y = centre_of(page, ".bc-pred .bc-body")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y - 40, steps=2)
    # Mid-drag the boxes move locally, but the enclosing box drawn is still the core's (dimmed), never one derived
    # from the local boxes. One snapshot, so a rerun landing between two reads cannot mix states.
    snap = page.evaluate(SNAPSHOT)
    p = torch.tensor([snap["pred"]], dtype=torch.float64)
    g = torch.tensor([snap["target"]], dtype=torch.float64)
    x1, y1, x2, y2 = losses.box_geometry(p, g).enclose[0].tolist()
    local = [x1, y1, x2 - x1, y2 - y1]  # what a canvas deriving its own geometry would draw for the boxes shown
    # read right after the move, long before the round trip to the core (~100 ms): the overlay is the core's old one
    assert "bc-stale" in snap["cls"]
    assert snap["rect"] != pytest.approx(local, abs=1e-6)
    page.mouse.up()
    settle(page)
    assert "bc-stale" not in (page.locator(".bc-overlay").get_attribute("class") or "")
    assert _drawn_enclose(page) == pytest.approx(_core_enclose(page), abs=1e-6)
    assert _drawn_enclose(page) != pytest.approx(before)
