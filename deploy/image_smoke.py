"""Smoke run of the built image: every page, one control moved per page, the uploads, the command line.

Runs INSIDE the image (the image carries no tests; this file is mounted for the run), as the image's user:

    podman run --rm --network none -v "$PWD/deploy/image_smoke.py:/smoke.py:ro" -v /tmp/out:/out \\
        --entrypoint python IMAGE /smoke.py /out/smoke.json

In Streamlit's AppTest (part of the streamlit package): Home and every page of ``lossviz/pages/`` opened as a deep
link does, then its first slider (else number input, toggle, checkbox or select box) moved to another value and
the page run again; the Libra page's picture source with a PNG upload (and a bad upload); the Sensitivity page's
synthetic sample on the first visit, then an upload of that sample's files; one page in Chinese. Then
``python -m lossviz --help`` and the commands the README lists (``simulate``, ``sensitivity``), small.

Exit 0 when nothing raised (no exception element, no error element where none is expected, every command's exit
status 0). The JSON it writes lists what ran: every top-level module imported and every shared library mapped, in
the AppTest process and in each command's process, so what the Dockerfile removes can be checked against what a
run uses (``bench/image_check.py`` does, and also covers the live server).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

APP = Path(os.environ.get("LOSSVIZ_APP", "/app"))

# Records, at exit, the top-level modules and the mapped shared libraries of a process (appended to a JSON file).
RECORDER = r"""
import atexit, json, sys
def _record(path=sys.argv.pop(1)):
    libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if '.so' in l})
    mods = sorted({m.split('.')[0] for m in list(sys.modules)})
    with open(path, 'w') as f:
        json.dump({'modules': mods, 'libraries': libs, 'submodules': sorted(sys.modules)}, f)
atexit.register(_record)
"""


def record_self() -> dict:
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})
    names = sorted(sys.modules)
    return {"modules": sorted({m.split(".")[0] for m in names}), "libraries": libs, "submodules": names}


def move_one_control(at) -> str:
    """Move the page's first slider (else number input, toggle, checkbox, select box); return what moved."""
    for s in at.slider:
        lo, hi = s.proto.min, s.proto.max
        value = s.value
        if isinstance(value, tuple | list):
            s.set_range(lo, hi) if tuple(value) != (lo, hi) else s.set_range(lo, lo + (hi - lo) / 2)
        else:
            s.set_value(type(value)(hi) if value != hi else type(value)(lo))
        return f"slider {s.key or s.label}"
    for n in at.number_input:
        n.increment()
        return f"number_input {n.key or n.label}"
    for kind in ("toggle", "checkbox"):
        for c in getattr(at, kind):
            c.set_value(not c.value)
            return f"{kind} {c.key or c.label}"
    for sb in at.selectbox:
        others = [o for o in sb.options if o != sb.value]
        if others:
            sb.select(others[0])
            return f"selectbox {sb.key or sb.label}"
    return ""


def check(at, what: str, allow_errors: bool = False) -> list[str]:
    problems = [f"{what}: exception {e.value}" for e in at.exception]
    if not allow_errors:
        problems += [f"{what}: error {e.value}" for e in at.error]
    return problems


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buf, format="PNG")
    return buf.getvalue()


def run_pages(report: dict, problems: list[str]) -> None:
    """Appends to ``problems`` as it goes (an exception midway keeps what was found before it)."""
    from streamlit.testing.v1 import AppTest

    def app(page: str | None, query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP / "app.py"), default_timeout=300)
        if query:
            at.query_params.update(query)
        if page is not None:
            at.switch_page(f"lossviz/pages/{page}.py")
        t0 = time.perf_counter()
        at.run()
        report["pages"].append({"page": page or "home", "query": query or {}, "s": round(time.perf_counter() - t0, 2)})
        return at

    pages = [None, *sorted(p.stem for p in (APP / "lossviz" / "pages").glob("*.py") if p.stem != "home")]
    for page in pages:
        at = app(page)
        name = page or "home"
        problems += check(at, name)
        moved = move_one_control(at)
        report["moved"][name] = moved
        if moved:
            at.run()
            problems += check(at, f"{name} after {moved}")
        elif page is not None:
            problems.append(f"{name}: no control found to move")

    # Libra: the picture source with a real PNG, then a file that is no picture (refused with a message)
    at = app("libra", {"lib_panel": "bfp", "lib_src": "picture"})
    problems += check(at, "libra picture")
    at.get("file_uploader")[0].set_value(("box.png", png_bytes(), "image/png"))
    at.run()
    problems += check(at, "libra picture upload")
    report["libra_upload_charts"] = len(at.get("bidi_component"))
    at.get("file_uploader")[0].set_value(("x.png", b"not a picture at all", "image/png"))
    at.run()
    problems += check(at, "libra bad upload", allow_errors=True)
    if not at.error:
        problems.append("libra bad upload: no error message")

    # Sensitivity: the synthetic sample on the first visit (checked above), then its files uploaded
    from lossviz.analysis import sensitivity as S

    gt, runs = S.synthetic_sample()
    at = app("sensitivity")
    up = {u.key: u for u in at.get("file_uploader")}
    up["sens_gt_file"].set_value(("gt.json", gt, "application/json"))
    up["sens_dt_files"].set_value([(f"{k}.json", v, "application/json") for k, v in runs.items()])
    at.run()
    problems += check(at, "sensitivity upload")
    report["sensitivity_upload_metrics"] = [m.label for m in at.metric]

    # one page in Chinese
    at = app("regression", {"lang": "zh"})
    problems += check(at, "regression zh")


def run_commands(report: dict, tmp: Path) -> list[str]:
    from lossviz.analysis import sensitivity as S

    gt, runs = S.synthetic_sample()
    (tmp / "gt.json").write_bytes(gt)
    names = []
    for i, body in enumerate(runs.values()):
        (tmp / f"dt{i}.json").write_bytes(body)
        names.append(str(tmp / f"dt{i}.json"))
    commands = [
        ["--help"],
        ["simulate", "--help"],
        ["sensitivity", "--help"],
        ["simulate", "--points", "3", "--iters", "5", "--losses", "iou,giou,diou,ciou", "--gradients", "paper",
         "--seed", "0", "--device", "cpu", "--json", str(tmp / "run.json")],
        ["simulate", "--points", "2", "--iters", "3", "--losses", "eiou,siou", "--gradients", "autograd", "--quiet"],
        ["sensitivity", str(tmp / "gt.json"), *names, "--feature", "area_ratio", "--metric", "recall",
         "--iou", "0.5", "--score", "0.0", "--buckets", "5", "--json", str(tmp / "out.json")],
        ["simulate", "--points", "-1"],  # a bad count: exit 2 with one line
    ]  # fmt: skip
    problems = []
    for i, args in enumerate(commands):
        rec = tmp / f"cmd{i}.json"
        code = RECORDER + "import runpy; runpy.run_module('lossviz', run_name='__main__', alter_sys=True)"
        p = subprocess.run(
            [sys.executable, "-c", code, str(rec), *args], cwd=APP, capture_output=True, text=True, timeout=600
        )
        want = 2 if args[-1] == "-1" else 0
        entry = {"args": args, "rc": p.returncode, "stdout_lines": len(p.stdout.splitlines())}
        if p.returncode != want or "Traceback" in p.stderr:
            problems.append(f"lossviz {' '.join(args)}: rc {p.returncode}: {p.stderr[-800:]}")
        if rec.exists():
            entry.update(json.loads(rec.read_text()))
        report["commands"].append(entry)
    return problems


def dlopen_all() -> dict:
    """dlopen every shared library in the venv (lazy binding, as an import does): the ones that fail, by path."""
    import ctypes
    import sysconfig

    failures = {}
    venv = Path(sysconfig.get_paths()["purelib"])
    paths = sorted(p for p in venv.rglob("*.so*") if p.is_file() and (p.suffix == ".so" or ".so." in p.name))
    for path in paths:
        try:
            ctypes.CDLL(str(path), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
        except OSError as e:
            failures[str(path)] = str(e)[-300:]
    return {"count": len(paths), "failures": failures}


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    os.chdir(APP)
    sys.path.insert(0, str(APP))
    report: dict = {"pages": [], "moved": {}, "commands": []}
    problems: list[str] = []
    try:
        run_pages(report, problems)
    except Exception:
        problems.append("pages: " + traceback.format_exc()[-1500:])
    report["apptest"] = record_self()
    report["dlopen"] = dlopen_all()  # after the record: it maps every library
    problems += [f"dlopen {path}: {err}" for path, err in report["dlopen"]["failures"].items()]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            problems += run_commands(report, Path(tmp))
        except Exception:
            problems.append("commands: " + traceback.format_exc()[-1500:])
    report["problems"] = problems
    if out is not None:
        out.write_text(json.dumps(report, indent=1))
    for line in problems:
        print("PROBLEM:", line)
    print(f"smoke: {len(report['pages'])} page runs, moved {report['moved']}, {len(report['commands'])} commands,")
    print(f"smoke: dlopen of {report['dlopen']['count']} shared libraries: {len(report['dlopen']['failures'])} failed")
    print(f"smoke: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
