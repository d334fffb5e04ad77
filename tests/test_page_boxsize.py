"""The Box-size page in AppTest: default render, every control, URL parameters in, hostile parameters, Chinese.

Plotted and printed numbers are checked against the torch core (``lossviz.losses``) with autograd here, not against
the page's own analysis module.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest
import torch

from lossviz import losses
from lossviz.analysis import boxsize as A
from lossviz.analysis import regression as AR
from lossviz.i18n import t

PAGE = "boxsize"
SECTION_CHARTS = {  # what each section draws; only the selected section runs
    "size": {"bs_size_chart"},
    "nwd": {"bs_nwd_chart"},
    "dist": {"bs_cbbl_chart", "bs_cbbl_sweep_chart", "bs_dfl_chart", "bs_dfl_sweep_chart"},
}


def _charts(at) -> list:
    """The page's charts (our Plotly component), not the shell's other components (copy link)."""
    return [el for el in at.get("bidi_component") if '"figure"' in (el.proto.json or "")]


F64 = torch.float64


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


def _trace(fig: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    for tr in fig["data"]:
        if tr.get("name") == name:
            return _decode(tr["x"]), _decode(tr["y"])
    raise AssertionError(f"no trace {name!r} in {[tr.get('name') for tr in fig['data']]}")


def _chart_keys(at) -> set[str]:
    return {el.proto.id.split("-")[-1] for el in _charts(at)}


def _metric(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def _group(at, key: str):
    [g] = [b for b in at.get("button_group") if b.key == key]
    return g


def _iou_grad_per_pixel(w: np.ndarray, shift: float, fn=losses.iou_loss) -> np.ndarray:
    """|∂L/∂Δx| for a w × w square and its copy shifted by Δx, straight from the core."""
    d = torch.full((len(w),), shift, dtype=F64, requires_grad=True)
    wt = torch.as_tensor(w, dtype=F64)
    target = torch.stack([-wt / 2, -wt / 2, wt / 2, wt / 2], -1)
    pred = target + torch.stack([d, torch.zeros_like(d), d, torch.zeros_like(d)], -1)
    fn(pred, target).sum().backward()
    return d.grad.abs().numpy()


def test_default_render_plots_the_core_gradients_against_size(app):
    at = app(PAGE)
    _ok(at)
    assert at.title[0].value == t("bs.title", lang="en")
    assert _chart_keys(at) == SECTION_CHARTS["size"]
    assert len(at.get("download_button")) == 1
    fig = _figure(at, "bs_size_chart")
    w, g = _trace(fig, "IoU")
    assert w[0] == pytest.approx(2) and w[-1] == pytest.approx(1024)
    core = _iou_grad_per_pixel(w, 2.0)
    assert core[0] == 0  # w = 2 px shifted by 2 px: the boxes only touch, IoU has no gradient ...
    np.testing.assert_allclose(g, np.where(core > 0, core, np.nan), rtol=1e-9)  # ... drawn as a gap on the log axis
    w, g = _trace(fig, "L2 (T)")
    np.testing.assert_allclose(g, 2 * 2.0 / w, rtol=1e-12)  # ∂(T²)/∂T with T = Δx/w
    _, g = _trace(fig, "C-BBL")
    assert g.max() <= 1
    # the ratio table: L2's per-pixel gradient is (512/8)² = 4096 times larger at 8 px than at 512 px
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == "L2"].iloc[0]
    assert float(row[t("bs.size.col.px_ratio")]) == pytest.approx(4096)
    assert float(table[table.iloc[:, 0] == "NWD"].iloc[0][t("bs.size.col.px_ratio")]) == pytest.approx(1.0)


def test_the_ratio_table_shows_a_dash_not_none_where_a_loss_has_no_per_pixel_gradient(app):
    table = app(PAGE).dataframe[0].value
    for name in ("C-BBL", "DFL"):
        row = table[table.iloc[:, 0] == name].iloc[0]
        assert row[t("bs.size.col.px_ratio")] == "—", row.to_dict()
        assert float(row[t("bs.size.col.enc_ratio")]) > 0  # the logit gradient ratio is a number
    assert not table.isin(["None", "nan", "NaN"]).any().any()


def test_error_component_mode_beta_stds_and_loss_choice(app):
    at = app(PAGE)
    _group(at, "bs_comp").set_value("w").run()
    _ok(at)
    at.slider(key="bs_px").set_value(4.0).run()
    _ok(at)
    at.toggle(key="bs_stds").set_value(True).run()
    _ok(at)
    w, g = _trace(_figure(at, "bs_size_chart"), "L2 (T)")
    T = np.log((w + 4.0) / w) / 0.2  # T_w = ln(w/w_a)/0.2
    np.testing.assert_allclose(g, 2 * T, rtol=1e-10)
    _group(at, "bs_mode").set_value("relative").run()
    _ok(at)
    at.slider(key="bs_rel").set_value(0.3).run()
    _ok(at)
    _group(at, "bs_comp").set_value("x").run()
    at.toggle(key="bs_stds").set_value(False).run()
    _ok(at)
    _, g = _trace(_figure(at, "bs_size_chart"), "L2 (T)")
    np.testing.assert_allclose(g, 0.6)  # relative error 0.3: T = 0.3 at every size
    _group(at, "bs_mode").set_value("iou").run()
    at.slider(key="bs_iou").set_value(0.5).run()
    _ok(at)
    w, g = _trace(_figure(at, "bs_size_chart"), "IoU (T)")
    np.testing.assert_allclose(g, g[0], rtol=1e-6)  # fixed IoU: scale-free in encoded units
    _group(at, "bs_mode").set_value("pixels").run()
    at.slider(key="bs_sl1_beta").set_value(0.5).run()
    _ok(at)
    w, g = _trace(_figure(at, "bs_size_chart"), "Smooth L1 (T)")
    np.testing.assert_allclose(g, np.minimum(4.0 / w / 0.5, 1.0), rtol=1e-12)  # Δx = 4 px kept from above
    at.multiselect(key="bs_show").set_value(["nwd"]).run()
    _ok(at)
    names = {tr["name"] for tr in _figure(at, "bs_size_chart")["data"]}
    assert names == {"NWD", "NWD (T)"}
    at.multiselect(key="bs_show").set_value([]).run()
    _ok(at)
    assert t("bs.size.pick") in [i.value for i in at.info]


def test_nwd_section_compares_iou_and_nwd_from_the_core(app):
    at = app(PAGE, query={"bs_section": "nwd"})
    for key, value in [("bs_nwd_small", 6.0), ("bs_nwd_large", 100.0), ("bs_nwd_c", 20.0), ("bs_nwd_max", 12.0)]:
        at.slider(key=key).set_value(value).run()
        _ok(at)
    fig = _figure(at, "bs_nwd_chart")
    d, sim = _trace(fig, "NWD, w = 6 px")
    assert d.max() == pytest.approx(12.0)
    target = torch.tensor([[-3.0, -3.0, 3.0, 3.0]], dtype=F64).expand(len(d), 4)
    shift = torch.stack([torch.as_tensor(d), torch.zeros(len(d), dtype=F64)] * 2, -1)[:, [0, 1, 2, 3]]
    np.testing.assert_allclose(sim, losses.nwd(target + shift, target, constant=20.0).numpy(), rtol=1e-12)
    _, iou = _trace(fig, "IoU, w = 6 px")
    np.testing.assert_allclose(iou, losses.box_geometry(target + shift, target).iou.numpy(), rtol=1e-12)
    # the metrics probe half the tiny box: IoU 1/3 for the tiny box, and NWD the same for both sizes
    [tiny] = _metric(at, t("bs.nwd.metric", w="6", d="3"))
    nwd3 = math.exp(-math.sqrt(9 + 1e-6) / 20.0)
    assert tiny == t("bs.nwd.metric_value", iou="0.333", nwd=f"{nwd3:.3f}")
    [large] = _metric(at, t("bs.nwd.metric", w="100", d="3"))
    assert large == t("bs.nwd.metric_value", iou=f"{97 / 103:.3f}", nwd=f"{nwd3:.3f}")


def _cbbl_core(n, a, kind, beta, target, mu, sigma):
    grid = losses.cbbl_grid(n, a, kind=kind, beta=beta)
    p_star = losses.two_hot(torch.tensor([target], dtype=F64), grid)
    logits = AR.cbbl_logits(grid, torch.tensor([mu], dtype=F64), sigma)
    return (
        losses.cbbl_ce_loss(logits, p_star).item(),
        losses.cbbl_uncertainty_loss(logits, p_star).item(),
        losses.decode_expectation(logits, grid).item(),
    )


def test_cbbl_side_default_and_every_control(app):
    at = app(PAGE, query={"bs_section": "dist"})
    ce, unc, decoded = _cbbl_core(10, 2.0, "exponential", 1.0, 0.3, -0.5, 0.5)
    assert _metric(at, t("bs.dist.loss")) == [f"{ce:.4f}"]
    assert _metric(at, t("bs.dist.unc"))[0] == f"{unc:.4f}"
    assert _metric(at, t("bs.dist.decoded"))[0] == f"{decoded:.4f}"
    for key, value in [("bs_cb_n", 8), ("bs_cb_a", 3.0), ("bs_cb_beta", 2.0), ("bs_cb_t", -1.25),
                       ("bs_cb_mu", 1.0), ("bs_cb_sigma", 0.25)]:  # fmt: skip
        at.slider(key=key).set_value(value).run()
        _ok(at)
    _group(at, "bs_cb_kind").set_value("uniform").run()
    _ok(at)
    ce, unc, decoded = _cbbl_core(8, 3.0, "uniform", 2.0, -1.25, 1.0, 0.25)
    assert _metric(at, t("bs.dist.loss")) == [f"{ce:.4f}"]
    assert _metric(at, t("bs.dist.decoded"))[0] == f"{decoded:.4f}"
    fig = _figure(at, "bs_cbbl_chart")
    _, p_star = _trace(fig, "p* (two-hot)")
    _, p = _trace(fig, "p = softmax(l)")
    _, grad = _trace(fig, "p − p*")
    assert len(p_star) == 9 and p_star.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(grad, p - p_star, atol=1e-12)


@pytest.mark.parametrize(("button", "a", "n"), [("bs_cb_rpn", 2.0, 10), ("bs_cb_rcnn", 5.0, 5)])
def test_paper_presets_set_the_reported_grids(app, button, a, n):
    at = app(PAGE, query={"bs_cb_kind": "uniform", "bs_cb_a": "1.0", "bs_cb_n": "20"})
    at.button(key=button).click().run()
    _ok(at)
    assert at.slider(key="bs_cb_a").value == a and at.slider(key="bs_cb_n").value == n
    assert _group(at, "bs_cb_kind").value == "exponential"
    x, _ = _trace(_figure(at, "bs_cbbl_chart"), "p* (two-hot)")
    assert len(x) == n + 1
    end = -a + n * 2 * a / (n + 1)
    assert t("bs.dist.seed_step", end=f"{end:.4g}", a=f"{a:g}") in [c.value for c in at.caption]


def test_dfl_side_is_the_core_dfl(app):
    at = app(PAGE, query={"bs_section": "dist"})
    for key, value in [("bs_dfl_y", 3.4), ("bs_dfl_mu", 9.0), ("bs_dfl_sigma", 2.0)]:
        at.slider(key=key).set_value(value).run()
        _ok(at)
    grid = torch.arange(17, dtype=F64)
    logits = AR.cbbl_logits(grid, torch.tensor([9.0], dtype=F64), 2.0)
    dfl = losses.distribution_focal_loss(logits, torch.tensor([3.4], dtype=F64)).item()
    assert _metric(at, t("bs.dist.dfl_loss")) == [f"{dfl:.4f}"]
    _, p_star = _trace(_figure(at, "bs_dfl_chart"), "p* (two-hot)")
    np.testing.assert_allclose(p_star[3:5], [0.6, 0.4], atol=1e-12)


def test_cbbl_target_outside_the_grid_is_clamped_with_a_notice(app):
    at = app(PAGE, query={"bs_cb_t": "3.5"})
    _ok(at)
    assert t("reg.cbbl.clamped", t="3.5", a="2", used="2") in [i.value for i in at.info]


def test_url_parameters_restore_the_view_including_links_moved_from_regression(app):
    at = app(PAGE, query={"bs_comp": "Δw", "bs_mode": "IoU", "bs_iou": "0.4", "bs_stds": "true",
                          "bs_show": ["IoU", "NWD"], "bs_nwd_c": "20.0", "bs_cb_n": "8", "bs_cb_kind": "uniform",
                          "bs_dfl_y": "2.5"})  # fmt: skip
    _ok(at)
    assert not at.warning
    assert _group(at, "bs_comp").value == "w" and _group(at, "bs_mode").value == "iou"
    assert at.slider(key="bs_iou").value == pytest.approx(0.4)
    assert at.toggle(key="bs_stds").value is True
    assert {tr["name"] for tr in _figure(at, "bs_size_chart")["data"]} == {"IoU", "IoU (T)", "NWD", "NWD (T)"}
    _group(at, "bs_section").set_value("nwd").run()  # the other sections' settings wait in the URL
    _ok(at)
    assert at.slider(key="bs_nwd_c").value == pytest.approx(20.0)
    _group(at, "bs_section").set_value("dist").run()
    _ok(at)
    assert at.slider(key="bs_cb_n").value == 8 and _group(at, "bs_cb_kind").value == "uniform"
    assert at.slider(key="bs_dfl_y").value == pytest.approx(2.5)


def _qp(at, key: str) -> list:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def test_url_values_are_codes_and_old_links_with_labels_still_work(app):
    at = app(PAGE, query={"bs_comp": "Δw", "bs_mode": "× w", "bs_show": ["Smooth L1", "C-BBL"], "lang": "zh"})
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    assert _group(at, "bs_comp").value == "w" and _group(at, "bs_mode").value == "relative"
    assert at.multiselect(key="bs_show").value == ["smooth_l1", "cbbl"]
    assert (_qp(at, "bs_comp"), _qp(at, "bs_mode"), _qp(at, "bs_show")) == (["w"], ["relative"], ["smooth_l1", "cbbl"])
    _group(at, "bs_section").set_value("dist").run()
    assert _qp(at, "bs_section") == ["dist"]
    _group(at, "bs_cb_kind").set_value("uniform").run()
    assert _qp(at, "bs_cb_kind") == ["uniform"]
    assert t("bs.kind.uniform", lang="zh") in str(_group(at, "bs_cb_kind").proto)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("bs_comp", "y"),
        ("bs_mode", "<script>alert(1)</script>"),
        ("bs_px", "abc"),
        ("bs_px", "-3"),
        ("bs_px", "1e308"),
        ("bs_rel", "nan"),
        ("bs_sl1_beta", "inf"),
        ("bs_stds", "maybe"),
        ("bs_show", "Huber"),
        ("bs_nwd_c", "0"),
        ("bs_nwd_small", "-inf"),
        ("bs_cb_kind", "log"),
        ("bs_cb_n", "1.5e3"),
        ("bs_cb_a", "' OR 1=1 --"),
        ("bs_dfl_y", "17"),
        ("bs_dfl_sigma", "0"),
    ],
)
def test_hostile_url_parameter_falls_back_with_a_notice(app, key, value):
    shown_in = {"bs_rel": {"bs_mode": "× w"}}.get(key, {})  # the relative-error slider exists in that mode only
    at = app(PAGE, query={**shown_in, key: value})
    assert not at.exception
    assert not at.error
    assert any(f"{key}={value}" in w.value for w in at.warning), [w.value for w in at.warning]
    assert _chart_keys(at) == SECTION_CHARTS[A.section_for([key])]  # the link's section, drawn with the defaults


def test_page_in_chinese(app):
    at = app(PAGE, query={"lang": "zh"})
    _ok(at)
    assert at.title[0].value == t("bs.title", lang="zh")
    assert t("bs.section.nwd", lang="zh") in str(_group(at, "bs_section").proto)
    at = app(PAGE, query={"lang": "zh", "bs_section": "nwd"})
    assert t("bs.nwd.header", lang="zh") in [s.value for s in at.subheader]
    at = app(PAGE, query={"lang": "zh", "bs_section": "dist"})
    assert t("bs.dist.dfl_loss", lang="zh") in [m.label for m in at.metric]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"bs_comp": "Δw", "bs_mode": "IoU", "bs_show": ["DFL", "CIoU"]},
        {"bs_section": "nwd"},
        {"bs_section": "dist"},
    ],
)
def test_every_chart_the_page_sends_passes_plotly_validation(app, query):
    import plotly.graph_objects as go

    at = app(PAGE, query)
    _ok(at)
    for el in _charts(at):
        fig = json.loads(json.loads(el.proto.json)["figure"])
        go.Figure(fig)  # raises ValueError naming any invalid property
        assert fig["data"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_method_links_its_arxiv_paper(app, lang):
    at = app(PAGE, query={"lang": lang})
    _ok(at)
    text = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    for arxiv in ("2110.13389", "2006.04388", "2303.01803", "1904.02701", "1911.08287", "1504.08083"):
        assert f"](https://arxiv.org/abs/{arxiv})" in text, arxiv


def test_only_the_selected_section_is_computed_and_drawn(app):
    # a rerun computes and sends one section (issue 15: the bare page's cost per rerun), chosen in the URL
    for section, charts in SECTION_CHARTS.items():
        at = app(PAGE, query={"bs_section": section})
        _ok(at)
        assert _chart_keys(at) == charts, section
    at = app(PAGE)
    _group(at, "bs_section").set_value("nwd").run()
    _ok(at)
    assert _chart_keys(at) == SECTION_CHARTS["nwd"] and _qp(at, "bs_section") == ["nwd"]


@pytest.mark.parametrize(
    ("query", "section"),
    [({"bs_nwd_max": "20"}, "nwd"), ({"bs_dfl_y": "2.5"}, "dist"), ({"bs_px": "4", "bs_cb_n": "8"}, "size")],
)
def test_a_link_that_sets_a_sections_controls_opens_that_section(app, query, section):
    at = app(PAGE, query=query)
    _ok(at)
    assert _chart_keys(at) == SECTION_CHARTS[section]
    assert _group(at, "bs_section").value == section
