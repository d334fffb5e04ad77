"""The built image: what it holds, what a run of it uses, and its cold start. Needs rootful podman and the image
that ``../shared/tools/container-check.sh`` builds (``KEEP_IMAGE=1`` keeps it; same podman storage).

    KEEP_IMAGE=1 ../shared/tools/container-check.sh .            # builds localhost/dockcheck-<dir>:check
    python -m bench.image_check --image localhost/dockcheck-image:check --out /tmp/image.json

1. Sizes: the venv's 30 largest site-packages entries (``du -xsm`` in the image).
2. Smoke: ``deploy/image_smoke.py`` in the image (mounted, the image carries no tests): every page in AppTest with
   one control moved, the Libra upload, the Sensitivity sample and upload, the command line; it records the
   modules imported and the shared libraries mapped.
3. The live server, as ``docker run`` starts it (the image's CMD, on another port), ``--reps`` times: seconds from
   ``podman run`` to ``/_stcore/health`` answering, then one protocol-level session (``bench.loadgen.Session``: GET,
   websocket, first run) on Home, the first page's first render (the first script run imports torch and the app),
   then the Regression page. One more server runs with ``PYTHONPROFILEIMPORTTIME=1``; a session opens every page and
   moves its control; the modules it imported (its stderr) and the libraries its process maps (/proc/1/maps) are
   added to the record.
4. ``--baseline IMAGE``: cold starts of another image (the one before a change) alternate with this one's, so
   both see the same load on a shared machine.
5. ``--removed NAME ...``: top-level packages (or library file names) the Dockerfile removes; any of them seen in
   the record of a run (of an image that still holds them) fails the check.

Exit 0 when the smoke and every session ran without an exception and nothing removed was used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench._live import ROOT, free_port
from bench.loadgen import PAGES, TARGETS, Session, Target, healthy, run_async
from lossviz.components import served

CACHE = Path(os.environ.get("DOCKCHECK_CACHE", "/var/tmp/lossviz-dockcheck"))
SP = "/opt/venv/lib/python3.11/site-packages"
HOME = Target("home", ROOT / "app.py", "", "", "")


def podman(*args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    env = dict(
        os.environ, CONTAINERS_STORAGE_CONF=str(CACHE / "storage.conf"), CONTAINERS_CONF=str(CACHE / "containers.conf")
    )
    return subprocess.run(["podman", *args], env=env, capture_output=True, text=True, check=check, timeout=timeout)


def sizes(image: str) -> list[str]:
    cmd = f"du -xsm {SP}/* | sort -n | tail -30; du -xsm /opt/venv | sed 's/^/venv /'"
    return podman("run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", cmd).stdout.splitlines()


def smoke(image: str, out: Path) -> dict:
    out.chmod(0o777)  # the image's user writes there
    p = podman(
        "run", "--rm", "--network", "none",
        "-v", f"{ROOT / 'deploy' / 'image_smoke.py'}:/smoke.py:ro", "-v", f"{out}:/out",
        "--entrypoint", "python", image, "/smoke.py", "/out/smoke.json",
        check=False,
    )  # fmt: skip
    report = json.loads((out / "smoke.json").read_text()) if (out / "smoke.json").exists() else {}
    report["rc"] = p.returncode
    if p.returncode and not report.get("problems"):
        report["problems"] = [f"smoke exited {p.returncode}: {(p.stdout + p.stderr)[-1500:]}"]
    return report


def start(image: str, port: int, env: dict | None = None) -> tuple[str, float]:
    """The image's CMD on ``port`` (host network); returns the container's name and the seconds to healthy."""
    name = f"lossviz-imagecheck-{port}"
    podman("rm", "-f", name, check=False)
    extra = [a for k, v in (env or {}).items() for a in ("-e", f"{k}={v}")]
    cmd = ["streamlit", "run", "app.py", f"--server.port={port}", "--server.address=0.0.0.0"]
    t0 = time.perf_counter()
    podman("run", "-d", "--name", name, "--network", "host", *extra, image, *cmd)
    url = f"http://127.0.0.1:{port}"
    while not healthy(url, timeout=0.5):
        if time.perf_counter() - t0 > 120:
            raise RuntimeError(f"{image} not healthy after 120 s: {podman('logs', name, check=False).stderr[-800:]}")
        time.sleep(0.05)
    return name, time.perf_counter() - t0


async def first_renders(url: str, targets: list[Target], move: bool) -> list[dict]:
    rows = []
    for target in targets:
        s = Session(url, target, patience=300, rng=random.Random(0))
        try:
            row = {"page": target.name, "open_s": round(await s.open(), 2)}
            if move and s.slider() is not None:
                row["move_s"] = round((await s.move_slider())[0], 2)
                row["moved"] = s.moved
            row["exceptions"] = s.exceptions
            rows.append(row)
        finally:
            await s.close()
    return rows


def cold_start(image: str) -> dict:
    """One ``docker run`` of ``image``: seconds to healthy, then the first renders of Home and Regression."""
    port = free_port()
    name, to_healthy = start(image, port)
    try:
        rows = run_async(first_renders(f"http://127.0.0.1:{port}", [HOME, TARGETS["regression"]], move=False))
    finally:
        podman("rm", "-f", "-t", "3", name, check=False)
    home = rows[0]["open_s"]
    return {"healthy_s": round(to_healthy, 2), "home_first_render_s": home, "pages": rows} | {
        "run_to_first_render_s": round(to_healthy + home, 2)
    }


def cold_starts(image: str, reps: int, baseline: str | None) -> tuple[list[dict], list[dict]]:
    """``reps`` cold starts of ``image`` (and of ``baseline``, alternating with them, so both see the same load)."""
    runs, base = [], []
    for _ in range(reps):
        if baseline:
            base.append(cold_start(baseline))
        runs.append(cold_start(image))
    return runs, base


def live_record(image: str) -> dict:
    """Every page opened and its control moved on a server that logs its imports; what it imported and mapped."""
    port = free_port()
    name, _ = start(image, port, {"PYTHONPROFILEIMPORTTIME": "1"})
    try:
        rows = run_async(first_renders(f"http://127.0.0.1:{port}", [HOME] + [TARGETS[p] for p in PAGES], move=True))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            status = r.status
        # the static file the charts need: plotly.min.js from plotly's package_data, served by the app
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{served.url('plotly_js', 'plotly.min.js')}") as r:
            plotly_js = (r.status, len(r.read()))
        maps = podman("exec", name, "cat", "/proc/1/maps").stdout
        log = podman("logs", name).stderr
    finally:
        podman("rm", "-f", "-t", "3", name, check=False)
    lines = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)$", log, flags=re.M)
    names = {name for _, _, name in lines}
    # the slowest imports a process made at its first level (cumulative, under import profiling)
    outer = sorted(((int(us), name) for us, pad, name in lines if len(pad) == 1), reverse=True)[:12]
    libs = sorted({ln.split()[-1] for ln in maps.splitlines() if ".so" in ln})
    return {
        "sessions": rows,
        "get_root": status,
        "plotly_js": plotly_js,
        "modules": sorted({n.split(".")[0] for n in names}),
        "submodules": sorted(names),
        "libraries": libs,
        "slowest_imports_ms": [[name, round(us / 1000)] for us, name in outer],
    }


def used(record: dict) -> tuple[set[str], set[str]]:
    """(top-level modules, library paths) over every process the record covers."""
    parts = [record["smoke"].get("apptest", {}), record["live"], *record["smoke"].get("commands", [])]
    return {m for p in parts for m in p.get("modules", [])}, {lib for p in parts for lib in p.get("libraries", [])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--image", default="localhost/dockcheck-image:check")
    ap.add_argument("--reps", type=int, default=3, help="cold starts to time")
    ap.add_argument("--baseline", help="another image whose cold starts alternate with this one's (e.g. the last one)")
    ap.add_argument("--removed", nargs="*", default=[], help="packages or library file names that must go unused")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "image_check.json")
    args = ap.parse_args(argv)

    record: dict = {
        "image": args.image,
        "size_bytes": int(podman("image", "inspect", "-f", "{{.Size}}", args.image).stdout),
    }
    record["site_packages_top30"] = sizes(args.image)
    with tempfile.TemporaryDirectory() as tmp:
        record["smoke"] = smoke(args.image, Path(tmp))
    record["cold_start"], record["baseline_cold_start"] = cold_starts(args.image, args.reps, args.baseline)
    record["live"] = live_record(args.image)
    modules, libs = used(record)
    record["removed_but_used"] = sorted(
        r for r in args.removed if r in modules or any(Path(lib).name.startswith(r) for lib in libs)
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1))

    problems = list(record["smoke"].get("problems", ["smoke: no report"]))
    problems += [f"{r['page']}: {e}" for run in record["cold_start"] for r in run["pages"] for e in r["exceptions"]]
    problems += [f"live {r['page']}: {e}" for r in record["live"]["sessions"] for e in r["exceptions"]]
    problems += [f"removed but used: {n}" for n in record["removed_but_used"]]
    if record["live"]["get_root"] != 200:
        problems.append(f"GET / {record['live']['get_root']}")
    if record["live"]["plotly_js"][0] != 200 or record["live"]["plotly_js"][1] < 1_000_000:
        problems.append(f"plotly.min.js: {record['live']['plotly_js']}")

    print(f"image {args.image}: {record['size_bytes'] / 1e9:.2f} GB")
    print("\n".join(record["site_packages_top30"]))
    sm = record["smoke"]
    dl = sm.get("dlopen", {})
    print(f"smoke: {len(sm.get('pages', []))} page runs, moved {sm.get('moved')}")
    print(f"smoke: commands exit {[c['rc'] for c in sm.get('commands', [])]}, dlopen of {dl.get('count')} libraries:")
    print(f"smoke: {len(dl.get('failures', {}))} failed; {len(sm.get('problems', []))} problem(s)")
    for run in record["cold_start"]:
        pages = ", ".join(f"{r['page']} {r['open_s']} s" for r in run["pages"])
        print(f"cold start: healthy {run['healthy_s']} s; first renders {pages}; run to Home rendered "
              f"{run['run_to_first_render_s']} s")  # fmt: skip

    def med(runs, key):
        return round(statistics.median(r[key] for r in runs), 2)

    for label, runs in (
        ("this image", record["cold_start"]),
        (f"baseline {args.baseline}", record["baseline_cold_start"]),
    ):
        if runs:
            h, f, t = (med(runs, k) for k in ("healthy_s", "home_first_render_s", "run_to_first_render_s"))
            print(f"median of {len(runs)}, {label}: healthy {h} s, Home first render {f} s, run to Home rendered {t} s")
    live = ", ".join(f"{r['page']} {r['open_s']}/{r.get('move_s', '-')} s" for r in record["live"]["sessions"])
    print(f"live (import-profiled, open/move): {live}")
    print("slowest first-level imports (ms, profiled):", record["live"]["slowest_imports_ms"])
    print(
        f"used: {len(modules)} top-level modules, {len(libs)} libraries; removed but used: {record['removed_but_used']}"
    )
    for p in problems:
        print("PROBLEM:", p)
    print(f"wrote {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
