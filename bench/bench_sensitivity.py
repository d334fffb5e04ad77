"""Sensitivity report against pycocotools alone, on the same generated COCO files, in one run.

A COCO-val-sized case (``--full``: 5,000 images of 640×480, ~36,000 ground truths over 80 categories, 100 detections
per image) or, by default, a tenth of it. Both sides start from the JSON files on disk:

* **library alone**: ``COCO(gt)``, ``loadRes(dt)``, ``COCOeval(..., "bbox")`` ``evaluate / accumulate / summarize``
  (10 IoU thresholds, 4 area ranges), what a user runs to get COCO AP;
* **report**: ``parse_ground_truth`` + ``parse_detections`` (every entry checked) + ``sensitivity_report`` (area ratio,
  5 equal-count buckets, recall, precision and AP per bucket).

The two are timed alternately (A, B, A, B, ...) so a busy machine slows both alike; the table gives the medians and
the ratio report / library (goal: at most 1.5).

    python -m bench.bench_sensitivity           # 500 images
    python -m bench.bench_sensitivity --full    # 5,000 images (COCO val 2017 size)
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench._timing import row, summarize
from lossviz.analysis import sensitivity as S

WIDTH, HEIGHT = 640, 480


def generate(n_images: int, gt_per_image: float = 7.3, dets_per_image: int = 100, seed: int = 0) -> tuple[str, str]:
    """A COCO ground truth and detections as JSON text: boxes log-uniform in size, 60 % of them found (jittered),
    the rest of each image's 100 detections scattered false positives with lower scores."""
    rng = np.random.default_rng(seed)
    images, anns, dets = [], [], []
    cats = [{"id": c, "name": f"class{c}"} for c in range(1, 81)]
    for im in range(1, n_images + 1):
        images.append({"id": im, "width": WIDTH, "height": HEIGHT, "file_name": f"{im:012d}.jpg"})
        k = rng.poisson(gt_per_image)
        side = np.exp(rng.uniform(np.log(6), np.log(400), (k, 2)))
        side = np.minimum(side, [WIDTH - 1, HEIGHT - 1])
        xy = rng.uniform(0, 1, (k, 2)) * ([WIDTH, HEIGHT] - side)
        cat = rng.integers(1, 81, k)
        found = 0
        for j in range(k):
            box = [*xy[j], *side[j]]
            anns.append(
                {
                    "id": len(anns) + 1,
                    "image_id": im,
                    "category_id": int(cat[j]),
                    "bbox": [round(float(v), 2) for v in box],
                    "area": round(float(side[j].prod()), 2),
                    "iscrowd": 0,
                }
            )
            if rng.random() < 0.6:
                found += 1
                jit = rng.normal(0, 0.08, 4) * [*side[j], *side[j]]
                w, h = np.clip(side[j] + jit[2:], 1.0, [WIDTH, HEIGHT])
                x, y = np.clip(xy[j] + jit[:2], 0, [WIDTH - w, HEIGHT - h])
                dets.append(
                    {
                        "image_id": im,
                        "category_id": int(cat[j]),
                        "bbox": [round(float(v), 2) for v in (x, y, w, h)],
                        "score": round(float(rng.uniform(0.3, 1.0)), 4),
                    }
                )
        n_fp = dets_per_image - found
        fs = np.exp(rng.uniform(np.log(4), np.log(300), (n_fp, 2)))
        fxy = rng.uniform(0, 1, (n_fp, 2)) * ([WIDTH, HEIGHT] - fs)
        fc = rng.integers(1, 81, n_fp)
        sc = rng.uniform(0.0, 0.6, n_fp)
        for j in range(n_fp):
            dets.append(
                {
                    "image_id": im,
                    "category_id": int(fc[j]),
                    "bbox": [round(float(v), 2) for v in (*fxy[j], *fs[j])],
                    "score": round(float(sc[j]), 4),
                }
            )
    gt = {"images": images, "annotations": anns, "categories": cats}
    return json.dumps(gt), json.dumps(dets)


def library_alone(gt_path: Path, dt_path: Path) -> float:
    """pycocotools' own COCO bbox evaluation from the files; returns AP (so the work cannot be skipped)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(gt_path))
        dt = gt.loadRes(str(dt_path))
        ev = COCOeval(gt, dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return float(ev.stats[0])


def report(gt_path: Path, dt_path: Path) -> tuple[S.Report, dict[str, float]]:
    """The whole report from the files, with the time of its parts (ms)."""
    t0 = time.perf_counter()
    gt = S.parse_ground_truth(gt_path.read_bytes(), gt_path.name)
    det = S.parse_detections(dt_path.read_bytes(), gt, dt_path.name)
    t1 = time.perf_counter()
    rep = S.sensitivity_report(gt, [det])
    t2 = time.perf_counter()
    return rep, {"parse": (t1 - t0) * 1e3, "evaluate": (t2 - t1) * 1e3}


def measure(n_images: int, repeat: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        gt_text, dt_text = generate(n_images)
        gt_path, dt_path = Path(tmp) / "gt.json", Path(tmp) / "dt.json"
        gt_path.write_text(gt_text)
        dt_path.write_text(dt_text)
        n_gt = len(json.loads(gt_text)["annotations"])
        n_dt = dt_text.count('"score"')
        size = f"{n_images} img, {n_gt} gt, {n_dt} dt"
        lib, whole, parse, evaluate = [], [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            library_alone(gt_path, dt_path)
            lib.append((time.perf_counter() - t0) * 1e3)
            t0 = time.perf_counter()
            rep, parts = report(gt_path, dt_path)
            whole.append((time.perf_counter() - t0) * 1e3)
            parse.append(parts["parse"])
            evaluate.append(parts["evaluate"])
    ratio = statistics.median(whole) / statistics.median(lib)
    return [
        row("sensitivity", "pycocotools alone (load, evaluate, accumulate, summarize)", size, summarize(lib)),
        row("sensitivity", "report: parse + check both files", size, summarize(parse)),
        row("sensitivity", "report: features, buckets, COCOeval per bucket, metrics", size, summarize(evaluate)),
        row(
            "sensitivity",
            "report: whole",
            size,
            summarize(whole),
            f"report / library = {ratio:.2f} (goal <= 1.5); std {rep.runs[0].std:.4f}",
        ),
    ]


def run(full: bool = False) -> list[dict]:
    return measure(5000, 1) if full else measure(500, 3)


if __name__ == "__main__":
    full = "--full" in sys.argv[1:]
    for r in run(full):
        print(
            f"| {r['name']} | {r['size']} | {r['median_ms']:.0f} ms | {r['p95_ms']:.0f} ms | {r['repeats']} | "
            f"{r.get('note', '')} |"
        )
