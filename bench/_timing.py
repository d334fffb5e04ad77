"""Timing helpers shared by every benchmark module. Benchmarks report; they never assert a time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_it(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> dict[str, float]:
    """Run ``fn`` ``warmup`` times, then ``repeat`` times; return median and p95 wall time in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    return summarize(samples)


def summarize(samples_ms: list[float]) -> dict[str, float]:
    s = sorted(samples_ms)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * (len(s) - 1))))]
    return {"median_ms": statistics.median(s), "p95_ms": p95, "repeats": len(s)}


def row(group: str, name: str, size: str, timing: dict[str, float], note: str = "") -> dict[str, object]:
    """One line of the benchmark table: ``group`` (e.g. "losses/regression"), ``name``, problem ``size``."""
    return {"group": group, "name": name, "size": size, **timing, "note": note}
