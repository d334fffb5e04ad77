"""IoU-family losses: value + autograd backward on 65,536 box pairs, float32 on CPU (median of repeats).

Also times ``box_geometry`` alone (forward only: the shared cost every loss pays) and the validation it runs, so
the overhead of the input checks is visible next to the arithmetic. The note column adds the process CPU time per
call (all threads), which is far less sensitive than wall time to other work sharing the machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch

from bench._timing import row, time_it
from lossviz import losses
from lossviz.losses import _validate

N_PAIRS = 65_536
REPEAT = 11
GROUP = "losses/iou"

#: (row name, registry code, options)
CASES: list[tuple[str, str, dict]] = [
    ("iou_loss (linear)", "iou", {"mode": "linear"}),
    ("iou_loss (log)", "iou", {"mode": "log"}),
    ("giou_loss", "giou", {}),
    ("diou_loss", "diou", {}),
    ("ciou_loss", "ciou", {}),
    ("ciou_loss (mmdet gating)", "ciou", {"alpha_gating": True}),
    ("eiou_loss", "eiou", {}),
    ("siou_loss", "siou", {}),
    ("alpha_iou_loss (iou, α=3)", "alpha_iou", {"variant": "iou"}),
    ("alpha_iou_loss (ciou, α=3)", "alpha_iou", {"variant": "ciou"}),
    ("wiou_loss (v1)", "wiou", {"version": "v1"}),
    ("wiou_loss (v3)", "wiou", {"version": "v3"}),
]


def random_boxes(n: int, gen: torch.Generator, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """``n`` valid xyxy boxes in a 100 x 100 world with sides in [1, 40]."""
    xy = torch.rand(n, 2, generator=gen, dtype=dtype) * 100
    wh = 1 + torch.rand(n, 2, generator=gen, dtype=dtype) * 39
    return torch.cat([xy, xy + wh], dim=-1)


def _timed(fn: Callable[[], object]) -> tuple[dict[str, float], str]:
    """``time_it`` wall-clock statistics, plus the mean process CPU time per call for the note."""
    cpu0 = time.process_time()
    timing = time_it(fn, repeat=REPEAT, warmup=1)
    cpu_ms = (time.process_time() - cpu0) * 1e3 / (REPEAT + 1)
    return timing, f"CPU {cpu_ms:.1f} ms/call"


def run() -> list[dict]:
    gen = torch.Generator().manual_seed(0)
    pred = random_boxes(N_PAIRS, gen)
    # targets near the predictions so that most pairs overlap, as in training
    target = (pred + torch.randn(N_PAIRS, 4, generator=gen) * 4).clamp(min=0)
    target = torch.cat([torch.min(target[:, :2], target[:, 2:]), torch.max(target[:, :2], target[:, 2:])], dim=-1)
    size = f"{N_PAIRS:,} pairs float32"
    rows = []

    timing, cpu = _timed(lambda: _check(pred, target))
    rows.append(row(GROUP, "input checks (2 x check_boxes)", size, timing, f"forward; {cpu}"))
    timing, cpu = _timed(lambda: losses.box_geometry(pred, target))
    rows.append(row(GROUP, "box_geometry", size, timing, f"forward only; {cpu}"))
    for name, code, options in CASES:
        fn = losses.IOU_LOSSES[code]

        def step(fn=fn, options=options) -> None:
            p = pred.detach().requires_grad_(True)
            fn(p, target, reduction="sum", **options).backward()

        timing, cpu = _timed(step)
        rows.append(row(GROUP, name, size, timing, f"value + backward; {cpu}"))
    pairs_n = 1024
    b1, b2 = pred[:pairs_n], target[:pairs_n]
    timing, cpu = _timed(lambda: losses.box_iou(b1, b2))
    rows.append(row(GROUP, "box_iou (pairwise)", f"{pairs_n} x {pairs_n} float32", timing, f"forward; {cpu}"))
    return rows


def _check(pred: torch.Tensor, target: torch.Tensor) -> None:
    _validate.check_boxes("pred", pred)
    _validate.check_boxes("target", target)
