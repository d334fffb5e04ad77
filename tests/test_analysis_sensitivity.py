"""Box-size sensitivity (seed 000): the seed's tables from a COCO file, COCO's matching rules, quantile buckets with
ties, pycocotools agreement, features, and every kind of bad input refused with a message naming the entry."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.analysis import sensitivity as S

# --------------------------------------------------------------------------------------------------------- helpers


def _gt(boxes, *, size=(100, 100), crowd=(), image_of=None, area=None) -> dict:
    """A one-category COCO ground truth: ``boxes`` (xywh), each on its own image unless ``image_of`` says."""
    image_of = image_of or list(range(1, len(boxes) + 1))
    images = [{"id": i, "width": size[0], "height": size[1]} for i in sorted(set(image_of))]
    anns = []
    for k, (b, im) in enumerate(zip(boxes, image_of, strict=True)):
        ann = {"id": k + 1, "image_id": im, "category_id": 1, "bbox": list(b), "iscrowd": int(k in crowd)}
        if area is not None:
            ann["area"] = area[k]
        anns.append(ann)
    return {"images": images, "annotations": anns, "categories": [{"id": 1, "name": "thing"}]}


def _dt(*entries) -> list[dict]:
    """Detections from ``(image_id, [x, y, w, h], score)`` tuples, category 1."""
    return [{"image_id": im, "category_id": 1, "bbox": list(b), "score": s} for im, b, s in entries]


def _report(gt: dict, *runs: list, **kw) -> S.Report:
    g = S.parse_ground_truth(json.dumps(gt))
    dets = [S.parse_detections(json.dumps(r), g, f"run{i}") for i, r in enumerate(runs)]
    return S.sensitivity_report(g, dets, **kw)


def _seed_coco(found: tuple[int, ...], per_bucket: int = 31):
    """155 boxes of distinct size, one per 100×100 image; in bucket b the ``found[b]`` smallest boxes get an exact
    detection and the others none."""
    n = per_bucket * len(found)
    sides = np.linspace(3.0, 60.0, n)  # increasing area ratio: rank r is in bucket r // 31
    gt = _gt([(5.0, 5.0, s, s) for s in sides])
    dets = []
    for b, k in enumerate(found):
        for r in range(b * per_bucket, b * per_bucket + k):
            dets.append((r + 1, (5.0, 5.0, sides[r], sides[r]), 0.9))
    return gt, _dt(*dets)


# ---------------------------------------------------------------------------------------------------- the seed


SEED_BEFORE = (18, 27, 30, 30, 31)
SEED_AFTER = (23, 27, 29, 31, 30)


def test_seed_tables_are_reproduced_from_a_coco_file():
    gt, before = _seed_coco(SEED_BEFORE)
    _, after = _seed_coco(SEED_AFTER)
    report = _report(gt, before, after)
    for run, found, std in zip(report.runs, (SEED_BEFORE, SEED_AFTER), (0.1546, 0.0912), strict=True):
        assert [b.count for b in run.buckets] == [31] * 5
        assert [b.matched for b in run.buckets] == list(found)
        assert [b.value for b in run.buckets] == pytest.approx([k / 31 for k in found])
        assert round(run.std, 4) == std
    # The seed prints 0.5806 / 0.871 / 0.9677 / 0.9677 / 1 for the first table.
    assert [round(b.value, 4) for b in report.runs[0].buckets] == [0.5806, 0.871, 0.9677, 0.9677, 1.0]


def test_sensitivity_is_the_population_not_the_sample_std():
    values = [k / 31 for k in SEED_BEFORE]
    assert round(S.population_std(values), 4) == 0.1546
    assert round(float(np.std(values, ddof=1)), 4) == 0.1728  # what a sample std would have printed


def test_builtin_sample_reproduces_the_seed_tables():
    gt_bytes, runs = S.synthetic_sample()
    gt = S.parse_ground_truth(gt_bytes)
    report = S.sensitivity_report(gt, [S.parse_detections(b, gt, n) for n, b in runs.items()])
    assert [r.detections for r in report.runs] == list(S.SEED_FOUND)
    assert [[b.matched for b in r.buckets] for r in report.runs] == [list(SEED_BEFORE), list(SEED_AFTER)]
    assert [round(r.std, 4) for r in report.runs] == [0.1546, 0.0912]
    assert json.loads(gt_bytes)["info"]["description"].startswith("lossviz synthetic")


def test_builtin_sample_is_deterministic():
    assert S.synthetic_sample() == S.synthetic_sample()


# -------------------------------------------------------------------------------------------------- matching


def test_duplicate_detections_find_a_box_once_and_the_second_is_a_false_positive():
    gt = _gt([(10, 10, 40, 40)])
    report = _report(gt, _dt((1, (10, 10, 40, 40), 0.9), (1, (11, 10, 40, 40), 0.8)), buckets=1)
    b = report.runs[0].buckets[0]
    assert (b.matched, b.count, b.recall) == (1, 1, 1.0)
    assert (b.true_positives, b.detections, b.precision) == (1, 2, 0.5)


def test_one_detection_matches_at_most_one_ground_truth():
    # Two boxes side by side; one wide detection overlaps each with IoU 0.5 exactly.
    gt = _gt([(0, 0, 20, 20), (20, 0, 20, 20)], image_of=[1, 1])
    report = _report(gt, _dt((1, (0, 0, 40, 20), 0.9)), buckets=1, iou=0.5)
    assert report.runs[0].buckets[0].matched == 1


def test_highest_score_detection_matches_first():
    # The better-placed detection has the lower score: the higher one takes the box, the other becomes a FP.
    gt = _gt([(10, 10, 40, 40)])
    dets = _dt((1, (14, 10, 40, 40), 0.9), (1, (10, 10, 40, 40), 0.5))
    report = _report(gt, dets, buckets=1, score=0.6)
    assert report.runs[0].buckets[0].matched == 1  # found by the 0.9 one, even with s above the exact one's score
    report = _report(gt, dets, buckets=1, score=0.95)
    assert report.runs[0].buckets[0].matched == 0


def test_score_threshold_drops_low_scored_detections():
    gt = _gt([(10, 10, 40, 40), (10, 10, 20, 20)])
    dets = _dt((1, (10, 10, 40, 40), 0.3), (2, (10, 10, 20, 20), 0.7))
    assert _report(gt, dets, buckets=1, score=0.2).runs[0].buckets[0].matched == 2
    assert _report(gt, dets, buckets=1, score=0.5).runs[0].buckets[0].matched == 1


def test_iou_threshold_decides_a_match():
    gt = _gt([(0, 0, 40, 40)])
    dets = _dt((1, (0, 0, 40, 30), 0.9))  # IoU 0.75
    assert _report(gt, dets, buckets=1, iou=0.7).runs[0].buckets[0].matched == 1
    assert _report(gt, dets, buckets=1, iou=0.8).runs[0].buckets[0].matched == 0


def test_crowd_boxes_are_not_counted_and_detections_on_them_are_not_false_positives():
    gt = _gt([(0, 0, 60, 60), (70, 70, 20, 20)], image_of=[1, 1], crowd=(0,))
    dets = _dt((1, (0, 0, 30, 30), 0.9), (1, (30, 30, 30, 30), 0.8), (1, (70, 70, 20, 20), 0.7))
    b = _report(gt, dets, buckets=1).runs[0].buckets[0]
    assert b.count == 1 and b.matched == 1
    # both detections inside the crowd region are ignored (COCO: IoU with a crowd box is over the detection's area)
    assert (b.true_positives, b.detections, b.precision) == (1, 1, 1.0)


def test_missed_boxes_of_a_bucket_are_listed():
    gt, before = _seed_coco(SEED_BEFORE)
    report = _report(gt, before)
    rows = S.missed_rows(report, 0, 0)
    assert len(rows) == 31 - 18
    assert {r["image_id"] for r in rows} == set(range(19, 32))  # the 13 largest of the first bucket
    assert all(r["w"] > 0 and r["feature"] > 0 for r in rows)
    assert S.missed_rows(report, 0, 4) == []


# --------------------------------------------------------------------------------------- agreement with COCO


def _coco_reference(gt: dict, dets: list, iou: float):
    """pycocotools run the ordinary way (COCO, loadRes, COCOeval with COCO's own area ranges) on the same data."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        g = COCO()
        g.dataset = json.loads(json.dumps(gt))
        g.createIndex()
        d = g.loadRes(json.loads(json.dumps(dets)))
        ev = COCOeval(g, d, "bbox")
        ev.params.iouThrs = np.array([iou])
        ev.params.maxDets = [100, 100_000]
        ev.evaluate()
        ev.accumulate()
    return ev


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bucket_recall_and_ap_equal_pycocotools_on_coco_area_ranges(seed):
    rng = np.random.default_rng(seed)
    boxes, image_of, dets = [], [], []
    for im in range(1, 41):
        for _ in range(rng.integers(1, 6)):
            w, h = rng.uniform(5, 150, 2)
            x, y = rng.uniform(0, 320 - w), rng.uniform(0, 240 - h)
            boxes.append((x, y, w, h))
            image_of.append(im)
            if rng.random() < 0.8:
                j = rng.normal(0, 0.15, 4) * [w, h, w, h]
                dw, dh = max(w + j[2], 1.0), max(h + j[3], 1.0)
                dx, dy = np.clip(x + j[0], 0, 320 - dw), np.clip(y + j[1], 0, 240 - dh)
                dets.append((im, (dx, dy, dw, dh), float(rng.random())))
        for _ in range(rng.integers(0, 3)):  # false positives
            dets.append((im, (*rng.uniform(0, 100, 2), *rng.uniform(4, 60, 2)), float(rng.random())))
    gt = _gt(boxes, size=(320, 240), image_of=image_of, area=[float(w * h) for _, _, w, h in boxes])
    for im in range(41, 46):  # images with no ground truth, only false positives (the evaluator's fast path)
        gt["images"].append({"id": im, "width": 320, "height": 240})
        for _ in range(rng.integers(1, 4)):
            dets.append((im, (*rng.uniform(0, 100, 2), *rng.uniform(4, 60, 2)), float(rng.random())))
    dets = _dt(*[(im, [float(v) for v in b], s) for im, b, s in dets])
    report = _report(gt, dets, feature="area", edges=S.COCO_AREA_EDGES, metric="ap", iou=0.5)
    ref = _coco_reference(gt, dets, 0.5)
    for a, bucket in enumerate(report.runs[0].buckets):  # COCO's ranges 1..3 are small, medium, large
        assert bucket.recall == pytest.approx(ref.eval["recall"][0, 0, a + 1, 1])
        p = ref.eval["precision"][0, :, 0, a + 1, 0]
        assert bucket.ap == pytest.approx(p[p > -1].mean())
    all_found = sum(b.matched for b in report.runs[0].buckets) / sum(b.count for b in report.runs[0].buckets)
    assert all_found == pytest.approx(ref.eval["recall"][0, 0, 0, 1])


# ---------------------------------------------------------------------------------------------------- buckets


def test_quantile_buckets_of_distinct_values_have_equal_counts():
    values = np.random.default_rng(0).random(155)
    edges = S.quantile_edges(values, 5)
    assert np.bincount(S.bucket_of(values, edges)).tolist() == [31] * 5


def test_quantile_edges_keep_tied_values_in_one_bucket():
    values = np.array([1, 1, 1, 1, 2, 2, 3, 3, 3, 3], float)
    edges = S.quantile_edges(values, 5)  # split points at ranks 2, 4, 6, 8 -> values 1, 2, 3, 3
    assert edges.tolist() == [1, 2, 3, 3]  # coinciding splits merge: 3 buckets, the last one all 3s
    assert np.bincount(S.bucket_of(values, edges)).tolist() == [4, 2, 4]


def test_quantile_edges_of_one_repeated_value_give_one_bucket():
    edges = S.quantile_edges(np.full(7, 2.5), 5)
    assert edges.tolist() == [2.5, 2.5]
    assert S.bucket_of(np.full(7, 2.5), edges).tolist() == [0] * 7


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=80), st.integers(1, 8))
def test_quantile_buckets_put_ties_together_and_cover_every_value(raw, k):
    values = np.array(raw, float)
    edges = S.quantile_edges(values, k)
    idx = S.bucket_of(values, edges)
    assert (idx >= 0).all() and idx.max() < len(edges) - 1 <= k
    for v in np.unique(values):
        assert len(set(idx[values == v].tolist())) == 1
    if len(np.unique(values)) == len(values):
        counts = np.bincount(idx, minlength=len(edges) - 1)
        assert counts.max() - counts.min() <= 1


def test_fixed_edges_are_half_open_and_leave_out_values_outside():
    edges = S.parse_edges("0, 1024, 9216")
    assert S.bucket_of(np.array([-1.0, 0.0, 1023.9, 1024.0, 9216.0, 9216.1]), edges).tolist() == [-1, 0, 0, 1, 1, -1]


@pytest.mark.parametrize(
    ("text", "why"),
    [("1", "at least two"), ("1, x", "not a list of numbers"), ("3, 2", "increase"), ("0, inf", "finite")],
)
def test_bad_fixed_edges_are_refused_saying_why(text, why):
    with pytest.raises(S.InputError, match=why):
        S.parse_edges(text)


# --------------------------------------------------------------------------------------------------- features


def test_features_have_their_closed_forms():
    gt = S.parse_ground_truth(
        json.dumps(_gt([(40, 40, 20, 20), (0, 0, 50, 10), (80, 45, 20, 10)], size=(100, 100), image_of=[1, 1, 2]))
    )
    assert S.gt_features(gt, "area_ratio").tolist() == [0.04, 0.05, 0.02]
    assert S.gt_features(gt, "area").tolist() == [400, 500, 200]
    assert S.gt_features(gt, "aspect_ratio").tolist() == [1, 5, 2]
    # centre at the image centre -> 0; centre (25, 5): max(25/50, 45/50) = 0.9; centre (90, 50): 40/50 = 0.8
    assert S.gt_features(gt, "marginalisation").tolist() == pytest.approx([0.0, 0.9, 0.8])
    assert S.gt_features(gt, "boxes_per_image").tolist() == [2, 2, 1]


def test_area_feature_uses_the_annotation_area_as_coco_does():
    gt = S.parse_ground_truth(json.dumps(_gt([(0, 0, 10, 10)], area=[42.5])))
    assert S.gt_features(gt, "area").tolist() == [42.5]
    assert S.gt_features(gt, "area_ratio").tolist() == [0.01]  # the seed's ratio is of the box


def test_category_filter_restricts_the_report():
    gt = _gt([(0, 0, 10, 10), (20, 20, 30, 30)], image_of=[1, 1])
    gt["categories"].append({"id": 2, "name": "other"})
    gt["annotations"][1]["category_id"] = 2
    dets = _dt((1, (0, 0, 10, 10), 0.9))
    assert _report(gt, dets, buckets=1, category="thing").runs[0].buckets[0].recall == 1.0
    assert _report(gt, dets, buckets=1, category="other").runs[0].buckets[0].recall == 0.0
    assert _report(gt, dets, buckets=1).runs[0].buckets[0].recall == 0.5
    with pytest.raises(S.InputError, match="no category named 'dog'"):
        _report(gt, dets, category="dog")


# ----------------------------------------------------------------------------------------------------- export


def test_json_export_has_the_issue_schema_and_is_strict_json():
    gt, before = _seed_coco(SEED_BEFORE)
    report = _report(gt, before, [])  # an empty run: precision undefined everywhere
    data = json.loads(S.report_json_text(report))
    assert data["feature"] == "area_ratio" and data["metric"] == "recall"
    assert [r["detections"] for r in data["runs"]] == ["run0", "run1"]
    bks = data["runs"][0]["buckets"]
    assert [b["value"] for b in bks] == pytest.approx([k / 31 for k in SEED_BEFORE])
    assert all(b["lo"] <= b["hi"] for b in bks) and all(a["hi"] == b["lo"] for a, b in itertools.pairwise(bks))
    assert data["runs"][1]["buckets"][0]["precision"] is None  # NaN -> null
    assert data["runs"][1]["std"] == 0.0  # recall 0 everywhere


def test_csv_export_has_a_row_per_run_and_bucket():
    gt, before = _seed_coco(SEED_BEFORE)
    text = S.report_csv(_report(gt, before, before))
    lines = text.strip().split("\n")
    assert lines[0].split(",") == list(S.TABLE_COLUMNS)
    assert len(lines) == 1 + 2 * 5


# ------------------------------------------------------------------------------------------------- bad input

GOOD_GT = _gt([(10, 10, 20, 20), (50, 50, 30, 30)], image_of=[1, 2])


def _gt_with(path: str, value) -> str:
    data = json.loads(json.dumps(GOOD_GT))
    section, index, key = path.split(".")
    data[section][int(index)][key] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("", "empty", "is empty"),
        ("   \n", "empty", "is empty"),
        ('{"images": [', "not_json", "line 1"),
        ("[1, 2]", "gt_not_object", "must be a COCO object"),
        ('{"images": [], "annotations": []}', "gt_missing_key", "`categories`"),
        ('{"images": {}, "annotations": [], "categories": []}', "not_list", "`images`"),
        (json.dumps({**GOOD_GT, "annotations": []}), "no_annotations", "no box annotations"),
        (_gt_with("annotations.1.bbox", [50, 50, -3, 30]), "entries", "#1 box has no positive width and height"),
        (_gt_with("annotations.0.bbox", [90, 10, 20, 20]), "entries", "#0 box [90, 10, 20, 20] lies outside"),
        (_gt_with("annotations.0.bbox", "10 10 20 20"), "entries", "#0 `bbox` is not [x, y, w, h]"),
        (_gt_with("annotations.1.image_id", 7), "entries", "#1 image_id 7 is not in the ground truth"),
        (_gt_with("annotations.1.category_id", 3), "entries", "#1 category_id 3 is not in the ground truth"),
        (_gt_with("annotations.0.image_id", "1"), "entries", '#0 `image_id` is not an integer: "1"'),
        (_gt_with("annotations.1.id", 1), "entries", "#1 id 1 is used twice"),
        (_gt_with("images.0.width", 0), "entries", "#0 `width` must be > 0"),
        (_gt_with("images.1.height", None), "entries", "#1 `height` is not a finite number"),
    ],
)
def test_bad_ground_truth_is_refused_naming_the_problem(text, code, needle):
    with pytest.raises(S.InputError) as err:
        S.parse_ground_truth(text, "gt.json")
    assert err.value.code == code
    assert needle in str(err.value)
    assert "gt.json" in str(err.value)


def test_bad_entries_are_counted_and_the_first_three_named():
    data = json.loads(json.dumps(GOOD_GT))
    data["images"][0]["width"] = 1000
    data["annotations"] = [{"id": i + 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, -1, 5]} for i in range(7)]
    with pytest.raises(S.InputError, match=r"7 bad entries in `annotations`; first: #0 .*; #1 .*; #2 [^;]*$") as err:
        S.parse_ground_truth(json.dumps(data), "gt.json")
    assert [o.index for o in err.value.offenders] == [0, 1, 2]


def test_file_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(S.InputError, match=r"over the 0.001 MB limit"):
        S.parse_ground_truth(b"x" * 2000, "gt.json", max_mb=0.001)


def test_non_utf8_file_is_refused():
    with pytest.raises(S.InputError, match="not UTF-8"):
        S.parse_ground_truth(b"\xff\xfe\x00garbage", "gt.json")


GT = S.parse_ground_truth(json.dumps(GOOD_GT))
GOOD_DET = {"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9}


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ({**GOOD_DET, "image_id": 99}, "#1 image_id 99 is not in the ground truth"),
        ({**GOOD_DET, "category_id": 5}, "#1 category_id 5 is not in the ground truth"),
        ({k: v for k, v in GOOD_DET.items() if k != "score"}, "#1 has no `score`"),
        ({**GOOD_DET, "score": "high"}, "#1 `score` is not a finite number"),
        ({**GOOD_DET, "bbox": [1, 2, 3]}, "#1 `bbox` is not [x, y, w, h]"),
        ({**GOOD_DET, "bbox": [1, 2, 0, 3]}, "#1 box has no positive width and height"),
        ({**GOOD_DET, "bbox": [-20, 2, 10, 3]}, "#1 box [-20, 2, 10, 3] lies entirely outside its 100×100 image"),
        ({**GOOD_DET, "image_id": 1.0}, "#1 `image_id` is not an integer"),
        ("box", "#1 is not an object"),
    ],
)
def test_bad_detections_are_refused_naming_the_first_offender(entry, needle):
    with pytest.raises(S.InputError) as err:
        S.parse_detections(json.dumps([GOOD_DET, entry, GOOD_DET]), GT, "dt.json")
    assert err.value.code == "entries"
    assert needle in str(err.value) and "dt.json" in str(err.value)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("{", "not_json"),
        ('{"a": 1}', "dt_not_list"),
        (json.dumps(GOOD_GT), "dt_is_gt"),
        ("3", "dt_not_list"),
    ],
)
def test_detections_file_that_is_not_a_list_is_refused(text, code):
    with pytest.raises(S.InputError) as err:
        S.parse_detections(text, GT, "dt.json")
    assert err.value.code == code


def test_an_empty_detections_list_is_a_valid_run_that_finds_nothing():
    det = S.parse_detections("[]", GT)
    report = S.sensitivity_report(GT, [det], buckets=2)
    assert [b.recall for b in report.runs[0].buckets] == [0.0, 0.0]
    assert all(math.isnan(b.precision) for b in report.runs[0].buckets)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"feature": "colour"}, "bad_feature"),
        ({"metric": "f1"}, "bad_metric"),
        ({"iou": 1.5}, "bad_threshold"),
        ({"iou": float("nan")}, "bad_threshold"),
        ({"score": float("inf")}, "bad_threshold"),
        ({"buckets": 0}, "bad_buckets"),
        ({"buckets": 99}, "bad_buckets"),
        ({"edges": "5"}, "bad_edges"),
    ],
)
def test_bad_report_options_are_refused(kw, code):
    with pytest.raises(S.InputError) as err:
        S.sensitivity_report(GT, [S.parse_detections("[]", GT)], **kw)
    assert err.value.code == code


def test_summarising_one_evaluation_equals_a_fresh_report_for_any_metric_and_score():
    gt, before = _seed_coco(SEED_BEFORE)
    for d, s in zip(before, np.linspace(0.05, 0.95, len(before)), strict=True):
        d["score"] = float(s)
    g = S.parse_ground_truth(json.dumps(gt))
    det = S.parse_detections(json.dumps(before), g)
    evaluation = S.evaluate_runs(g, [det])
    seen = set()
    for metric in S.METRICS:
        for score in (0.0, 0.3, 0.8):
            again = S.summarise(evaluation, metric=metric, score=score)
            fresh = S.sensitivity_report(g, [det], metric=metric, score=score)
            assert S.report_json(again) == S.report_json(fresh)
            seen.add(again.runs[0].std)
    assert len(seen) > 3  # the metric and the score do change the result


def test_a_detection_reaching_past_the_image_edge_is_accepted_as_detectors_do_not_clip():
    # A fresh user's case: [635, 0, 10, 10] on a 640-wide image reaches 5 px past the edge; COCO takes it as it is.
    gt = S.parse_ground_truth(json.dumps(GOOD_GT), name="gt.json")
    w = gt.image_size[1][0]
    dets = [{**GOOD_DET, "bbox": [w - 5, 0, 10, 10]}, {**GOOD_DET, "bbox": [-3, -3, 10, 10]}]
    parsed = S.parse_detections(json.dumps(dets).encode(), gt, name="det.json")
    assert len(parsed.boxes) == 2


def test_std_of_fewer_than_two_buckets_is_undefined_not_0():
    assert math.isnan(S.population_std([0.8]))
    assert math.isnan(S.population_std([float("nan"), 0.5]))
    assert S.population_std([0.5, 1.0]) == pytest.approx(0.25)
