"""Browser code that a component loads from Streamlit's static component route, once per page load.

A v2 component resends its inline JavaScript with every update of every instance (15–20 kB a chart or canvas a
rerun). Our components ship one small loader inline instead (``LOADER``, made into a component by ``component``),
which imports the real module from a folder served here; the browser fetches it once per page load and caches it
by URL. The component's ``data`` names the module (``module``: ``url(…)``) and the base path (``base``:
``base_path()``), and may carry ``error``, the translated message around ``{msg}`` shown when the module cannot load.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config as st_config
from streamlit.components import v1 as components_v1
from streamlit.runtime import get_instance as get_runtime


def url(name: str, filename: str) -> str:
    """Where the browser loads ``filename`` of the folder served as ``name``, relative to the app's base URL."""
    return f"component/{__name__}.{name}/{filename}"


def serve(name: str, folder: str | Path) -> None:
    """Serve ``folder`` at ``url(name, …)``; call while a page runs (registration needs the script-run context).

    Registration is per Streamlit runtime, so it is checked on every call; ``declare_component`` itself costs
    milliseconds (it looks up its caller's module with ``inspect.getmodule``), so it runs only while the runtime
    does not already serve this folder under this name.
    """
    path = os.path.abspath(folder)
    try:
        if get_runtime().component_registry.get_component_path(f"{__name__}.{name}") == path:
            return
    except RuntimeError:  # no runtime (a bare script): declare_component decides what to do
        pass
    components_v1.declare_component(name, path=path)


def base_path() -> str:
    """``server.baseUrlPath`` as ``/prefix/`` (``/`` when unset): the loaders resolve ``url()`` against it."""
    prefix = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{prefix}/" if prefix else "/"


# The inline JavaScript of every served component (the Plotly chart, the box canvas), resent with each update: it
# imports the module named in ``data.module`` once per page (cached on ``window`` by URL, shared by every instance of
# every component) and hands it each update, returning the module's clean-up; a module that cannot load gets a
# message (``data.error`` around ``{msg}``) in place of a blank, and a later update tries again. Kept short: no
# comments inside, as it rides in every message.
LOADER = """const modules = (window.__lossvizModules ||= {});
const MSG = "lossviz-served__message";

function message(parent, text) {
  let box = parent.querySelector(`:scope > .${MSG}`);
  if (!box && text === null) return;
  if (!box) {
    box = parent.appendChild(document.createElement("div"));
    box.className = MSG;
    box.setAttribute("role", "alert");
  }
  box.hidden = text === null;
  if (text !== null) box.textContent = text;
}

export default function load(args) {
  const { data, parentElement } = args;
  const url = new URL(data.module, window.location.origin + (data.base || "/")).href;
  let cleanup = null;
  let superseded = false;
  (modules[url] ||= import(url)).then(
    (module) => {
      if (superseded) return;
      message(parentElement, null);
      cleanup = module.default(args);
    },
    (err) => {
      delete modules[url];
      const why = `could not load ${url}: ${err && err.message ? err.message : err}`;
      message(parentElement, (data.error || "{msg}").replace("{msg}", why));
    },
  );
  return () => {
    superseded = true;
    if (typeof cleanup === "function") cleanup();
  };
}
"""
#: The loader's message box; colours from Streamlit's theme (no literals: the canvas holds no colour of its own).
LOADER_CSS = """
.lossviz-served__message {
  padding: 0.5rem 0.75rem; border-radius: 0.5rem;
  background: var(--st-red-background-color, transparent); color: var(--st-red-text-color, inherit);
}
"""


def component(name: str, *, css: str = "", html: str = "") -> Any:
    """A ``st.components.v2`` component named ``name`` whose JavaScript is ``LOADER`` (its module is served; see
    ``serve`` and ``url``), with ``css`` (global: ``isolate_styles=False``) and ``html``."""
    return st.components.v2.component(name, html=html, css=css + LOADER_CSS, js=LOADER, isolate_styles=False)
