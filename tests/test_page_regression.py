"""The regression page in AppTest: default render, every control, URL parameters in, bad parameters, both languages.

Numbers shown are checked against the torch core (``lossviz.losses``), never re-derived here.
"""

from __future__ import annotations

import base64
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import lossviz.cached
from lossviz import losses
from lossviz.analysis import regression as A
from lossviz.i18n import t

PAGE = "regression"


def _metric(at, label_key: str, **fmt) -> str:
    label = t(label_key, **fmt)
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r} in {[m.label for m in at.metric]}")


def _decode(value):
    """A Plotly JSON array: a list, or numpy's base64 typed array ``{"dtype": "f8", "bdata": "..."}``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).copy()
    return np.asarray(value, dtype=float)


def _figure(at, key: str) -> dict:
    for el in at.main.get("bidi_component"):
        if el.proto.id.endswith(key):
            return json.loads(json.loads(el.proto.json)["figure"])
    raise AssertionError(f"no chart {key}")


def _charts(at) -> set[str]:
    """The keys of the page's Plotly charts on screen."""
    return {key for el in at.get("bidi_component") if (key := el.proto.id.split("-")[-1]).endswith("_chart")}


def _trace(fig: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """x and y of trace ``name``; x as its hover label reads it (``d = %{x:.6g}``): the residual grid is sent as
    float32 where every label reads the same, and the numbers a reader sees are the grid's."""
    for tr in fig["data"]:
        if tr.get("name") == name:
            x = _decode(tr["x"])
            if x.dtype == np.float32:
                x = np.array([float(f"{v:.6g}") for v in x.tolist()])
            return x, _decode(tr["y"])
    raise AssertionError(f"no trace {name!r} in {[tr.get('name') for tr in fig['data']]}")


def _core_probe(name: str, d: float, **kwargs) -> tuple[float, float]:
    fn = {"Smooth L1": losses.smooth_l1_loss, "Balanced L1": losses.balanced_l1_loss}[name]
    loss, grad = losses.value_and_grad(fn, np.array([d]), np.zeros(1), **kwargs)
    return float(loss[0]), float(grad[0])


def _ok(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_default_render_shows_core_numbers(app):
    at = app(PAGE, query={"reg_sec_formulas": "true"})
    _ok(at)
    assert at.title[0].value == t("reg.title", lang="en")
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.5, gamma=1.5):.6g}"
    assert float(_metric(at, "reg.metric.jump")) == 0.0
    assert float(_metric(at, "reg.metric.maxdiff")) < 1e-12
    bl_loss, bl_grad = _core_probe("Balanced L1", 0.5)
    sl_loss, sl_grad = _core_probe("Smooth L1", 0.5, beta=1.0)
    probe = t("reg.probe", d=0.5, bl_loss=f"{bl_loss:.6f}", bl_grad=f"{bl_grad:.6f}", sl_loss=f"{sl_loss:.6f}",
              sl_grad=f"{sl_grad:.6f}")  # fmt: skip
    assert probe in [c.value for c in at.caption]
    assert len(at.latex) >= 4
    latex = " ".join(x.value for x in at.latex)
    assert "e^{1.5/0.5} - 1 = 19.09" in latex  # the current values are substituted
    assert "1.5|d| - 0.4214" in latex  # γ|d| + γ/b − αβ with γ/b − αβ = 1.5/19.09 − 0.5
    assert not at.warning  # β = 1: no quirk notice
    # the open sections only: the curves chart and its download (family and balance are closed by default)
    assert _charts(at) == {"reg_curves_chart"}
    assert len(at.get("download_button")) == 1


def test_plotted_curves_are_the_core_losses(app):
    at = app(PAGE, query={"reg_show": list(A.LOSS_NAMES)})
    fig = _figure(at, "reg_curves_chart")
    for name, fn, kwargs in [
        ("Smooth L1", losses.smooth_l1_loss, {"beta": 1.0}),
        ("Balanced L1", losses.balanced_l1_loss, {}),
        ("L2", losses.l2_loss, {}),
    ]:
        x, y = _trace(fig, name)
        assert x.min() == pytest.approx(-3.0) and x.max() == pytest.approx(3.0)
        expected = fn(torch.as_tensor(x), torch.zeros(len(x), dtype=torch.float64), **kwargs).numpy()
        np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_alpha_and_gamma_sliders_update_b(app):
    at = app(PAGE)
    at.slider(key="reg_alpha").set_value(0.8).run()
    _ok(at)
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.8, gamma=1.5):.6g}"
    assert not at.latex  # the formulas section is closed: nothing rendered for it
    at.run()  # AppTest shows only what a step reran (the sections): a full run draws the page's controls again
    at.slider(key="reg_gamma").set_value(2.0).run()
    _ok(at)
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.8, gamma=2.0):.6g}"


def test_beta_not_one_calls_out_the_gradient_jump(app):
    at = app(PAGE)
    at.slider(key="reg_beta").set_value(2.0).run()
    _ok(at)
    assert [n.code for n in A.notices(A.Params(beta=2.0))] == ["jump", "near0", "dip"]
    assert len(at.warning) == 3
    params = A.Params(beta=2.0)
    jump = A.balanced_gradient_jump(params)
    assert jump != 0
    assert float(_metric(at, "reg.metric.jump")) == pytest.approx(jump, rel=1e-3)
    assert f"{-jump:.4g}" in at.warning[0].value  # the step from below β up to β
    # the jump reported equals the core's closed-form gradient left of β minus at β
    g = losses.balanced_l1_grad(torch.tensor([np.nextafter(2.0, 0.0), 2.0], dtype=torch.float64), beta=2.0)
    assert jump == pytest.approx(float(g[0] - g[1]), rel=1e-12)


def test_smooth_l1_beta_slider_changes_the_probe(app):
    at = app(PAGE)
    at.slider(key="reg_sl1_beta").set_value(0.25).run()
    _ok(at)
    _, sl_grad = _core_probe("Smooth L1", 0.5, beta=0.25)
    assert sl_grad == 1.0  # 0.5 is now an outlier for Smooth L1
    assert f"Smooth L1 loss {_core_probe('Smooth L1', 0.5, beta=0.25)[0]:.6f}, gradient {sl_grad:.6f}" in " ".join(
        c.value for c in at.caption
    )
    at.run()  # AppTest shows only what a step reran (the sections): a full run draws the page's controls again
    at.slider(key="reg_sl1_beta").set_value(0.0).run()  # β = 0 is L1
    _ok(at)


def test_range_show_closed_form_and_l2_controls(app):
    at = app(PAGE)
    at.slider(key="reg_range").set_value(6.0).run()
    _ok(at)
    x, _ = _trace(_figure(at, "reg_curves_chart"), "Smooth L1")
    assert x.max() == pytest.approx(6.0)
    at.multiselect(key="reg_show").set_value(["Balanced L1"]).run()
    _ok(at)
    names = {tr.get("name") for tr in _figure(at, "reg_curves_chart")["data"]}
    assert "Balanced L1" in names and "L2" not in names
    closed = f"Balanced L1 ({t('reg.closed_form')})"
    assert closed in names
    at.toggle(key="reg_closed").set_value(False).run()
    _ok(at)
    assert closed not in {tr.get("name") for tr in _figure(at, "reg_curves_chart")["data"]}
    at.multiselect(key="reg_show").set_value([]).run()
    _ok(at)
    assert t("reg.pick_a_loss") in [i.value for i in at.info]
    at.multiselect(key="reg_show").set_value(["L2"]).run()
    at.run()  # AppTest shows only what a step reran (the section): a full run draws the sidebar again
    at.toggle(key="reg_l2half").set_value(True).run()
    _ok(at)
    x, y = _trace(_figure(at, "reg_curves_chart"), "L2")
    np.testing.assert_allclose(y, losses.l2_loss(torch.as_tensor(x), torch.zeros(len(x), dtype=torch.float64),
                                                 half=True).numpy())  # fmt: skip


def test_family_controls(app):
    at = app(PAGE, query={"reg_sec_sweep": "true"})
    fig = _figure(at, "reg_family_chart")
    assert sum(1 for tr in fig["data"] if tr.get("showlegend") is not False and "α" in tr.get("name", "")) == 5
    at.get("button_group")[0].set_value("gamma").run()
    _ok(at)
    assert t("reg.family.range", sym="γ", lo=0.5, hi=3.0) in [c.value for c in at.caption]
    at.slider(key="reg_fam_n").set_value(3).run()
    _ok(at)
    fig = _figure(at, "reg_family_chart")
    labels = [tr["name"] for tr in fig["data"] if tr.get("showlegend") is not False and "γ" in tr.get("name", "")]
    assert labels == ["Balanced L1, γ = 1", "Balanced L1, γ = 2", "Balanced L1, γ = 3"]
    x, y = _trace(fig, "Balanced L1, γ = 2")
    expected = losses.balanced_l1_loss(torch.as_tensor(x), torch.zeros(len(x), dtype=torch.float64), gamma=2.0)
    np.testing.assert_allclose(y, expected.numpy(), rtol=1e-12, atol=1e-12)


def test_balance_controls_and_shares_match_the_core(app):
    at = app(PAGE, query={"reg_sec_balance": "true"})
    for key, value in [
        ("reg_out_frac", 0.2),
        ("reg_in_scale", 0.5),
        ("reg_out_scale", 4.0),
        ("reg_split", 0.8),
    ]:
        at.slider(key=key).set_value(value).run()
        _ok(at)
    at.number_input(key="reg_seed").set_value(7).run()
    _ok(at)
    mixture = A.Mixture(outlier_fraction=0.2, inlier_scale=0.5, outlier_scale=4.0, seed=7)
    d = mixture.sample()
    inlier = np.abs(d) < 0.8
    for name, fn, kwargs in [
        ("Smooth L1", losses.smooth_l1_loss, {"beta": 1.0}),
        ("Balanced L1", losses.balanced_l1_loss, {}),
    ]:
        _, g = losses.value_and_grad(fn, d, np.zeros_like(d), **kwargs)
        share = np.abs(g)[inlier].sum() / np.abs(g).sum()
        assert _metric(at, "reg.balance.share", name=name) == f"{100 * share:.1f}%"
    assert _metric(at, "reg.balance.count_share") == f"{100 * inlier.mean():.1f}%"
    assert "seed 7" in " ".join(c.value for c in at.caption)


def test_balanced_l1_gives_inliers_a_larger_share_by_default(app):
    at = app(PAGE, query={"reg_sec_balance": "true"})
    sl = float(_metric(at, "reg.balance.share", name="Smooth L1").rstrip("%"))
    bl = float(_metric(at, "reg.balance.share", name="Balanced L1").rstrip("%"))
    assert bl > sl


def test_url_parameters_restore_the_view(app):
    at = app(
        PAGE,
        query={
            "reg_alpha": "0.8",
            "reg_gamma": "2.0",
            "reg_beta": "0.5",
            "reg_sl1_beta": "0.5",
            "reg_range": "5.0",
            "reg_fam": "β",
            "reg_fam_n": "4",
            "reg_out_frac": "0.3",
            "reg_seed": "3",
        },
    )
    _ok(at)
    assert at.slider(key="reg_alpha").value == pytest.approx(0.8)
    assert at.slider(key="reg_gamma").value == pytest.approx(2.0)
    assert at.slider(key="reg_beta").value == pytest.approx(0.5)
    assert at.slider(key="reg_range").value == pytest.approx(5.0)
    assert at.get("button_group")[0].value == "beta"
    assert at.number_input(key="reg_seed").value == 3
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.8, gamma=2.0):.6g}"
    # β = 0.5: the jump and near-0 notices, and no bad-parameter notice
    assert [w.value for w in at.warning] == [t(f"reg.notice.{n.code}", **n.formatted()) for n in A.notices(A.Params(
        smooth_beta=0.5, alpha=0.8, gamma=2.0, beta=0.5))]  # fmt: skip
    # old links that set a section's controls open that section
    assert {el.proto.id.split("-")[-1] for el in at.get("bidi_component")} >= {"reg_family_chart", "reg_balance_chart"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("reg_alpha", "abc"),
        ("reg_alpha", "0"),
        ("reg_gamma", "99"),
        ("reg_beta", "nan"),
        ("reg_sl1_beta", "-1"),
        ("reg_range", "1e9"),
        ("reg_fam", "delta"),
        ("reg_fam_n", "100"),
        ("reg_out_frac", "inf"),
        ("reg_seed", "-5"),
        ("reg_show", "Huber"),
        ("reg_closed", "maybe"),
    ],
)
def test_bad_url_parameter_falls_back_with_a_notice(app, key, value):
    at = app(PAGE, query={key: value})
    assert not at.exception
    assert any(f"{key}={value}" in w.value for w in at.warning), [w.value for w in at.warning]
    # the defaults are in force
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.5, gamma=1.5):.6g}"


def test_page_in_chinese(app):
    at = app(PAGE, query={"lang": "zh"})
    _ok(at)
    assert at.title[0].value == t("reg.title", lang="zh")
    assert any(m.label == t("reg.metric.b", lang="zh") for m in at.metric)
    assert t("reg.balance.header", lang="zh") in [e.label for e in at.expander]


def test_old_cbbl_links_point_to_the_box_size_page_with_their_settings(app):
    at = app(PAGE, query={"reg_cb_n": "8", "reg_cb_kind": "uniform"})
    _ok(at)
    [notice] = [i.value for i in at.info if "boxsize?" in i.value]
    assert "boxsize?bs_cb_n=8&bs_cb_kind=uniform" in notice
    assert "`reg_cb_n=8`" in notice
    assert not any("cbbl" in el.proto.id for el in at.main.get("bidi_component"))  # the section itself is gone
    assert not [i for i in app(PAGE).info if "boxsize?" in i.value]  # no notice without old parameters


# ------------------------------------------------------------------------------ issue 14: clutter and noise (item 1)


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_default_gradient_chart_compares_smooth_and_balanced_l1_only(app):
    fig = _figure(app(PAGE), "reg_curves_chart")
    assert {tr["name"] for tr in fig["data"] if tr.get("showlegend") is not False} == {"Smooth L1", "Balanced L1"}


def test_l2_is_clipped_to_the_compared_losses_with_a_note(app):
    at = app(PAGE, query={"reg_show": list(A.LOSS_NAMES)})
    _ok(at)
    fig = _figure(at, "reg_curves_chart")
    lo, hi = fig["layout"]["yaxis2"]["range"]
    _, l2 = _trace(fig, "L2 ∂L/∂d (autograd)")
    _, bl = _trace(fig, "Balanced L1 ∂L/∂d (autograd)")
    assert hi < 0.5 * l2.max()  # L2 reaches ±6 on [−3, 3]: the axis is not stretched for it
    assert lo <= bl.min() and bl.max() <= hi  # the compared losses fit
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert t("reg.fig.clipped", names="L2") in notes
    # without L2 nothing is clipped and nothing says so
    fig = _figure(app(PAGE, query={"reg_show": ["L1", "Smooth L1", "Balanced L1"]}), "reg_curves_chart")
    assert not [a for a in fig["layout"]["annotations"] if "L2" in a["text"]]


def test_closed_form_markers_are_sparse(app):
    fig = _figure(app(PAGE, query={"reg_range": "10"}), "reg_curves_chart")
    markers = [tr for tr in fig["data"] if tr.get("mode") == "markers"]
    assert len(markers) == 2
    for tr in markers:
        assert 10 <= len(_decode(tr["x"])) <= 30, len(_decode(tr["x"]))


@pytest.mark.parametrize(("alpha", "gamma"), [(0.05, 1.7), (0.05, 1.9), (0.05, 3.3)])
def test_gradient_jump_at_beta_one_shows_round_off_as_zero(app, alpha, gamma):
    # the core's two sides of β = 1 differ by an ulp or two here: round-off, not a result
    g = losses.balanced_l1_grad(torch.tensor([np.nextafter(1.0, 0.0), 1.0], dtype=torch.float64), alpha=alpha,
                                gamma=gamma)  # fmt: skip
    assert float(g[0] - g[1]) != 0
    assert A.balanced_gradient_jump(A.Params(alpha=alpha, gamma=gamma)) == 0.0
    at = app(PAGE, query={"reg_alpha": str(alpha), "reg_gamma": str(gamma)})
    _ok(at)
    assert _metric(at, "reg.metric.jump") == "0"
    assert not at.warning


def test_roundoff_is_relative_to_the_magnitudes():
    assert A.roundoff_zero(2.22e-16, 1.5) == 0.0
    assert A.roundoff_zero(1e-12, 1.5) == 1e-12
    assert A.roundoff_zero(1e-20, 1e-10) == 1e-20  # small magnitudes keep small differences


def test_no_notice_for_beta_one(app):
    at = app(PAGE, query={"reg_alpha": "0.3", "reg_gamma": "2.5"})
    _ok(at)
    assert not at.warning and not A.notices(A.Params(alpha=0.3, gamma=2.5))


def test_jump_notice_quotes_the_cores_two_sides_of_beta(app):
    at = app(PAGE, query={"reg_beta": "2"})
    _ok(at)
    g = losses.balanced_l1_grad(torch.tensor([np.nextafter(2.0, 0.0), 2.0], dtype=torch.float64), beta=2.0)
    below, at_beta = float(g[0]), float(g[1])
    expected = t("reg.notice.jump", beta="2", below=f"{below:.4g}", at=f"{at_beta:.4g}", jump=f"{at_beta - below:.4g}")
    assert expected in [w.value for w in at.warning]
    assert at_beta - below > 0.01  # a real step, not round-off


def test_tiny_jump_is_not_called_a_jump_by_zero_and_beta_below_one_says_nothing_of_beta_above_one(app):
    at = app(PAGE, query={"reg_alpha": "0.05", "reg_gamma": "5", "reg_beta": "0.05"})
    _ok(at)
    text = " ".join(w.value for w in at.warning)
    assert "by 0" not in text and "β > 1" not in text and "jumps by" not in text
    exact = 0.05 * (1 - 0.05) / 0.05 * np.exp(-5 / 0.05)  # α(1 − β)/(β·e^{γ/α})
    assert f"{exact:.4g}" in text  # the size of the jump float64 cannot show, said as such
    assert t("reg.notice.jump_unresolved", beta="0.05", jump=f"{exact:.4g}") in [w.value for w in at.warning]
    assert _metric(at, "reg.metric.jump") == "0"


def test_near_zero_notice_quotes_the_cores_gradient_just_above_zero(app):
    at = app(PAGE, query={"reg_beta": "0.5"})
    _ok(at)
    g = float(losses.balanced_l1_grad(torch.tensor([np.nextafter(0.0, 1.0)], dtype=torch.float64), beta=0.5)[0])
    assert g > 0
    assert t("reg.notice.near0", beta="0.5", near0=f"{g:.4g}") in [w.value for w in at.warning]


def test_dip_notice_only_when_the_loss_goes_below_zero(app):
    at = app(PAGE, query={"reg_beta": "2"})
    d = np.linspace(0, 2, 2001)
    loss = losses.balanced_l1_loss(torch.as_tensor(d), torch.zeros(len(d), dtype=torch.float64), beta=2.0).numpy()
    assert loss.min() < 0
    expected = t("reg.notice.dip", beta="2", d=f"{d[loss.argmin()]:.4g}", loss=f"{loss.min():.4g}")
    assert expected in [w.value for w in at.warning]
    for beta in ("0.5", "1"):  # the loss never goes below 0 here: no word about a dip (nor about β > 1)
        at = app(PAGE, query={"reg_beta": beta})
        assert not [w for w in at.warning if "β > 1" in w.value or "< 0" in w.value or "below 0" in w.value]


@pytest.mark.parametrize("param", A.FAMILY_PARAMS)
@pytest.mark.parametrize("count", range(2, 10))
def test_family_sweep_values_are_readable(param, count):
    values = A.family_values(param, count)
    lo, hi = A.FAMILY_RANGES[param]
    assert len(values) == count and len(set(values)) == count
    assert values.min() >= lo - 1e-12 and values.max() <= hi + 1e-12
    for v in values:
        assert abs(v * 20 - round(v * 20)) < 1e-9, v  # multiples of 0.05 (0.25, 0.5, ...), never 0.8125
    assert np.allclose(np.diff(values), values[1] - values[0])  # evenly spaced


def test_family_legends_show_readable_values(app):
    at = app(PAGE, query={"reg_fam": "γ", "reg_fam_n": "7"})
    _ok(at)
    labels = [tr["name"] for tr in _figure(at, "reg_family_chart")["data"] if tr.get("showlegend") is not False]
    values = [lab.split("= ")[1] for lab in labels if lab.startswith("Balanced L1")]
    assert values == ["1", "1.25", "1.5", "1.75", "2", "2.25", "2.5"]


# ------------------------------------------------------------------------------------ issue 14: teaching (item 3)


def test_libra_fig5_preset_sets_the_papers_values_and_names_the_figure(app):
    at = app(PAGE, query={"reg_alpha": "1.2", "reg_gamma": "3", "reg_beta": "2", "reg_show": ["L2"]})
    assert not [s for s in at.success if "Fig. 5" in s.value]
    [button] = [b for b in at.button if b.label == t("reg.preset.libra_fig5")]
    button.click().run()
    _ok(at)
    values = A.PRESETS["libra_fig5"].values
    for key in ("reg_alpha", "reg_gamma", "reg_beta", "reg_sl1_beta", "reg_range"):
        assert at.slider(key=key).value == pytest.approx(values[key])
    assert at.multiselect(key="reg_show").value == ["Smooth L1", "Balanced L1"]
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.5, gamma=1.5):.6g}"
    [shown] = [s.value for s in at.success if "Fig. 5" in s.value]
    assert "https://arxiv.org/abs/1904.02701" in shown
    assert not at.warning
    # moving a slider away from the figure's values drops the claim
    at.slider(key="reg_alpha").set_value(0.8).run()
    assert not [s for s in at.success if "Fig. 5" in s.value]
    at.run()  # AppTest shows only what a step reran (the sections): a full run draws the page's controls again
    # the shell's reset brings the defaults back
    at.button(key="lossviz_reset").click().run()
    assert at.slider(key="reg_alpha").value == pytest.approx(A.Params().alpha)
    assert at.toggle(key="reg_closed").value is True


def test_arxiv_links_next_to_each_loss(app):
    at = app(PAGE)
    text = " ".join(m.value for m in at.markdown)
    assert "https://arxiv.org/abs/1504.08083" in text and "https://arxiv.org/abs/1904.02701" in text
    assert A.PAPERS["Smooth L1"] in text and A.PAPERS["Balanced L1"] in text


def test_chart_titles_and_sections_are_translated_in_chinese(app):
    query = {"lang": "zh", "reg_sec_sweep": "true", "reg_sec_balance": "true", "reg_show": list(A.LOSS_NAMES)}
    at = app(PAGE, query=query)
    _ok(at)
    for key in ("reg_curves_chart", "reg_family_chart", "reg_balance_chart"):
        layout = _figure(at, key)["layout"]
        titles = [a["text"] for a in layout["annotations"] if a.get("font", {}).get("size") == 14]
        assert titles and all(_cjk(x) for x in titles), titles
        axes = [layout[k]["title"]["text"] for k in layout if k.startswith(("xaxis", "yaxis")) and "title" in layout[k]]
        assert any(_cjk(x) for x in axes), axes
    labels = [e.label for e in at.expander]
    assert all(_cjk(label) for label in labels), labels


def test_chart_titles_use_sub_and_superscripts(app):
    at = app(PAGE, query={"reg_sec_sweep": "true"})
    fam = _figure(at, "reg_family_chart")["layout"]["annotations"]
    assert any("L<sub>b</sub>(d)" in a["text"] for a in fam)
    curves = _figure(at, "reg_curves_chart")["layout"]["annotations"]
    assert any("β<sub>SL1</sub>" in a["text"] for a in curves)


# ------------------------------------------------------------------------------------ issue 14: a thin page (item 4)


def test_page_is_thin_and_leaves_formulas_to_the_figures_layer():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "lossviz" / "pages" / "regression.py").read_text()
    assert len(source.splitlines()) < 150
    for latex in ("\\begin{cases}", "\\frac", "def _tex", "def _num", "def _signed"):
        assert latex not in source, latex


def test_formulas_carry_the_current_values(app):
    at = app(PAGE, query={"reg_sec_formulas": "true", "reg_alpha": "0.8", "reg_beta": "2"})
    _ok(at)
    latex = " ".join(x.value for x in at.latex)
    b = losses.balanced_l1_b(alpha=0.8, gamma=1.5)
    assert "e^{1.5/0.8} - 1" in latex and f"{b:.4g}" in latex
    assert f"{1.5 / b - 0.8 * 2:.4g}".lstrip("-") in latex  # the outlier constant γ/b − αβ


# ------------------------------------------------------------------------ issue 15: render only what is open (item 5)


def test_closed_sections_compute_and_send_nothing(app):
    at = app(PAGE)
    assert _charts(at) == {"reg_curves_chart"}
    assert not [s for s in at.slider if s.key in ("reg_fam_n", "reg_out_frac")]
    at = app(PAGE, query={"reg_sec_curves": "false", "reg_sec_balance": "true"})
    _ok(at)
    assert _charts(at) == {"reg_balance_chart"}


def _page_runs(monkeypatch) -> list:
    """Counts the runs of the page's own top level (its explanation is drawn there, outside every section)."""
    from lossviz.components import shell

    runs, real = [], shell.explanation
    monkeypatch.setattr(shell, "explanation", lambda *a, **k: runs.append(1) or real(*a, **k))
    return runs


def test_a_hyper_parameter_step_reruns_the_drawn_sections_not_the_page(app, monkeypatch):
    """Issue 15 item 3: a step of α reran the whole page (shell, title, text, the four sliders, every open section),
    and the browser's paint waits on every element re-sent. It now reruns the sections that are drawn and the preset
    notice; the closed ones (here the family and the balance) are skipped, and the page's top level stays."""
    at = app(PAGE, query={"reg_sec_formulas": "true"})
    runs = _page_runs(monkeypatch)
    at.slider(key="reg_alpha").set_value(0.8).run()
    _ok(at)
    assert runs == []  # the page's top level did not run
    b = losses.balanced_l1_b(alpha=0.8, gamma=1.5)
    assert _metric(at, "reg.metric.b") == f"{b:.6g}"  # the curves section follows
    assert "e^{1.5/0.8} - 1" in " ".join(x.value for x in at.latex)  # so do the formulas
    assert _charts(at) == {"reg_curves_chart"}  # the closed family and balance sections stay closed
    at.run()  # a later full run draws the page around the same values
    assert runs == [1] and at.slider(key="reg_alpha").value == pytest.approx(0.8)
    at.toggle(key="reg_l2half").set_value(True).run()  # the sidebar's ½ too
    _ok(at)
    assert runs == [1] and "0.5\\,d^2" in " ".join(m.value for m in at.markdown)


def test_a_hyper_parameter_step_with_the_curves_closed_reruns_the_open_section(app, monkeypatch):
    """A closed section's fragment was not drawn, and Streamlit refuses to rerun it: only the drawn ones rerun."""
    at = app(PAGE, query={"reg_sec_curves": "false", "reg_sec_balance": "true"})
    runs = _page_runs(monkeypatch)
    before = _figure(at, "reg_balance_chart")
    at.slider(key="reg_gamma").set_value(3.0).run()
    _ok(at)
    assert runs == [] and _charts(at) == {"reg_balance_chart"}
    assert _figure(at, "reg_balance_chart") != before  # it follows γ


def test_the_preset_notice_follows_a_hyper_parameter_step(app):
    at = app(PAGE)
    [button] = [b for b in at.button if b.label == t("reg.preset.libra_fig5")]
    button.click().run()
    assert [s for s in at.success if "Fig. 5" in s.value]
    at.slider(key="reg_beta").set_value(2.0).run()
    _ok(at)
    assert not [s for s in at.success if "Fig. 5" in s.value]
    at.run()  # AppTest shows only what a step reran (the sections): a full run draws the page's controls again
    at.slider(key="reg_beta").set_value(1.0).run()
    assert [s for s in at.success if "Fig. 5" in s.value]


def _claims_fig5(at) -> bool:
    return any("Fig. 5" in s.value for s in at.success)


FIG5 = A.PRESETS["libra_fig5"].values


def _fig5_query(**over) -> dict:
    text = lambda v: v if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)  # noqa: E731
    query = {k: text(v) for k, v in FIG5.items()} | {"reg_fam": "α"}  # the URL holds the symbol
    return {**query, **over}


def test_a_fresh_load_at_the_defaults_does_not_claim_the_papers_figure(app):
    """The defaults draw the closed-form markers, which Fig. 5 does not: a first load said it reproduced Fig. 5 (the
    notice was decided before the curves section had drawn its controls), an α step away and back said it did not."""
    at = app(PAGE)
    _ok(at)
    assert not _claims_fig5(at)
    at.slider(key="reg_alpha").set_value(0.55).run()
    at.run()
    at.slider(key="reg_alpha").set_value(0.5).run()
    assert not _claims_fig5(at)


def test_a_link_with_the_papers_values_claims_the_figure_on_its_first_load_and_after_a_round_trip(app):
    at = app(PAGE, query=_fig5_query())
    _ok(at)
    assert _claims_fig5(at)
    at.slider(key="reg_alpha").set_value(0.55).run()
    assert not _claims_fig5(at)
    at.run()
    at.slider(key="reg_alpha").set_value(0.5).run()
    assert _claims_fig5(at)


@pytest.mark.parametrize(("section", "key", "away", "back"), [
    ("reg_sec_curves", "reg_range", 4.0, 3.0),
    ("reg_sec_sweep", "reg_fam_n", 6, 5),
])  # fmt: skip
def test_the_preset_notice_follows_the_sections_own_controls(app, section, key, away, back):
    """Fig. 5's range and curve count left the notice up after a change (only a hyper-parameter step reran it)."""
    at = app(PAGE, query=_fig5_query(**{section: "true"}))
    assert _claims_fig5(at)
    at.slider(key=key).set_value(away).run()
    _ok(at)
    assert not _claims_fig5(at)
    at = app(PAGE, query=_fig5_query(**{section: "true", key: str(away)}))  # AppTest shows only what a step reran
    assert not _claims_fig5(at)
    at.slider(key=key).set_value(back).run()
    assert _claims_fig5(at)


def test_a_closed_sections_controls_do_not_count_for_the_preset(app):
    at = app(PAGE, query=_fig5_query(reg_sec_curves="false", reg_closed="true"))
    _ok(at)
    assert _claims_fig5(at)  # the markers' switch is not on screen
    assert A.preset_values({"reg_closed": True}, ()) == {**{s.key: None for s in A.PARAM_SLIDERS}, "reg_l2half": None}


def test_a_link_with_a_sections_value_opens_it_unless_it_says_closed(app):
    """(The URL keeping the section's flag is in test_browser_regression: the browser writes bound values.)"""
    at = app(PAGE, query={"reg_out_scale": "3.5"})  # a link with a balance value alone still opens it
    assert "reg_balance_chart" in _charts(at)
    at = app(PAGE, query={"reg_out_scale": "3.5", "reg_sec_balance": "false"})  # unless it says closed
    assert "reg_balance_chart" not in _charts(at)


def test_main_controls_are_on_the_page_not_in_the_sidebar(app):
    at = app(PAGE)
    sidebar = {s.key for s in at.sidebar.slider}
    main = {s.key for s in at.main.slider}
    assert {"reg_alpha", "reg_gamma", "reg_beta", "reg_sl1_beta"} <= main
    assert not sidebar & {"reg_alpha", "reg_gamma", "reg_beta", "reg_sl1_beta"}


# --------------------------------------------------------------------------------------- the analysis it relies on


def test_gradient_balance_splits_the_core_gradient_exactly():
    bal = A.gradient_balance(A.Mixture(n=5000, seed=1), A.Params(), split=1.0)
    d = bal.residuals
    assert d.shape == (5000,)
    assert np.array_equal(bal.inlier, np.abs(d) < 1.0)
    # L1's gradient is ±1 everywhere (d ≠ 0), so its inlier share is the inliers' share of the samples
    assert bal.inlier_share("L1") == pytest.approx(bal.inlier_count_share, abs=1e-12)
    for name in A.LOSS_NAMES:
        assert 0 <= bal.inlier_share(name) <= 1
    # same seed, same samples; another seed, other samples
    assert np.array_equal(A.Mixture(n=100, seed=4).sample(), A.Mixture(n=100, seed=4).sample())
    assert not np.array_equal(A.Mixture(n=100, seed=4).sample(), A.Mixture(n=100, seed=5).sample())
    hist = A.residual_histogram(bal, bins=40)
    assert hist.inlier.sum() + hist.outlier.sum() == 5000


def test_family_sweeps_one_parameter_and_keeps_the_others():
    fam = A.family("gamma", [0.5, 1.5], A.Params(alpha=0.4, beta=1.0))
    assert fam.loss.shape == fam.grad.shape == (2, len(fam.d))
    np.testing.assert_allclose(
        fam.b, [losses.balanced_l1_b(alpha=0.4, gamma=0.5), losses.balanced_l1_b(alpha=0.4, gamma=1.5)]
    )
    outside = np.abs(fam.d) > 1.0
    np.testing.assert_allclose(np.abs(fam.grad[1][outside]), 1.5)  # γ is the outlier gradient


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: A.curves(max_abs=0.0), "max_abs must be > 0"),
        (lambda: A.curves(names=["Huber"]), "name must be one of"),
        (lambda: A.family("delta", [1.0]), "param must be one of"),
        (lambda: A.family("alpha", []), "values must not be empty"),
        (lambda: A.gradient_balance(A.Mixture(outlier_fraction=1.5)), "outlier_fraction"),
        (lambda: A.gradient_balance(split=0.0), "split must be > 0"),
        (lambda: A.curves(A.Params(alpha=0.0)), "alpha must be >= 0.001"),
    ],
)
def test_analysis_rejects_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_csv_downloads_have_headers_in_the_pages_language():
    """Issue 14: a zh user's CSV had English headers. The CSV now speaks the page's language (what d is, the
    symbols of the chart; a BOM so Excel reads the Chinese); ``?lang=en`` gives the English headers to a program."""
    import io

    import pandas as pd

    from lossviz import i18n
    from lossviz.figures import regression as F

    curves = A.curves(A.Params(), 3.0, names=("Smooth L1", "Balanced L1"))
    fam = A.family("gamma", (1.0, 1.5), A.Params())
    for lang in ("en", "zh"):
        token = i18n._current.set(lang)
        try:
            raw, fam_raw = F.curves_csv(curves), F.family_csv(fam)
        finally:
            i18n._current.reset(token)
        assert raw.startswith("\ufeff".encode()) == (lang == "zh")
        table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
        header = t("reg.csv.grad", lang=lang, name="Balanced L1")
        assert list(table.columns)[:2] == [t("reg.csv.d", lang=lang), t("reg.csv.loss", lang=lang, name="Smooth L1")]
        np.testing.assert_allclose(table[header], curves.grad["Balanced L1"], rtol=1e-12)
        assert all(_cjk(c) for c in table.columns) == (lang == "zh"), list(table.columns)
        fam_table = pd.read_csv(io.BytesIO(fam_raw), encoding="utf-8-sig")
        assert t("reg.csv.loss", lang=lang, name="Balanced L1 (γ = 1.5)") in fam_table.columns
        assert all(_cjk(c) for c in fam_table.columns) == (lang == "zh"), list(fam_table.columns)


def test_the_preset_notice_names_the_figure_in_chinese(app):
    at = app(PAGE, query={"lang": "zh"})
    [button] = [b for b in at.button if b.label == t("reg.preset.libra_fig5", lang="zh")]
    button.click().run()
    _ok(at)
    [shown] = [s.value for s in at.success]
    assert "图 5" in shown and "Fig." not in shown


def test_the_page_defines_no_cache_and_its_charts_are_cached_serialised_per_language(app):
    """Issue 15: st.cache_data applied inside the page re-hashed each function's source on every rerun; the caches
    live in lossviz/cached/regression.py, charts already serialised, keyed by language."""
    from pathlib import Path

    from lossviz.cached import regression as C
    from lossviz.components.plotly_chart import PreparedFigure

    source = (Path(__file__).resolve().parents[1] / "lossviz" / "pages" / "regression.py").read_text()
    assert "cache_data" not in source and "cache_resource" not in source
    names = ("Smooth L1", "Balanced L1")
    chart = C.curves_chart(A.Params(), 3.0, names, True, "en")
    assert isinstance(chart, PreparedFigure) and chart.template == "lossviz"
    # the same view in Chinese, then in English again: each language gets its own chart, not the other's
    zh = _figure(app(PAGE, query={"lang": "zh"}), "reg_curves_chart")
    en = _figure(app(PAGE), "reg_curves_chart")
    title = next(a["text"] for a in en["layout"]["annotations"] if a.get("font", {}).get("size") == 14)
    assert title == t("reg.fig.loss_title", lang="en")
    assert any(_cjk(a["text"]) for a in zh["layout"]["annotations"])


def test_the_residual_grid_goes_as_float32_and_its_hover_labels_read_the_same(app):
    """Issue 15: the chart's x (the residual grid, repeated in every trace) is half the bytes as float32; each hover
    label (6 significant digits) reads as for float64, and the computed values (y) stay float64, exact."""
    params = A.Params(beta=0.37, smooth_beta=0.77)
    curves = A.curves(params, 3.0, names=("Smooth L1", "Balanced L1"))
    from lossviz.figures import regression as F

    fig = F.curves_figure(curves, as_dict=True)
    for trace in fig["data"]:
        assert trace["x"].dtype == np.float32 and trace["y"].dtype == np.float64
    first = fig["data"][0]["x"]
    assert [f"{v:.6g}" for v in first.tolist()] == [f"{v:.6g}" for v in curves.d.tolist()]
    # a grid whose labels float32 would change stays float64
    odd = np.array([0.1234565, 1.0])
    assert F._labels_kept_in_float32(odd).dtype == np.float64
    at = app(PAGE, query={"reg_beta": "0.37", "reg_sl1_beta": "0.77"})
    sent = _figure(at, "reg_curves_chart")["data"][0]
    assert sent["x"]["dtype"] == "f4" and sent["y"]["dtype"] == "f8"


@pytest.mark.parametrize(
    "module", sorted(m.name for m in pkgutil.iter_modules(lossviz.cached.__path__) if m.name not in {"heap", "keyed"})
)
def test_cache_module_freezes_the_import_heap(module):
    """Streamlit runs a full ``gc.collect`` after every rerun; with torch, pandas and Plotly imported that walk was
    most of a rerun's server CPU. Importing a page's cache module freezes what the imports left (``gc.freeze``), so
    the collection after a rerun walks only what was made since: here, in a fresh interpreter, almost nothing."""
    code = (
        f"import gc, importlib; importlib.import_module('lossviz.cached.{module}'); "
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    frozen, walked = int(out[-2]), int(out[-1])
    assert frozen > 100_000  # torch's and the page's modules
    assert walked < frozen / 20, (frozen, walked)


def _repo_option(name: str) -> str:
    """A Streamlit option as a server started in the repository reads it (``.streamlit/config.toml``)."""
    root = Path(__file__).resolve().parents[1]
    code = f"from streamlit import config; print(config.get_option({name!r}))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()[-1]


def test_server_config_turns_off_the_full_gc_after_every_rerun():
    """With a class of sessions, Streamlit's ``gc.collect(2)`` after every script run walked every live object
    (each session's state, the caches, what Plotly and torch make lazily after the import heap was frozen) and was
    about half of the server's CPU (py-spy, 30 IoU sessions). The repository's config turns it off for the app, the
    image (which copies ``.streamlit``) and the load generator's app servers; the bare baseline keeps Streamlit's
    default (``bench._live.BARE_STREAMLIT``) so the comparison stays with bare Streamlit."""
    from bench._live import BARE_STREAMLIT

    assert _repo_option("runner.postScriptGC") == "False"
    assert "COPY .streamlit ./.streamlit" in (Path(__file__).resolve().parents[1] / "Dockerfile").read_text()
    assert BARE_STREAMLIT == ("--runner.postScriptGC", "true")


def test_server_config_does_not_log_the_canvas_write_back_as_a_warning():
    """The IoU canvas and its presets write the boxes into the coordinate inputs' session state on purpose; the
    server logged Streamlit's "created with a default value but also had its value set via the Session State API"
    warning, with a stack, on the first canvas edit of each process (found by a fresh-eyes check of the server log)."""
    assert _repo_option("global.disableWidgetStateDuplicationWarning") == "True"
