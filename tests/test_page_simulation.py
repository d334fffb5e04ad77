"""The Simulation page in AppTest: default render, numbers against the analysis, URL parameters in, hostile URL
values, the IoU page's pair link, Chinese. Small runs (a few centres, few steps) keep it quick."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from lossviz.analysis import simulation as A
from lossviz.i18n import t

PAGE = "simulation"


def _charts(at) -> list:
    """The page's charts (our Plotly component), not the shell's other components (copy link)."""
    return [el for el in at.get("bidi_component") if '"figure"' in (el.proto.json or "")]


SMALL = {"sim_points": "2", "sim_iters": "20"}


def _ok(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _decode(value):
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).copy()
    return np.asarray(value, dtype=float)


def _figure(at, key: str) -> dict:
    for el in _charts(at):
        if el.proto.id.endswith(key):
            return json.loads(json.loads(el.proto.json)["figure"])
    raise AssertionError(f"no chart {key}")


def _qp(at, key: str) -> list:
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def _summary(at):
    return at.dataframe[0].value


def test_default_page_runs_the_reduced_protocol_in_both_gradient_modes(app):
    at = app(page=PAGE, timeout=600)
    _ok(at)
    df = _summary(at)
    assert len(df) == 8  # 4 losses × 2 modes
    paper = A.run(A.Config(points=A.DEFAULT_POINTS, gradients="paper"))
    row = df[(df[t("sim.col.loss")] == "GIoU") & (df[t("sim.col.mode")] == "paper")]
    assert float(row["E(200)"].iloc[0]) == pytest.approx(paper.error["giou"][199])
    fig = _figure(at, "sim_curves")
    assert len(fig["data"]) == 8


def test_summary_and_curves_match_the_analysis_run(app):
    at = app(page=PAGE, query=SMALL, timeout=300)
    _ok(at)
    df = _summary(at)
    for mode in A.GRADIENTS:
        run = A.run(A.Config(points=2, iters=20, gradients=mode))
        for name in A.PAPER_LOSSES:
            label = {"iou": "IoU", "giou": "GIoU", "diou": "DIoU", "ciou": "CIoU"}[name]
            row = df[(df[t("sim.col.loss")] == label) & (df[t("sim.col.mode")] == mode)].iloc[0]
            assert row["E(1)"] == pytest.approx(run.error[name][0])
            assert row["E(20)"] == pytest.approx(run.error[name][19])
            assert row[t("sim.col.area")] == pytest.approx(run.error[name].sum())
    curves = _figure(at, "sim_curves")
    trace = next(tr for tr in curves["data"] if tr["name"] == "DIoU · paper")
    np.testing.assert_allclose(
        _decode(trace["y"]), A.run(A.Config(points=2, iters=20, gradients="paper")).error["diou"]
    )


def test_url_restores_losses_modes_and_factor(app):
    at = app(
        page=PAGE,
        query={**SMALL, "sim_losses": ["DIoU", "EIoU"], "sim_modes": "autograd", "sim_factor": "false"},
        timeout=300,
    )
    _ok(at)
    df = _summary(at)
    assert list(df[t("sim.col.loss")]) == ["DIoU", "EIoU"]
    run = A.run(A.Config(points=2, iters=20, losses=("diou", "eiou"), iou_factor=False))
    assert df["E(20)"].to_numpy() == pytest.approx([run.error["diou"][19], run.error["eiou"][19]])


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"sim_points": "0"}, "sim_points"),
        ({"sim_points": "1000000000"}, "sim_points"),
        ({"sim_points": "abc"}, "sim_points"),
        ({"sim_iters": "-3"}, "sim_iters"),
        ({"sim_eta1": "-0.1"}, "sim_eta1"),
        ({"sim_eta2": "inf"}, "sim_eta2"),
        ({"sim_losses": "<script>alert(1)</script>"}, "sim_losses"),
        ({"sim_modes": "numeric"}, "sim_modes"),
        ({"sim_factor": "maybe"}, "sim_factor"),
        ({"sim_centre": "99999", "sim_view": "traj"}, "sim_centre"),
        ({"sim_ta": "9:1", "sim_view": "traj"}, "sim_ta"),
        ({"sim_map_loss": "'; DROP TABLE", "sim_view": "map"}, "sim_map_loss"),
        ({"sim_view": "<b>everything</b>"}, "sim_view"),
    ],
)
def test_hostile_url_values_get_a_notice_and_the_page_keeps_working(app, query, key):
    at = app(page=PAGE, query={**SMALL, **query}, timeout=300)
    assert not at.exception
    assert any(f"{key}=" in w.value for w in at.warning), [w.value for w in at.warning]
    view = query.get("sim_view", "curves")
    if view in ("curves", "<b>everything</b>"):
        assert np.isfinite(_summary(at)["E(1)"].to_numpy(dtype=float)).all()
    else:
        assert _figure(at, {"traj": "sim_traj", "map": "sim_map"}[view])["data"]


def test_a_pair_from_the_iou_page_is_rescaled_and_its_trajectory_shown(app):
    at = app(page=PAGE, query={**SMALL, "sim_view": "traj", "sim_pair": "20,30,50,45;30,30,70,50"}, timeout=300)
    _ok(at)
    anchor, target, factor = A.normalise_pair(*A.parse_pair("20,30,50,45;30,30,70,50"))
    assert any(t("sim.pair_scaled", k=factor) in c.value for c in at.caption)
    fig = _figure(at, "sim_traj")
    start = next(tr for tr in fig["data"] if tr["name"] == t("sim.fig.start"))
    x, _y, w, _h = anchor
    np.testing.assert_allclose(_decode(start["x"])[:2], [x - w / 2, x + w / 2])
    path = next(tr for tr in fig["data"] if tr["name"] == "DIoU · paper")
    expected = A.trajectories(anchor, target, ["diou"], gradients=["paper"], iters=20)[("diou", "paper")]
    np.testing.assert_allclose(_decode(path["x"]), expected[:, 0])


def test_a_malformed_pair_gets_a_warning_and_the_protocol_case(app):
    at = app(page=PAGE, query={**SMALL, "sim_view": "traj", "sim_pair": "1,2,3;x"}, timeout=300)
    assert not at.exception
    assert any(t("sim.bad_pair", msg="").split(":")[0] in w.value for w in at.warning)
    assert _figure(at, "sim_traj")["data"]


def test_iou_page_links_its_pair_to_the_simulation(app):
    at = app(page="iou", timeout=300)
    assert not at.exception
    links = [el for el in at.get("page_link") if el.proto.label == t("sim.link_from_iou")]
    assert len(links) == 1
    assert "sim_pair=" in links[0].proto.page or "sim_pair" in str(links[0].proto)


def test_page_in_chinese(app):
    at = app(page=PAGE, query={**SMALL, "lang": "zh"}, timeout=300)
    _ok(at)
    assert at.title[0].value == t("sim.title", lang="zh")
    assert t("sim.col.loss", lang="zh") in _summary(at).columns


def test_a_link_to_a_large_run_waits_for_the_start_button_and_runs_once_pressed(app):
    # 600 centres = 205,800 cases: over the page's limit, so a link alone must not start it (a full-scale link
    # would otherwise occupy the server for many minutes); one step of IoU in paper mode keeps the test quick.
    query = {"sim_points": "600", "sim_iters": "1", "sim_losses": "IoU", "sim_modes": "paper"}
    at = app(page=PAGE, query=query, timeout=600)
    _ok(at)
    assert not at.dataframe, "a large run started without the user asking"
    at.button(key="sim_start").click().run()
    _ok(at)
    assert len(_summary(at)) == 1
    at.toggle(key="sim_log").set_value(True).run()  # a later rerun keeps the result without asking again
    _ok(at)
    assert len(_summary(at)) == 1


def test_schedule_bounds_out_of_order_in_the_url_fall_back_to_the_papers_with_a_notice(app):
    at = app(page=PAGE, query={**SMALL, "sim_until1": "190", "sim_until2": "150"}, timeout=600)
    _ok(at)
    assert any("190" in w.value and "150" in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(_summary(at)) > 0


def test_the_default_view_is_a_reduced_run_that_says_so_and_the_papers_scale_is_one_click_away(app):
    at = app(page=PAGE, query={"sim_iters": "1", "sim_losses": "iou", "sim_modes": "paper"}, timeout=600)
    _ok(at)
    assert A.DEFAULT_POINTS * A.CASES_PER_CENTRE <= 10_000  # the default view is cheap
    cases = A.DEFAULT_POINTS * A.CASES_PER_CENTRE
    assert any(f"{cases:,}" in i.value and "1,715,000" in i.value for i in at.info), [i.value for i in at.info]
    at.button(key="sim_full").click().run()  # the click is the user's own start: no second confirmation
    _ok(at)
    assert at.number_input(key="sim_points").value == A.PAPER_POINTS
    assert _qp(at, "sim_points") == [str(A.PAPER_POINTS)]
    assert not any("1,715,000" in i.value for i in at.info)  # the full scale is shown: no "reduced" notice
    full = A.run(A.Config(points=A.PAPER_POINTS, iters=1, losses=("iou",), gradients="paper"))
    assert float(_summary(at)["E(1)"].iloc[0]) == pytest.approx(full.error["iou"][0])


def test_loss_choices_are_codes_in_the_url_and_old_links_with_display_names_still_work(app):
    at = app(page=PAGE, query={**SMALL, "sim_losses": ["DIoU", "alpha_iou"], "sim_modes": "autograd"}, timeout=300)
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    assert list(_summary(at)[t("sim.col.loss")]) == ["DIoU", "α-IoU"]
    assert _qp(at, "sim_losses") == ["diou", "alpha_iou"]  # the old label became its code
    at.multiselect(key="sim_losses").select("ciou").run()
    assert _qp(at, "sim_losses") == ["diou", "alpha_iou", "ciou"]
    at = app(page=PAGE, query={**SMALL, "sim_view": "map", "sim_map_loss": "GIoU"}, timeout=300)
    _ok(at)
    assert at.selectbox(key="sim_map_loss").value == "giou" and _qp(at, "sim_map_loss") == ["giou"]


def test_only_the_selected_view_is_rendered(app):
    at = app(page=PAGE, query=SMALL, timeout=300)
    keys = {el.proto.id.rsplit("-", 1)[-1] for el in _charts(at)}
    assert any(k.endswith("sim_curves") for k in keys) and not any(k.endswith(("sim_map", "sim_traj")) for k in keys)
    at = app(page=PAGE, query={**SMALL, "sim_view": "map"}, timeout=300)
    _ok(at)
    assert _figure(at, "sim_map")["data"] and not at.dataframe


@pytest.mark.parametrize(
    ("query", "english"),
    [
        ({"sim_view": "traj", "sim_pair": "1,2,3;x"}, "must be four"),
        ({"sim_view": "traj", "sim_pair": "5,5,1,1;0,0,2,2"}, "needs x2 > x1"),
    ],
)
def test_analysis_refusals_are_shown_in_chinese(app, query, english):
    at = app(page=PAGE, query={**SMALL, **query, "lang": "zh"}, timeout=300)
    assert not at.exception
    texts = [w.value for w in at.warning]
    assert any("预测框" in w for w in texts), texts
    assert not any(english in w or "prediction" in w for w in texts), texts


def test_a_bad_saved_run_is_refused_in_chinese(app):
    at = app(page=PAGE, query={**SMALL, "sim_view": "load", "lang": "zh"}, timeout=300)
    at.get("file_uploader")[0].set_value(("run.json", b'{"cases": 1}', "application/json"))
    at.run()
    assert not at.exception
    texts = [e.value for e in at.error]
    assert any("保存的运行" in e and "'gradients'" in e for e in texts), texts
    assert not any("saved run" in e or "missing field" in e for e in texts), texts


def test_every_refusal_of_the_analysis_has_both_languages():
    from lossviz.i18n import TABLE

    for code in A.MESSAGES:
        entry = TABLE[f"sim.err.{code}"]
        assert entry["en"] and entry["zh"] and entry["zh"] != entry["en"], code


def test_every_loss_links_its_arxiv_paper(app):
    at = app(page=PAGE, query={**SMALL, "lang": "zh"}, timeout=300)
    _ok(at)
    text = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "](https://arxiv.org/abs/1911.08287)" in text
    for url in A.PAPERS.values():
        assert f"]({url})" in text, url


def test_a_typo_in_the_url_is_reported_before_the_run_starts(app, monkeypatch):
    # A run can take minutes: the notice about an unknown parameter (a typo of sim_modes) must not wait for it.
    # When the run starts, the typo has already been reported and dropped from the URL; it is reported once.
    at_start = []
    run = A.run

    def spy(cfg, progress=None):
        import streamlit as st

        at_start.append(list(st.query_params))
        return run(cfg, progress)

    monkeypatch.setattr(A, "run", spy)
    query = {**SMALL, "sim_seed": "918273", "sim_modes": "paper", "sim_mdoes": "autograd"}  # a seed no test runs
    at = app(page=PAGE, query=query, timeout=300)
    _ok(at)
    assert at_start, "no run started"
    assert all("sim_mdoes" not in keys for keys in at_start), at_start
    notices = [w.value for w in at.warning if "sim_mdoes" in w.value]
    assert len(notices) == 1 and "sim_modes" in notices[0], [w.value for w in at.warning]
    assert "sim_mdoes" not in at.query_params


def test_controls_of_views_not_shown_yet_are_not_taken_for_typos(app):
    # the check runs before the view's controls exist: keys built at run time must be known all the same
    query = {**SMALL, "sim_view": "traj", "sim_ta": "1:4", "sim_sc": "0.5", "sim_aa": "2:1", "sim_map_loss": "giou"}
    at = app(page=PAGE, query=query, timeout=300)
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.selectbox(key="sim_ta").value == 0 and _qp(at, "sim_ta") == ["1:4"]


def test_summary_columns_show_one_fixed_number_of_decimals_each(app):
    # A fresh user read "27,435.832" above "26,329.98" in one column: the localized format drops trailing zeros.
    at = app(page=PAGE, timeout=600)
    _ok(at)
    config = json.loads(at.dataframe[0].proto.columns)
    formats = {name: col.get("type_config", {}).get("format") for name, col in config.items()}
    numeric = [c for c in _summary(at).columns[2:]]
    assert numeric and all(formats[c] in ("%.3f", "%.4f") for c in numeric), formats
