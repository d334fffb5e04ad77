"""Run every ``bench/bench_*.py`` (each exposes ``run() -> list[dict]`` of rows from ``_timing.row``),
print one Markdown table and write ``bench/results/bench.json``.

    python -m bench.run            # all
    python -m bench.run regression # only modules whose name contains "regression"
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    torch.set_num_threads(max(1, torch.get_num_threads()))
    selected = [a for a in argv if not a.startswith("-")]
    rows: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if selected and not any(s in path.stem for s in selected):
            continue
        mod = importlib.import_module(f"bench.{path.stem}")
        print(f"# {path.stem} ...", file=sys.stderr, flush=True)
        rows.extend(mod.run())
    print("| group | name | size | median ms | p95 ms | repeats | note |")
    print("|---|---|---|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['group']} | {r['name']} | {r['size']} | {r['median_ms']:.2f} | {r['p95_ms']:.2f} | "
            f"{r['repeats']} | {r.get('note', '')} |"
        )
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    meta = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
    }
    (out / "bench.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"\nwritten {out / 'bench.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
