"""The IoU page in a real Chromium: drag and resize boxes with the mouse, then check the numbers shown against the
torch core computed here from the coordinates the page reports (URL and canvas)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
import torch

from lossviz import losses
from lossviz.i18n import t
from tests.conftest import wait_idle

pytestmark = pytest.mark.browser

# The canvas says it is waiting for Python with aria-busy, and dims its readout while the numbers belong to older
# boxes; the test (not the canvas) also reads Streamlit's script state.
SYNCED = """() => {
  const w = document.querySelector('.bc-wrap');
  const app = document.querySelector('[data-testid=stApp]');
  return w && !w.hasAttribute('aria-busy') && !w.querySelector('.bc-readout.bc-stale')
    && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
COORDS = re.compile(r": x1 (-?[\d.]+), y1 (-?[\d.]+), x2 (-?[\d.]+), y2 (-?[\d.]+)$")
READOUT = re.compile(r"^(?P<name>\S+) loss = (?P<value>-?[\d.]+) · IoU = (?P<iou>[\d.]+)$")


def core(code, pred, target):
    p = torch.tensor(np.asarray([pred], dtype=np.float64))
    g = torch.tensor(np.asarray([target], dtype=np.float64))
    return float(losses.IOU_LOSSES[code](p, g)[0]), float(losses.box_geometry(p, g).iou[0])


def open_iou(page, server_url, query=""):
    page.goto(f"{server_url}/iou{query}")
    wait_idle(page)
    page.wait_for_selector(".bc-readout:not(.bc-stale)", timeout=30_000)
    page.locator(".bc-svg").evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)


def settle(page):
    page.wait_for_function(SYNCED, polling=20, timeout=30_000)
    wait_idle(page)
    page.wait_for_function(SYNCED, polling=20, timeout=30_000)


def box_of(label):
    m = COORDS.search(label)
    assert m, label
    return [float(v) for v in m.groups()]


def shown_boxes(page):
    """The boxes as the canvas announces them (each box's accessible name carries its coordinates)."""
    return [box_of(page.locator(f".bc-box.bc-{w}").get_attribute("aria-label")) for w in ("pred", "target")]


def url_boxes(page, default_pred, default_target):
    """The boxes as the URL holds them (a parameter equal to its default is left out of the URL)."""
    q = parse_qs(urlparse(page.url).query)
    keys = ("iou_px1", "iou_py1", "iou_px2", "iou_py2", "iou_gx1", "iou_gy1", "iou_gx2", "iou_gy2")
    values = [float(q[k][0]) if k in q else d for k, d in zip(keys, [*default_pred, *default_target], strict=True)]
    return [values[:4], values[4:]]


def units_per_px(page):
    bb = page.locator(".bc-svg").bounding_box()
    return float(page.locator(".bc-svg").get_attribute("viewBox").split()[2]) / bb["width"]


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
    title = re.sub("<[^>]+>", "", t("iou.land.size_title", name="GIoU", cx=cx, cy=cy))  # as drawn: tags become style
    page.locator(".lossviz-plotly-chart .gtitle").filter(has_text=title).first.wait_for(timeout=30_000)


def test_a_typed_coordinate_moves_the_box_and_the_pane_landscapes_and_link_follow(page, server_url):
    """A typed coordinate reruns only the box pane and the landscapes (issue 15: the page and the app's shell stay):
    in the browser the canvas, the numbers, the landscapes, the simulation link and the URL all follow it."""
    open_iou(page, server_url)
    pred0, target0 = shown_boxes(page)
    page.get_by_text(t("iou.coords")).click()
    x1 = page.locator(".st-key-iou_px1 input")
    x1.fill("12.5")
    x1.press("Enter")
    settle(page)
    pred, target = shown_boxes(page)
    assert pred == [12.5, *pred0[1:]] and target == target0
    assert url_boxes(page, pred0, target0) == [pred, target]
    assert_numbers_match_core(page)
    cx, cy = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
    title = re.sub("<[^>]+>", "", t("iou.land.size_title", name="GIoU", cx=cx, cy=cy))
    page.locator(".lossviz-plotly-chart .gtitle").filter(has_text=title).first.wait_for(timeout=30_000)
    href = page.get_by_role("link", name=t("sim.link_from_iou")).get_attribute("href")
    pair = ";".join(",".join(f"{v:g}" for v in box) for box in (pred, target))
    assert parse_qs(urlparse(href).query)["sim_pair"] == [pair], href
    assert page.locator(".st-key-iou_px1 input").input_value() == "12.5"


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
    pred0, _ = shown_boxes(page)
    x, y = centre_of(page, ".bc-pred .bc-body")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 10, steps=4)
    moved = shown_boxes(page)[0]
    assert moved != pred0
    # Still holding the button: the core's numbers for this position come back and are shown.
    page.wait_for_selector(".bc-readout:not(.bc-stale)", timeout=30_000)
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
  const r = document.querySelector('.bc-enclose');
  const coords = (w) => document.querySelector(`.bc-box.bc-${w}`).getAttribute('aria-label')
    .split(': ')[1].split(', ').map((p) => Number(p.split(' ')[1]));
  return {
    cls: document.querySelector('.bc-overlay').getAttribute('class') || '',
    rect: ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a))),
    pred: coords('pred'),
    target: coords('target'),
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


# --- keyboard (issue 14, item 2) ----------------------------------------------------------------------------------

FOCUSED = """() => { const a = document.activeElement;
  return a && a.classList.contains('bc-box') ? a.getAttribute('data-which') : null; }"""


def tab_to_canvas(page, limit=60):
    """Press Tab from the top of the page until a box of the canvas has the focus; returns which box."""
    page.locator("h1").first.click()
    for _ in range(limit):
        page.keyboard.press("Tab")
        which = page.evaluate(FOCUSED)
        if which:
            return which
    raise AssertionError("Tab never reached the canvas")


def test_tab_reaches_the_canvas_and_arrow_keys_move_and_resize_the_selected_box(page, server_url):
    sent = []  # what the browser sends to the server over the websocket (each canvas update is one rerun request)
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_iou(page, server_url)
    pred0, target0 = shown_boxes(page)
    assert page.locator(".bc-svg").get_attribute("aria-label")
    assert tab_to_canvas(page) == "target"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "pred"
    # Visible focus: the selected box's outline is drawn thicker than the other's.
    width = "(w) => parseFloat(getComputedStyle(document.querySelector(`.bc-${w} .bc-body`)).strokeWidth)"
    assert page.evaluate(width, "pred") > page.evaluate(width, "target")
    # The live region reads out the selected box.
    assert page.locator(".bc-live").inner_text().startswith(t("iou.pred"))
    before = len(sent)
    for _ in range(10):  # a held key: ten moves, but debounced to (about) one update to the server
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")  # Shift: 10 units
    page.keyboard.press("Alt+ArrowRight")  # Alt: resize (right edge out)
    page.keyboard.press("Control+ArrowUp")  # Ctrl: resize too (bottom edge up)
    expected = [pred0[0] + 10, pred0[1] + 10, pred0[2] + 11, pred0[3] + 9]
    assert shown_boxes(page)[0] == pytest.approx(expected)
    assert COORDS.search(page.locator(".bc-live").inner_text().split(". ")[0])  # its coordinates, then numbers
    settle(page)
    # ... and once they are, the live region says them too.
    assert page.locator(".bc-live").inner_text().endswith(". " + page.locator(".bc-readout").inner_text())
    pred, target = shown_boxes(page)
    assert pred == pytest.approx(expected) and target == target0
    assert url_boxes(page, pred0, target0) == [pred, target]
    assert_numbers_match_core(page)
    assert len(sent) - before <= 3, "keyboard edits must be debounced, not one rerun per key"
    assert page.evaluate(FOCUSED) == "pred"  # the focus survived the reruns


SEND_TIMES = """(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) { window.__sent.push(performance.now()); return send.call(this, data); };
})()"""


def test_a_single_arrow_key_press_reaches_the_server_without_waiting_for_the_keys_to_rest(page, server_url):
    """One arrow press waited for the keys to rest (300 ms) before its boxes went to the server, so the numbers and
    landscapes followed a single press a third of a second late (issue 15: IoU's key step was 3.5x the bare page's
    slider step). The first press of a burst now goes out at once; the presses after it still go out together, once
    the keys rest (the burst test above)."""
    page.add_init_script(SEND_TIMES)
    open_iou(page, server_url)
    pred0, target0 = shown_boxes(page)
    tab_to_canvas(page)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "pred"
    settle(page)
    before = page.evaluate("() => { window.__keyAt = performance.now(); return window.__sent.length; }")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)
    sent, key_at = page.evaluate("(n) => [window.__sent.slice(n), window.__keyAt]", before)
    assert sent, "the key press sent nothing"
    assert sent[0] - key_at < 300, f"the first update left {sent[0] - key_at:.0f} ms after the key (the rest wait)"
    assert len(sent) == 1, "a single press is one update, not a second one when the keys rest"
    settle(page)
    moved = [pred0[0] + 1, pred0[1], pred0[2] + 1, pred0[3]]
    assert shown_boxes(page) == [pytest.approx(moved), pytest.approx(target0)]
    assert url_boxes(page, pred0, target0) == [moved, target0]
    assert_numbers_match_core(page)


# The canvas's keys-at-rest timer (its callback names `keyTimer`) is held until the test lets it run: the rest then
# comes after the press's rerun is drawn on a machine of any speed. (Holding the page's whole clock holds Streamlit's
# delivery of that rerun too.)
HOLD_REST = """(() => {
  const original = window.setTimeout;
  window.__heldRest = [];
  window.setTimeout = function (fn, ms, ...rest) {
    if (typeof fn === 'function' && String(fn).includes('keyTimer')) {
      window.__heldRest.push(fn);
      return original.call(window, () => {}, 0);
    }
    return original.call(window, fn, ms, ...rest);
  };
})();"""


def test_the_live_region_says_the_moved_box_and_then_the_loss_and_iou_it_gives(page, server_url):
    """A screen-reader user heard only the box's coordinates after a move, and had to leave the box to learn what the
    move did (fresh-eyes check). Once the numbers belong to the boxes shown, the live region says them too; never
    numbers of older boxes."""
    open_iou(page, server_url)
    tab_to_canvas(page)
    page.keyboard.press("Tab")
    settle(page)
    page.keyboard.press("ArrowRight")
    settle(page)
    live, readout = page.locator(".bc-live").inner_text(), page.locator(".bc-readout").inner_text()
    assert READOUT.match(readout), readout
    assert live == f"{page.locator('.bc-box.bc-pred').get_attribute('aria-label')}. {readout}", live


def test_the_keys_coming_to_rest_do_not_redraw_a_canvas_that_already_shows_the_servers_boxes(page, server_url):
    """When the keys rested (300 ms after a press) the canvas drew itself again even when nothing was left to send
    and Python's boxes were the ones shown: its labels measured and placed again, and the readout and the live region
    rewritten with the same text (a change a screen reader may announce again, and one that `bench_paint` counted as
    the step's last change: the IoU arrow key looked 1.8x the bare page when its numbers had long been painted)."""
    page.add_init_script(HOLD_REST)
    open_iou(page, server_url)
    tab_to_canvas(page)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "pred"
    pred0 = shown_boxes(page)[0]
    page.keyboard.press("ArrowRight")  # the first press goes out at once
    settle(page)  # its rerun is drawn; the rest is held
    assert shown_boxes(page)[0] == pytest.approx([pred0[0] + 1, pred0[1], pred0[2] + 1, pred0[3]])
    page.evaluate(
        """() => { window.__rewrites = [];
        new MutationObserver((rs) => window.__rewrites.push(...rs.map((r) => r.target.nodeName)))
          .observe(document.querySelector('.bc-wrap'), {subtree: true, childList: true, characterData: true,
                                                        attributes: true, attributeFilter: ['x', 'y']}); }"""
    )
    assert page.evaluate("() => window.__heldRest.length") == 1
    page.evaluate("() => window.__heldRest.splice(0).forEach((f) => f())")  # now the keys rest
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__rewrites") == [], "the rest redrew a canvas that showed the server's boxes"
    settle(page)
    assert_numbers_match_core(page)


def _with_coordinates_open(page, server_url, key: str = "iou_gx1"):
    """The IoU page with its coordinate inputs shown: (predicted box, ground truth, the input ``key``)."""
    open_iou(page, server_url)
    pred0, target0 = shown_boxes(page)
    page.get_by_text(t("iou.coords")).click()
    box = page.locator(f".st-key-{key} input")
    box.wait_for()
    settle(page)
    return pred0, target0, box


def _type_ground_truth_x1(page, gx1) -> None:
    gx1.evaluate("el => { el.focus(); el.select(); }")
    page.keyboard.type("33")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"iou_gx1=33\b"))  # the input took it (URL-bound)


def test_a_coordinate_typed_right_after_a_key_burst_on_the_other_box_stays(page, server_url):
    """A ground-truth coordinate typed within 0.3 s of a burst of arrow keys on the predicted box was overwritten: the
    keys-at-rest update sent both boxes, the ground truth with the canvas's older copy. The canvas now sends only the
    box it moved. The page's clock is held from the keys until the typed value has reached the server, so the keys
    rest after it on a machine of any speed."""
    page.clock.install()
    pred0, target0, gx1 = _with_coordinates_open(page, server_url)
    tab_to_canvas(page)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "pred"
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)  # the page's timers wait: the keys cannot rest yet
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    _type_ground_truth_x1(page, gx1)
    page.wait_for_timeout(1500)  # ... and the server, in real time, while the page's clock still waits
    page.clock.resume()  # now the keys rest: the canvas sends its update
    page.wait_for_timeout(600)
    settle(page)
    moved = [pred0[0] + 4, pred0[1], pred0[2] + 4, pred0[3]]
    typed = [33.0, *target0[1:]]
    assert gx1.input_value() == "33.0"
    assert shown_boxes(page) == [pytest.approx(moved), pytest.approx(typed)]
    assert url_boxes(page, pred0, target0) == [moved, typed]
    assert_numbers_match_core(page)


def test_a_coordinate_typed_while_the_other_box_is_dragged_stays_after_the_release(page, server_url):
    """The same race by the pointer: the release sent both boxes, and the ground truth typed while the prediction
    was held was written back with the canvas's older copy. Only the dragged box goes out now, and the canvas shows
    the typed ground truth at once, mid-drag."""
    pred0, target0, gx1 = _with_coordinates_open(page, server_url)
    upp = units_per_px(page)
    x, y = centre_of(page, ".bc-pred .bc-body")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 30, y + 20, steps=5)
    _type_ground_truth_x1(page, gx1)  # typed with the prediction still held
    page.wait_for_function("() => /x1 33\\.0,/.test(document.querySelector('.bc-target').getAttribute('aria-label'))")
    page.mouse.up()
    settle(page)
    pred, target = shown_boxes(page)
    assert pred[0] - pred0[0] == pytest.approx(-30 * upp, abs=0.6)
    assert target == [33.0, *target0[1:]]
    assert gx1.input_value() == "33.0"
    assert url_boxes(page, pred0, target0) == [pred, target]
    assert_numbers_match_core(page)


# The two landscapes as the test sees them: dimmed (our chart's stale class), aria-busy, opacity, and their title.
LANDSCAPES = """() => ['centre', 'size'].map((plane) => {
  const r = document.querySelector(`.st-key-iou_land_${plane} .lossviz-plotly-chart`);
  const title = r && r.querySelector('.gtitle');
  return r && {stale: r.classList.contains('lossviz-plotly-chart--stale'), busy: r.getAttribute('aria-busy'),
               opacity: Number(getComputedStyle(r).opacity), title: title ? title.textContent : null};
})"""
# Records every change of the landscapes' state from now on (a rerun's dimmed stretch may be short).
RECORD_LANDSCAPES = f"""() => {{
  window.__lands = [];
  const snap = {LANDSCAPES};
  const take = () => {{
    const now = JSON.stringify(snap());
    if (window.__lands[window.__lands.length - 1] !== now) window.__lands.push(now);
  }};
  take();
  new MutationObserver(take).observe(document.body, {{subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['class', 'aria-busy', 'style']}});
}}"""


def _titles(pred):
    cx, cy, w, h = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2, pred[2] - pred[0], pred[3] - pred[1]
    return [
        re.sub("<[^>]+>", "", t(f"iou.land.{key}", name="GIoU", cx=cx, cy=cy, w=w, h=h))
        for key in ("centre_title", "size_title")
    ]


def _fresh_for(page, pred):
    """Wait until both landscapes are drawn for ``pred`` and neither is dimmed or busy."""
    want = [" ".join(x.replace("\u200b", "").split()) for x in _titles(pred)]
    page.wait_for_function(
        f"""(want) => ({LANDSCAPES})().every((l, i) => l && !l.stale && l.busy === 'false' && l.opacity === 1
            && l.title && l.title.replace(/\u200b/g, '').split(/\\s+/).join(' ') === want[i])""",
        arg=want,
        timeout=30_000,
    )


def test_landscapes_are_dimmed_and_busy_from_a_typed_coordinate_until_redrawn(page, server_url):
    """A typed coordinate reruns the pair view and the landscapes (1-2 s on a loaded machine); Streamlit marks a
    fragment's elements stale only once the run starts and fades them in only after 0.5 s, so the old landscapes
    passed for current. They are now dimmed and aria-busy as soon as the canvas shows the new box, until the
    landscapes drawn for it replace them."""
    pred0, _, x1 = _with_coordinates_open(page, server_url, "iou_px1")
    _fresh_for(page, pred0)
    page.evaluate(RECORD_LANDSCAPES)
    x1.fill("12.5")
    x1.press("Enter")
    pred = [12.5, *pred0[1:]]
    _fresh_for(page, pred)
    settle(page)
    states = [json.loads(s) for s in page.evaluate("window.__lands")]
    old = [" ".join(x.split()) for x in _titles(pred0)]
    norm = lambda s: " ".join((s or "").replace("\u200b", "").split())  # noqa: E731
    for i in range(2):
        shown = [(norm(s[i]["title"]), s[i]) for s in states if s[i]]
        dimmed_old = [x for title, x in shown if title == norm(old[i]) and x["stale"]]
        assert dimmed_old, f"landscape {i} was never dimmed while it showed the old box: {shown}"
        assert all(x["busy"] == "true" and x["opacity"] < 0.6 for x in dimmed_old)
        # Once dimmed, the old picture never shows as current again.
        first = next(k for k, (title, x) in enumerate(shown) if x["stale"])
        assert not [x for title, x in shown[first:] if title == norm(old[i]) and not x["stale"]], shown
    final = page.evaluate(LANDSCAPES)
    assert all(not x["stale"] and x["busy"] == "false" and x["opacity"] == 1 for x in final)


def test_landscapes_are_dimmed_while_a_box_is_dragged_and_not_after_the_release_redraws_them(page, server_url):
    open_iou(page, server_url)
    pred0, _ = shown_boxes(page)
    _fresh_for(page, pred0)
    x, y = centre_of(page, ".bc-pred .bc-body")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 40, y + 30, steps=6)
    page.wait_for_function(f"() => ({LANDSCAPES})().every((l) => l.stale && l.busy === 'true' && l.opacity < 0.6)")
    page.wait_for_timeout(500)  # still held: still dimmed, whatever the reruns of the pair view in between
    assert all(x["stale"] and x["busy"] == "true" for x in page.evaluate(LANDSCAPES))
    page.mouse.up()
    settle(page)
    pred, _ = shown_boxes(page)
    assert pred != pred0
    _fresh_for(page, pred)


# --- collisions and ticks (issue 14, item 5) ------------------------------------------------------------------------

GEOMETRY = """() => {
  const vis = (n) => n && getComputedStyle(n).display !== 'none' && n.textContent;
  const labels = {};
  for (const n of document.querySelectorAll('.bc-labels text')) {
    if (!vis(n)) continue;
    const b = n.getBBox();
    labels[n.textContent] = [b.x, b.y, b.x + b.width, b.y + b.height];
  }
  const line = (n) => ['x1', 'y1', 'x2', 'y2'].map((a) => Number(n.getAttribute(a)));
  const segs = [...document.querySelectorAll('.bc-box .bc-edge'), document.querySelector('.bc-diag'),
                document.querySelector('.bc-rho')].filter((n) => getComputedStyle(n).display !== 'none').map(line);
  const e = document.querySelector('.bc-enclose');
  if (getComputedStyle(e).display !== 'none') {
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(e.getAttribute(a)));
    segs.push([x, y, x + w, y], [x + w, y, x + w, y + h], [x, y + h, x + w, y + h], [x, y, x, y + h]);
  }
  const ticks = [...document.querySelectorAll('.bc-tick-label')].map((n) => n.textContent);
  return {labels, segs, ticks};
}"""


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(seg, r, n=200):
    x1, y1, x2, y2 = seg
    return any(r[0] < x1 + (x2 - x1) * k / n < r[2] and r[1] < y1 + (y2 - y1) * k / n < r[3] for k in range(n + 1))


@pytest.mark.parametrize("preset", ["overlap", "containment", "aspect", "disjoint", "fig2_corner"])
def test_canvas_labels_collide_with_no_label_and_no_line_and_the_canvas_has_ticks(page, server_url, preset):
    from lossviz.analysis import iou as A

    p, g = A.PRESETS[preset]
    keys = ("iou_px1", "iou_py1", "iou_px2", "iou_py2", "iou_gx1", "iou_gy1", "iou_gx2", "iou_gy2")
    query = "&".join(f"{k}={v}" for k, v in zip(keys, (*p, *g), strict=True))
    open_iou(page, server_url, f"?iou_loss=CIoU&{query}")
    geo = page.evaluate(GEOMETRY)
    labels = geo["labels"]
    assert {t("iou.pred"), t("iou.target"), "c", "ρ"} <= set(labels), labels
    names = list(labels)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not _overlap(labels[a], labels[b]), (a, b, labels[a], labels[b])
        for seg in geo["segs"]:
            assert not _crosses(seg, labels[a]), (a, seg, labels[a])
    assert set(geo["ticks"]) == {"0", "20", "40", "60", "80", "100"}


def test_the_enclosing_box_label_lies_on_no_box_edge(page, server_url):
    open_iou(page, server_url, "?iou_loss=GIoU")
    geo = page.evaluate(GEOMETRY)
    rect = geo["labels"][t("iou.canvas.enclose")]
    assert not any(_crosses(seg, rect) for seg in geo["segs"])


# Every label's box (getBBox, world units) and every line a label must keep clear of, in the canvas under `root`:
# the boxes' edges, the enclosing box, c, ρ, the aspect diagonals, the descent arrows; the aspect label is a label.
CLEARANCE = """(root) => {
  const shown = (n) => getComputedStyle(n).display !== 'none' && n.textContent;
  const labels = [...root.querySelectorAll('.bc-labels text, .bc-aspect-label')].filter(shown).map((n) => {
    const b = n.getBBox();
    return [n.textContent, [b.x, b.y, b.x + b.width, b.y + b.height]];
  });
  const line = (n) => ['x1', 'y1', 'x2', 'y2'].map((a) => Number(n.getAttribute(a)));
  const segs = [...root.querySelectorAll('.bc-box .bc-edge, .bc-diag, .bc-rho, .bc-aspect line, .bc-arrow line')]
    .filter((n) => getComputedStyle(n).display !== 'none').map(line);
  const e = root.querySelector('.bc-enclose');
  if (getComputedStyle(e).display !== 'none') {
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(e.getAttribute(a)));
    segs.push([x, y, x + w, y], [x + w, y, x + w, y + h], [x, y + h, x + w, y + h], [x, y, x, y + h]);
  }
  const f = root.querySelector('.bc-frame');
  const frame = ['x', 'y', 'width', 'height'].map((a) => Number(f.getAttribute(a)));
  const handles = [...root.querySelectorAll('.bc-handle')].filter((n) => getComputedStyle(n).display !== 'none')
    .map((n) => { const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(n.getAttribute(a)));
                  return [x, y, x + w, y + h]; });
  return {labels, segs, frame, handles};
}"""
# Mount a second canvas beside the page's own (same CSS, same fonts) with the data Python would send, measure it.
MOUNT = """async ([module, data]) => {
  const m = await import(new URL(module, location.origin + '/').href);
  const host = document.querySelector('.bc-wrap').parentElement.parentElement;
  const div = document.createElement('div');
  host.appendChild(div);
  m.default({data, parentElement: div, setStateValue: () => {}});
  const out = (CLEARANCE)(div);
  div.remove();
  return out;
}""".replace("(CLEARANCE)", f"({CLEARANCE})")
LABEL_GAP = 1.0  # world units (the labels' font is 3): apart by at least a third of a letter's height
LINE_GAP = 0.5


def _clearance_faults(geo):
    """What breaks the rule: labels closer than LABEL_GAP, a line within LINE_GAP of a label, a label off the frame."""
    faults = []
    labels = geo["labels"]
    x, y, w, h = geo["frame"]
    for i, (name, r) in enumerate(labels):
        if r[0] < x or r[1] < y or r[2] > x + w or r[3] > y + h:
            faults.append(("off the frame", name, r))
        for other, q in labels[i + 1 :]:
            grown = [r[0] - LABEL_GAP, r[1] - LABEL_GAP, r[2] + LABEL_GAP, r[3] + LABEL_GAP]
            if _overlap(grown, q):
                faults.append(("labels too close", name, other, r, q))
        grown = [r[0] - LINE_GAP, r[1] - LINE_GAP, r[2] + LINE_GAP, r[3] + LINE_GAP]
        faults += [("line on label", name, seg, r) for seg in geo["segs"] if _crosses(seg, grown)]
        # a fresh user found "真实框" on the ground truth's corner handle at 390 px: a label hides what one grabs
        faults += [("label on a handle", name, q, r) for q in geo.get("handles", ()) if _overlap(r, q)]
    return faults


def _canvas_data(code, pred, target):
    """The canvas's data for a loss and a pair, built the way the page builds it."""
    from lossviz.analysis import iou as A
    from lossviz.components.box_canvas import MODULE_URL
    from lossviz.figures import iou as F

    geo = A.geometry(pred, target)
    row = A.loss_row(code, pred, target)
    view = F.canvas_view(code, A.loss_name(code), geo, row, A.edge_arrows(pred, row.grad), A.reads(code))
    data = {"pred": list(pred), "target": list(target), **view, "seq": 0, "module": MODULE_URL, "base": "/"}
    return json.loads(json.dumps(data, default=list)), MODULE_URL


@pytest.mark.parametrize("width", [1440, 390])
def test_canvas_labels_keep_clear_of_each_other_and_of_lines_for_every_loss_and_preset(browser, server_url, width):
    """Issue 14 item 5: on the default view (GIoU) "C (enclosing box)" sat right on "Ground truth" at the shared
    lower-right corner; the older tests only drew CIoU (no enclosing-box label) and let labels touch."""
    from lossviz.analysis import iou as A

    ctx = browser.new_context(viewport={"width": width, "height": 1000})
    page = ctx.new_page()
    try:
        open_iou(page, server_url)  # the default view, as the page draws it
        page.wait_for_function("document.fonts.status === 'loaded'")
        faults = _clearance_faults(
            page.evaluate(CLEARANCE, page.locator(".bc-svg").element_handle().evaluate_handle("n => n.parentElement"))
        )
        assert not faults, faults
        bad = {}
        for code in A.loss_codes():
            for preset, (pred, target) in A.PRESETS.items():
                data, module = _canvas_data(code, pred, target)
                faults = _clearance_faults(page.evaluate(MOUNT, [module, data]))
                if faults:
                    bad[(code, preset)] = faults
        assert not bad, bad
    finally:
        ctx.close()


def test_bar_labels_are_inside_the_chart_and_apart(page, server_url):
    open_iou(page, server_url)
    chart = page.locator(".lossviz-plotly-chart").first
    chart.scroll_into_view_if_needed()
    outer = chart.locator(".main-svg").first.bounding_box()
    boxes = [tx.bounding_box() for tx in chart.locator("text.bartext").all()]
    assert len(boxes) == 9
    for b in boxes:
        assert outer["x"] <= b["x"] and b["x"] + b["width"] <= outer["x"] + outer["width"] + 0.5, (b, outer)
        assert outer["y"] <= b["y"] and b["y"] + b["height"] <= outer["y"] + outer["height"] + 0.5, (b, outer)
    rects = [(b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]) for b in boxes]
    assert not any(_overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :])


# --- a 390 px phone (issue 14, item 3) ---------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
NO_HSCROLL = """() => [document.documentElement, document.body, ...document.querySelectorAll(
  '[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]')]
  .every((n) => n.scrollWidth <= n.clientWidth + 1)"""


def test_on_a_phone_the_canvas_and_the_loss_choice_are_on_the_first_screen_and_touch_drags(browser, server_url):
    ctx = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    page = ctx.new_page()
    try:
        page.goto(f"{server_url}/iou")
        wait_idle(page)
        page.wait_for_selector(".bc-readout:not(.bc-stale)", timeout=30_000)
        assert page.evaluate(NO_HSCROLL)
        select = page.locator("[data-testid=stSelectbox]").first.bounding_box()
        svg = page.locator(".bc-svg").bounding_box()
        assert select["x"] >= 0 and select["x"] + select["width"] <= PHONE["width"]
        assert svg["x"] >= 0 and svg["x"] + svg["width"] <= PHONE["width"]
        assert svg["y"] < PHONE["height"] * 0.6, svg  # the canvas starts on the first screen, not two screens down
        page.locator(".bc-svg").evaluate("el => el.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(200)
        pred0, target0 = shown_boxes(page)
        upp = units_per_px(page)
        x, y = centre_of(page, ".bc-pred .bc-body")
        cdp = ctx.new_cdp_session(page)
        touch = lambda kind, pts: cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": pts})  # noqa: E731
        touch("touchStart", [{"x": x, "y": y}])
        for k in range(1, 9):
            touch("touchMove", [{"x": x - 5 * k, "y": y + 4 * k}])
        touch("touchEnd", [])
        settle(page)
        pred, target = shown_boxes(page)
        assert target == target0
        assert pred[0] - pred0[0] == pytest.approx(-40 * upp, abs=0.8)
        assert pred[1] - pred0[1] == pytest.approx(32 * upp, abs=0.8)
        assert_numbers_match_core(page)
        assert page.evaluate(NO_HSCROLL)
    finally:
        ctx.close()


# --- the loss table and dark mode (issue 14, item 3) --------------------------------------------------------------

# Each cell's text (a Range over its contents) against the cell's box: nothing may stick out or be clipped.
CELLS_CUT = """() => [...document.querySelectorAll('[data-testid=stTable] :is(th, td)')].flatMap((td) => {
  const r = document.createRange();
  r.selectNodeContents(td);
  const text = r.getBoundingClientRect(), box = td.getBoundingClientRect();
  const inside = text.left >= box.left - 0.5 && text.right <= box.right + 0.5 && text.bottom <= box.bottom + 0.5;
  return inside && td.scrollWidth <= td.clientWidth + 1 ? [] : [[td.textContent, text.width, box.width]];
})"""


@pytest.mark.parametrize("width", [1440, 390])
def test_the_loss_tables_options_column_is_not_cut_off(browser, server_url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(f"{server_url}/iou?iou_loss=alpha_iou")  # α-IoU's options are the longest text in the table
        wait_idle(page)
        table = page.locator("[data-testid=stTable]")
        table.scroll_into_view_if_needed()
        options = table.locator("td", has_text="variant=").first
        assert "alpha=3.0, variant=iou" in options.inner_text()
        assert page.evaluate(CELLS_CUT) == []
        assert page.evaluate(NO_HSCROLL)
    finally:
        ctx.close()


# Computed colours of the canvas's parts, as "r,g,b" (the browser resolves var() and color-mix()).
CANVAS_COLOURS = """() => {
  const probe = document.createElement('canvas').getContext('2d');
  const rgb = (c) => { probe.fillStyle = '#000'; probe.fillStyle = c; probe.fillRect(0, 0, 1, 1);
    return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)]; };
  const fill = (sel) => rgb(getComputedStyle(document.querySelector(sel)).fill);
  const labels = {};
  for (const n of document.querySelectorAll('.bc-labels text')) {
    if (n.textContent && getComputedStyle(n).display !== 'none' && n.getBBox().width > 0)
      labels[n.textContent] = rgb(getComputedStyle(n).fill);
  }
  return {frame: fill('.bc-frame'), tick: fill('.bc-tick-label'), handle: fill('.bc-handle'), labels,
          readout: rgb(getComputedStyle(document.querySelector('.bc-readout')).color),
          page: rgb(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor)};
}"""


def _luminance(rgb):
    c = [v / 255 for v in rgb]
    c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_canvas_follows_the_colour_scheme_and_its_labels_are_readable(browser, server_url, scheme):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, color_scheme=scheme)
    page = ctx.new_page()
    try:
        open_iou(page, server_url, "?iou_loss=diou&iou_px1=20&iou_py1=12")  # DIoU: ρ and c drawn and labelled
        c = page.evaluate(CANVAS_COLOURS)
        dark = scheme == "dark"
        assert (_luminance(c["page"]) < 0.2) == dark  # the app itself follows the system setting
        assert (_luminance(c["frame"]) < 0.2) == dark, c  # ... and so does the canvas's background
        assert (_luminance(c["handle"]) < 0.2) == dark, c
        for part in ("tick", "readout"):
            assert _contrast(c[part], c["frame"]) >= 4.5, (part, c)
        names = {t("iou.pred"), t("iou.target"), t("iou.canvas.enclose")}
        assert names <= set(c["labels"]), c["labels"]
        for text, colour in c["labels"].items():  # every label, coloured ones included, reads on the frame
            assert _contrast(colour, c["frame"]) >= 4.5, (text, colour, c["frame"])
    finally:
        ctx.close()
