"""A Plotly chart that updates in place: zoom and pan survive reruns, and moving a slider does not flicker.

``st.plotly_chart`` remounts its chart whenever the figure changes, so the view resets and the plot blinks while a
slider moves. ``plotly_chart`` here is a custom component (``st.components.v2``) whose JavaScript builds the graph
div once and then calls ``Plotly.react`` with each new figure; ``layout.uirevision`` (the key, unless the figure or
the caller sets one) tells Plotly to keep what the user zoomed to.

plotly.js itself is the ``plotly.min.js`` that the installed ``plotly`` package ships (no CDN, nothing copied into
the repository). Streamlit serves it through the static-file route of a declared component directory
(``st.components.v1.declare_component(path=...)``, registered but never mounted); the browser fetches it once per
page and caches the loading promise, so each rerun sends only the figure JSON.

Usage in a page::

    from lossviz.components.plotly_chart import plotly_chart

    plotly_chart(fig, key="reg_curves")                  # zoom kept while the figure changes
    plotly_chart(fig, key="iou_landscape", height=520, uirevision=loss_name)  # new loss -> fresh autorange
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from streamlit import config as st_config
from streamlit.components import v1 as components_v1

from lossviz.figures import style
from lossviz.i18n import t

__all__ = ["DEFAULT_HEIGHT", "PLOTLY_JS_URL", "figure_payload", "plotly_chart"]

DEFAULT_HEIGHT = 450
_PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
_PLOTLY_FILE = "plotly.min.js"
_SERVED_NAME = "plotly_js"  # declared as "lossviz.components.plotly_chart.plotly_js"
_JS = (Path(__file__).resolve().parent / "plotly_chart.js").read_text(encoding="utf-8")
_CSS = """
.lossviz-plotly-chart { position: relative; width: 100%; }
.lossviz-plotly-chart__graph { width: 100%; }
.lossviz-plotly-chart__message {
  position: absolute; inset: 0 auto auto 0; padding: 0.5rem 0.75rem; border-radius: 0.5rem;
  background: var(--st-red-background-color, #fde8e8); color: var(--st-red-text-color, #a11);
}
"""

_component = st.components.v2.component("lossviz_plotly_chart", js=_JS, css=_CSS, isolate_styles=False)


# Relative to the app's base URL; the JavaScript resolves it against where Streamlit's own bundle came from.
PLOTLY_JS_URL = f"component/{__name__}.{_SERVED_NAME}/{_PLOTLY_FILE}"


def _declare_plotly_js() -> None:
    """Serve plotly's package_data folder (plotly.min.js) at ``PLOTLY_JS_URL``.

    Declared on every call: registration is per Streamlit runtime and idempotent (an equal component is replaced
    silently), and it needs the script-run context that exists only while a page runs.
    """
    components_v1.declare_component(_SERVED_NAME, path=str(_PLOTLY_DIR))


def _base_path() -> str:
    """``server.baseUrlPath`` as ``/prefix/`` (``/`` when unset)."""
    prefix = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{prefix}/" if prefix else "/"


def _filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "figure"


def _config(key: str, config: Mapping[str, Any] | None, filename: str | None) -> dict[str, Any]:
    """Plotly's config: no logo, camera button kept (PNG named after the chart), then the caller's settings."""
    merged: dict[str, Any] = {"displaylogo": False}
    user = dict(config or {})
    image = {"format": "png", "scale": 2, "filename": _filename(filename or key)}
    image.update(user.pop("toImageButtonOptions", None) or {})
    merged.update(user)
    merged["toImageButtonOptions"] = image
    # Figures must stay downloadable: the modebar and its camera button are not switchable off.
    merged["displayModeBar"] = merged.get("displayModeBar", "hover") or "hover"
    # plotly.js 4 shows a "Share chart" button that uploads the figure to Plotly Cloud: never on an internal server.
    merged["showSendToCloud"] = False
    removed = merged.get("modeBarButtonsToRemove")
    if removed:
        merged["modeBarButtonsToRemove"] = [b for b in removed if b != "toImage"]
    return merged


# numpy dtypes plotly.js reads as base64 typed arrays ({"dtype": ..., "bdata": ...}); other ints are narrowed or sent
# as float64, anything else (strings, objects, bools) as a plain list.
_TYPED = {"float64": "f8", "float32": "f4", "int32": "i4", "uint32": "u4", "int16": "i2", "uint16": "u2",
          "int8": "i1", "uint8": "u1"}  # fmt: skip


def _typed_array(a: np.ndarray) -> dict[str, Any] | list:
    """A numpy array as plotly.js's typed-array spec (as ``go.Figure.to_json`` writes it), else a plain list."""
    if a.dtype.kind in "iu" and a.dtype.name not in _TYPED and a.size:  # int64/uint64: narrowed as plotly does
        lo, hi = int(a.min()), int(a.max())
        kinds = (np.uint8, np.uint16, np.uint32) if a.dtype.kind == "u" else (np.int8, np.int16, np.int32)
        a = a.astype(next((k for k in kinds if np.iinfo(k).min <= lo and hi <= np.iinfo(k).max), np.float64))
    code = _TYPED.get(a.dtype.name)
    if code is None or a.size == 0:
        return a.tolist()
    spec: dict[str, Any] = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in a.shape)
    return spec


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return _typed_array(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, tuple):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _dict_json(fig: Mapping[str, Any]) -> str:
    """A figure dict as JSON without building a ``go.Figure``: plain ``json`` with numpy arrays as typed arrays.

    Several times faster than plotly's encoder, which matters on every rerun. A figure holding something plain
    JSON cannot carry (a NaN or infinity outside a numpy array, a date, ...) goes through plotly's encoder instead.
    """
    try:
        return json.dumps(dict(fig), default=_json_default, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return pio.to_json(dict(fig), validate=False, pretty=False)


def figure_payload(
    fig: go.Figure | Mapping[str, Any],
    key: str,
    height: int | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    uirevision: str | int | None = None,
    filename: str | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """The component's ``data``: the figure as one JSON string (numpy arrays as base64 typed arrays) plus settings.

    Raises ``ValueError`` for an empty key, a non-positive height or a figure that is not a Plotly figure.
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r}")
    if height is not None and (isinstance(height, bool) or not isinstance(height, int) or height <= 0):
        raise ValueError(f"height must be a positive int or None, got {height!r}")
    if isinstance(fig, go.Figure):
        layout_height = fig.layout.height
        figure_json = fig.to_json(validate=False, pretty=False)
    elif isinstance(fig, Mapping) and set(fig) <= {"data", "layout", "frames"}:
        layout_height = (fig.get("layout") or {}).get("height")
        figure_json = _dict_json(fig)
    else:
        raise ValueError(f"fig must be a plotly Figure or a dict with data/layout, got {type(fig).__name__}")
    return {
        "figure": figure_json,
        "config": _config(key, config, filename),
        "uirevision": str(key if uirevision is None else uirevision),
        "height": int(height or layout_height or DEFAULT_HEIGHT),
        "src": PLOTLY_JS_URL,
        "base": _base_path(),
        "error": t("common.error", msg="{msg}"),
        "theme": style.THEMES,
        "caption": caption or None,
        "png_title": t("common.download_png"),
    }


def plotly_chart(
    fig: go.Figure | Mapping[str, Any],
    key: str,
    height: int | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    uirevision: str | int | None = None,
    filename: str | None = None,
    caption: str | None = None,
) -> None:
    """Show ``fig`` and update it in place on later reruns with the same ``key``.

    Args:
        fig: a ``plotly.graph_objects.Figure`` (or its dict form). numpy arrays are fine.
        key: unique across the app, like any widget key (prefix it with the page: ``"reg_curves"``).
        height: plot height in pixels; default ``fig.layout.height`` or 450. The width follows the column.
        config: Plotly config merged over the defaults (no logo; camera button saving ``<filename>.png`` at 2x).
            The camera button cannot be removed (every figure stays downloadable) and plotly.js 4's
            "Share chart" (upload to Plotly Cloud) cannot be added.
        uirevision: zoom/pan are kept while this value stays the same (default: ``key``). Pass something that
            changes when the axes change meaning (e.g. the selected loss) to reset the view then. A
            ``layout.uirevision`` set in the figure wins.
        filename: name of the downloaded PNG (default: ``key``).
        caption: a line printed in the downloaded PNG's footer above the page's URL parameters (which are always
            there), e.g. the settings in words.

    The chart follows the page's light or dark theme, and on a narrow column (a phone) puts the legend under the
    plot, clear of the toolbar.
    """
    data = figure_payload(fig, key, height, config, uirevision=uirevision, filename=filename, caption=caption)
    _declare_plotly_js()
    _component(key=key, data=data, height="content")
