"""The DIoU paper's box-regression simulation: ``simulate_boxes`` (chunked, vectorised) against a naive loop, side
by side on the same cases, per loss.

The naive loop is what one writes first: per step, the standard loss on the whole (N, 4) tensor of boxes,
``loss.sum().backward()``, then ``B ← B − η·(2 − IoU)·grad``. ``simulate_boxes`` runs the same update in cache-sized
chunks, with autograd (exact) or the port of the official hand-written gradients (``paper``, no autograd).
The ratio column is naive time / that row's time (> 1: faster than the naive loop).

Reduced by default (SIM_BENCH_POINTS=40 centres = 13,720 cases, SIM_BENCH_ITERS=200 steps). The full scale::

    SIM_BENCH_POINTS=5000 python -m bench.run simulation     # 1,715,000 cases; minutes on a small CPU
    python -m bench.bench_simulation --points 5000 --device cuda
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch

from bench._timing import row, summarize
from lossviz import losses
from lossviz.losses import simulation as S

GROUP = "simulation"
LOSSES = ("iou", "giou", "diou", "ciou")


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
    return (time.perf_counter() - t0) * 1e3, out


def run(points: int | None = None, iters: int | None = None, device: str = "cpu") -> list[dict]:
    points = int(points or os.environ.get("SIM_BENCH_POINTS", 40))
    iters = int(iters or os.environ.get("SIM_BENCH_ITERS", 200))
    anchors, targets = S.protocol_boxes(S.disc_centres(points, seed=0))
    anchors, targets = anchors.to(device, torch.float32), targets.to(device, torch.float32)
    size = f"{len(anchors):,} cases × {iters} steps ({device}, {torch.get_num_threads()} threads)"
    rows = []
    for loss in LOSSES:
        naive_ms, naive_final = _time(lambda loss=loss: naive_loop(anchors, targets, loss, iters), device)
        rows.append(row(GROUP, f"{loss}: naive loop (whole-tensor autograd)", size, summarize([naive_ms]), "1.00×"))
        for mode in ("autograd", "paper"):
            ms, res = _time(
                lambda loss=loss, mode=mode: S.simulate_boxes(anchors, targets, loss, gradients=mode, iters=iters),
                device,
            )
            note = f"{naive_ms / ms:.2f}× vs naive"
            if mode == "autograd":
                diff = float((res.final - naive_final).abs().max())
                note += f"; max |Δ| to naive {diff:.1e}"
            rows.append(row(GROUP, f"{loss}: simulate_boxes ({mode})", size, summarize([ms]), note))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=None)
    parser.add_argument("--iters", type=int, default=None)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    args = parser.parse_args(argv)
    rows = run(args.points, args.iters, args.device)
    print("| name | size | ms | note |\n|---|---|---:|---|")
    for r in rows:
        print(f"| {r['name']} | {r['size']} | {r['median_ms']:.0f} | {r['note']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
