"""The Docker image's removals stay safe: what the Dockerfile uninstalls, the app never imports or needs.

The proof that a removal is unused at run time is a run of the built image (``python -m bench.image_check``, which
needs podman); these static checks keep it true when the code changes: a page that starts importing a removed
package, or calls a Streamlit element that imports one, fails here before it fails in the image.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()

# Streamlit elements that import altair (st.altair_chart, st.vega_lite_chart and the built-in charts) or pydeck
# (st.pydeck_chart, st.map) when called
CHARTS_NEEDING_REMOVED = {
    "altair": {"altair_chart", "vega_lite_chart", "line_chart", "bar_chart", "area_chart", "scatter_chart"},
    "pydeck": {"pydeck_chart", "map"},
}


def uninstalled() -> list[str]:
    """The distributions the Dockerfile uninstalls with pip (pip itself aside)."""
    names = []
    for cmd in re.findall(r"pip uninstall ((?:[^&\\\n]|\\\n)+)", DOCKERFILE):
        names += [w for w in cmd.replace("\\\n", " ").split() if not w.startswith("-") and w != "pip"]
    return names


@functools.cache
def provided() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def import_names(dist: str) -> set[str]:
    """The top-level modules a distribution provides, from the project venv's metadata."""
    key = re.sub(r"[-_.]+", "-", dist).lower()
    return {mod for mod, dists in provided().items() if any(re.sub(r"[-_.]+", "-", d).lower() == key for d in dists)}


def app_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "lossviz").rglob("*.py"))]


def test_the_dockerfile_says_why_each_uninstalled_package_is_safe_to_remove():
    comments = "\n".join(line for line in DOCKERFILE.splitlines() if line.lstrip().startswith("#")).lower()
    names = uninstalled()
    assert names, "the Dockerfile uninstalls nothing: this test has nothing to check"
    for name in names:
        assert name.lower() in comments, f"{name} is uninstalled without a comment saying why that is safe"


def test_the_app_imports_no_package_the_image_removes():
    removed = {mod: dist for dist in uninstalled() for mod in import_names(dist)}
    assert removed, "no removed package is installed in the project venv: cannot map them to module names"
    found = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {m}" for m in mods if m.split(".")[0] in removed]
    assert not found, f"the image uninstalls what these import: {found}"


def test_the_app_calls_no_streamlit_element_that_imports_a_removed_package():
    removed = {mod for dist in uninstalled() for mod in import_names(dist)}
    banned = {attr: pkg for pkg, attrs in CHARTS_NEEDING_REMOVED.items() if pkg in removed for attr in attrs}
    found = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # st.bar_chart(...), also on a container (col.bar_chart); `map` only as st.map (df.map is pandas)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in banned:
                owner = node.func.value
                if node.func.attr != "map" or (isinstance(owner, ast.Name) and owner.id in {"st", "streamlit"}):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr} ({banned[node.func.attr]})")
    assert not found, f"these Streamlit calls import a package the image removes: {found}"
