"""A canvas with a ground-truth box and a predicted box, dragged and resized with the mouse (``st.components.v2``).

The JavaScript (``box_canvas.js``, no build step) draws both boxes in SVG, lets the pointer move a box by its body
and resize it by any corner or edge, clamps to the world and keeps a minimum size, and reports
``{"pred": [x1, y1, x2, y2], "target": [...], "seq": n, "final": bool}`` as the state value ``boxes``: throttled
while dragging and once at release. Python sends back both boxes, the geometry the losses use (computed by the torch
core) and the gradient arrows, and echoes ``seq`` so a late rerun never snaps a box the pointer still holds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

HERE = Path(__file__).resolve().parent
_JS = (HERE / "box_canvas.js").read_text(encoding="utf-8")
_CSS = (HERE / "box_canvas.css").read_text(encoding="utf-8")
_HTML = ""

_mount = st.components.v2.component("lossviz_box_canvas", html=_HTML, css=_CSS, js=_JS, isolate_styles=False)

Box = tuple[float, float, float, float]


def parse_boxes(value: Any) -> tuple[list[float], list[float], int, bool] | None:
    """Read the component's ``boxes`` state: ``(pred, target, seq, final)``, or None when it is malformed.

    Coordinates are returned as floats (possibly out of range: the page clamps and says so); a payload with
    missing keys, a wrong length or a non-finite number is refused as a whole.
    """
    if not isinstance(value, dict):
        return None
    out = []
    for name in ("pred", "target"):
        box = value.get(name)
        if not isinstance(box, list | tuple) or len(box) != 4:
            return None
        try:
            coords = [float(v) for v in box]
        except (TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in coords):
            return None
        out.append(coords)
    seq = value.get("seq", 0)
    seq = int(seq) if isinstance(seq, int | float) and math.isfinite(seq) else 0
    return out[0], out[1], seq, bool(value.get("final", False))


def box_canvas(
    key: str,
    *,
    pred: Sequence[float],
    target: Sequence[float],
    on_change: Callable[[], None],
    labels: dict[str, str],
    world: float = 100.0,
    min_size: float = 1.0,
    overlay: dict[str, Any] | None = None,
    show: dict[str, bool] | None = None,
    arrows: Sequence[dict[str, Any]] = (),
    readout: str = "",
    seq: int = 0,
) -> Any:
    """Mount the canvas. ``on_change`` runs (as a widget callback, before the script) when the user moved a box;
    it reads the new state with ``parse_boxes(st.session_state[key]["boxes"])``.

    Args:
        pred, target: ``(x1, y1, x2, y2)`` in world units, ``0 <= x1 <= x2 <= world``.
        labels: translated labels: ``pred``, ``target``, ``enclose``, ``aspect``.
        overlay: geometry from the core: ``enclose``, ``inter`` (or None), ``centre``, ``centre_t`` and ``aspect``
            (``{"pred": θ, "target": θ_t}``, the angles ``atan(w/h)`` of CIoU's aspect term). The canvas only draws
            it; it never derives geometry itself.
        show: which overlay parts the selected loss uses: ``inter``, ``enclose``, ``c``, ``rho``, ``aspect``.
        arrows: descent arrows ``{"edge", "x0", "y0", "x1", "y1"}`` in world units.
        readout: a line of text under the canvas (the selected loss's value).
        seq: the last canvas update applied (echoed to the browser).
    """
    data = {
        "pred": [float(v) for v in pred],
        "target": [float(v) for v in target],
        "world": float(world),
        "min_size": float(min_size),
        "labels": labels,
        "overlay": overlay,
        "show": show or {},
        "arrows": list(arrows),
        "readout": readout,
        "seq": int(seq),
    }
    return _mount(key=key, data=data, on_boxes_change=on_change, height="content")
