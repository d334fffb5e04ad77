"""``python -m lossviz sensitivity GT.json DT.json [DT2.json ...]``: a detector's metric per bucket of box size.

Prints the bucket table (one column per detections file, the population std underneath) and, with ``--json OUT``,
writes ``{"feature", "metric", "runs": [{"detections", "std", "buckets": [{"lo", "hi", "count", "value", ...}]}]}``.
Bad input prints one line naming the file, the problem and the first offending entries, and exits with 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from lossviz.analysis import sensitivity as S

HELP = "box-size sensitivity of a detector: a metric per bucket of a box feature, and its std across buckets"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gt", metavar="GT.json", help="COCO ground truth (images, annotations, categories)")
    parser.add_argument("dt", metavar="DT.json", nargs="+", help="COCO detection results; one run per file")
    parser.add_argument("--feature", default="area_ratio", choices=[*S.FEATURES, "area-ratio"],
                        help="what to bucket by (default area_ratio = box area / image area)")  # fmt: skip
    parser.add_argument("--metric", default="recall", choices=S.METRICS, help="the metric per bucket (default recall)")
    parser.add_argument("--iou", type=float, default=0.5, help="IoU threshold t (default 0.5)")
    parser.add_argument("--score", type=float, default=0.0, help="score threshold s (default 0)")
    parser.add_argument("--buckets", type=int, default=5, help="equal-count buckets (default 5)")
    parser.add_argument("--edges", default=None,
                        help="fixed bucket edges instead of quantiles, e.g. '0,1024,9216,1e10' ('coco': COCO's "
                             "small/medium/large areas, with --feature area)")  # fmt: skip
    parser.add_argument("--category", default=None, metavar="NAME", help="one category (default: all)")
    parser.add_argument("--json", default=None, metavar="OUT", help="write the report as JSON to OUT")
    parser.add_argument("--csv", default=None, metavar="OUT", help="write the bucket table as CSV to OUT")
    parser.add_argument("--max-mb", type=float, default=S.DEFAULT_MAX_MB, help="refuse larger input files (MB)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        raise S.InputError("missing_file", file=path) from None


def _fmt(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:.4f}"


NOTES = {
    "merged": "{got} buckets instead of the {asked} asked for: tied feature values always share a bucket",
    "empty": "{n} bucket(s) hold no ground truth and are left out of the std",
    "few": "{n} bucket(s) hold fewer than {min} ground truths (the smallest {least}): one box moves their value "
    "by 1/{least} or more, so the std is noisy",
    "one_bucket": "fewer than two buckets hold ground truths: the std is not defined",
    "no_detections": "{run} has no detections here: every bucket is 0, which says nothing about sizes",
}


def table(report: S.Report) -> str:
    """The bucket table as text: range, count, one value column per run; the std of each run at the bottom."""
    names = [r.detections for r in report.runs]
    head = ["bucket", f"{report.feature} range", "count", *names]
    rows = []
    for i in range(len(report.edges) - 1):
        b0 = report.runs[0].buckets[i]
        right = "]" if i == len(report.edges) - 2 else ")"
        rows.append(
            [str(i + 1), f"[{b0.lo:.4g}, {b0.hi:.4g}{right}", str(b0.count)]
            + [
                f"{_fmt(r.buckets[i].value)} ({r.buckets[i].matched}/{r.buckets[i].count})"
                if report.metric == "recall"
                else _fmt(r.buckets[i].value)
                for r in report.runs
            ]
        )
    rows.append(["std", "population, across buckets", "", *[_fmt(r.std) for r in report.runs]])
    widths = [max(len(h), *(len(r[c]) for r in rows)) for c, h in enumerate(head)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def run(args: argparse.Namespace) -> int:
    try:
        feature = args.feature.replace("-", "_")
        edges = None
        if args.edges is not None:
            coco = args.edges.strip().lower() == "coco"
            if coco and feature != "area":
                print(f"error: --edges coco are pixel areas (32², 96²): use it with --feature area, not {feature}",
                      file=sys.stderr)  # fmt: skip
                return 2
            edges = ",".join(str(e) for e in S.COCO_AREA_EDGES) if coco else args.edges
        gt = S.parse_ground_truth(_read(args.gt), args.gt, max_mb=args.max_mb)
        runs = [S.parse_detections(_read(p), gt, p, max_mb=args.max_mb) for p in args.dt]
        bar = None
        if not args.quiet:
            from tqdm import tqdm

            # disable=None: no bar when stderr is not a terminal (a pipe or a log file gets only the result)
            bar = tqdm(total=100, desc="evaluating", unit="%", file=sys.stderr, leave=False, disable=None)

        def progress(frac: float, name: str) -> None:
            percent = round(100 * frac)
            if bar is not None and percent != bar.n:
                bar.set_description(Path(name).name, refresh=False)
                bar.update(percent - bar.n)

        try:
            report = S.sensitivity_report(
                gt,
                runs,
                feature=feature,
                metric=args.metric,
                iou=args.iou,
                score=args.score,
                buckets=args.buckets,
                edges=edges,
                category=args.category,
                progress=progress,
            )
        finally:
            if bar is not None:
                bar.close()
    except S.InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{report.metric} by {report.feature} (IoU >= {report.iou:g}, score >= {report.score:g}"
          f"{', category ' + report.category if report.category else ''})")  # fmt: skip
    print(table(report))
    for code, params in S.report_notes(report, None if edges else args.buckets):
        print("note: " + NOTES[code].format(**params), file=sys.stderr)
    try:
        if args.json:
            Path(args.json).write_text(S.report_json_text(report) + "\n", encoding="utf-8")
        if args.csv:
            Path(args.csv).write_text(S.report_csv(report), encoding="utf-8")
    except OSError as err:
        print(f"error: cannot write {err.filename}: {err.strerror}", file=sys.stderr)
        return 2
    return 0
