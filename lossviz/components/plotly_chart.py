"""A Plotly chart that updates in place: zoom and pan survive reruns, and moving a slider does not flicker.

``st.plotly_chart`` remounts its chart whenever the figure changes, so the view resets and the plot blinks while a
slider moves. ``plotly_chart`` here is a custom component (``st.components.v2``) whose JavaScript builds the graph
div once and then calls ``Plotly.react`` with each new figure; ``layout.uirevision`` (the key, unless the figure or
the caller sets one) tells Plotly to keep what the user zoomed to.

plotly.js itself is the ``plotly.min.js`` that the installed ``plotly`` package ships (no CDN, nothing copied into
the repository). Streamlit serves it through the static-file route of a declared component directory
(``st.components.v1.declare_component(path=...)``, registered but never mounted); the browser fetches it once per
page and caches the loading promise, so each rerun sends only the figure JSON.

What a rerun sends per chart is kept small (issue 15): the component's own JavaScript is a served file too
(``plotly_chart.js`` with the shared template written in, imported once per page by a 1.5 kB loader), a figure whose
template is the shared one goes without it, numpy arrays go as base64 typed arrays (float64 as float32 where float32
holds the numbers exactly), and an unchanged chart is the same message, which Streamlit's message cache does not
send again (from 10 kB up, its threshold). A cache should hold ``prepare(fig)`` (one string) rather than the
figure, so a cached chart is not serialised again on every rerun (see ``lossviz/cached/regression.py``).

Usage in a page::

    from lossviz.components.plotly_chart import plotly_chart

    plotly_chart(fig, key="reg_curves")                  # zoom kept while the figure changes
    plotly_chart(fig, key="iou_landscape", height=520, uirevision=loss_name)  # new loss -> fresh autorange
"""

from __future__ import annotations

import atexit
import base64
import functools
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import plotly
import plotly.graph_objects as go
import plotly.io as pio

from lossviz.components import served
from lossviz.figures import style
from lossviz.i18n import t

__all__ = ["DEFAULT_HEIGHT", "PLOTLY_JS_URL", "PreparedFigure", "figure_payload", "plotly_chart", "prepare"]

DEFAULT_HEIGHT = 450
_PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
_PLOTLY_FILE = "plotly.min.js"
_SERVED_NAME = "plotly_js"  # served as "lossviz.components.served.plotly_js"
_JS = (Path(__file__).resolve().parent / "plotly_chart.js").read_text(encoding="utf-8")
_CSS = """
.lossviz-plotly-chart { position: relative; width: 100%; }
.lossviz-plotly-chart__graph { width: 100%; }
.lossviz-plotly-chart__message {
  position: absolute; inset: 0 auto auto 0; padding: 0.5rem 0.75rem; border-radius: 0.5rem;
  background: var(--st-red-background-color, #fde8e8); color: var(--st-red-text-color, #a11);
}
"""

# The component's source (plotly_chart.js, with the shared template written in) is a file Streamlit serves, loaded
# once per page by the shared loader (``served.LOADER``): an inline source would ride in every rerun's message of every
# chart (15 kB).
_component = served.component("lossviz_plotly_chart", css=_CSS)

_TEMPLATE_SLOT = "const TEMPLATE = null; // written in by plotly_chart.py"
_MODULE_NAME = "chart_module"  # served as "lossviz.components.served.chart_module"
#: What the payload's ``template`` says when the figure's template is the shared one, left out of the figure JSON
#: (6.6 kB a chart a rerun) and written into the served module instead.
SHARED_TEMPLATE = "lossviz"


@functools.cache
def _module_file() -> tuple[Path, str]:
    """The chart module with the shared template written in, as a file in a folder of this process's own; its name
    carries a hash of its content, so a browser never keeps a stale copy."""
    if _TEMPLATE_SLOT not in _JS:
        raise RuntimeError(f"plotly_chart.js lost its template slot: {_TEMPLATE_SLOT!r}")
    template = json.dumps(style.template(), separators=(",", ":"), ensure_ascii=False)
    source = _JS.replace(_TEMPLATE_SLOT, f"const TEMPLATE = {template};")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    folder = Path(tempfile.mkdtemp(prefix="lossviz-plotly-chart-"))
    atexit.register(shutil.rmtree, folder, True)
    name = f"plotly_chart.{digest}.js"
    (folder / name).write_text(source, encoding="utf-8")
    return folder, name


def module_url() -> str:
    """Where the browser loads the chart module from, relative to the app's base URL."""
    return served.url(_MODULE_NAME, _module_file()[1])


# Relative to the app's base URL; the JavaScript resolves it against where Streamlit's own bundle came from.
PLOTLY_JS_URL = served.url(_SERVED_NAME, _PLOTLY_FILE)


def _declare_plotly_js() -> None:
    """Serve plotly's package_data folder (plotly.min.js) at ``PLOTLY_JS_URL`` and the chart module at
    ``module_url()`` (declared only while the runtime does not serve them yet: see ``served.serve``)."""
    served.serve(_SERVED_NAME, _PLOTLY_DIR)
    served.serve(_MODULE_NAME, _module_file()[0])


def _filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "figure"


def _locale() -> dict[str, Any]:
    """plotly.js's own texts (toolbar tooltips, the zoom hint) in the page's language: a ``locales`` entry of the
    config, so nothing is registered globally; empty in English (plotly's own)."""
    from lossviz.i18n import TABLE, get_lang

    lang = get_lang()
    if lang == "en":
        return {}
    words = {k.removeprefix("plotly."): v[lang] for k, v in TABLE.items() if k.startswith("plotly.") and lang in v}
    return {"locale": f"lossviz-{lang}", "locales": {f"lossviz-{lang}": {"dictionary": words}}}


#: Modebar buttons no chart of lossviz needs (nothing reads a selection; zoom by dragging, scroll or reset): each is a
#: Tab stop, and a keyboard user met nine per chart before the next control.
UNUSED_BUTTONS = ("select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d")


def _config(key: str, config: Mapping[str, Any] | None, filename: str | None) -> dict[str, Any]:
    """Plotly's config: no logo, no unused buttons (:data:`UNUSED_BUTTONS`), camera button kept (PNG named after the
    chart), then the caller's settings."""
    merged: dict[str, Any] = {"displaylogo": False, "modeBarButtonsToRemove": list(UNUSED_BUTTONS)}
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
_TYPED_BY_DTYPE = {np.dtype(name): code for name, code in _TYPED.items()}  # dtype.name is slow on every array
_FLOAT64 = np.dtype(np.float64)


def _typed_array(a: np.ndarray) -> dict[str, Any] | list:
    """A numpy array as plotly.js's typed-array spec (as ``go.Figure.to_json`` writes it), else a plain list.

    A float64 array that float32 holds exactly (grid steps such as 0.25, integers, counts) goes as float32: half the
    bytes, the same numbers. Any other float64 array stays float64: hover labels read the numbers sent, so they show
    the computed values to every digit they print. A builder that wants float32 for data only drawn (never read
    back in a label) passes a float32 array.
    """
    if a.dtype.kind in "iu" and a.dtype not in _TYPED_BY_DTYPE and a.size:  # int64/uint64: narrowed as plotly does
        lo, hi = int(a.min()), int(a.max())
        kinds = (np.uint8, np.uint16, np.uint32) if a.dtype.kind == "u" else (np.int8, np.int16, np.int32)
        a = a.astype(next((k for k in kinds if np.iinfo(k).min <= lo and hi <= np.iinfo(k).max), np.float64))
    elif a.dtype == _FLOAT64 and a.size:
        narrow = a.astype(np.float32)
        if (narrow == a).all():  # (an array holding NaN stays float64)
            a = narrow
    code = _TYPED_BY_DTYPE.get(a.dtype)
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


@dataclass(frozen=True)
class PreparedFigure:
    """A figure already serialised for the component: what a cache keeps, so a cached figure costs a rerun nothing.

    ``json`` is the figure without its template when that is the shared one (``template`` then says
    ``SHARED_TEMPLATE``; the served chart module holds it). Build it with ``prepare(fig)``.
    """

    json: str
    height: int | None
    template: str | None


def prepare(fig: go.Figure | Mapping[str, Any] | PreparedFigure) -> PreparedFigure:
    """Serialise ``fig`` for ``plotly_chart`` (numpy arrays as base64 typed arrays; the shared template left out).

    Cache what this returns (``st.cache_data`` copies a dict figure on every hit, and serialising it again costs
    milliseconds; a ``PreparedFigure`` is one string). Raises ``ValueError`` for something that is not a figure.
    """
    if isinstance(fig, PreparedFigure):
        return fig
    if isinstance(fig, go.Figure):
        return PreparedFigure(fig.to_json(validate=False, pretty=False), fig.layout.height, None)
    if not (isinstance(fig, Mapping) and set(fig) <= {"data", "layout", "frames"}):
        raise ValueError(f"fig must be a plotly Figure or a dict with data/layout, got {type(fig).__name__}")
    layout = fig.get("layout") or {}
    template = None
    if isinstance(layout, Mapping) and layout.get("template") is style.template():
        layout = {k: v for k, v in layout.items() if k != "template"}
        fig = {**fig, "layout": layout}
        template = SHARED_TEMPLATE
    return PreparedFigure(_dict_json(fig), layout.get("height") if isinstance(layout, Mapping) else None, template)


def figure_payload(
    fig: go.Figure | Mapping[str, Any] | PreparedFigure,
    key: str,
    height: int | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    uirevision: str | int | None = None,
    filename: str | None = None,
    caption: str | None = None,
    follows: tuple[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """The component's ``data``: the figure as one JSON string (numpy arrays as base64 typed arrays) plus settings.

    Raises ``ValueError`` for an empty key, a non-positive height or a figure that is not a Plotly figure.
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r}")
    if height is not None and (isinstance(height, bool) or not isinstance(height, int) or height <= 0):
        raise ValueError(f"height must be a positive int or None, got {height!r}")
    prepared = prepare(fig)
    return {
        "figure": prepared.json,
        "template": prepared.template,
        "config": _config(key, config, filename) | _locale(),
        "uirevision": str(key if uirevision is None else uirevision),
        "height": int(height or prepared.height or DEFAULT_HEIGHT),
        "src": PLOTLY_JS_URL,
        "module": module_url(),
        "base": served.base_path(),
        "error": t("common.error", msg="{msg}"),
        "theme": style.THEMES,
        "caption": caption or None,
        "png_title": t("common.download_png"),
        "follows": {"channel": follows[0], "state": [float(v) for v in follows[1]]} if follows else None,
    }


def plotly_chart(
    fig: go.Figure | Mapping[str, Any] | PreparedFigure,
    key: str,
    height: int | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    uirevision: str | int | None = None,
    filename: str | None = None,
    caption: str | None = None,
    follows: tuple[str, Sequence[float]] | None = None,
) -> None:
    """Show ``fig`` and update it in place on later reruns with the same ``key``.

    Args:
        fig: a ``plotly.graph_objects.Figure``, its dict form (numpy arrays are fine) or ``prepare(fig)``'s result
            (what a cache should hold: a cached figure is then not serialised again on a rerun).
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
        follows: ``(channel, state)``: the figure was drawn for ``state`` (numbers) of a state another component
            of the page shows and publishes as the user edits it (``box_canvas(..., channel=...)``); while the
            published state differs, the chart is dimmed and ``aria-busy`` (from the edit until the figure for the new
            state is drawn).

    The chart follows the page's light or dark theme, and on a narrow column (a phone) puts the legend under the
    plot, clear of the toolbar.
    """
    data = figure_payload(
        fig, key, height, config, uirevision=uirevision, filename=filename, caption=caption, follows=follows
    )
    _declare_plotly_js()
    _component(key=key, data=data, height="content")
