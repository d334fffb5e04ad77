"""Where a page's rerun spends its time: cProfile of the script thread while one control changes value.

    python -m bench.profile_rerun regression reg_alpha 0.4,0.6,0.7,0.3,0.45,0.55 [--sort tottime] [--top 40]

Runs ``app.py`` on the page in Streamlit's AppTest, sets the control (slider, number input, select slider) to each
value in turn (the first two warm caches up and are not profiled) and prints the profile of the script runs only.
AppTest compiles the scripts again on every run, which a server does once: the compiled code is kept here as a
server keeps it, so the profile shows what a server's script thread does. Serialising and sending the messages
(the server's event loop) is not in it: ``python -m bench.loadgen`` measures the whole server's CPU and bytes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

from streamlit.runtime.scriptrunner import script_cache, script_runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def profile(page: str, key: str, values: list[float], *, query: dict | None = None) -> cProfile.Profile:
    prof, on = cProfile.Profile(), [False]
    run_script = script_runner.ScriptRunner._run_script
    get_bytecode = script_cache.ScriptCache.get_bytecode
    compiled: dict[str, object] = {}

    def profiled(self, *args, **kwargs):
        return prof.runcall(run_script, self, *args, **kwargs) if on[0] else run_script(self, *args, **kwargs)

    def cached(self, path):  # one compile per script, as in a server
        if path not in compiled:
            compiled[path] = get_bytecode(self, path)
        return compiled[path]

    script_runner.ScriptRunner._run_script = profiled
    script_cache.ScriptCache.get_bytecode = cached
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params.update(query or {})
        at.switch_page(f"lossviz/pages/{page}.py")
        at.run()

        def find():
            for kind in ("slider", "number_input", "select_slider"):
                try:
                    return getattr(at, kind)(key)
                except (KeyError, IndexError):
                    continue
            return None

        def control():
            if (found := find()) is None:  # a step reran only some fragments: AppTest then shows only theirs
                was, on[0] = on[0], False
                at.run()  # a full run (not profiled) draws the control again, as the browser still shows it
                on[0] = was
                found = find()
            if found is None:
                raise SystemExit(f"no slider, number input or select slider with key {key!r} on {page}")
            return found

        for i, v in enumerate(values):
            on[0] = i >= 2
            control().set_value(v).run()
            if at.exception:
                raise SystemExit(f"the page raised: {at.exception[0].value}")
    finally:
        script_runner.ScriptRunner._run_script = run_script
        script_cache.ScriptCache.get_bytecode = get_bytecode
    return prof


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("page", help="url path: regression, iou, classification, simulation, boxsize, libra, sensitivity")
    p.add_argument("key", help="the control's key (its URL parameter)")
    p.add_argument("values", help="comma-separated values; the first two are a warm-up")
    p.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    p.add_argument("--top", type=int, default=40)
    a = p.parse_args(argv)
    values = [float(v) for v in a.values.split(",")]
    if len(values) < 3:
        p.error("give at least three values: two warm-up runs and one profiled")
    prof = profile(a.page, a.key, values)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    runs = len(values) - 2
    print(
        f"# {a.page}: {runs} profiled reruns of {a.key}; total {stats.total_tt:.3f} s = "
        f"{1000 * stats.total_tt / runs:.0f} ms per rerun (under cProfile, which slows Python code ~1.5-2x)"
    )
    stats.sort_stats(a.sort).print_stats(a.top)
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
