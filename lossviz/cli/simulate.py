"""``python -m lossviz simulate``: the DIoU paper's box-regression simulation, at any scale, with a summary table.

Example (the paper's full 1,715,000 cases)::

    python -m lossviz simulate --points 5000 --iters 200 --losses iou,giou,diou,ciou --gradients paper \
        --seed 0 --device cpu --json run.json

A progress bar (tqdm) goes to stderr, the summary table to stdout; ``--json OUT`` saves the run (the Simulation page
loads it). Bad input prints one line on stderr and exits 2.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

from lossviz.analysis import simulation as A

HELP = "Regress the DIoU paper's 1,715,000 anchor boxes with IoU-family losses (paper or exact gradients)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--points", default=str(A.PAPER_POINTS), help="anchor centres (343 cases each); default 5000")
    parser.add_argument("--iters", default=str(A.PAPER_ITERS), help="gradient steps; default 200")
    parser.add_argument(
        "--losses",
        default=",".join(A.PAPER_LOSSES),
        help=f"comma-separated: {', '.join(A.AUTOGRAD_LOSSES)} (paper gradients: {', '.join(A.PAPER_LOSSES)})",
    )
    parser.add_argument("--gradients", default="paper", help="paper (the official hand-written) or autograd (exact)")
    parser.add_argument("--seed", default="0", help="seed of the anchor centres; default 0")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--rates", default="0.1,0.01,0.001", help="learning rates of the schedule; default the paper's")
    parser.add_argument("--until", default="160,180,200", help="last step of each rate; default 160,180,200")
    parser.add_argument("--no-iou-factor", action="store_true", help="drop the paper's (2 - IoU) step factor")
    parser.add_argument("--json", metavar="OUT", help="write the run as JSON to OUT")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _split(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in str(text).split(",") if s.strip())


def _table(result: A.SimulationRun) -> str:
    rows = A.summary(result)
    steps = rows[0].steps
    head = ["loss"] + [f"E({s})" for s in steps] + ["Σ_t E(t)"]
    body = [[r.loss] + [f"{e:,.1f}" for e in r.errors] + [f"{r.area:,.1f}"] for r in rows]
    widths = [max(len(str(row[i])) for row in [head, *body]) for i in range(len(head))]
    line = lambda row: "  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True))  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, body)])


def _mib(n: float) -> str:
    """Bytes as MiB: whole MiB from 10 up, one decimal below (a small run is not "0 MiB")."""
    mib = n / 2**20
    return f"{mib:,.0f} MiB" if mib >= 10 else f"{mib:.1f} MiB"


def run(args: argparse.Namespace) -> int:
    try:
        cfg = A.validate(
            A.Config(
                points=args.points,
                iters=args.iters,
                losses=_split(args.losses),
                gradients=args.gradients,
                seed=args.seed,
                rates=_split(args.rates),
                until=_split(args.until),
                iou_factor=not args.no_iou_factor,
                device=args.device,
            )
        )
        need = A.check_memory(cfg)
    except A.SimulationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = None
    if args.json:
        try:
            out = open(args.json, "w", encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.json}: {exc.strerror}", file=sys.stderr)
            return 2
    from tqdm import tqdm

    print(
        f"{cfg.cases:,} cases × {len(cfg.losses)} loss{'es' if len(cfg.losses) != 1 else ''}, {cfg.iters} steps, "
        f"{cfg.gradients} gradients, {cfg.device}; estimated peak {_mib(need)}",
        file=sys.stderr,
    )
    bar = tqdm(
        total=1000, disable=args.quiet, file=sys.stderr, unit="‰", bar_format="{l_bar}{bar}| {elapsed}<{remaining}"
    )

    def progress(fraction: float, loss: str) -> None:
        bar.set_description(loss, refresh=False)
        bar.update(int(fraction * 1000) - bar.n)

    try:
        result = A.run(cfg, progress=progress)
    except A.SimulationError as exc:
        bar.close()
        if out is not None:  # no half-written file left behind
            out.close()
            os.unlink(args.json)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    result.extra["peak_rss_bytes"] = peak
    print(_table(result))
    print(f"{result.seconds:.1f} s, peak RSS {_mib(peak)}")
    if out is not None:
        with out:
            out.write(A.to_json(result))
    return 0
