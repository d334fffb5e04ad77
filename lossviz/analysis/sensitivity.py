"""Box-area sensitivity of a detector (ModelArts' "目标框面积敏感度", seed 000): a metric per bucket of a box feature.

Every ground-truth box gets a feature value (its area over the image area by default); the boxes are split into
buckets (equal-count quantiles, or fixed edges); a metric is computed per bucket; **sensitivity is the population
standard deviation of the metric across the buckets** (``np.std``, ``ddof=0``: the seed's 0.1546 and 0.0912).

Input is COCO: ground truth ``{"images", "annotations", "categories"}`` and detection results
``[{"image_id", "category_id", "bbox", "score"}, ...]`` with ``bbox = [x, y, w, h]`` in pixels. Parsing checks every
entry and raises :class:`InputError` naming the problem and the first offending entries.

Evaluation uses **pycocotools** (the reference COCO implementation: the numbers COCO, detectron2, mmdetection and
torchvision report; a numpy-only wheel). Each bucket is handed to ``COCOeval`` as an *area range*, with the chosen
feature written into each box's ``area`` (COCOeval compares ``area`` with the range, for ground truths and for
unmatched detections alike), so matching follows COCO exactly: highest score first, one detection per ground truth,
crowd boxes matchable many times and ignored, a ground truth outside the bucket ignored. Per bucket:

* **recall** = matched ground truths / ground truths, counting only matches by detections with ``score >= s`` (greedy
  matching in score order makes that the same as dropping the lower-scored detections first), with no cap on the
  detections per image;
* **precision** = true / (true + false) positives among the bucket's non-ignored detections with ``score >= s``,
  undefined (NaN) when the bucket has none;
* **AP** = COCO AP at IoU ``t`` (101-point, at most 100 detections per image), averaged over categories as COCO does.

Buckets are half-open, ``[lo, hi)`` (the last one closed), so every box is in exactly one bucket; COCO's own area
ranges are closed on both ends, so a box of exactly 32² px counts as both small and medium there. Quantile buckets
take their outer edges from the data but also receive detections beyond them (a false positive smaller than every
ground truth still counts against the first bucket).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FEATURES = ("area_ratio", "area", "aspect_ratio", "marginalisation", "boxes_per_image")
METRICS = ("recall", "precision", "ap")
#: Every URL key of the sensitivity page (the shell's registry of its links: known before an upload is refused).
URL_KEYS = (
    "sens_feature", "sens_mode", "sens_buckets", "sens_edges", "sens_metric", "sens_iou", "sens_score", "sens_cat",
    "sens_drill_run", "sens_drill_bucket",
)  # fmt: skip
#: COCO's small / medium / large area split (px²), as in ``COCOeval.Params.areaRng``.
COCO_AREA_EDGES = (0.0, 32.0**2, 96.0**2, 1e10)
#: How far (px) a box may reach beyond its image before it is refused (COCO's own boxes overshoot by rounding).
OUTSIDE_TOLERANCE = 1.0
#: Default size limit for one file (MB, as Streamlit counts them: MiB); the page uses ``server.maxUploadSize``.
DEFAULT_MAX_MB = 100.0
MB = 1024 * 1024
AP_MAX_DETS = 100
MAX_BUCKETS = 20
SHOW_FIRST = 3
#: A bucket with fewer ground truths than this gets a note: its recall moves by 1/count with a single box (with 30
#: boxes and a recall near 0.5 the binomial standard error is about 0.09), so the std across buckets is noisy.
FEW_BOXES = 30

# ------------------------------------------------------------------------------------------------------- errors

#: English text of every problem code (the CLI prints these; the page translates ``sens.err.<code>``).
MESSAGES = {
    "missing_file": "{file}: no such file, or it cannot be read",
    "empty": "{file} is empty",
    "too_large": "{file} is {size_mb:.1f} MB, over the {limit_mb:g} MB limit",
    "not_utf8": "{file} is not UTF-8 text",
    "not_json": "{file} is not valid JSON: {detail} (line {line}, column {col})",
    "gt_not_object": "{file} must be a COCO object with `images`, `annotations` and `categories`",
    "gt_missing_key": "{file} has no `{key}` list (a COCO ground truth needs `images`, `annotations`, `categories`)",
    "not_list": "`{key}` in {file} is not a list",
    "no_annotations": "{file} has no box annotations: nothing to measure",
    "dt_not_list": "{file} must be a list of detections `{{image_id, category_id, bbox, score}}`",
    "dt_is_gt": "{file} looks like a ground-truth file (an object with `annotations`), not a list of detections",
    "entries": "{file}: {count} bad entr{ies} in `{section}`; first: {first}",
    "unknown_category_name": "no category named {name!r} in the ground truth (there are: {names})",
    "no_boxes": "no ground-truth boxes in category {name!r}",
    "bad_edges": "bucket edges {text!r}: {why}",
    "bad_buckets": "buckets must be a whole number from 1 to {most}, not {value!r}",
    "bad_threshold": "{name} must be a number in [{lo}, {hi}], not {value!r}",
    "bad_feature": "feature must be one of {options}, not {value!r}",
    "bad_metric": "metric must be one of {options}, not {value!r}",
}

#: English text of why bucket edges are refused (``why`` of ``bad_edges``).
EDGE_REASONS = {
    "not_numbers": "not a list of numbers",
    "too_few": "need at least two edges",
    "too_many": "at most {most} edges",
    "not_finite": "edges must be finite",
    "not_increasing": "edges must increase",
}

#: English text of every per-entry reason.
REASONS = {
    "not_object": "is not an object",
    "missing": "has no `{key}`",
    "not_int": "`{key}` is not an integer: {value}",
    "not_number": "`{key}` is not a finite number: {value}",
    "not_positive": "`{key}` must be > 0: {value}",
    "bbox_shape": "`bbox` is not [x, y, w, h] numbers: {value}",
    "negative_size": "box has no positive width and height: {value}",
    "outside": "box {value} lies outside its {width}×{height} image",
    "det_outside": "box {value} lies entirely outside its {width}×{height} image",
    "unknown_image": "image_id {value} is not in the ground truth",
    "unknown_category": "category_id {value} is not in the ground truth",
    "duplicate_id": "id {value} is used twice",
    "bad_iscrowd": "`iscrowd` must be 0 or 1: {value}",
}


@dataclass(frozen=True)
class Offender:
    """One bad entry: its position in the list, the reason code (``REASONS``) and the values that fill it."""

    index: int
    reason: str
    params: dict[str, Any]

    def message(self) -> str:
        return f"#{self.index} " + REASONS[self.reason].format(**self.params)


class InputError(ValueError):
    """Bad input: ``code`` names the problem (``MESSAGES``; ``sens.err.<code>`` on the page), ``params`` fill it.

    ``offenders`` lists the first bad entries (``entries`` code). ``str(err)`` is the English message.
    """

    def __init__(self, code: str, offenders: Sequence[Offender] = (), **params: Any) -> None:
        self.code = code
        self.params = params
        self.offenders = tuple(offenders)
        super().__init__(self.english())

    def english(self) -> str:
        params = dict(self.params)
        if self.code == "entries":
            params["first"] = "; ".join(o.message() for o in self.offenders)
            params["ies"] = "y" if params.get("count") == 1 else "ies"
        if self.code == "bad_edges":
            params["why"] = EDGE_REASONS[params["why"]].format(**params)
        return MESSAGES[self.code].format(**params)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)  # as it reads in the JSON file
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------------------ parsing


@dataclass(frozen=True)
class GroundTruth:
    """A parsed COCO ground truth. Boxes are ``[x, y, w, h]`` in pixels, one row per annotation, in file order."""

    name: str
    image_ids: np.ndarray  # (I,) int64
    image_size: dict[int, tuple[float, float]]  # image id -> (width, height)
    categories: dict[int, str]  # category id -> name
    ann_ids: np.ndarray  # (N,) int64, the file's ids
    ann_image: np.ndarray  # (N,) int64
    ann_category: np.ndarray  # (N,) int64
    boxes: np.ndarray  # (N, 4) float64 xywh
    area: np.ndarray  # (N,) float64: the annotation's `area` when given (COCO's mask area), else w * h
    iscrowd: np.ndarray  # (N,) bool


@dataclass(frozen=True)
class Detections:
    """Parsed COCO detection results (one file, e.g. one training run)."""

    name: str
    image: np.ndarray  # (M,) int64
    category: np.ndarray  # (M,) int64
    boxes: np.ndarray  # (M, 4) float64 xywh
    score: np.ndarray  # (M,) float64


def _load_json(data: bytes | str, name: str, max_mb: float) -> Any:
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_mb * MB:
        raise InputError("too_large", file=name, size_mb=len(raw) / MB, limit_mb=max_mb)
    if not raw.strip():
        raise InputError("empty", file=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not_utf8", file=name) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError("not_json", file=name, detail=err.msg, line=err.lineno, col=err.colno) from None
    except RecursionError:
        raise InputError("not_json", file=name, detail="nested too deeply", line=1, col=1) from None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool)) and math.isfinite(v)


class _Collector:
    """Collects the bad entries of one list: the first few in full, and how many there are."""

    def __init__(self, file: str, section: str) -> None:
        self.file, self.section, self.count, self.first = file, section, 0, []

    def add(self, index: int, reason: str, **params: Any) -> None:
        self.count += 1
        if len(self.first) < SHOW_FIRST:
            self.first.append(Offender(index, reason, params))

    def raise_if_any(self) -> None:
        if self.count:
            raise InputError("entries", self.first, file=self.file, section=self.section, count=self.count)


def _box_problem(bbox: Any) -> tuple[str, dict] | None:
    if not isinstance(bbox, list) or len(bbox) != 4 or not all(_is_num(v) for v in bbox):
        return "bbox_shape", {"value": _short(bbox)}
    if bbox[2] <= 0 or bbox[3] <= 0:
        return "negative_size", {"value": _short(bbox)}
    return None


def _entirely_outside(box: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Rows of ``box`` (xywh) that do not overlap their image at all. Detectors need not clip their boxes: a
    detection that only reaches past the edge is fine (COCO evaluation takes it as it is)."""
    return (
        (box[:, 0] + box[:, 2] <= 0)
        | (box[:, 1] + box[:, 3] <= 0)
        | (box[:, 0] >= size[:, 0])
        | (box[:, 1] >= size[:, 1])
    )


def _outside(box: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Rows of ``box`` (xywh) that reach beyond their image ``size`` (width, height) by more than the tolerance."""
    tol = OUTSIDE_TOLERANCE
    return (
        (box[:, 0] < -tol)
        | (box[:, 1] < -tol)
        | (box[:, 0] + box[:, 2] > size[:, 0] + tol)
        | (box[:, 1] + box[:, 3] > size[:, 1] + tol)
    )


def parse_ground_truth(data: bytes | str, name: str = "ground truth", *, max_mb: float = DEFAULT_MAX_MB) -> GroundTruth:
    """Parse and check a COCO ground-truth file (bytes or text).

    Raises:
        InputError: empty, too large, not JSON, missing keys, wrong types, duplicate ids, boxes with no positive size
            or outside their image, annotations of unknown images or categories, or no annotations at all.
    """
    obj = _load_json(data, name, max_mb)
    if not isinstance(obj, dict):
        raise InputError("gt_not_object", file=name)
    for key in ("images", "annotations", "categories"):
        if key not in obj:
            raise InputError("gt_missing_key", file=name, key=key)
        if not isinstance(obj[key], list):
            raise InputError("not_list", file=name, key=key)

    bad = _Collector(name, "categories")
    categories: dict[int, str] = {}
    for i, c in enumerate(obj["categories"]):
        if not isinstance(c, dict):
            bad.add(i, "not_object")
        elif "id" not in c:
            bad.add(i, "missing", key="id")
        elif not _is_int(c["id"]):
            bad.add(i, "not_int", key="id", value=_short(c["id"]))
        elif c["id"] in categories:
            bad.add(i, "duplicate_id", value=c["id"])
        else:
            categories[c["id"]] = str(c.get("name", c["id"]))
    bad.raise_if_any()

    bad = _Collector(name, "images")
    sizes: dict[int, tuple[float, float]] = {}
    for i, im in enumerate(obj["images"]):
        if not isinstance(im, dict):
            bad.add(i, "not_object")
            continue
        missing = next((k for k in ("id", "width", "height") if k not in im), None)
        if missing:
            bad.add(i, "missing", key=missing)
        elif not _is_int(im["id"]):
            bad.add(i, "not_int", key="id", value=_short(im["id"]))
        elif im["id"] in sizes:
            bad.add(i, "duplicate_id", value=im["id"])
        elif not _is_num(im["width"]) or not _is_num(im["height"]):
            k = "width" if not _is_num(im["width"]) else "height"
            bad.add(i, "not_number", key=k, value=_short(im[k]))
        elif im["width"] <= 0 or im["height"] <= 0:
            k = "width" if im["width"] <= 0 else "height"
            bad.add(i, "not_positive", key=k, value=im[k])
        else:
            sizes[im["id"]] = (float(im["width"]), float(im["height"]))
    bad.raise_if_any()

    anns = obj["annotations"]
    bad = _Collector(name, "annotations")
    seen: set[int] = set()
    n = len(anns)
    ids = np.zeros(n, np.int64)
    img = np.zeros(n, np.int64)
    cat = np.zeros(n, np.int64)
    boxes = np.zeros((n, 4))
    area = np.zeros(n)
    crowd = np.zeros(n, bool)
    for i, a in enumerate(anns):
        if not isinstance(a, dict):
            bad.add(i, "not_object")
            continue
        missing = next((k for k in ("id", "image_id", "category_id", "bbox") if k not in a), None)
        if missing:
            bad.add(i, "missing", key=missing)
            continue
        for key in ("id", "image_id", "category_id"):
            if not _is_int(a[key]):
                bad.add(i, "not_int", key=key, value=_short(a[key]))
                break
        else:
            if a["id"] in seen:
                bad.add(i, "duplicate_id", value=a["id"])
            elif a["image_id"] not in sizes:
                bad.add(i, "unknown_image", value=a["image_id"])
            elif a["category_id"] not in categories:
                bad.add(i, "unknown_category", value=a["category_id"])
            elif (problem := _box_problem(a["bbox"])) is not None:
                bad.add(i, problem[0], **problem[1])
            elif "area" in a and not (_is_num(a["area"]) and a["area"] >= 0):
                bad.add(i, "not_number", key="area", value=_short(a["area"]))
            elif a.get("iscrowd", 0) not in (0, 1) or isinstance(a.get("iscrowd", 0), float):
                bad.add(i, "bad_iscrowd", value=_short(a.get("iscrowd")))
            else:
                seen.add(a["id"])
                ids[i], img[i], cat[i] = a["id"], a["image_id"], a["category_id"]
                boxes[i] = a["bbox"]
                area[i] = a["area"] if "area" in a else a["bbox"][2] * a["bbox"][3]
                crowd[i] = bool(a.get("iscrowd", 0))
    bad.raise_if_any()
    if n == 0:
        raise InputError("no_annotations", file=name)
    size = np.array([sizes[i] for i in img])
    out = np.flatnonzero(_outside(boxes, size))
    if out.size:
        bad = _Collector(name, "annotations")
        for i in out:
            w, h = sizes[int(img[i])]
            bad.add(int(i), "outside", value=_short(anns[i]["bbox"]), width=f"{w:g}", height=f"{h:g}")
        bad.raise_if_any()
    return GroundTruth(
        name=name,
        image_ids=np.array(sorted(sizes), np.int64),
        image_size=sizes,
        categories=categories,
        ann_ids=ids,
        ann_image=img,
        ann_category=cat,
        boxes=boxes,
        area=area,
        iscrowd=crowd,
    )


def _det_problem(d: Any, gt: GroundTruth | None) -> tuple[str, dict] | None:
    """The first problem of one detection entry; with ``gt`` None, only what needs no ground truth."""
    if not isinstance(d, dict):
        return "not_object", {}
    missing = next((k for k in ("image_id", "category_id", "bbox", "score") if k not in d), None)
    if missing:
        return "missing", {"key": missing}
    for key in ("image_id", "category_id"):
        if not _is_int(d[key]):
            return "not_int", {"key": key, "value": _short(d[key])}
    if gt is not None and d["image_id"] not in gt.image_size:
        return "unknown_image", {"value": d["image_id"]}
    if gt is not None and d["category_id"] not in gt.categories:
        return "unknown_category", {"value": d["category_id"]}
    if (problem := _box_problem(d["bbox"])) is not None:
        return problem
    if not _is_num(d["score"]):
        return "not_number", {"key": "score", "value": _short(d["score"])}
    return None


def check_detections(data: bytes | str, name: str = "detections", *, max_mb: float = DEFAULT_MAX_MB) -> None:
    """Check a COCO detection-results file on its own, before its ground truth is there: everything
    ``parse_detections`` checks but the image and category ids and the image bounds (which need the ground truth).

    Raises:
        InputError: as ``parse_detections``, for the problems it can see without a ground truth.
    """
    _check_entries(_detection_list(data, name, max_mb), None, name)


def _detection_list(data: bytes | str, name: str, max_mb: float) -> list:
    """The file's JSON, which must be a list (a dict is a ground truth or another format)."""
    obj = _load_json(data, name, max_mb)
    if isinstance(obj, dict):
        raise InputError("dt_is_gt" if "annotations" in obj else "dt_not_list", file=name)
    if not isinstance(obj, list):
        raise InputError("dt_not_list", file=name)
    return obj


def _check_entries(obj: list, gt: GroundTruth | None, name: str) -> None:
    """Entry by entry: raise naming every offender (against ``gt`` where given)."""
    bad = _Collector(name, "detections")
    for i, d in enumerate(obj):
        problem = _det_problem(d, gt)
        if problem is not None:
            bad.add(i, problem[0], **problem[1])
    bad.raise_if_any()


def parse_detections(
    data: bytes | str, gt: GroundTruth, name: str = "detections", *, max_mb: float = DEFAULT_MAX_MB
) -> Detections:
    """Parse and check a COCO detection-results file against its ground truth ``gt``.

    An empty list is valid (a detector that found nothing). Vectorised when every entry is well formed; entry by entry
    (to name the offenders) otherwise.

    Raises:
        InputError: empty file, too large, not JSON, not a list, missing keys, wrong types, boxes with no positive
            size or outside their image, detections for images or categories the ground truth does not have.
    """
    obj = _detection_list(data, name, max_mb)
    try:  # fast path: every entry well formed
        image = np.array([d["image_id"] for d in obj], dtype=np.int64) if obj else np.zeros(0, np.int64)
        category = np.array([d["category_id"] for d in obj], dtype=np.int64) if obj else np.zeros(0, np.int64)
        raw_boxes = np.asarray([d["bbox"] for d in obj]) if obj else np.zeros((0, 4))
        raw_score = np.asarray([d["score"] for d in obj]) if obj else np.zeros(0)
        ints_ok = all(_is_int(d["image_id"]) and _is_int(d["category_id"]) for d in obj)
        fast = (
            ints_ok
            and raw_boxes.ndim == 2
            and raw_boxes.shape[1] == 4
            and raw_boxes.dtype.kind in "iuf"
            and raw_score.ndim == 1
            and raw_score.dtype.kind in "iuf"
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        fast = False
    if fast:
        boxes = raw_boxes.astype(np.float64)
        score = raw_score.astype(np.float64)
        known_img = np.isin(image, gt.image_ids)
        known_cat = np.isin(category, np.fromiter(gt.categories, np.int64))
        fast = (
            bool(known_img.all() and known_cat.all())
            and bool(np.isfinite(boxes).all() and np.isfinite(score).all())
            and bool((boxes[:, 2:] > 0).all())
        )
    if not fast:
        _check_entries(obj, gt, name)
        raise AssertionError("unreachable: the fast path refused a file the entry check accepts")  # pragma: no cover
    size = np.array([gt.image_size[int(i)] for i in image]).reshape(-1, 2)
    out = np.flatnonzero(_entirely_outside(boxes, size))
    if out.size:
        bad = _Collector(name, "detections")
        for i in out:
            w, h = gt.image_size[int(image[i])]
            bad.add(int(i), "det_outside", value=_short(obj[i]["bbox"]), width=f"{w:g}", height=f"{h:g}")
        bad.raise_if_any()
    return Detections(name=name, image=image, category=category, boxes=boxes, score=score)


# ----------------------------------------------------------------------------------------------------- features


def _features(feature: str, boxes: np.ndarray, area: np.ndarray, size: np.ndarray, per_image: np.ndarray) -> np.ndarray:
    w, h = boxes[:, 2], boxes[:, 3]
    if feature == "area_ratio":
        return w * h / (size[:, 0] * size[:, 1])
    if feature == "area":
        return area
    if feature == "aspect_ratio":
        return w / h
    if feature == "marginalisation":
        # |centre - image centre| over the distance from the image centre to the edge along the same ray:
        # max(|dx| / (W/2), |dy| / (H/2)); 0 at the centre, 1 on the border.
        dx = np.abs(boxes[:, 0] + w / 2 - size[:, 0] / 2) / (size[:, 0] / 2)
        dy = np.abs(boxes[:, 1] + h / 2 - size[:, 1] / 2) / (size[:, 1] / 2)
        return np.minimum(np.maximum(dx, dy), 1.0)
    if feature == "boxes_per_image":
        return per_image.astype(np.float64)
    raise InputError("bad_feature", options=", ".join(FEATURES), value=feature)


def _boxes_per_image(gt: GroundTruth, images: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """For each entry of ``images``: how many (non-crowd, kept) ground-truth boxes its image has."""
    counted = gt.ann_image[keep & ~gt.iscrowd]
    ids, counts = np.unique(counted, return_counts=True)
    lookup = dict(zip(ids.tolist(), counts.tolist(), strict=True))
    return np.array([lookup.get(int(i), 0) for i in images], np.int64)


def gt_features(gt: GroundTruth, feature: str, keep: np.ndarray | None = None) -> np.ndarray:
    """The feature value of every ground-truth box (crowd boxes included; they are ignored later)."""
    keep = np.ones(len(gt.ann_ids), bool) if keep is None else keep
    size = np.array([gt.image_size[int(i)] for i in gt.ann_image]).reshape(-1, 2)
    per = _boxes_per_image(gt, gt.ann_image, keep) if feature == "boxes_per_image" else np.zeros(len(size))
    return _features(feature, gt.boxes, gt.area, size, per)


def det_features(gt: GroundTruth, det: Detections, feature: str, keep: np.ndarray | None = None) -> np.ndarray:
    """The feature value of every detection (its own box; "area" is ``w * h`` as COCO's ``loadRes`` sets it)."""
    keep = np.ones(len(gt.ann_ids), bool) if keep is None else keep
    size = np.array([gt.image_size[int(i)] for i in det.image]).reshape(-1, 2)
    per = _boxes_per_image(gt, det.image, keep) if feature == "boxes_per_image" else np.zeros(len(size))
    return _features(feature, det.boxes, det.boxes[:, 2] * det.boxes[:, 3], size, per)


# ------------------------------------------------------------------------------------------------------ buckets


def quantile_edges(values: np.ndarray, buckets: int) -> np.ndarray:
    """Edges of up to ``buckets`` equal-count buckets of ``values``: ``[min, v[n/k], v[2n/k], ..., max]``.

    Bucket ``i`` is ``[edge_i, edge_{i+1})`` (the last one closed). With distinct values, ``n`` boxes split into
    counts that differ by at most one (155 into 5 × 31). Tied values always share a bucket: a tie across a split point
    goes to the upper bucket, and splits that coincide merge, so heavy ties give fewer, unequal buckets.

    Raises:
        InputError: ``buckets`` not a whole number in [1, MAX_BUCKETS].
    """
    if not _is_int(buckets) or not 1 <= buckets <= MAX_BUCKETS:
        raise InputError("bad_buckets", most=MAX_BUCKETS, value=buckets)
    v = np.sort(np.asarray(values, np.float64))
    if v.size == 0:
        return np.zeros(0)
    n = v.size
    inner = [v[(i * n) // buckets] for i in range(1, buckets)]
    return np.append(np.unique(np.array([v[0], *inner], np.float64)), v[-1])


def parse_edges(text: str) -> np.ndarray:
    """Fixed bucket edges from text such as ``"0, 1024, 9216, 1e10"`` (at least two, strictly increasing, finite).

    Raises:
        InputError: anything else, saying why.
    """
    parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        edges = np.array([float(p) for p in parts], np.float64)
    except ValueError:
        raise InputError("bad_edges", text=text, why="not_numbers") from None
    if edges.size < 2:
        raise InputError("bad_edges", text=text, why="too_few")
    if edges.size > MAX_BUCKETS + 1:
        raise InputError("bad_edges", text=text, why="too_many", most=MAX_BUCKETS + 1)
    if not np.isfinite(edges).all():
        raise InputError("bad_edges", text=text, why="not_finite")
    if not (np.diff(edges) > 0).all():
        raise InputError("bad_edges", text=text, why="not_increasing")
    return edges


def bucket_of(values: np.ndarray, edges: np.ndarray, *, open_ends: bool = False) -> np.ndarray:
    """The bucket index of each value (``[e_i, e_{i+1})``, the last bucket closed); -1 outside every bucket.

    With ``open_ends`` the first bucket also takes values below ``e_0`` and the last values above ``e_k``.
    """
    values = np.asarray(values, np.float64)
    k = len(edges) - 1
    idx = np.searchsorted(edges, values, side="right") - 1
    idx = np.where(values == edges[-1], k - 1, idx)
    if open_ends:
        return np.clip(idx, 0, k - 1)
    return np.where((idx < 0) | (idx >= k), -1, idx)


def _coco_ranges(edges: np.ndarray, open_ends: bool) -> list[list[float]]:
    """The buckets as COCOeval area ranges (closed on both ends there): ``[lo, just below hi]``, the last closed."""
    k = len(edges) - 1
    ranges = []
    for i in range(k):
        lo = -np.inf if (open_ends and i == 0) else float(edges[i])
        hi = float(edges[i + 1]) if i == k - 1 else float(np.nextafter(edges[i + 1], -np.inf))
        if open_ends and i == k - 1:
            hi = np.inf
        ranges.append([lo, hi])
    return ranges


# ------------------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Bucket:
    """One bucket of one run. ``value`` is the chosen metric (NaN where undefined)."""

    lo: float
    hi: float
    count: int  # non-crowd ground truths in the bucket
    matched: int  # of those, found by a detection with score >= s at IoU >= t
    detections: int  # the bucket's non-ignored detections with score >= s
    true_positives: int
    recall: float
    precision: float
    ap: float
    value: float


@dataclass(frozen=True)
class Run:
    """One detections file: its buckets, the sensitivity (population std across buckets) and the misses."""

    detections: str
    buckets: tuple[Bucket, ...]
    std: float
    missed: np.ndarray  # indices into the ground truth of the bucketed boxes not found (score >= s, IoU >= t)


@dataclass(frozen=True)
class Report:
    feature: str
    metric: str
    iou: float
    score: float
    category: str | None
    edges: np.ndarray
    runs: tuple[Run, ...]
    gt_values: np.ndarray  # the feature of every bucketed ground truth (for the histogram)
    gt_index: np.ndarray  # their indices into the ground truth
    gt_bucket: np.ndarray  # their bucket
    gt: GroundTruth = field(repr=False)


def population_std(values: Sequence[float]) -> float:
    """The population standard deviation (``ddof=0``) of the defined (non-NaN) values; NaN when fewer than two are
    defined (one bucket has no spread to measure: 0 would read as "equally good at every size")."""
    v = np.asarray(values, np.float64)
    v = v[~np.isnan(v)]
    return float(np.std(v)) if v.size >= 2 else float("nan")


def report_notes(report: Report, buckets_asked: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    """What the reader must know before trusting the std: ``[(code, params), ...]`` (codes ``merged``, ``empty``,
    ``few``, ``one_bucket``, ``no_detections``). ``buckets_asked``: the equal-count bucket count asked for (None for
    fixed edges), so that buckets merged by tied values are reported."""
    notes: list[tuple[str, dict[str, Any]]] = []
    buckets = report.runs[0].buckets if report.runs else ()
    if buckets_asked is not None and len(buckets) < buckets_asked:
        notes.append(("merged", {"asked": int(buckets_asked), "got": len(buckets)}))
    empty = sum(1 for b in buckets if b.count == 0)
    if empty:
        notes.append(("empty", {"n": empty}))
    few = [b.count for b in buckets if 0 < b.count < FEW_BOXES]
    if few:
        notes.append(("few", {"n": len(few), "least": min(few), "min": FEW_BOXES}))
    if sum(1 for b in buckets if b.count > 0) < 2:
        notes.append(("one_bucket", {}))
    for run in report.runs:
        if sum(b.detections for b in run.buckets) == 0:
            notes.append(("no_detections", {"run": run.detections}))
    return notes


def _check_threshold(name: str, value: Any, lo: float, hi: float) -> float:
    if not _is_num(value) or not lo <= value <= hi:
        raise InputError("bad_threshold", name=name, lo=lo, hi=hi, value=value)
    return float(value)


def _coco_objects(gt: GroundTruth, det: Detections, gt_area: np.ndarray, det_area: np.ndarray):
    """pycocotools ``COCO`` objects built in memory (nothing is written to disk), with ``area`` set to the feature.

    Internal annotation ids are 1..N (COCOeval uses id 0 to mean "unmatched", and a user's file may use 0).
    """
    from pycocotools.coco import COCO

    images = [
        {"id": int(i), "width": gt.image_size[int(i)][0], "height": gt.image_size[int(i)][1]} for i in gt.image_ids
    ]
    cats = [{"id": int(c), "name": n} for c, n in gt.categories.items()]
    g = COCO()
    g.dataset = {
        "images": images,
        "categories": cats,
        "annotations": [
            {"id": k + 1, "image_id": int(im), "category_id": int(c), "bbox": b, "area": float(a), "iscrowd": int(cr)}
            for k, (im, c, b, a, cr) in enumerate(
                zip(gt.ann_image, gt.ann_category, gt.boxes.tolist(), gt_area, gt.iscrowd, strict=True)
            )
        ],
    }
    d = COCO()
    d.dataset = {
        "images": images,
        "categories": cats,
        "annotations": [
            {
                "id": k + 1,
                "image_id": int(im),
                "category_id": int(c),
                "bbox": b,
                "area": float(a),
                "score": float(s),
                "iscrowd": 0,
            }
            for k, (im, c, b, a, s) in enumerate(
                zip(det.image, det.category, det.boxes.tolist(), det_area, det.score, strict=True)
            )
        ],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        g.createIndex()
        d.createIndex()
    return g, d


def _without_gt_fast_path(ev) -> None:
    """Answer ``computeIoU`` / ``evaluateImg`` for an (image, category) with no ground truth without the general code.

    With 100 detections per image over 80 categories most pairs have detections and no ground truth: every detection
    is unmatched, ignored only when its area is outside the range. This returns exactly what pycocotools' own code
    returns there (same sort, same truncation, same arrays), at a fraction of its per-call cost; pairs with ground
    truth go to pycocotools unchanged. ``tests/test_analysis_sensitivity.py`` checks the results against plain
    pycocotools.
    """
    compute_iou, evaluate_img = ev.computeIoU, ev.evaluateImg

    def iou_fast(img_id, cat_id):
        if not ev._gts[img_id, cat_id]:
            return []
        return compute_iou(img_id, cat_id)

    def evaluate_fast(img_id, cat_id, a_rng, max_det):
        if ev._gts[img_id, cat_id]:
            return evaluate_img(img_id, cat_id, a_rng, max_det)
        dt = ev._dts[img_id, cat_id]
        if not dt:
            return None
        dt = sorted(dt, key=lambda d: -d["score"])[:max_det]  # stable, as numpy's mergesort on -score
        n_thr = len(ev.params.iouThrs)
        lo, hi = a_rng
        outside = np.fromiter((d["area"] < lo or d["area"] > hi for d in dt), bool, len(dt))[None, :]
        return {
            "image_id": img_id,
            "category_id": cat_id,
            "aRng": a_rng,
            "maxDet": max_det,
            "dtIds": [d["id"] for d in dt],
            "gtIds": [],
            "dtMatches": np.zeros((n_thr, len(dt))),
            "gtMatches": np.zeros((n_thr, 0)),
            "dtScores": [d["score"] for d in dt],
            "gtIgnore": np.array([]),
            "dtIgnore": outside if n_thr == 1 else np.repeat(outside, n_thr, 0),
        }

    ev.computeIoU, ev.evaluateImg = iou_fast, evaluate_fast


def evaluate(
    gt: GroundTruth,
    det: Detections,
    gt_area: np.ndarray,
    det_area: np.ndarray,
    ranges: list[list[float]],
    cat_ids: list[int],
    iou: float,
    progress: Callable[[float], None] | None = None,
):
    """Run pycocotools' ``COCOeval`` (bbox) with the buckets as area ranges at the single IoU threshold ``iou``.

    ``maxDets = [100, all]``: AP reads the first (COCO's standard), recall the second (no cap). Returns the evaluator
    after ``evaluate()`` and ``accumulate()``.
    """
    from pycocotools.cocoeval import COCOeval

    g, d = _coco_objects(gt, det, gt_area, det_area)
    ev = COCOeval(g, d, "bbox")
    p = ev.params
    p.imgIds = [int(i) for i in gt.image_ids]
    p.catIds = list(cat_ids)
    p.iouThrs = np.array([iou])
    p.maxDets = [AP_MAX_DETS, max(AP_MAX_DETS + 1, len(det.score) + 1)]
    p.areaRng = ranges
    p.areaRngLbl = [f"b{i}" for i in range(len(ranges))]
    _without_gt_fast_path(ev)
    if progress is not None:
        total = max(1, len(p.imgIds) * len(p.catIds) * (len(ranges) + 1))
        done = [0]
        step = max(1, total // 100)
        for method in ("computeIoU", "evaluateImg"):
            inner = getattr(ev, method)

            def counted(*args, _inner=inner):
                done[0] += 1
                if done[0] % step == 0:
                    progress(min(1.0, done[0] / total))
                return _inner(*args)

            setattr(ev, method, counted)
    with contextlib.redirect_stdout(io.StringIO()):
        ev.evaluate()
        ev.accumulate()
    return ev


@dataclass(frozen=True)
class BucketMatches:
    """What COCOeval decided in one bucket of one run (internal ids are 1-based positions in the files)."""

    gt_ids: np.ndarray  # the bucket's non-ignored ground truths
    gt_match: np.ndarray  # the detection matched to each (0: none)
    dt_ids: np.ndarray  # every detection COCOeval looked at for this bucket
    dt_match: np.ndarray  # the ground truth each matched (0: none)
    dt_ignore: np.ndarray  # ignored (matched a crowd / out-of-bucket box, or unmatched outside the bucket)
    ap: float  # COCO AP at IoU t (NaN where undefined)


@dataclass(frozen=True)
class Evaluation:
    """The expensive half of a report (COCOeval per run); ``summarise`` turns it into a Report for any metric and
    score threshold without evaluating again."""

    feature: str
    iou: float
    category: str | None
    edges: np.ndarray
    runs: tuple[tuple[str, np.ndarray, tuple[BucketMatches, ...]], ...]  # (name, scores, buckets)
    gt_values: np.ndarray
    gt_index: np.ndarray
    gt_bucket: np.ndarray
    gt: GroundTruth = field(repr=False)


def _bucket_matches(ev, n_ranges: int, cat_pos: list[int]) -> tuple[BucketMatches, ...]:
    n_img = len(ev.params.imgIds)
    n_area = len(ev.params.areaRng)
    out = []
    for a in range(n_ranges):
        gt_ids, gt_match, dt_match, dt_ign, dt_ids = [], [], [], [], []
        for k in cat_pos:
            base = k * n_area * n_img + a * n_img
            for e in ev.evalImgs[base : base + n_img]:
                if e is None:
                    continue
                if e["gtIds"]:
                    keep = e["gtIgnore"] == 0
                    gt_ids.append(np.asarray(e["gtIds"])[keep])
                    gt_match.append(e["gtMatches"][0][keep])
                dt_ids.append(e["dtIds"])
                dt_match.append(e["dtMatches"][0])
                dt_ign.append(e["dtIgnore"][0])

        def cat(xs: list) -> np.ndarray:
            return np.concatenate(xs).astype(np.int64) if xs else np.zeros(0, np.int64)

        prec = ev.eval["precision"][0, :, :, a, 0][:, cat_pos]
        ap = float(prec[prec > -1].mean()) if (prec > -1).any() else float("nan")
        out.append(BucketMatches(cat(gt_ids), cat(gt_match), cat(dt_ids), cat(dt_match), cat(dt_ign).astype(bool), ap))
    return tuple(out)


def evaluate_runs(
    gt: GroundTruth,
    runs: Sequence[Detections],
    *,
    feature: str = "area_ratio",
    iou: float = 0.5,
    buckets: int = 5,
    edges: Sequence[float] | np.ndarray | str | None = None,
    category: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Evaluation:
    """Bucket the ground truths and run COCOeval for each run (the slow half of ``sensitivity_report``).

    Raises:
        InputError: an unknown feature or category name, IoU out of range, bad edges or buckets.
    """
    if feature not in FEATURES:
        raise InputError("bad_feature", options=", ".join(FEATURES), value=feature)
    iou = _check_threshold("iou", iou, 0.05, 0.95)
    if category is None:
        cat_ids = sorted(gt.categories)
    else:
        cat_ids = [c for c, n in gt.categories.items() if n == category]
        if not cat_ids:
            names = ", ".join(sorted(gt.categories.values())[:12])
            raise InputError("unknown_category_name", name=category, names=names)
    keep = np.isin(gt.ann_category, cat_ids)
    values = gt_features(gt, feature, keep)
    counted = keep & ~gt.iscrowd
    if not counted.any():
        raise InputError("no_boxes", name=category or "")
    if edges is None:
        edge_arr = quantile_edges(values[counted], buckets)
        open_ends = True
    else:
        edge_arr = parse_edges(edges if isinstance(edges, str) else ",".join(repr(float(e)) for e in edges))
        open_ends = False
    gt_bucket_all = bucket_of(values, edge_arr, open_ends=open_ends)
    ranges = _coco_ranges(edge_arr, open_ends)
    index = np.flatnonzero(counted & (gt_bucket_all >= 0))
    out_runs = []
    for r, det in enumerate(runs):
        det_area = det_features(gt, det, feature, keep)

        def step(frac: float, _r=r, _name=det.name) -> None:
            if progress is not None:
                progress((_r + frac) / len(runs), _name)

        # COCOeval is given every category's boxes; the evaluation itself is restricted to cat_ids.
        ev = evaluate(gt, det, values, det_area, ranges, cat_ids, iou, step if progress else None)
        out_runs.append((det.name, det.score, _bucket_matches(ev, len(edge_arr) - 1, list(range(len(cat_ids))))))
        if progress is not None:
            progress((r + 1) / len(runs), det.name)
    return Evaluation(
        feature=feature,
        iou=iou,
        category=category,
        edges=edge_arr,
        runs=tuple(out_runs),
        gt_values=values[index],
        gt_index=index,
        gt_bucket=gt_bucket_all[index],
        gt=gt,
    )


def summarise(evaluation: Evaluation, *, metric: str = "recall", score: float = 0.0) -> Report:
    """The report for ``metric`` at score threshold ``score`` (cheap: numpy over the stored matches).

    Raises:
        InputError: an unknown metric, a non-finite score.
    """
    if metric not in METRICS:
        raise InputError("bad_metric", options=", ".join(METRICS), value=metric)
    score = _check_threshold("score", score, -math.inf, math.inf)
    edges = evaluation.edges
    runs = []
    for name, det_score, matches in evaluation.runs:
        padded = np.append(det_score, -np.inf)  # id 0 ("unmatched") reads the -inf at the end
        buckets, missed = [], []
        for a, m in enumerate(matches):
            found = (m.gt_match > 0) & (padded[m.gt_match - 1] >= score)
            counted = ~m.dt_ignore & (padded[m.dt_ids - 1] >= score)
            tp = int((counted & (m.dt_match > 0)).sum())
            n_det = int(counted.sum())
            count = int(m.gt_ids.size)
            recall = found.sum() / count if count else float("nan")
            precision = tp / n_det if n_det else float("nan")
            value = {"recall": recall, "precision": precision, "ap": m.ap}[metric]
            buckets.append(
                Bucket(
                    lo=float(edges[a]),
                    hi=float(edges[a + 1]),
                    count=count,
                    matched=int(found.sum()),
                    detections=n_det,
                    true_positives=tp,
                    recall=float(recall),
                    precision=float(precision),
                    ap=m.ap,
                    value=float(value),
                )
            )
            missed.append(m.gt_ids[~found] - 1)
        runs.append(
            Run(
                detections=name,
                buckets=tuple(buckets),
                std=population_std([b.value for b in buckets]),
                missed=np.sort(np.concatenate(missed)) if missed else np.zeros(0, np.int64),
            )
        )
    return Report(
        feature=evaluation.feature,
        metric=metric,
        iou=evaluation.iou,
        score=score,
        category=evaluation.category,
        edges=edges,
        runs=tuple(runs),
        gt_values=evaluation.gt_values,
        gt_index=evaluation.gt_index,
        gt_bucket=evaluation.gt_bucket,
        gt=evaluation.gt,
    )


def sensitivity_report(
    gt: GroundTruth,
    runs: Sequence[Detections],
    *,
    feature: str = "area_ratio",
    metric: str = "recall",
    iou: float = 0.5,
    score: float = 0.0,
    buckets: int = 5,
    edges: Sequence[float] | np.ndarray | str | None = None,
    category: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Report:
    """The sensitivity report of one or more detection runs on one ground truth: ``evaluate_runs`` + ``summarise``.

    Args:
        gt: the parsed ground truth.
        runs: parsed detections, one per run (e.g. before and after a change).
        feature: one of ``FEATURES``. Default ``"area_ratio"`` (box area / image area, the seed's).
        metric: ``"recall"`` (default), ``"precision"`` or ``"ap"``: the bucket value and the std use it.
        iou: IoU threshold ``t`` in [0.05, 0.95]. Default 0.5.
        score: score threshold ``s`` (any finite number); detections scored below it are not counted. Default 0.
        buckets: number of equal-count buckets (1..20), used when ``edges`` is None. Default 5.
        edges: fixed, increasing bucket edges (numbers or text); ground truths outside them are left out.
        category: a category name, or None for all categories.
        progress: called with (fraction done, run name) while evaluating.

    Raises:
        InputError: an unknown feature, metric or category name, thresholds out of range, bad edges or buckets.
    """
    if metric not in METRICS:
        raise InputError("bad_metric", options=", ".join(METRICS), value=metric)
    _check_threshold("score", score, -math.inf, math.inf)
    evaluation = evaluate_runs(
        gt, runs, feature=feature, iou=iou, buckets=buckets, edges=edges, category=category, progress=progress
    )
    return summarise(evaluation, metric=metric, score=score)


# ------------------------------------------------------------------------------------------------------- export


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def report_json(report: Report) -> dict:
    """The report as JSON-ready data: ``{"feature", "metric", "runs": [{"detections", "std", "buckets": [...]}]}``.

    Buckets are in feature order with ``lo``, ``hi``, ``count``, ``value`` (the metric; null where undefined) and the
    other metrics. Non-finite numbers become null (strict JSON has no NaN).
    """
    return {
        "feature": report.feature,
        "metric": report.metric,
        "iou": report.iou,
        "score": report.score,
        "category": report.category,
        "edges": [float(e) for e in report.edges],
        "runs": [
            {
                "detections": run.detections,
                "std": _num(run.std),
                "buckets": [
                    {
                        "lo": b.lo,
                        "hi": b.hi,
                        "count": b.count,
                        "value": _num(b.value),
                        "matched": b.matched,
                        "recall": _num(b.recall),
                        "precision": _num(b.precision),
                        "ap": _num(b.ap),
                        "detections": b.detections,
                    }
                    for b in run.buckets
                ],
            }
            for run in report.runs
        ],
    }


def report_json_text(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False, allow_nan=False)


TABLE_COLUMNS = ("run", "bucket", "lo", "hi", "count", "matched", "recall", "precision", "ap", "value", "std")


def report_rows(report: Report) -> list[dict]:
    """One row per (run, bucket), for tables and CSV."""
    rows = []
    for run in report.runs:
        for i, b in enumerate(run.buckets):
            rows.append(
                {
                    "run": run.detections,
                    "bucket": i + 1,
                    "lo": b.lo,
                    "hi": b.hi,
                    "count": b.count,
                    "matched": b.matched,
                    "recall": b.recall,
                    "precision": b.precision,
                    "ap": b.ap,
                    "value": b.value,
                    "std": run.std,
                }
            )
    return rows


def report_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TABLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report_rows(report):
        writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
    return buf.getvalue()


def missed_rows(report: Report, run: int, bucket: int) -> list[dict]:
    """The ground truths of ``bucket`` that run ``run`` missed: image id, annotation id, box, size and feature."""
    gt = report.gt
    missed = set(report.runs[run].missed.tolist())
    rows = []
    for idx, b, v in zip(report.gt_index, report.gt_bucket, report.gt_values, strict=True):
        if b != bucket or int(idx) not in missed:
            continue
        x, y, w, h = gt.boxes[idx]
        rows.append(
            {
                "image_id": int(gt.ann_image[idx]),
                "annotation_id": int(gt.ann_ids[idx]),
                "category": gt.categories[int(gt.ann_category[idx])],
                "x": x,
                "y": y,
                "w": w,
                "h": h,
                "area": float(w * h),
                "feature": float(v),
            }
        )
    return rows


# ------------------------------------------------------------------------------------------------------- sample

#: The seed's tables: boxes found per bucket (of 31) before and after retraining with Balanced L1.
SEED_FOUND = {"Smooth L1": (18, 27, 30, 30, 31), "Balanced L1": (23, 27, 29, 31, 30)}
SEED_PER_BUCKET = 31


def synthetic_sample(seed: int = 0) -> tuple[bytes, dict[str, bytes]]:
    """A **synthetic** COCO set mimicking seed 000: one class, 155 boxes on 31 images, two detection runs.

    The boxes have distinct area ratios; the runs find, per equal-count bucket of area ratio, the seed's counts
    (``SEED_FOUND``): a found box gets a detection close to it (IoU > 0.7), a missed one a poorly placed detection
    (IoU < 0.4) or none; a few low-score false positives are scattered where no box is. Deterministic for a seed.
    Returns the ground truth and ``{run name: detections}`` as JSON bytes, the same as uploaded files.
    """
    rng = random.Random(seed)
    width, height = 640, 480
    n_img, per_img = 31, 5
    n = n_img * per_img
    ratios = sorted({round(math.exp(rng.uniform(math.log(4e-4), math.log(0.09))), 7) for _ in range(4 * n)})
    ratios = sorted(rng.sample(ratios, n))
    order = list(range(n))
    rng.shuffle(order)
    images = [{"id": i + 1, "width": width, "height": height, "file_name": f"synthetic_{i + 1:03d}.png"}
              for i in range(n_img)]  # fmt: skip
    placed: dict[int, list[list[float]]] = {i + 1: [] for i in range(n_img)}
    anns = []

    def clear(box: list[float], others: list[list[float]], gap: float) -> bool:
        x, y, w, h = box
        return all(x + w + gap <= o[0] or o[0] + o[2] + gap <= x or y + h + gap <= o[1] or o[1] + o[3] + gap <= y
                   for o in others)  # fmt: skip

    for rank in sorted(range(n), key=lambda r: -ratios[r]):  # place big boxes first
        area = ratios[rank] * width * height
        aspect = rng.uniform(0.6, 1.6)
        w, h = math.sqrt(area * aspect), math.sqrt(area / aspect)
        for attempt in range(10_000):
            im = (order[rank] + attempt) % n_img + 1
            if len(placed[im]) >= per_img and attempt < 5_000:
                continue
            box = [rng.uniform(0, width - w), rng.uniform(0, height - h), w, h]
            if clear(box, placed[im], gap=max(w, h)):
                break
        placed[im].append(box)
        anns.append({"id": rank + 1, "image_id": im, "category_id": 1, "bbox": [round(v, 2) for v in box],
                     "area": round(box[2] * box[3], 2), "iscrowd": 0})  # fmt: skip
    anns.sort(key=lambda a: a["id"])
    gt = {"info": {"description": "lossviz synthetic sample mimicking ModelArts seed 000 (not real data)"},
          "images": images, "annotations": anns, "categories": [{"id": 1, "name": "coccidia"}]}  # fmt: skip

    runs = {}
    for name, found in SEED_FOUND.items():
        dets = []
        for b, k in enumerate(found):
            members = list(range(b * SEED_PER_BUCKET, (b + 1) * SEED_PER_BUCKET))  # ranks sorted by area ratio
            hit = set(rng.sample(members, k))
            for rank in members:
                a = anns[rank]
                x, y, w, h = a["bbox"]
                if rank in hit:
                    j = 0.04
                    box = [x + rng.uniform(-j, j) * w, y + rng.uniform(-j, j) * h, w * rng.uniform(0.95, 1.05),
                           h * rng.uniform(0.95, 1.05)]  # fmt: skip
                    score = rng.uniform(0.5, 0.99)
                elif rng.random() < 0.6:  # a poorly placed box: shifted by 60 % of its width (IoU 0.25)
                    dx = 0.6 * w if x + 1.6 * w <= width else -0.6 * w
                    box = [x + dx, y, w, h]
                    score = rng.uniform(0.2, 0.7)
                else:
                    continue
                box = [min(max(box[0], 0.0), width - box[2]), min(max(box[1], 0.0), height - box[3]), box[2], box[3]]
                dets.append({"image_id": a["image_id"], "category_id": 1, "bbox": [round(v, 2) for v in box],
                             "score": round(score, 4)})  # fmt: skip
        for _ in range(20):  # false positives in empty space
            im = rng.randrange(n_img) + 1
            s = rng.uniform(8, 30)
            box = [rng.uniform(0, width - s), rng.uniform(0, height - s), s, s]
            if clear(box, placed[im], gap=s):
                dets.append({"image_id": im, "category_id": 1, "bbox": [round(v, 2) for v in box],
                             "score": round(rng.uniform(0.05, 0.3), 4)})  # fmt: skip
        runs[name] = json.dumps(dets).encode("utf-8")
    return json.dumps(gt).encode("utf-8"), runs
