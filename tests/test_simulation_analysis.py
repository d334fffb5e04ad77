"""Simulation analysis and CLI: runs against the core, summaries, bad counts refused, memory refusal with the
estimate, JSON round trip and malformed files refused, the link pair, and ``python -m lossviz simulate``."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from lossviz.analysis import simulation as A
from lossviz.cli import main
from lossviz.losses import simulation as S

SMALL = A.Config(points=3, iters=12, losses=("iou", "giou", "diou", "ciou"), gradients="paper")


@pytest.fixture(scope="module")
def small_run():
    return A.run(SMALL)


def test_run_curves_and_centre_errors_come_from_the_core(small_run):
    _, anchors, targets = A.protocol(SMALL)
    res = S.simulate_boxes(anchors.float(), targets.float(), "giou", gradients="paper", iters=12)
    np.testing.assert_allclose(small_run.error["giou"], res.error.numpy())
    per_centre = res.final_error.double().reshape(3, 343).sum(-1).numpy()
    np.testing.assert_allclose(small_run.centre_error["giou"], per_centre)
    assert small_run.cases == 1029


def test_summary_gives_e_at_steps_1_160_200_within_the_run_and_the_area(small_run):
    rows = {r.loss: r for r in A.summary(small_run)}
    assert rows["diou"].steps == (1, 12)
    assert rows["diou"].errors == (small_run.error["diou"][0], small_run.error["diou"][11])
    assert rows["diou"].area == pytest.approx(float(small_run.error["diou"].sum()))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", 0, "points must be between 1"),
        ("points", 10**9, "points must be between 1"),
        ("points", 2.5, "whole number"),
        ("iters", -3, "iters must be between"),
        ("rates", (-0.1, 0.01, 0.001), "learning rate"),
        ("rates", (float("nan"), 0.01, 0.001), "learning rate"),
        ("until", (180, 160, 200), "increase"),
        ("losses", ("eiou",), "unknown loss 'eiou' for paper"),
        ("losses", (), "at least one loss"),
        ("gradients", "numeric", "gradients must be one of"),
        ("device", "tpu", "device must be cpu or cuda"),
    ],
)
def test_absurd_settings_are_refused_with_a_clear_message(field, value, message):
    from dataclasses import replace

    with pytest.raises(A.SimulationError, match=message):
        A.validate(replace(SMALL, **{field: value}))


def test_a_run_too_large_for_memory_is_refused_up_front_with_the_estimate():
    cfg = A.Config(points=5000)
    need = A.estimate_bytes(cfg)
    with pytest.raises(A.SimulationError, match=rf"needs about {need / 2**20:,.0f} MiB"):
        A.check_memory(cfg, available=need)  # only 70 % of what is available may be used
    assert A.check_memory(cfg, available=10 * need) == need


def test_memory_estimate_grows_linearly_with_the_cases_beyond_one_chunk():
    e = [A.estimate_bytes(A.Config(points=p)) for p in (1000, 3000, 5000)]
    assert e[2] - e[1] == e[1] - e[0] > 0


def test_json_round_trip_keeps_curves_maps_and_config(small_run):
    back = A.from_json(A.to_json(small_run))
    assert back.config == small_run.config
    for name in SMALL.losses:
        np.testing.assert_allclose(back.error[name], small_run.error[name])
        np.testing.assert_allclose(back.centre_error[name], small_run.centre_error[name], atol=1e-5)
    np.testing.assert_allclose(back.centres, small_run.centres, atol=1e-6)


def _doc(small_run) -> dict:
    return json.loads(A.to_json(small_run))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: "not json", "not valid JSON"),
        (lambda d: [1, 2], "top level"),
        (lambda d: {k: v for k, v in d.items() if k != "iters"}, "missing field 'iters'"),
        (lambda d: {**d, "cases": 5}, "does not match"),
        (lambda d: {**d, "points": -1}, "points must be between"),
        (lambda d: {**d, "losses": {}}, "at least one loss"),
        (lambda d: {**d, "losses": {"giou": {"error": [1.0, 2.0]}}}, "list of 12 numbers"),
        (lambda d: {**d, "losses": {"giou": {"error": ["x"] * 12}}}, "only numbers"),
        (lambda d: {**d, "losses": {"giou": {"error": [-1.0] * 12}}}, "finite numbers >= 0"),
        (lambda d: {**d, "losses": {"hack": {"error": [1.0] * 12}}}, "unknown loss"),
        (lambda d: {**d, "centres": [[1, 2]]}, "centres must be"),
        (lambda d: {**d, "seconds": "soon"}, "seconds"),
    ],
)
def test_malformed_saved_run_is_refused_with_a_message(small_run, mutate, message):
    doc = mutate(_doc(small_run))
    text = doc if isinstance(doc, str) else json.dumps(doc)
    with pytest.raises(A.SimulationError, match=message):
        A.from_json(text)


def test_parse_pair_reads_prediction_and_target_as_xyxy():
    a, b = A.parse_pair("0,0,10,20;5,5,15,15")
    assert a == (5.0, 10.0, 10.0, 20.0) and b == (10.0, 10.0, 10.0, 10.0)


@pytest.mark.parametrize(
    "text", ["", "1,2,3,4", "1,2,3;4,5,6,7", "a,b,c,d;1,2,3,4", "5,5,1,1;0,0,2,2", "nan,0,1,1;0,0,1,1"]
)
def test_parse_pair_refuses_malformed_text(text):
    with pytest.raises(A.SimulationError):
        A.parse_pair(text)


def test_normalise_pair_puts_the_target_at_10_10_with_area_1_and_keeps_iou():
    a, b = A.parse_pair("20,30,50,45;30,30,70,50")
    na, nb, _k = A.normalise_pair(a, b)
    assert nb[:2] == (10.0, 10.0) and nb[2] * nb[3] == pytest.approx(1.0)
    iou = lambda p, q: float(S.paper_iou(torch.tensor([p]), torch.tensor([q])))  # noqa: E731
    assert iou(na, nb) == pytest.approx(iou(a, b), rel=1e-6)


def test_trajectories_start_at_the_anchor_and_diou_reaches_the_target():
    paths = A.trajectories((11.0, 10.5, 0.5, 2.0), (10.0, 10.0, 1.0, 1.0), ["iou", "diou", "eiou"])
    assert set(paths) == {
        ("iou", "autograd"),
        ("diou", "autograd"),
        ("eiou", "autograd"),
        ("iou", "paper"),
        ("diou", "paper"),
    }
    for path in paths.values():
        assert path.shape == (201, 4)
        np.testing.assert_allclose(path[0], [11.0, 10.5, 0.5, 2.0])
    assert np.abs(paths[("diou", "paper")][-1] - [10, 10, 1, 1]).sum() < 0.05


# ------------------------------------------------------------------------------------------------------------ CLI


def test_cli_writes_the_json_the_issue_asks_for_and_a_summary_table(tmp_path, capsys):
    out = tmp_path / "run.json"
    rc = main(["simulate", "--points", "2", "--iters", "7", "--losses", "giou,diou", "--gradients", "autograd",
               "--seed", "0", "--device", "cpu", "--json", str(out)])  # fmt: skip
    assert rc == 0
    doc = json.loads(out.read_text())
    assert doc["cases"] == 686 and doc["gradients"] == "autograd" and doc["iters"] == 7
    assert set(doc["losses"]) == {"giou", "diou"} and len(doc["losses"]["giou"]["error"]) == 7
    assert isinstance(doc["seconds"], float)
    cfg = A.Config(points=2, iters=7, losses=("giou", "diou"), gradients="autograd")
    np.testing.assert_allclose(doc["losses"]["diou"]["error"], A.run(cfg).error["diou"])
    stdout = capsys.readouterr().out
    assert "E(1)" in stdout and "diou" in stdout
    assert A.from_json(out.read_text()).config == cfg


@pytest.mark.parametrize(
    "argv",
    [
        ["--points", "0"],
        ["--points", "1000000000"],
        ["--rates=-0.1,0.01,0.001"],
        ["--losses", "iou,bogus"],
        ["--gradients", "paper", "--losses", "siou"],
        ["--iters", "ten"],
        ["--device", "tpu"],
        ["--points", "2", "--iters", "2", "--json", "/nonexistent/dir/out.json"],
    ],
)
def test_cli_bad_input_exits_2_with_one_clear_line(argv, capsys):
    assert main(["simulate", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err


def _colours(node) -> set[str]:
    """Every colour a figure dict names (``color``, ``colorscale``, ``bgcolor`` …), recursively (not the shared
    template's: that is style's own)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "template":
                continue
            if "color" in k and isinstance(v, str):
                found.add(v)
            else:
                found |= _colours(v)
    elif isinstance(node, list | tuple):
        for v in node:
            found |= _colours(v)
    return found


def test_simulation_figures_take_every_colour_from_the_shared_palette(small_run):
    # issue 14: one palette everywhere; a loss has the same colour here as on every other page
    from lossviz.figures import simulation as F
    from lossviz.figures import style

    run = A.run(A.Config(points=1, iters=3, losses=A.AUTOGRAD_LOSSES))
    anchor, target = A.case_boxes(tuple(run.centres[0]), 0, 3, 6)
    paths = A.trajectories(anchor, target, ["giou", "siou"], gradients=["autograd"], iters=3)
    figures = [
        F.error_curves_figure({"autograd": run, "paper": small_run}, as_dict=True),
        F.final_error_map_figure(run, "giou", as_dict=True),
        F.trajectory_figure(paths, target, as_dict=True),
        F.trajectory_error_figure(paths, target, as_dict=True),
    ]
    palette = {v for v in vars(style).values() if isinstance(v, str)}
    palette |= set(style.LOSS.values()) | set(style.CATEGORICAL)
    for fig in figures:
        assert _colours(fig) <= palette, _colours(fig) - palette
    curves = figures[0]["data"]
    for name in A.AUTOGRAD_LOSSES:
        tr = next(tr for tr in curves if tr["name"].startswith(F.loss_label(name) + " ·"))
        assert tr["line"]["color"] == style.LOSS[name], name


def test_the_log_scale_labels_each_decade_only(small_run):
    """On a phone the log axis' minor labels "2" and "5" next to "10k" read as 2 and 5 (fresh-eyes check)."""
    from lossviz.figures import simulation as F

    axis = F.error_curves_figure({"paper": small_run}, True, as_dict=True)["layout"]["yaxis"]
    assert axis["type"] == "log" and axis["dtick"] == 1
    assert "dtick" not in F.error_curves_figure({"paper": small_run}, False, as_dict=True)["layout"]["yaxis"]
