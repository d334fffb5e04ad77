"""The README stays true: its Python examples run, and the commands it names exist in the Makefile."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run_as_written():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        *lines, last = block.rstrip().split("\n")
        raises = re.match(r"# ValueError: (.*)", last)
        if raises:  # the block ends with the error its last statement raises
            *lines, call = lines
            exec("\n".join(lines), namespace)
            with pytest.raises(ValueError, match=re.escape(raises.group(1))):
                exec(call, namespace)
        else:
            exec(block, namespace)
    assert namespace["pred"].grad is not None


def test_the_two_commands_come_first_and_exist():
    first_code = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1)
    assert re.search(r"^make run\b", first_code, flags=re.M) and re.search(r"^make test\b", first_code, flags=re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_screenshot_exists():
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / image).is_file(), image
