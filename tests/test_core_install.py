"""The loss core is a library people can install: torch is its only runtime dependency (issue 13)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_loss_core_imports_neither_streamlit_nor_plotly_nor_numpy():
    code = (
        "import sys, lossviz.losses as L, torch\n"
        "L.ciou_loss(torch.zeros(1, 4), torch.ones(1, 4))\n"
        "bad = sorted(m for m in ('streamlit', 'plotly', 'pandas', 'numpy') if sys.modules.get(m) is not None)\n"
        "print(','.join(bad))\n"
    )
    # torch imports numpy on its own when numpy is installed: block it to prove the core never needs it
    blocker = "import sys; sys.modules['numpy'] = None\n"
    out = subprocess.run(
        [sys.executable, "-c", blocker + code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""


def test_the_app_dependencies_are_an_extra_and_torch_the_only_runtime_dependency():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [d.split(">")[0].split("=")[0] for d in project["dependencies"]] == ["torch"]
    app = {d.split(">")[0].split("=")[0].lower() for d in project["optional-dependencies"]["app"]}
    assert {"streamlit", "plotly", "numpy"} <= app


@pytest.mark.install
def test_pip_install_into_a_fresh_venv_gives_a_working_loss_core_with_torch_alone(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    py = env_dir / "bin" / "python"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)
    # torch (and its own dependencies) from the local wheel directory and index in pip's config, then the project
    subprocess.run([py, "-m", "pip", "install", "-q", "torch==2.13.0"], env=env, check=True, timeout=900)
    # install from a copy: setuptools builds in the source tree and would leave build/ in the checkout
    src = tmp_path / "src"
    junk = (".venv", ".git", "build", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", "bench", "tests")
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*junk))
    subprocess.run([py, "-m", "pip", "install", "-q", str(src)], env=env, check=True, timeout=600)
    frozen = subprocess.run([py, "-m", "pip", "freeze"], env=env, capture_output=True, text=True, check=True).stdout
    names = {line.split("==")[0].split(" @ ")[0].lower() for line in frozen.splitlines() if line}
    assert "lossviz" in names
    assert not names & {"streamlit", "plotly", "numpy", "pandas"}, names
    code = (
        "import torch, lossviz.losses as L\n"
        "p = torch.tensor([[0., 0., 300., 300.]], dtype=torch.float16, requires_grad=True)\n"
        "t = torch.tensor([[100., 100., 400., 400.]], dtype=torch.float16)\n"
        "loss = L.giou_loss(p, t, reduction='mean'); loss.backward()\n"
        "print(round(float(loss), 3), bool(torch.isfinite(p.grad).all()))\n"
    )
    out = subprocess.run([py, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0.839", "True"]
