"""Half precision in the loss core: the cost of computing float16/bfloat16 boxes in float32, and of the dtype
wrapper on float32 calls, each as a ratio against a float32 baseline timed side by side (value + backward,
65,536 box pairs, CPU)."""

from __future__ import annotations

import torch

from bench._timing import row, time_it
from bench.bench_losses_iou import N_PAIRS, random_boxes
from lossviz import losses

GROUP = "losses/precision"
REPEAT = 9


def _step(fn, pred, target):
    def go() -> None:
        p = pred.detach().requires_grad_(True)
        fn(p, target, reduction="sum").backward()

    return go


def run() -> list[dict]:
    gen = torch.Generator().manual_seed(0)
    pred = random_boxes(N_PAIRS, gen)
    target = random_boxes(N_PAIRS, gen)
    rows = []
    for name in ("giou_loss", "ciou_loss"):
        fn = getattr(losses, name)
        base = time_it(_step(fn, pred, target), repeat=REPEAT, warmup=1)
        unwrapped = time_it(_step(fn.__wrapped__, pred, target), repeat=REPEAT, warmup=1)
        rows.append(row(GROUP, f"{name} float32", f"{N_PAIRS:,} pairs", base, "baseline"))
        ratio = base["median_ms"] / unwrapped["median_ms"]
        rows.append(row(GROUP, f"{name} float32 without the dtype wrapper", f"{N_PAIRS:,} pairs", unwrapped,
                        f"wrapped / unwrapped = {ratio:.2f}"))  # fmt: skip
        for dtype in (torch.float16, torch.bfloat16):
            timing = time_it(_step(fn, pred.to(dtype), target.to(dtype)), repeat=REPEAT, warmup=1)
            ratio = timing["median_ms"] / base["median_ms"]
            rows.append(row(GROUP, f"{name} {str(dtype).split('.')[-1]}", f"{N_PAIRS:,} pairs", timing,
                            f"{ratio:.2f} x float32 (computed in float32)"))  # fmt: skip
    return rows
