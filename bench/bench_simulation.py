"""The DIoU paper's box-regression simulation: ``simulate_boxes`` against a naive loop, side by side on the same
cases, per loss and gradient mode, in one run.

The naive loop is what one writes first: per step, the standard loss on the whole (N, 4) tensor of boxes,
``loss.sum().backward()``, then ``B ← B − η·(2 − IoU)·grad``. ``simulate_boxes`` runs the same update in chunks, with
autograd (exact gradients: the same numbers as the naive loop) or ``paper`` (the port of the official hand-written
gradients, fused into one kernel per step, no autograd). Each repeat times naive, autograd and paper back to back on
the same cases, so machine load hits all three alike; the table shows medians and the ratio naive / vectorised
(> 1: faster than the naive loop; the goal is >= 2). Every per-step time is also extrapolated to the full scale
(1,715,000 cases × 200 steps).

Default: 800 centres = 274,400 cases (a few chunks, as at full scale), 20 timed steps, 3 repeats::

    python -m bench.bench_simulation                       # the side-by-side table (about 2 minutes on 2 cores)
    python -m bench.bench_simulation --points 5000          # full scale: 4 losses × 200 steps in the fast mode
                                                            # (wall time, peak RSS), then naive and fast mode on
                                                            # 5 steps each, back to back, 3 repeats
    python -m bench.run simulation                          # the table, as bench rows

Peak memory is ``ru_maxrss`` (torch's CPU allocations are invisible to tracemalloc); at full scale the fast mode
runs first, so the peak printed after it is the fast mode's own.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

import torch

from bench._timing import row, summarize
from lossviz import losses
from lossviz.losses import simulation as S

GROUP = "simulation"
LOSSES = ("iou", "giou", "diou", "ciou")
MODES = ("autograd", "paper")
FULL_CASES = 5000 * S.CASES_PER_CENTRE
FULL_ITERS = 200


def naive_loop(anchors: torch.Tensor, targets: torch.Tensor, loss: str, iters: int) -> torch.Tensor:
    """The baseline: whole-tensor autograd each step (the same update and schedule as the paper)."""
    fn = getattr(losses, f"{loss}_loss")
    b = anchors.clone()
    t_xyxy = S.xywh_to_xyxy(targets)
    for k in range(1, iters + 1):
        leaf = b.detach().requires_grad_(True)
        xyxy = S.xywh_to_xyxy(leaf)
        fn(xyxy, t_xyxy, reduction="none").sum().backward()
        with torch.no_grad():
            iou = losses.box_geometry(xyxy.detach(), t_xyxy).iou
            b = b - S.PAPER_SCHEDULE.rate(k) * (2 - iou)[:, None] * leaf.grad
    return b


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _time(fn, device: str) -> tuple[float, object]:
    _sync(device)
    t0 = time.perf_counter()
    out = fn()
    _sync(device)
    return time.perf_counter() - t0, out


def peak_rss_mib() -> float:
    """This process's peak resident set so far (Linux ``ru_maxrss`` is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    """The 1-, 5- and 15-minute load averages (this machine's core count beside them)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def _boxes(points: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    anchors, targets = S.protocol_boxes(S.disc_centres(points, seed=0))
    return anchors.to(device, torch.float32), targets.to(device, torch.float32)


def side_by_side(points: int, iters: int, repeats: int, device: str = "cpu") -> list[dict]:
    """Per loss: ``repeats`` × (naive, autograd, paper) on the same cases; medians of seconds per step."""
    anchors, targets = _boxes(points, device)
    n = len(anchors)
    out = []
    for loss in LOSSES:
        runs = {
            "naive": lambda loss=loss: naive_loop(anchors, targets, loss, iters),
            **{
                m: lambda loss=loss, m=m: S.simulate_boxes(anchors, targets, loss, gradients=m, iters=iters).final
                for m in MODES
            },
        }
        naive_loop(anchors[:4096], targets[:4096], loss, 1)  # warm-up: one small step of each
        for m in MODES:
            S.simulate_boxes(anchors[:4096], targets[:4096], loss, gradients=m, iters=1)
        samples: dict[str, list[float]] = {k: [] for k in runs}
        finals = {}
        for _ in range(repeats):
            for name, fn in runs.items():
                sec, finals[name] = _time(fn, device)
                samples[name].append(sec / iters)
        med = {k: statistics.median(v) for k, v in samples.items()}
        diff = float((finals["autograd"] - finals["naive"]).abs().max())
        out.append({"loss": loss, "cases": n, "iters": iters, "samples": samples, "median": med, "autograd_diff": diff})
    return out


def _per_full_run(sec_per_step: float, cases: int) -> float:
    """Seconds for the full scale (1,715,000 cases × 200 steps) at this per-step, per-case rate."""
    return sec_per_step * FULL_CASES / cases * FULL_ITERS


def print_table(results: list[dict], header: str) -> None:
    print(header)
    print(
        "\n| loss | naive ms/step | autograd ms/step | paper ms/step | naive / autograd | naive / paper "
        "| full scale s (naive, autograd, paper) | autograd max abs diff to naive |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|")
    total = dict.fromkeys(("naive", *MODES), 0.0)
    for r in results:
        m, n = r["median"], r["cases"]
        full = {k: _per_full_run(v, n) for k, v in m.items()}
        for k in total:
            total[k] += full[k]
        print(
            f"| {r['loss']} | {m['naive'] * 1e3:.1f} | {m['autograd'] * 1e3:.1f} | {m['paper'] * 1e3:.1f} "
            f"| {m['naive'] / m['autograd']:.2f}× | {m['naive'] / m['paper']:.2f}× "
            f"| {full['naive']:.0f}, {full['autograd']:.0f}, {full['paper']:.0f} | {r['autograd_diff']:.1e} |"
        )
    print(
        f"| **4 losses** | | | | {total['naive'] / total['autograd']:.2f}× | {total['naive'] / total['paper']:.2f}× "
        f"| {total['naive']:.0f}, {total['autograd']:.0f}, {total['paper']:.0f} | |"
    )


def full_scale(mode: str, steps: int, repeats: int, device: str = "cpu") -> dict:
    """The full scale. First the 4 losses × 200 steps in ``mode``: wall time each, and the peak RSS (the fast mode
    runs first, so the peak is its own). Then, per loss, ``repeats`` × (naive loop, ``mode``) on ``steps`` steps
    each, back to back on all 1,715,000 cases: medians of seconds per step, and their ratio."""
    anchors, targets = _boxes(5000, device)
    base = peak_rss_mib()
    seconds = {}
    for loss in LOSSES:
        sec, res = _time(lambda loss=loss: S.simulate_boxes(anchors, targets, loss, gradients=mode), device)
        seconds[loss] = sec
        print(f"  {mode} {loss}: {sec:.1f} s, E(200) = {float(res.error[-1]):.4g}  ({load()})", flush=True)
    peak = peak_rss_mib()
    step = {"naive": {}, mode: {}}
    for loss in LOSSES:
        samples: dict[str, list[float]] = {"naive": [], mode: []}
        for _ in range(repeats):
            sec, _ = _time(lambda loss=loss: naive_loop(anchors, targets, loss, steps), device)
            samples["naive"].append(sec / steps)
            sec, _ = _time(
                lambda loss=loss: S.simulate_boxes(anchors, targets, loss, gradients=mode, iters=steps), device
            )
            samples[mode].append(sec / steps)
        for k, v in samples.items():
            step[k][loss] = statistics.median(v)
        print(
            f"  {loss} side by side, {steps} steps × {repeats}: naive {step['naive'][loss] * 1e3:.0f} ms/step, "
            f"{mode} {step[mode][loss] * 1e3:.0f} ms/step, ratio {step['naive'][loss] / step[mode][loss]:.2f}×  "
            f"({load()})",
            flush=True,
        )
    return {"mode": mode, "seconds": seconds, "step": step, "rss_before": base, "rss_peak": peak}


def run(points: int | None = None, iters: int | None = None, device: str = "cpu") -> list[dict]:
    """Bench rows (``python -m bench.run simulation``)."""
    points = int(points or os.environ.get("SIM_BENCH_POINTS", 800))
    iters = int(iters or os.environ.get("SIM_BENCH_ITERS", 20))
    rows = []
    for r in side_by_side(points, iters, int(os.environ.get("SIM_BENCH_REPEATS", 3)), device):
        size = f"{r['cases']:,} cases × {iters} steps ({device}, {torch.get_num_threads()} threads)"
        naive = r["median"]["naive"]
        rows.append(
            row(GROUP, f"{r['loss']}: naive loop", size, summarize([s * iters * 1e3 for s in r["samples"]["naive"]]))
        )
        for m in MODES:
            ms = [s * iters * 1e3 for s in r["samples"][m]]
            full = _per_full_run(r["median"][m], r["cases"])
            note = f"{naive / r['median'][m]:.2f}× vs naive; full scale ≈ {full:.0f} s"
            rows.append(row(GROUP, f"{r['loss']}: simulate_boxes ({m})", size, summarize(ms), note))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=800, help="centres (343 cases each); 5000 = the full scale")
    parser.add_argument("--iters", type=int, default=20, help="timed steps per run of the side-by-side table")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mode", default="paper", choices=MODES, help="the fast mode timed at full scale")
    parser.add_argument("--steps", type=int, default=5, help="steps per side-by-side run at full scale")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.device}; {load()}")
    if args.points >= 5000:
        f = full_scale(args.mode, args.steps, args.repeats, args.device)
        total = sum(f["seconds"].values())
        naive, fast = (sum(f["step"][k].values()) for k in ("naive", args.mode))
        print(
            f"\nfull scale ({FULL_CASES:,} cases × {FULL_ITERS} steps), 4 losses, {args.mode}: {total:.1f} s wall "
            f"({', '.join(f'{k} {v:.1f}' for k, v in f['seconds'].items())}); peak RSS {f['rss_peak']:.0f} MiB "
            f"({f['rss_before']:.0f} MiB before the runs: torch and the boxes)\n"
            f"side by side ({args.steps} steps × {args.repeats}, medians): naive {naive * 1e3:.0f} ms/step, "
            f"{args.mode} {fast * 1e3:.0f} ms/step for the 4 losses, ratio {naive / fast:.2f}×; "
            f"200 steps ≈ {naive * FULL_ITERS:.0f} s vs {fast * FULL_ITERS:.0f} s; {load()}"
        )
        return 0
    results = side_by_side(args.points, args.iters, args.repeats, args.device)
    print_table(
        results,
        f"{results[0]['cases']:,} cases × {args.iters} steps, medians of {args.repeats} repeats, "
        f"naive/autograd/paper back to back; after: {load()}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
