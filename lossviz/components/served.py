"""Browser code that a component loads from Streamlit's static component route, once per page load.

A v2 component resends its inline JavaScript with every update of every instance (15–20 kB a chart or canvas a
rerun). Our components ship a small loader inline instead, which imports the real module from a folder served here;
the browser fetches it once per page load and caches it by URL.
"""

from __future__ import annotations

import os
from pathlib import Path

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
