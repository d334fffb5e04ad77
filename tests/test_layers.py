"""The layers import in one direction: losses (torch) -> analysis -> figures -> components / pages."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "lossviz/losses": {"streamlit", "plotly", "pandas", "lossviz.analysis", "lossviz.figures", "lossviz.components"},
    "lossviz/analysis": {"streamlit", "plotly", "lossviz.figures", "lossviz.components"},
    "lossviz/figures": {"streamlit", "torch", "lossviz.components"},
    "lossviz/cli": {"streamlit", "plotly", "lossviz.figures", "lossviz.components"},
    "lossviz/pages": {"torch"},
    "lossviz/cached": {"torch"},
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_layer_imports_only_downward(folder):
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no python files under {folder}"
    for path in files:
        for name in _imports(path):
            for banned in FORBIDDEN[folder]:
                assert not (name == banned or name.startswith(banned + ".")), (
                    f"{path.relative_to(ROOT)} imports {name}: {folder} must not depend on {banned}"
                )
