"""Where the browser spends a step: a CPU profile of Chromium's main thread over one page's control steps.

    python -m bench.profile_paint regression --steps 8
    python -m bench.profile_paint baseline --steps 8      # the bare Streamlit page, for comparison

Starts the page's server (the app, or ``bench/baseline_app.py`` for ``baseline``) and a headless Chromium, makes the
same steps as ``bench.bench_paint`` (two warm-up steps, then ``--steps`` profiled), and prints the self time per
step of the busiest functions and of each script file (``(program)`` is the browser's own work: style, layout,
paint). The sampling profiler (``Profiler`` over the Chrome DevTools Protocol) slows the page a little; compare
pages profiled the same way, not these times with ``bench_paint``'s. Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import collections

from bench._live import BARE_STREAMLIT, ROOT, streamlit_server
from bench.bench_paint import CONTROLS, Tab


def profile(page_name: str, steps: int) -> tuple[list[float], dict]:
    """``(step times in ms, the CPU profile)`` of ``steps`` steps on ``page_name``."""
    from playwright.sync_api import sync_playwright

    script = ROOT / "bench" / "baseline_app.py" if page_name == "baseline" else ROOT / "app.py"
    flags = BARE_STREAMLIT if page_name == "baseline" else ()
    with streamlit_server(script, timeout=120, flags=flags) as url, sync_playwright() as p:
        tab = Tab(p, url, CONTROLS[page_name])
        try:
            for _ in range(2):
                tab.step()
            cdp = tab.page.context.new_cdp_session(tab.page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
            ms = [float(tab.step()["ms"]) for _ in range(steps)]
            return ms, cdp.send("Profiler.stop")["profile"]
        finally:
            tab.close()


def self_times(prof: dict) -> tuple[collections.Counter, collections.Counter]:
    """Self time in µs by function (``name @ file:line``) and by script file."""
    nodes = {n["id"]: n for n in prof["nodes"]}
    by_node: collections.Counter = collections.Counter()
    for sample, delta in zip(prof["samples"], [*prof["timeDeltas"][1:], 0], strict=True):
        by_node[sample] += delta
    by_function: collections.Counter = collections.Counter()
    by_file: collections.Counter = collections.Counter()
    for node_id, us in by_node.items():
        frame = nodes[node_id]["callFrame"]
        name, file = frame["functionName"] or "(anonymous)", frame["url"].rsplit("/", 1)[-1]
        key = name if name.startswith("(") else f"{name} @ {file}:{frame['lineNumber']}"
        by_function[key] += us
        by_file[file or name] += us
    return by_function, by_file


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("page", choices=list(CONTROLS), help="a page of bench_paint, or baseline")
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args(argv)
    ms, prof = profile(a.page, a.steps)
    by_function, by_file = self_times(prof)
    busy = sum(v for k, v in by_function.items() if k != "(idle)")
    print(f"# {a.page}: steps {[round(m) for m in ms]} ms; main thread busy {busy / a.steps / 1000:.1f} ms a step")
    print("\n## self time per step, by function")
    for key, us in by_function.most_common(a.top):
        print(f"{us / a.steps / 1000:8.2f} ms  {key}")
    print("\n## self time per step, by script file")
    for key, us in by_file.most_common(12):
        print(f"{us / a.steps / 1000:8.2f} ms  {key}")


if __name__ == "__main__":
    main()
