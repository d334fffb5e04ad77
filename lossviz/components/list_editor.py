"""An editable table for a list the URL holds as text (the AP-loss anchors ``score:label, ...``).

The text box stays the source of truth: a valid edit of the table is written back as the new text (so it lands in
the URL), and the table's key follows the text's checksum, so a new list (typed, from a preset, from the URL, or
from an edit) gives a fresh table without hand-versioned keys. An invalid edit stays in the table and ``on_error``
shows why, so the user can fix it::

    from lossviz.components.list_editor import list_editor

    list_editor(F.anchor_frame(scores, labels), F.anchor_columns(), text=text, url_key="cls_anchors",
                key="cls_ap_editor", apply=partial(A.anchors_after_edits, scores, labels), on_error=show)
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

__all__ = ["list_editor"]


def list_editor(
    frame: Any,
    columns: Mapping[str, tuple[str, str, dict]],
    *,
    text: str,
    url_key: str,
    key: str,
    apply: Callable[[Mapping | None], str],
    on_error: Callable[[Exception], None],
    help: str | None = None,
) -> None:
    """``st.data_editor`` of ``frame`` (rows can be added and deleted) bound to the text control ``url_key``.

    Args:
        frame: the rows parsed from ``text``.
        columns: per column, the ``st.column_config`` class name, the header and the class's options.
        text: the control's current text (its checksum keys the table).
        apply: ``st.data_editor``'s edit state (or None) -> the new text; raises ``ValueError`` for a bad edit.
        on_error: shows a ``ValueError`` of ``apply`` (called while the bad edit is in the table).
        help: a caption under the table.
    """
    editor = f"{key}_{zlib.crc32(text.encode())}"

    def commit() -> None:
        try:
            st.session_state[url_key] = apply(st.session_state[editor])
        except ValueError:
            pass  # the table keeps the edit and ``on_error`` says why

    config = {c: getattr(st.column_config, kind)(label, **kw) for c, (kind, label, kw) in columns.items()}
    st.data_editor(frame, key=editor, num_rows="dynamic", hide_index=True, column_config=config, on_change=commit)
    if help:
        st.caption(help)
    try:
        apply(st.session_state.get(editor))
    except ValueError as err:
        on_error(err)
