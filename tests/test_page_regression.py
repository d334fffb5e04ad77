"""The regression page in AppTest: default render, every control, URL parameters in, bad parameters, both languages.

Numbers shown are checked against the torch core (``lossviz.losses``), never re-derived here.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
import torch

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


def _trace(fig: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    for tr in fig["data"]:
        if tr.get("name") == name:
            return _decode(tr["x"]), _decode(tr["y"])
    raise AssertionError(f"no trace {name!r} in {[tr.get('name') for tr in fig['data']]}")


def _core_probe(name: str, d: float, **kwargs) -> tuple[float, float]:
    fn = {"Smooth L1": losses.smooth_l1_loss, "Balanced L1": losses.balanced_l1_loss}[name]
    loss, grad = losses.value_and_grad(fn, np.array([d]), np.zeros(1), **kwargs)
    return float(loss[0]), float(grad[0])


def _ok(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_default_render_shows_core_numbers(app):
    at = app(PAGE)
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
    # three charts and three downloads
    assert {el.proto.id.split("-")[-1] for el in at.main.get("bidi_component")} >= {
        "reg_curves_chart",
        "reg_family_chart",
        "reg_balance_chart",
    }
    assert len(at.get("download_button")) == 3


def test_plotted_curves_are_the_core_losses(app):
    at = app(PAGE)
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
    assert "e^{1.5/0.8} - 1" in " ".join(x.value for x in at.latex)
    at.slider(key="reg_gamma").set_value(2.0).run()
    _ok(at)
    assert _metric(at, "reg.metric.b") == f"{losses.balanced_l1_b(alpha=0.8, gamma=2.0):.6g}"


def test_beta_not_one_calls_out_the_gradient_jump(app):
    at = app(PAGE)
    at.slider(key="reg_beta").set_value(2.0).run()
    _ok(at)
    assert len(at.warning) == 1
    params = A.Params(beta=2.0)
    jump = A.balanced_gradient_jump(params)
    assert jump != 0
    assert float(_metric(at, "reg.metric.jump")) == pytest.approx(jump, rel=1e-3)
    assert f"{jump:.4g}" in at.warning[0].value
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
    at.slider(key="reg_sl1_beta").set_value(0.0).run()  # β = 0 is L1
    _ok(at)


def test_range_show_closed_form_and_l2_controls(app):
    at = app(PAGE)
    at.slider(key="reg_range").set_value(6.0).run()
    _ok(at)
    x, _ = _trace(_figure(at, "reg_curves_chart"), "L1")
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
    at.toggle(key="reg_l2half").set_value(True).run()
    _ok(at)
    x, y = _trace(_figure(at, "reg_curves_chart"), "L2")
    np.testing.assert_allclose(y, losses.l2_loss(torch.as_tensor(x), torch.zeros(len(x), dtype=torch.float64),
                                                 half=True).numpy())  # fmt: skip


def test_family_controls(app):
    at = app(PAGE)
    fig = _figure(at, "reg_family_chart")
    assert sum(1 for tr in fig["data"] if tr.get("showlegend") is not False and "α" in tr.get("name", "")) == 5
    at.get("button_group")[0].set_value("gamma").run()
    _ok(at)
    assert t("reg.family.range", sym="γ", lo=0.5, hi=3.0) in [c.value for c in at.caption]
    at.slider(key="reg_fam_n").set_value(3).run()
    _ok(at)
    fig = _figure(at, "reg_family_chart")
    labels = [tr["name"] for tr in fig["data"] if tr.get("showlegend") is not False and "γ" in tr.get("name", "")]
    assert labels == ["Balanced L1, γ = 0.5", "Balanced L1, γ = 1.75", "Balanced L1, γ = 3"]
    x, y = _trace(fig, "Balanced L1, γ = 1.75")
    expected = losses.balanced_l1_loss(torch.as_tensor(x), torch.zeros(len(x), dtype=torch.float64), gamma=1.75)
    np.testing.assert_allclose(y, expected.numpy(), rtol=1e-12, atol=1e-12)


def test_balance_controls_and_shares_match_the_core(app):
    at = app(PAGE)
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
    at = app(PAGE)
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
    assert len(at.warning) == 1  # β = 0.5: the quirk notice, and no bad-parameter notice


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
    assert t("reg.balance.header", lang="zh") in [s.value for s in at.subheader]


def test_old_cbbl_links_point_to_the_box_size_page_with_their_settings(app):
    at = app(PAGE, query={"reg_cb_n": "8", "reg_cb_kind": "uniform"})
    _ok(at)
    [notice] = [i.value for i in at.info if "boxsize?" in i.value]
    assert "boxsize?bs_cb_n=8&bs_cb_kind=uniform" in notice
    assert "`reg_cb_n=8`" in notice
    assert not any("cbbl" in el.proto.id for el in at.main.get("bidi_component"))  # the section itself is gone
    assert not [i for i in app(PAGE).info if "boxsize?" in i.value]  # no notice without old parameters


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
