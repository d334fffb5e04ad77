"""A "copy link" button: copies the page's URL (every control is in it) to the clipboard.

A tiny ``st.components.v2`` component: a real ``<button>`` (keyboard reachable, labelled) that writes
``window.location.href`` with ``navigator.clipboard`` and says "copied" in a live region; where the browser refuses
the clipboard (no secure context, permission denied) it shows the link in a read-only, selected text field instead.
"""

from __future__ import annotations

import streamlit as st

from lossviz.i18n import t

__all__ = ["copy_link"]

_CSS = """
.lossviz-copy-link { display: flex; flex-direction: column; gap: 0.25rem; }
.lossviz-copy-link__button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem; width: 100%;
  min-height: 2.5rem; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer; font: inherit;
  color: var(--st-text-color, #31333f); background: var(--st-background-color, #ffffff);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
}
.lossviz-copy-link__button:hover { border-color: var(--st-primary-color, #ff4b4b); }
.lossviz-copy-link__button:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); outline-offset: 2px; }
.lossviz-copy-link__button[data-copied="true"] { border-color: var(--st-green-color, #21c354); }
.lossviz-copy-link__status { font-size: 0.85rem; min-height: 1em; }
/* After a copy the button itself says so; the status line then speaks only to screen readers (no second "copied"). */
.lossviz-copy-link__status[data-sr-only="true"] {
  position: absolute; width: 1px; height: 1px; min-height: 0; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap;
}
.lossviz-copy-link__field {
  width: 100%; box-sizing: border-box; font: inherit; font-size: 0.85rem; padding: 0.25rem 0.5rem;
  color: var(--st-text-color, #31333f); background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); border-radius: 0.25rem;
}
"""

_JS = r"""
function build(parent) {
  let root = parent.querySelector(".lossviz-copy-link");
  if (root) return root;
  root = document.createElement("div");
  root.className = "lossviz-copy-link";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "lossviz-copy-link__button";
  const status = document.createElement("div");
  status.className = "lossviz-copy-link__status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const field = document.createElement("input");
  field.type = "text";
  field.readOnly = true;
  field.className = "lossviz-copy-link__field";
  field.hidden = true;
  root.append(button, status, field);
  parent.appendChild(root);
  button.addEventListener("click", async () => {
    const url = window.location.href;
    const d = root.__data || {};
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      field.hidden = true;
      button.dataset.copied = "true";
      button.textContent = d.copied;
      status.dataset.srOnly = "true";
      status.textContent = d.copied;
      clearTimeout(root.__timer);
      root.__timer = setTimeout(() => {
        button.dataset.copied = "false";
        button.textContent = (root.__data || d).label;
        status.textContent = "";
      }, 2500);
    } catch (err) {
      field.value = url;
      field.hidden = false;
      status.dataset.srOnly = "false";
      status.textContent = d.fallback;
      field.focus();
      field.select();
    }
  });
  return root;
}

export default function ({ data, parentElement }) {
  const root = build(parentElement);
  root.__data = data;
  const button = root.querySelector("button");
  if (button.dataset.copied !== "true") button.textContent = data.label;
  button.setAttribute("aria-label", data.aria);
  button.title = data.aria;
  const field = root.querySelector("input");
  field.setAttribute("aria-label", data.field);
}
"""

_component = st.components.v2.component("lossviz_copy_link", css=_CSS, js=_JS, isolate_styles=False)


def copy_link(key: str = "lossviz_copy_link") -> None:
    """The copy-link button (put it in the sidebar)."""
    _component(
        key=key,
        data={
            "label": t("common.copy_link"),
            "aria": t("common.copy_link_aria"),
            "copied": t("common.link_copied"),
            "fallback": t("common.copy_link_fallback"),
            "field": t("common.copy_link_field"),
        },
        height="content",
    )
