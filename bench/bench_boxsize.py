"""Box-size page: the gradient-vs-size sweep, NWD and DFL, each against a baseline run side by side.

* The sweep (every loss at 37 sizes, 4 per octave, one autograd pass per loss) against the plain loop it replaces:
  the same analysis called once per size pair (``points=2`` sweeps: the per-call Python and autograd overhead is
  what a loop pays). The page's default is 73 sizes; the ratio only grows with the count.
* ``nwd_loss`` against ``diou_loss`` (the IoU-family loss of comparable cost), 65,536 box pairs, value + backward.
* ``distribution_focal_loss`` against mmdetection's formulation (two ``F.cross_entropy`` calls), 65,536 × 17.

The note column gives the ratio to the baseline (> 1: slower than the baseline). Times are never asserted.
"""

from __future__ import annotations

import torch
import torch.nn.functional as TF

from bench._timing import row, time_it
from lossviz import losses
from lossviz.analysis import boxsize as A

N_PAIRS = 65_536
REG_MAX = 16


def _loop_sweep(settings: A.SizeSettings) -> None:
    """The baseline: one tiny sweep per size (2 points: the size itself and the next), as a naive page would."""
    import dataclasses

    for _ in range(settings.points // 2):
        A.size_sweep(dataclasses.replace(settings, points=2))


def _boxes(gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    xy = torch.rand(N_PAIRS, 2, generator=gen) * 100
    wh = torch.rand(N_PAIRS, 2, generator=gen) * 50 + 1
    target = torch.cat([xy, xy + wh], -1)
    pred = target + torch.randn(N_PAIRS, 4, generator=gen) * 3
    pred = torch.cat([torch.minimum(pred[:, :2], pred[:, 2:]), torch.maximum(pred[:, :2], pred[:, 2:])], -1)
    return pred, target


def _backward(fn, x: torch.Tensor, *args, **kwargs) -> None:
    p = x.detach().requires_grad_(True)
    fn(p, *args, **kwargs).sum().backward()


def _mmdet_dfl(pred: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
    left = label.long()
    right = left + 1
    return TF.cross_entropy(pred, left, reduction="none") * (right.float() - label) + TF.cross_entropy(
        pred, right, reduction="none"
    ) * (label - left.float())


def run() -> list[dict]:
    rows = []
    settings = A.SizeSettings(points=37)
    sweep = time_it(lambda: A.size_sweep(settings), repeat=7)
    loop = time_it(lambda: _loop_sweep(settings), repeat=3)
    size = f"{len(A.LOSS_NAMES)} losses x {settings.points} sizes"
    rows.append(row("boxsize/sweep", "size_sweep (vectorised, autograd)", size, sweep, "loss + autograd"))
    ratio = loop["median_ms"] / sweep["median_ms"]
    rows.append(
        row("boxsize/sweep", "baseline: one call per pair of sizes", size, loop, f"{ratio:.1f}x the vectorised time")
    )

    gen = torch.Generator().manual_seed(0)
    pred, target = _boxes(gen)
    diou = time_it(lambda: _backward(losses.diou_loss, pred, target), repeat=7)
    nwd = time_it(lambda: _backward(losses.nwd_loss, pred, target), repeat=7)
    pairs = f"{N_PAIRS:,} box pairs float32"
    rows.append(row("boxsize/losses", "baseline: diou_loss", pairs, diou, "value + backward"))
    rows.append(row("boxsize/losses", "nwd_loss", pairs, nwd, f"{nwd['median_ms'] / diou['median_ms']:.2f}x diou_loss"))

    logits = torch.randn(N_PAIRS, REG_MAX + 1, generator=gen)
    label = torch.rand(N_PAIRS, generator=gen) * (REG_MAX - 0.01)
    mm = time_it(lambda: _backward(_mmdet_dfl, logits, label), repeat=7)
    ours = time_it(lambda: _backward(losses.distribution_focal_loss, logits, label), repeat=7)
    bins = f"{N_PAIRS:,} x {REG_MAX + 1} float32"
    rows.append(row("boxsize/losses", "baseline: mmdetection DFL (2 x cross_entropy)", bins, mm, "value + backward"))
    rows.append(
        row(
            "boxsize/losses",
            "distribution_focal_loss",
            bins,
            ours,
            f"{ours['median_ms'] / mm['median_ms']:.2f}x mmdetection's form (incl. input checks)",
        )
    )
    return rows
