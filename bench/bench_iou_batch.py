"""The batch core against torchvision: IoU, GIoU, DIoU and CIoU losses and their gradients on 65,536 box pairs.

Side by side in one process, float32 on CPU, interleaved repeats (each repeat runs every contender once, in a
rotating order, so that load from other work on the machine falls on all of them alike), medians:

* **torchvision, 4 separate**: torchvision v0.28.0's own source files, imported from its
  release wheel by ``bench/_torchvision_ops.py``: ``1 - IoU`` from
  ``_loss_inter_union``, ``generalized_box_iou_loss``, ``distance_box_iou_loss``, ``complete_box_iou_loss``, each
  with ``reduction="sum"`` and its own ``backward()``: four geometry passes, four backward passes, no input checks.
* **lossviz, 4 separate**: ``IOU_LOSSES[code]`` for the same four, each with its ``backward()``.
* **lossviz batch, 4 losses**: ``iou_losses_and_grads`` (one input check, one geometry pass, one backward per
  distinct term down to the geometry's eight leaves, SIoU's and EIoU's own terms in closed form, then each loss's
  leaf gradients mapped onto the edges once),
  giving each of the four losses its own gradient, as the separate calls do.
* **lossviz batch, every loss**: the same call for all registered IoU-family losses (9), for scale.

The ratio column is median / torchvision's median in the same run (goal of issue 15, item 5: <= 0.5). The note also
gives the process CPU time per call (all threads), the minor page faults per call (fresh pages the allocator had
handed back to the system and took again: a few µs each on this VM) and the largest gradient difference from the
separate calls.

    python -m bench.bench_iou_batch            # prints the table
    python -m bench.bench_iou_batch --keep-heap  # the same with glibc keeping freed memory (no page faults)
"""

from __future__ import annotations

import ctypes
import resource
import statistics
import sys
import time
from collections.abc import Callable

import torch

from bench import _torchvision_ops as tv
from bench._timing import row, summarize
from bench.bench_losses_iou import random_boxes
from lossviz import losses

N_PAIRS = 65_536
REPEAT = 21
GROUP = "losses/iou-batch"
FOUR = ("iou", "giou", "diou", "ciou")


def pairs(n: int = N_PAIRS, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The pairs of ``bench_losses_iou``: boxes in a 100 x 100 world, targets near them (most pairs overlap)."""
    gen = torch.Generator().manual_seed(seed)
    pred = random_boxes(n, gen)
    target = (pred + torch.randn(n, 4, generator=gen) * 4).clamp(min=0)
    target = torch.cat([torch.min(target[:, :2], target[:, 2:]), torch.max(target[:, :2], target[:, 2:])], dim=-1)
    return pred, target


def contenders(pred: torch.Tensor, target: torch.Tensor) -> dict[str, Callable[[], dict[str, torch.Tensor]]]:
    """Name → a call returning ``{code: d loss / d pred}`` (each computes values and gradients)."""

    def separate(fns: dict[str, Callable[..., torch.Tensor]]) -> Callable[[], dict[str, torch.Tensor]]:
        def run() -> dict[str, torch.Tensor]:
            grads = {}
            for code, fn in fns.items():
                p = pred.detach().requires_grad_(True)
                fn(p, target, reduction="sum").backward()
                grads[code] = p.grad
            return grads

        return run

    def batch(codes: tuple[str, ...] | None) -> Callable[[], dict[str, torch.Tensor]]:
        return lambda: losses.iou_losses_and_grads(pred, target, losses=codes, reduction="sum").grads

    return {
        "torchvision, 4 separate": separate(tv.LOSSES),
        "lossviz, 4 separate": separate({c: losses.IOU_LOSSES[c] for c in FOUR}),
        "lossviz batch, 4 losses": batch(FOUR),
        "lossviz batch, every loss": batch(None),
    }


def measure(repeat: int = REPEAT, n: int = N_PAIRS) -> list[dict]:
    pred, target = pairs(n)
    calls = contenders(pred, target)
    names = list(calls)
    reference = calls["lossviz, 4 separate"]()
    diffs = {}
    for name, fn in calls.items():  # warm-up, and the gradients' agreement with the separate calls
        grads = fn()
        diffs[name] = max(float((grads[c] - reference[c]).abs().max()) for c in FOUR)
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    faults: dict[str, int] = dict.fromkeys(names, 0)
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            c0, t0 = time.process_time(), time.perf_counter()
            calls[name]()
            wall[name].append((time.perf_counter() - t0) * 1e3)
            cpu[name].append((time.process_time() - c0) * 1e3)
            faults[name] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
    base = statistics.median(wall["torchvision, 4 separate"])
    size = f"{n:,} pairs float32"
    rows = []
    for name in names:
        timing = summarize(wall[name])
        ratio = timing["median_ms"] / base
        note = (
            f"ratio {ratio:.2f} vs torchvision; CPU {statistics.median(cpu[name]):.1f} ms/call; "
            f"{faults[name] / repeat:.0f} minor page faults/call; max |grad diff| {diffs[name]:.1e}"
        )
        rows.append({**row(GROUP, name, size, timing, note), "ratio": ratio})
    return rows


def run() -> list[dict]:
    return measure()


def keep_heap() -> None:
    """Tell glibc to keep freed memory (no trimming of the heap top, no mmap for blocks below 32 MiB), as
    ``MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_MMAP_THRESHOLD_=33554432`` would: no fresh pages to fault in."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD (32 MiB, its largest value)


def main(argv: list[str]) -> int:
    heap = "--keep-heap" in argv
    argv = [a for a in argv if a != "--keep-heap"]
    if heap:
        keep_heap()
    repeat = int(argv[0]) if argv else REPEAT
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, torchvision {tv.TORCHVISION_VERSION} code")
    if heap:
        print("# --keep-heap: glibc keeps freed memory in this process (no trimming, no mmap below 32 MiB)")
    print("| what | median ms | p95 ms | ratio to torchvision | note |")
    print("|---|---:|---:|---:|---|")
    for r in measure(repeat):
        print(f"| {r['name']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['ratio']:.2f} | {r['note']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
