"""One helper for every "download the data" row on every page.

Figures download as PNG from the chart's own camera button (``plotly_chart``; the file name and a footer with the
page's parameters are added there). The data behind a figure downloads with ``buttons``::

    from lossviz.components import downloads

    downloads.buttons("regression_curves", csv=curves.columns(), key="reg_dl_curves")
    downloads.buttons("sensitivity", csv=lambda: A.report_csv(report), json=report_dict, key="sens_dl")

Each format is one button, side by side. The data may be ``bytes``, ``str``, a pandas ``DataFrame``, a dict of
columns (CSV) or any JSON-able value (JSON), or a zero-argument callable returning one of those: a callable is only
run when the user clicks (nothing is serialised on a rerun nobody downloads). Clicking never reruns the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from lossviz.i18n import t

__all__ = ["buttons", "to_csv", "to_json"]

_MIME = {"csv": "text/csv", "json": "application/json"}


def to_csv(data: Any) -> bytes:
    """``data`` as UTF-8 CSV: bytes and str pass through; a DataFrame, or a dict of equal-length columns, or a list
    of row dicts, is written without the index."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    import pandas as pd

    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    return frame.to_csv(index=False).encode("utf-8")


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "tolist"):  # numpy arrays and scalars, torch tensors
        return obj.tolist()
    if hasattr(obj, "to_dict"):  # pandas
        return obj.to_dict(orient="list") if hasattr(obj, "columns") else obj.to_dict()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def to_json(data: Any) -> bytes:
    """``data`` as UTF-8 JSON (bytes and str pass through; numpy arrays and DataFrames become lists)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    return json.dumps(data, default=_json_default, ensure_ascii=False, indent=1).encode("utf-8")


_ENCODE: dict[str, Callable[[Any], bytes]] = {"csv": to_csv, "json": to_json}


def _lazy(encode: Callable[[Any], bytes], data: Any) -> Any:
    if callable(data) and not isinstance(data, Mapping):
        return lambda: encode(data())
    return encode(data)


def buttons(
    name: str,
    *,
    csv: Any = None,
    json: Any = None,
    key: str,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Download buttons for one figure's data: ``<name>.csv`` and/or ``<name>.json``, side by side.

    Args:
        name: the file name without extension (``"regression_curves"``).
        csv: what to write as CSV (see the module docstring), or None for no CSV button. A callable is called when
            the button is clicked, outside any script run: it must hold its data (a closure over the run that drew
            the button), never read ``st.session_state``, which is not there then (a page that did read the
            session's values there served the defaults, or no file).
        json: what to write as JSON, or None for no JSON button.
        key: a unique widget-key prefix (``"reg_dl_curves"``); each button gets ``<key>_<format>``.
        labels: per-format label overrides (already translated); default "Download CSV" / "Download JSON".

    Raises ``ValueError`` when no format is given.
    """
    formats = {fmt: data for fmt, data in (("csv", csv), ("json", json)) if data is not None}
    if not formats:
        raise ValueError("downloads.buttons needs csv= or json=")
    labels = dict(labels or {})
    row = st.container(horizontal=True, gap="small")
    for fmt, data in formats.items():
        row.download_button(
            labels.get(fmt) or t(f"common.download_{fmt}"),
            data=_lazy(_ENCODE[fmt], data),
            file_name=f"{name}.{fmt}",
            mime=_MIME[fmt],
            key=f"{key}_{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )
