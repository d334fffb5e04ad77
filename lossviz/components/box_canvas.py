"""A canvas with a ground-truth box and a predicted box, moved and resized by pointer, touch or keyboard.

The JavaScript (``box_canvas.js``, no build step, ``st.components.v2``) draws both boxes in SVG with coordinate
ticks, lets the pointer move a box by its body and resize it by any corner or edge, and the keyboard do the same
(Tab selects a box, arrows move it, Shift: ×10, Alt or Ctrl: resize); it clamps to the world, keeps a minimum size
and places the overlay's labels where they collide with nothing. It reports the boxes it moved, and only those,
``{"pred": [x1, y1, x2, y2], "seq": n, "final": bool}`` (``"target"`` when it moved the ground truth; both when it
moved both since its last update) as the state value ``boxes``: throttled while dragging, once at release, and for
keys at the first press and once more when a burst of presses rests. A box the canvas did not move is never sent:
its copy in the browser may be older than a coordinate just typed, and writing it back would undo the typing.

The drag, keyboard, selection and sequence state live inside the component: :func:`box_canvas` takes the boxes to
show and a callback that receives new boxes, and echoes the last applied ``seq`` to the browser itself (so a late
rerun never snaps back a box the pointer still holds). The page only passes boxes in and takes the moved boxes out.

Beside the canvas, the boxes' other ways in: :func:`box_inputs` (exact coordinates bound to the URL),
:func:`box_presets` (one-click cases), and :func:`write_back`, the callback that turns new boxes into those inputs'
values; :func:`read_boxes` reads them back.
"""

from __future__ import annotations

import atexit
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from lossviz.components import controls, served
from lossviz.i18n import t

HERE = Path(__file__).resolve().parent
_JS_FILE = "box_canvas.js"
_JS = (HERE / "box_canvas_js" / _JS_FILE).read_text(encoding="utf-8")
_CSS = (HERE / "box_canvas.css").read_text(encoding="utf-8")
_HTML = ""
_CSS_SLOT = 'const CSS = ""; // lossviz:css'


def _module_folder() -> Path:
    """A folder of this process's own holding the served module: ``box_canvas.js`` with ``box_canvas.css`` written
    into its slot, so the style sheet too comes once per page load, not inside every rerun's canvas element (4.3 kB
    on every rerun of the IoU page)."""
    if _CSS_SLOT not in _JS:
        raise RuntimeError(f"box_canvas.js lost its style-sheet slot: {_CSS_SLOT!r}")
    folder = Path(tempfile.mkdtemp(prefix="lossviz-box-canvas-"))
    atexit.register(shutil.rmtree, folder, True)
    source = _JS.replace(_CSS_SLOT, f"const CSS = {json.dumps(_CSS, ensure_ascii=False)};")
    (folder / _JS_FILE).write_text(source, encoding="utf-8")
    return folder


_JS_DIR = _module_folder()  # served as static files: only the canvas's module is in it
_SERVED_NAME = "box_canvas_js"  # served as "lossviz.components.served.box_canvas_js"
#: Where the browser fetches the module (relative to the app's base URL), once per page load.
MODULE_URL = served.url(_SERVED_NAME, _JS_FILE)
# The element's own JavaScript is the shared loader (``served.LOADER``): the 20 kB module and its style sheet go to the
# browser once per page load from a static route instead of inside every rerun's message (a v2 component resends its
# inline JavaScript and CSS with each update).
_mount = served.component("lossviz_box_canvas", html=_HTML)


Box = tuple[float, float, float, float]


BOX_NAMES = ("pred", "target")


def parse_boxes(value: Any) -> tuple[dict[str, list[float]], int, bool] | None:
    """Read the component's ``boxes`` state: ``(moved, seq, final)``, where ``moved`` maps each box the canvas moved
    (``"pred"``, ``"target"``, or both) to its coordinates; None when it is malformed.

    Coordinates are returned as floats (possibly out of range: the page clamps and says so); a payload with no box,
    a wrong length or a non-finite number is refused as a whole.
    """
    if not isinstance(value, dict):
        return None
    moved: dict[str, list[float]] = {}
    for name in BOX_NAMES:
        if name not in value:
            continue  # not moved: not sent
        box = value[name]
        if not isinstance(box, list | tuple) or len(box) != 4:
            return None
        try:
            coords = [float(v) for v in box]
        except (TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in coords):
            return None
        moved[name] = coords
    if not moved:
        return None
    seq = value.get("seq", 0)
    seq = int(seq) if isinstance(seq, int | float) and math.isfinite(seq) else 0
    return moved, seq, bool(value.get("final", False))


@dataclass(frozen=True)
class CanvasResult:
    """What happened in the canvas since the last run.

    Attributes:
        notes: what ``on_boxes`` reported about the new boxes (e.g. repairs), once.
        refused: the browser sent a malformed update; it was ignored and the boxes kept.
    """

    notes: tuple[str, ...] = ()
    refused: bool = False


def box_canvas(
    key: str,
    *,
    pred: Sequence[float],
    target: Sequence[float],
    on_boxes: Callable[[dict[str, list[float]]], Sequence[str] | None],
    labels: Mapping[str, str],
    palette: Mapping[str, str] | None = None,
    world: float = 100.0,
    min_size: float = 1.0,
    overlay: Mapping[str, Any] | None = None,
    show: Mapping[str, bool] | None = None,
    arrows: Sequence[Mapping[str, Any]] = (),
    readout: str = "",
    rerun_on_release: Sequence[str] = (),
    channel: str | None = None,
) -> CanvasResult:
    """Mount the canvas showing ``pred`` and ``target``; when the user moves a box, ``on_boxes({name: box})`` runs
    (as a widget callback, before the script) with the new coordinates of the boxes moved, only those, and returns
    notes to show (or None).

    Args:
        key: the widget key; the component also keeps its own bookkeeping under ``f"{key}.canvas"``.
        pred, target: ``(x1, y1, x2, y2)`` in world units, ``0 <= x1 <= x2 <= world``.
        on_boxes: receives each new, well-formed update once (stale and malformed updates never reach it): the
            moved boxes by name; a box not in it was not moved on the canvas and must be left as it is.
        labels: translated texts: ``pred``, ``target``, ``enclose``, ``aspect`` (drawn), ``canvas`` (the canvas's
            accessible name) and ``keys`` (its keyboard help, read by screen readers).
        palette: colours of ``pred``, ``target``, ``c``, ``rho``, ``arrow``, ``muted``, ``enclose``, ``inter``, and
            ``text``, ``frame``, ``paper`` (used where Streamlit's theme variables are missing): CSS colours from the
            charts' palette (``lossviz.figures.style``), set as ``--bc-*`` properties. The CSS and JavaScript hold
            no colour of their own.
        overlay: geometry from the core: ``enclose``, ``inter`` (or None), ``centre``, ``centre_t`` and ``aspect``
            (``{"pred": θ, "target": θ_t}``, the angles ``atan(w/h)`` of CIoU's aspect term). The canvas only draws
            it; it never derives geometry itself.
        show: which overlay parts the selected loss uses: ``inter``, ``enclose``, ``c``, ``rho``, ``aspect``.
        arrows: descent arrows ``{"edge", "x0", "y0", "x1", "y1"}`` in world units.
        readout: a line of text under the canvas (the selected loss's value).
        rerun_on_release: keys of fragments (``@st.fragment(key=...)``) to rerun, instead of the canvas's own
            fragment, when an edit ends (the pointer released, or the keys at rest): the sections that follow the
            settled boxes (and the inputs ``on_boxes`` wrote), without the rest of the page. Empty: the default
            rerun (the canvas's fragment, or the page when the canvas is not in one).
        channel: where the canvas publishes the boxes it shows, ``[*pred, *target]``, from the first move of an
            edit: charts drawn for boxes (``plotly_chart(..., follows=(channel, boxes))``) are dimmed and
            ``aria-busy`` while they were drawn for other boxes than the canvas shows.
    """
    own = st.session_state.setdefault(f"{key}.canvas", {"seq": 0})

    def changed() -> None:
        raw = (st.session_state.get(key) or {}).get("boxes")
        if raw is None:
            return  # nothing sent (yet)
        parsed = parse_boxes(raw)
        if parsed is None:
            seq = raw.get("seq") if isinstance(raw, dict) else None
            own["refused"] = True
            if isinstance(seq, int) and seq > own["seq"]:
                own["seq"] = seq  # answered (refused), so the browser sends the next one
            return
        moved, seq, final = parsed
        if seq <= own["seq"]:
            return  # an older update arriving late
        own["seq"] = seq
        own["notes"] = tuple(on_boxes(moved) or ())
        if final and rerun_on_release:
            st.rerun(list(rerun_on_release))  # from a widget callback: replaces this interaction's default rerun

    data = {
        "pred": [float(v) for v in pred],
        "target": [float(v) for v in target],
        "world": float(world),
        "min_size": float(min_size),
        "labels": dict(labels),
        "palette": dict(palette or {}),
        "overlay": dict(overlay or {}),
        "show": dict(show or {}),
        "arrows": [dict(a) for a in arrows],
        "readout": readout,
        "seq": int(own["seq"]),
        "channel": channel,
        "module": MODULE_URL,
        "base": served.base_path(),
        "error": t("common.error", msg="{msg}"),
    }
    served.serve(_SERVED_NAME, _JS_DIR)  # checked on every call: registration is per runtime
    _mount(key=key, data=data, on_boxes_change=changed, height="content")
    return CanvasResult(own.pop("notes", ()), own.pop("refused", False))


# ------------------------------------------------------------------- the boxes' URL-bound inputs and write-back


def box_inputs(
    keys: Mapping[str, Sequence[str]],
    defaults: Sequence[Sequence[float]],
    labels: Mapping[str, str],
    world: float = 100.0,
    step: float = 0.5,
    on_change: Callable[[], Any] | None = None,
) -> None:
    """The exact coordinates: per box (``keys``: name -> its four URL keys x1, y1, x2, y2) a row of four number
    inputs bound to the URL, in ``[0, world]``, starting at ``defaults`` (one box per name), each labelled with its
    box and coordinate (``"<labels[name]> x1"``: a screen reader names every input apart, where a heading over
    four inputs labelled x1…y2 left two of each); ``on_change``: each input's change callback (e.g. rerunning only
    the fragments that follow the boxes)."""
    for (which, box_keys), box in zip(keys.items(), defaults, strict=True):
        for col, k, coord, v in zip(st.columns(4), box_keys, ("x1", "y1", "x2", "y2"), box, strict=True):
            with col:
                label = f"{labels[which]} {coord}"
                controls.number_input(label, k, 0.0, world, float(v), step=step, format="%.1f", on_change=on_change)


def read_boxes(keys: Mapping[str, Sequence[str]]) -> list[list[float]]:
    """The boxes as the inputs of :func:`box_inputs` hold them now (a fragment's rerun sees the latest values)."""
    return [[st.session_state[k] for k in box_keys] for box_keys in keys.values()]


def write_back(
    keys: Mapping[str, Sequence[str]],
    to_values: Callable[[Sequence[float], Sequence[float]], tuple[Mapping[str, float], Sequence[str]]],
) -> Callable[[Mapping[str, Sequence[float]]], list[str]]:
    """An ``on_boxes`` callback: the given boxes (``{name: box}``, names of ``keys`` in the order ``to_values`` takes
    them) become their inputs' values, and only theirs: a box not given keeps the value its inputs hold (a
    coordinate typed while the canvas moved the other box stays). ``to_values`` maps a pair to ``{key: value}`` and
    the repairs it made; returns the repairs of the given boxes (notes)."""

    def write(boxes: Mapping[str, Sequence[float]]) -> list[str]:
        given = [w for w in keys if w in boxes]
        if not given:
            return []
        # to_values takes a whole pair: a box not given stands in for the missing one, so the repairs are theirs.
        pair = [boxes.get(w, boxes[given[0]]) for w in keys]
        values, notes = to_values(*pair)
        st.session_state.update({k: values[k] for w in given for k in keys[w]})
        return list(notes)

    return write


def box_presets(
    label: str,
    presets: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    key: str,
    on_boxes: Callable[[Mapping[str, Sequence[float]]], Any],
    **kwargs: Any,
) -> None:
    """One-click cases: pills whose pick hands both its boxes (``{"pred": ..., "target": ...}``) to ``on_boxes``, then
    goes back to unselected."""

    def picked() -> None:
        if st.session_state.get(key):
            on_boxes(dict(zip(BOX_NAMES, presets[st.session_state[key]], strict=True)))
        st.session_state[key] = None

    st.pills(label, list(presets), key=key, on_change=picked, **kwargs)
