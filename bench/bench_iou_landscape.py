"""IoU page landscapes: every IoU-family loss with autograd gradients on a grid of predicted boxes.

One landscape is ``n x n`` boxes in one tensor, one forward and one backward pass through the torch core
(``lossviz.analysis.iou.landscape``). Rows: the 256 x 256 centre plane and size plane for every loss (what the page
computes at its highest resolution), plus the page's default 64 x 64 and the figure build for comparison.
"""

from __future__ import annotations

from bench._timing import row, time_it
from lossviz.analysis import iou as A
from lossviz.figures import iou as F

TARGET = (40.0, 38.0, 82.0, 78.0)
SIZE = (36.0, 36.0)
CENTRE = (52.0, 48.0)


def run() -> list[dict]:
    rows = []
    options = A.Options()
    for code in A.loss_codes():
        for plane, fixed in (("centre", SIZE), ("size", CENTRE)):
            timing = time_it(lambda code=code, plane=plane, fixed=fixed: A.landscape(
                code, TARGET, plane, fixed, n=256, options=options), repeat=5)  # fmt: skip
            rows.append(row("iou/landscape", f"{A.loss_name(code)} {plane}", "256x256", timing, "loss + autograd"))
    timing = time_it(lambda: [A.landscape(c, TARGET, "centre", SIZE, n=256, options=options) for c in A.loss_codes()],
                     repeat=3)  # fmt: skip
    rows.append(row("iou/landscape", "all losses, centre plane", "256x256", timing, f"{len(A.loss_codes())} losses"))
    timing = time_it(lambda: A.landscape("giou", TARGET, "centre", SIZE, n=64, options=options), repeat=15)
    rows.append(row("iou/landscape", "GIoU centre (page default)", "64x64", timing, "loss + autograd"))
    for n in (64, 256):
        land = A.landscape("giou", TARGET, "centre", SIZE, n=n, options=options)
        timing = time_it(lambda land=land: F.landscape_figure(land, "GIoU", CENTRE), repeat=7)
        rows.append(row("iou/figure", "landscape figure (heatmap + arrows)", f"{n}x{n}", timing, "plotly build"))
    timing = time_it(lambda: A.all_losses((34.0, 30.0, 70.0, 66.0), TARGET, options), repeat=15)
    rows.append(row("iou/pair", "every loss + edge gradients", "1 pair", timing, f"{len(A.loss_codes())} losses"))
    return rows
