"""``python -m lossviz sensitivity``: the seed's tables end to end from files, the JSON the issue specifies, and bad
input as one line on stderr with exit code 2 (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lossviz.analysis import sensitivity as S
from lossviz.cli import main
from lossviz.i18n import TABLE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sample(tmp_path):
    gt, runs = S.synthetic_sample()
    (tmp_path / "gt.json").write_bytes(gt)
    paths = []
    for i, body in enumerate(runs.values()):
        paths.append(tmp_path / f"dt{i}.json")
        paths[-1].write_bytes(body)
    return tmp_path / "gt.json", paths


def test_cli_prints_the_seed_tables_and_writes_the_json(sample, tmp_path, capsys):
    gt, (before, after) = sample
    out = tmp_path / "out.json"
    argv = ["sensitivity", str(gt), str(before), str(after), "--feature", "area_ratio", "--metric", "recall",
            "--iou", "0.5", "--score", "0.0", "--buckets", "5", "--json", str(out), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "0.5806 (18/31)" in printed and "0.7419 (23/31)" in printed
    assert "0.1546" in printed and "0.0912" in printed
    data = json.loads(out.read_text())
    assert (data["feature"], data["metric"]) == ("area_ratio", "recall")
    assert [r["detections"] for r in data["runs"]] == [str(before), str(after)]
    assert [round(r["std"], 4) for r in data["runs"]] == [0.1546, 0.0912]
    for run, found in zip(data["runs"], S.SEED_FOUND.values(), strict=True):
        assert [b["count"] for b in run["buckets"]] == [31] * 5
        assert [b["value"] for b in run["buckets"]] == pytest.approx([k / 31 for k in found])
        assert [b["lo"] for b in run["buckets"]] == sorted(b["lo"] for b in run["buckets"])
        assert all(isinstance(b["hi"], float) for b in run["buckets"])


def test_cli_category_coco_edges_and_csv(sample, tmp_path, capsys):
    gt, (before, _) = sample
    csv_path = tmp_path / "t.csv"
    argv = ["sensitivity", str(gt), str(before), "--feature", "area", "--edges", "coco", "--metric", "ap",
            "--category", "coccidia", "--csv", str(csv_path), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    assert "[0, 1024)" in capsys.readouterr().out
    assert len(csv_path.read_text().strip().split("\n")) == 1 + 3


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing.json", "no such file"),
        (lambda d: _write(d / "empty.json", ""), "is empty"),
        (lambda d: _write(d / "broken.json", "[{"), "not valid JSON"),
        (
            lambda d: _write(d / "neg.json", '[{"image_id": 1, "category_id": 1, "bbox": [1, 1, -2, 2], "score": 1}]'),
            "#0 box has no positive width and height",
        ),
        (
            lambda d: _write(
                d / "unknown.json", '[{"image_id": 999, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 1}]'
            ),
            "#0 image_id 999 is not in the ground truth",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_code_2(sample, tmp_path, capsys, make, needle):
    gt, _ = sample
    assert main(["sensitivity", str(gt), str(make(tmp_path)), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and err.startswith("error: ") and "\n" not in err and "Traceback" not in err


def test_cli_unknown_category_and_bad_threshold_exit_2(sample, capsys):
    gt, (before, _) = sample
    assert main(["sensitivity", str(gt), str(before), "--category", "dog", "--quiet"]) == 2
    assert "no category named 'dog'" in capsys.readouterr().err
    assert main(["sensitivity", str(gt), str(before), "--iou", "2", "--quiet"]) == 2
    assert "iou must be a number in [0.05, 0.95]" in capsys.readouterr().err


def test_cli_file_over_the_size_limit_exits_2(sample, capsys):
    gt, (before, _) = sample
    assert main(["sensitivity", str(gt), str(before), "--max-mb", "0.001", "--quiet"]) == 2
    assert "over the 0.001 MB limit" in capsys.readouterr().err


def test_python_dash_m_runs_the_command(sample, tmp_path):
    gt, (before, _) = sample
    out = tmp_path / "o.json"
    proc = subprocess.run(
        [sys.executable, "-m", "lossviz", "sensitivity", str(gt), str(before), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["runs"][0]["std"] == pytest.approx(0.15457, abs=1e-4)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_cli_empty_detections_say_so_instead_of_a_silent_std_of_0(sample, tmp_path, capsys):
    gt, _ = sample
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    assert main(["sensitivity", str(gt), str(empty), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "no detections" in err and str(empty) in err


def test_cli_one_bucket_has_no_std_and_says_why(sample, capsys):
    # the synthetic sample has 5 boxes on every image: "boxes per image" is one tied value, so one bucket
    gt, (before, _) = sample
    assert main(["sensitivity", str(gt), str(before), "--feature", "boxes_per_image", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "std is not defined" in captured.err and "buckets instead of the 5" in captured.err
    std_line = next(line for line in captured.out.splitlines() if line.startswith("std"))
    assert "—" in std_line and "0.0000" not in std_line


def test_cli_coco_edges_need_the_area_feature(sample, capsys):
    gt, (before, _) = sample
    assert main(["sensitivity", str(gt), str(before), "--edges", "coco", "--quiet"]) == 2
    assert "--feature area" in capsys.readouterr().err


def test_cli_buckets_with_few_boxes_get_a_note(sample, capsys):
    # 155 boxes in 20 buckets: a handful each, so every value moves by 1/n with one box (the page says so too)
    gt, (before, _) = sample
    assert main(["sensitivity", str(gt), str(before), "--buckets", "20", "--quiet"]) == 0
    assert f"fewer than {S.FEW_BOXES} ground truths" in capsys.readouterr().err


def test_cli_has_a_text_for_every_note_the_analysis_gives():
    from lossviz.cli.sensitivity import NOTES

    codes = {"merged", "empty", "few", "one_bucket", "no_detections"}
    assert codes <= set(NOTES) and all(f"sens.note.{c}" in TABLE for c in codes)
