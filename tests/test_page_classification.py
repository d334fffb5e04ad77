"""The classification page in AppTest: every panel and its controls, numbers checked against the core, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from lossviz import losses
from lossviz.analysis import classification as A
from lossviz.figures import classification as F
from lossviz.i18n import t

PANELS = A.PANELS


def _open(app, panel: str, **query):
    return app(page="classification", query={"cls_panel": PANELS[panel], **query})


def _metric(at, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r} in {[m.label for m in at.metric]}")


def _frame(at, column: str):
    """The (first) dataframe on the page that has ``column`` (the AP table editor is a dataframe too)."""
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(f"no dataframe with column {column!r}")


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


# ------------------------------------------------------------------------------------------------------ all panels


@pytest.mark.parametrize("panel", list(PANELS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_panel_renders_in_both_languages(app, panel, lang):
    at = _open(app, panel, lang=lang)
    _ok(at)
    assert at.title[0].value == t("cls.title", lang=lang)
    assert len(at.main.get("bidi_component")) >= 1  # the charts
    assert any(b.label == t("common.download_csv", lang=lang) for b in at.get("download_button"))


def test_panel_switch_shows_the_chosen_panel(app):
    at = app(page="classification")
    _ok(at)
    assert at.slider(key="cls_gamma").value == 2.0  # focal is the default panel
    assert [tab.label for tab in at.tabs] == list(PANELS.values())
    at.session_state["cls_panel"] = PANELS["ap"]  # what a click on the tab sets (tabs bound to the URL)
    at.run()
    _ok(at)
    assert at.text_input(key="cls_anchors").value == A.DEFAULT_ANCHORS
    assert "cls_gamma" not in [s.key for s in at.slider]  # only the open tab runs


def test_panel_from_the_url(app):
    at = app(page="classification", query={"cls_panel": "GHM-C"})
    _ok(at)
    assert at.slider(key="cls_bins").value == 10


def test_bad_panel_in_url_gets_a_notice_and_the_default(app):
    at = app(page="classification", query={"cls_panel": "nonsense"})
    assert not at.exception
    assert any("cls_panel=nonsense" in w.value for w in at.warning)


# ----------------------------------------------------------------------------------------------------------- focal


def test_focal_metrics_follow_alpha_and_gamma(app):
    at = _open(app, "focal")
    _ok(at)
    assert _metric(at, t("cls.metric.alpha_pos")) == "0.25"
    assert _metric(at, t("cls.metric.alpha_neg")) == "0.75"
    assert _metric(at, t("cls.metric.easy_factor")) == f"{0.1**2:.4g}"
    at.slider(key="cls_gamma").set_value(3.0)
    at.slider(key="cls_alpha").set_value(0.5).run()
    _ok(at)
    assert _metric(at, t("cls.metric.easy_factor")) == f"{0.1**3:.4g}"
    assert _metric(at, t("cls.metric.alpha_neg")) == "0.50"


def test_focal_alpha_toggle_off_means_no_alpha_weighting(app):
    at = _open(app, "focal")
    at.toggle(key="cls_use_alpha").set_value(False).run()
    _ok(at)
    assert _metric(at, t("cls.metric.alpha_pos")) == "1"
    assert any(i.value == t("cls.alpha_off_note") for i in at.info)
    assert at.slider(key="cls_alpha").disabled


def test_focal_population_shares_match_the_core(app):
    at = _open(app, "focal", cls_nneg="20000", cls_npos="50", cls_neg_p="0.02", cls_pos_p="0.4", cls_gamma="2.0")
    _ok(at)
    pop = A.population_shares(20000, 50, 0.02, 0.4, 0.25, 2.0)
    assert _metric(at, t("cls.pop.m_loss", name="CE")) == f"{100 * pop.share('loss', 'CE'):.1f}%"
    assert _metric(at, t("cls.pop.m_loss", name="FL")) == f"{100 * pop.share('loss', 'FL'):.1f}%"
    assert _metric(at, t("cls.pop.m_grad", name="FL")) == f"{100 * pop.share('grad', 'FL'):.1f}%"
    # Focal loss takes the easy negatives' share down, in loss and in gradient.
    assert pop.share("loss", "FL") < pop.share("loss", "CE")
    assert pop.share("grad", "FL") < pop.share("grad", "CE")
    # The share is what the core's losses sum to: check one total independently, against a large random sample of
    # the same population (the page's totals are the expected sums; a sample of 10^6 is within 0.3 %).
    rng = np.random.default_rng(0)
    x_neg = A.logit(0.02) + 0.5 * rng.standard_normal(1_000_000)
    ce_neg = losses.sigmoid_focal_loss(
        torch.tensor(x_neg), torch.zeros(1_000_000, dtype=torch.float64), alpha=-1.0, gamma=0.0
    )
    assert pop.loss["CE"][0] == pytest.approx(20000 * float(ce_neg.mean()), rel=3e-3)


def test_population_totals_are_expected_sums_that_cost_the_same_for_any_size():
    """Issue 15: a γ step evaluated the loss on all 100,100 sampled logits (~40 ms of autograd per rerun). The
    totals are n times the mean over the logit distribution, from a few hundred points: exactly linear in n, and
    equal to the expectation computed on a much finer grid."""
    small = A.population_totals(1000, 10, 0.05, 0.5, 0.25, 2.0)
    big = A.population_totals(10**6, 10**4, 0.05, 0.5, 0.25, 2.0)
    np.testing.assert_allclose(np.asarray(big), 1000 * np.asarray(small), rtol=1e-12)
    assert A.POPULATION_POINTS <= 512
    z = np.linspace(-12, 12, 20001)
    w = np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi) * (z[1] - z[0])
    x = A.logit(0.05) + 0.5 * z
    fl = losses.sigmoid_focal_loss(torch.tensor(x), torch.zeros(len(z), dtype=torch.float64), alpha=0.25, gamma=2.0)
    assert small[0][0] == pytest.approx(1000 * float(w @ fl.numpy()), rel=1e-9)


def test_focal_population_controls_rerun(app):
    at = _open(app, "focal")
    before = _metric(at, t("cls.pop.m_loss", name="CE"))
    at.number_input(key="cls_nneg").set_value(1000).run()
    _ok(at)
    after = _metric(at, t("cls.pop.m_loss", name="CE"))
    assert after != before
    pop = A.population_shares(1000, 100, 0.05, 0.5, 0.25, 2.0)
    assert after == f"{100 * pop.share('loss', 'CE'):.1f}%"


def test_focal_out_of_range_url_values_get_notices(app):
    at = _open(app, "focal", cls_gamma="9", cls_alpha="abc")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "cls_gamma=9" in warnings and "cls_alpha=abc" in warnings


# -------------------------------------------------------------------------------------------------- class-balanced


def test_cb_weights_table_matches_the_core(app):
    at = _open(app, "cb")
    _ok(at)
    counts = A.parse_counts(A.COUNT_PRESETS["long_tail"])
    expected = losses.class_balanced_weights(torch.tensor(counts), beta=0.999).numpy()
    df = at.dataframe[0].value
    np.testing.assert_allclose(df[t("cls.cb.col.weight")].to_numpy(), expected)
    assert df[t("cls.cb.col.weight")].sum() == pytest.approx(len(counts))


def test_cb_beta_and_loss_type_controls(app):
    at = _open(app, "cb", cls_counts="100,10,1")
    at.selectbox(key="cls_beta").set_value(0.0).run()
    _ok(at)
    df = at.dataframe[0].value
    np.testing.assert_allclose(df[t("cls.cb.col.weight")].to_numpy(), np.ones(3))
    at.button_group(key="cls_cb_type").set_value("focal").run()
    _ok(at)
    assert at.slider(key="cls_cb_gamma").value == 2.0
    col = t("cls.cb.col.sample_loss", loss="focal")
    expected = losses.class_balanced_loss(
        torch.zeros(3, 3, dtype=torch.float64),
        torch.arange(3),
        torch.tensor([100, 10, 1]),
        beta=0.0,
        loss_type="focal",
        gamma=2.0,
    )
    np.testing.assert_allclose(at.dataframe[0].value[col].to_numpy(), expected.numpy())


def test_cb_presets_fill_the_counts(app):
    at = _open(app, "cb", cls_counts="7,7")
    at.button(key="cls_preset_fg_bg").click().run()
    _ok(at)
    assert at.text_input(key="cls_counts").value == A.COUNT_PRESETS["fg_bg"]
    at.button(key="cls_preset_long_tail").click().run()
    assert at.text_input(key="cls_counts").value == A.COUNT_PRESETS["long_tail"]


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("100, 0, 5", "counts_not_positive", {"index": 2, "value": "0"}),
        ("100, -3", "counts_not_positive", {"index": 2, "value": "-3"}),
        ("100, abc", "counts_not_number", {"index": 2, "value": "abc"}),
        ("100, 2.5", "counts_not_integer", {"index": 2, "value": "2.5"}),
        (" , ", "counts_empty", {}),
    ],
)
def test_cb_bad_counts_give_a_clear_message(app, text, code, params):
    at = _open(app, "cb")
    at.text_input(key="cls_counts").input(text).run()
    assert not at.exception
    assert t(f"cls.err.{code}", **params) in _errors(at)
    # The page keeps working: a good value afterwards clears the error.
    at.text_input(key="cls_counts").input("10,5").run()
    _ok(at)


# ------------------------------------------------------------------------------------------------------------ GHM


def test_ghm_numbers_match_the_core(app):
    at = _open(app, "ghm")
    _ok(at)
    x, y = A.ghm_sample(20000, 0.9, 0.01, seed=4)  # the last of the 5 batches
    xt, yt = torch.tensor(x), torch.tensor(y)
    value = losses.ghm_c_loss(xt, yt, bins=10, reduction="mean").item()
    assert _metric(at, t("cls.ghm.m_loss_ghm")) == f"{value:.4f}"
    nonempty = int((losses.ghm_c_weights(xt, yt, bins=10).counts > 0).sum())
    assert _metric(at, t("cls.ghm.m_nonempty")) == f"{nonempty} / 10"


def test_ghm_bins_and_momentum_controls(app):
    at = _open(app, "ghm")
    at.slider(key="cls_bins").set_value(30).run()
    _ok(at)
    assert _metric(at, t("cls.ghm.m_nonempty")).endswith("/ 30")
    before = _metric(at, t("cls.ghm.m_loss_ghm"))
    at.slider(key="cls_momentum").set_value(0.75).run()
    _ok(at)
    assert _metric(at, t("cls.ghm.m_loss_ghm")) != before
    assert any(c.value == t("cls.ghm.momentum_note", steps=5) for c in at.caption)
    sim = A.ghm_simulation(30, 0.75)
    assert _metric(at, t("cls.ghm.m_loss_ghm")) == f"{sim.loss_ghm:.4f}"


def test_ghm_impossible_mixture_gives_a_message(app):
    at = _open(app, "ghm", cls_ghm_easy="0.95", cls_ghm_out="0.1")
    assert not at.exception
    assert t("cls.err.ghm_mix", easy=0.95, outliers=0.1) in _errors(at)


# -------------------------------------------------------------------------------------------------------- AP-loss


def test_ap_numbers_match_the_core(app):
    at = _open(app, "ap")
    _ok(at)
    scores, labels = A.parse_anchors(A.DEFAULT_ANCHORS)
    res = losses.ap_loss(torch.tensor(scores, dtype=torch.float64), torch.tensor(labels))
    assert _metric(at, t("cls.ap.m_loss")) == f"{res.loss.item():.4f}"
    df = _frame(at, t("cls.ap.col.ap_update"))
    order = res.order.numpy()
    np.testing.assert_allclose(df[t("cls.ap.col.ap_update")].to_numpy(), res.update.numpy()[order])
    ce = torch.sigmoid(torch.tensor(scores, dtype=torch.float64)) - torch.tensor(labels, dtype=torch.float64)
    np.testing.assert_allclose(df[t("cls.ap.col.ce_grad")].to_numpy(), ce.numpy()[order])


def test_ap_perfect_preset_has_zero_loss_and_delta_control(app):
    at = _open(app, "ap")
    at.button(key="cls_ap_preset_perfect").click().run()
    _ok(at)
    assert _metric(at, t("cls.ap.m_loss")) == "0.0000"
    # A wide enough step lets the top negative (1) count against the lowest positive (3): loss > 0.
    at.slider(key="cls_delta").set_value(3.0).run()
    _ok(at)
    assert float(_metric(at, t("cls.ap.m_loss"))) > 0
    at.toggle(key="cls_ap_interp").set_value(True).run()
    _ok(at)


def test_ap_ignored_anchor_from_url(app):
    at = _open(app, "ap", cls_anchors="0.5:1,9:-1,0:0")
    _ok(at)
    assert _metric(at, t("cls.ap.m_loss")) == "0.2000"
    assert _metric(at, t("cls.ap.m_neg")) == "1"


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "anchors_empty", {}),
        ("0.5:0, 0.2:0", "anchors_no_positive", {}),
        ("0.5:-1, 0.2:0", "anchors_no_positive", {}),
        ("abc:1, 0.2:0", "anchor_score", {"index": 1, "value": "abc"}),
        ("0.4:1, 0.2:5", "anchor_label", {"index": 2, "value": "5"}),
        ("0.4:1, 0.2", "anchor_format", {"index": 2, "value": "0.2"}),
        ("0.4:1, nan:0", "anchor_score", {"index": 2, "value": "nan"}),
    ],
)
def test_ap_bad_anchor_lists_give_a_clear_message(app, text, code, params):
    at = _open(app, "ap")
    at.text_input(key="cls_anchors").input(text).run()
    assert not at.exception
    assert _errors(at) == [t(f"cls.err.{code}", **params)]  # one clear message, not a cascade
    at.text_input(key="cls_anchors").input("1:1,0:0").run()
    _ok(at)


def test_table_edits_apply_and_validate():
    scores, labels = [1.0, 0.5, 0.0], [1, 0, 0]
    edits = {"edited_rows": {1: {"score": 2.0}}, "deleted_rows": [2], "added_rows": [{"score": -1.0, "label": 1}]}
    assert A.apply_table_edits(scores, labels, edits) == ([1.0, 2.0, -1.0], [1, 0, 1])
    assert A.apply_table_edits(scores, labels, None) == (scores, labels)
    with pytest.raises(A.InputError) as e:
        A.apply_table_edits(scores, labels, {"edited_rows": {"0": {"score": "abc"}}})
    assert (e.value.code, e.value.params) == ("anchor_score", {"index": 1, "value": "abc"})
    with pytest.raises(A.InputError) as e:
        A.apply_table_edits(scores, labels, {"added_rows": [{"score": 0.3}]})
    assert (e.value.code, e.value.params) == ("anchor_label_missing", {"index": 4})
    with pytest.raises(A.InputError) as e:
        A.apply_table_edits(scores, labels, {"added_rows": [{}]})
    assert e.value.code == "anchor_score_missing"
    text = A.format_anchors(*A.apply_table_edits(scores, labels, edits))
    assert A.parse_anchors(text) == ([1.0, 2.0, -1.0], [1, 0, 1])


def test_figures_plot_the_analysis_numbers():
    from lossviz.figures import classification as F

    ap = A.ap_analysis(*A.parse_anchors("6:0,3:1,0:1,-3:0,-6:0"))
    heat = F.ap_matrix_figure(ap).data[0]
    np.testing.assert_allclose(np.asarray(heat.z), [[1 / 2, 0, 0], [1 / 3, 0, 0]])
    np.testing.assert_allclose(np.asarray(F.ap_matrix_figure(ap, interpolated=True).data[0].z)[:, 0], [1 / 3, 1 / 3])
    bars = F.ap_update_figure(ap).data
    np.testing.assert_allclose(np.asarray(bars[0].y), [1 / 3, -1 / 6, -1 / 6, 0, 0])
    curves = A.focal_curves(0.25, 2.0)
    fig = F.focal_loss_figure(curves)
    assert len(fig.data) == len(A.CLASSIC_GAMMAS) + 1
    np.testing.assert_allclose(np.asarray(fig.data[-1].y), curves.current)
    sim = A.ghm_simulation(10, 0.0, n=2000)
    shares = [np.asarray(tr.y) for tr in F.ghm_contrib_figure(sim).data]
    for s in shares:
        assert s.sum() == pytest.approx(100.0)
    tb = A.class_balanced_table([100, 10, 1], 0.99)
    np.testing.assert_allclose(np.asarray(F.cb_weights_figure(tb).data[0].y), tb.weights)


def test_ghm_simulation_weights_every_non_empty_bin_equally():
    sim = A.ghm_simulation(10, 0.0, n=5000)
    totals = sim.bin_weight * sim.counts
    nonempty = sim.counts > 0
    np.testing.assert_allclose(totals[nonempty], 5000 / nonempty.sum())
    # GHM-C's gradient share is more even across bins than CE's (lower spread of the shares).
    shares = sim.shares()
    assert np.std(shares["GHM-C"][nonempty]) < np.std(shares["CE"][nonempty])


def test_every_error_code_has_a_translation():
    codes = {
        "counts_empty", "counts_too_many", "counts_not_number", "counts_not_integer", "counts_not_positive",
        "counts_too_large", "anchors_empty", "anchors_too_many", "anchors_no_positive", "anchor_format",
        "anchor_score", "anchor_score_missing", "anchor_label", "anchor_label_missing", "ghm_n", "ghm_mix",
        "population", "probability",
    }  # fmt: skip
    for code in codes:
        for lang in ("en", "zh"):
            assert t(f"cls.err.{code}", lang=lang, index=1, value="x", n=1, max=2, easy=1, outliers=1, name="p")


# ------------------------------------------------------------------------------------ issue 14: noise, teaching


def test_ap_table_shows_a_dash_where_a_value_does_not_apply_never_none(app):
    """Precision exists for positives only and an ignored anchor has no rank: a dash, explained, not "None"."""
    at = _open(app, "ap", cls_anchors="0.5:1,9:-1,0:0")
    _ok(at)
    df = _frame(at, t("cls.ap.col.precision"))
    prec, rank = df[t("cls.ap.col.precision")].tolist(), df[t("cls.ap.col.rank")].tolist()
    assert not df.isna().any().any(), df
    assert prec == ["0.8000", F.NOT_APPLICABLE, F.NOT_APPLICABLE]  # the positive, the negative, the ignored anchor
    assert rank == ["1", "2", F.NOT_APPLICABLE]
    assert any(c.value == t("cls.ap.dash_note") for c in at.caption)


def test_ap_update_chart_gives_each_series_its_own_colour():
    """The legend swatch is the first bar's colour: per-bar colours made both series show the same green."""
    fig = F.ap_update_figure(A.ap_analysis(*A.parse_anchors(A.DEFAULT_ANCHORS)), as_dict=True)
    colours = [tr["marker"]["color"] for tr in fig["data"]]
    assert all(isinstance(c, str) for c in colours) and len(set(colours)) == len(colours), colours


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reference_level_is_a_legend_entry_not_a_label_on_the_bars(lang):
    """The "no re-weighting" label at w = 1 sat on the last bar: it is now a legend entry of a dotted line."""
    from lossviz import i18n

    i18n.set_lang(lang)
    try:
        cb = F.cb_weights_figure(A.class_balanced_table([5000, 2000, 800, 8], 0.999), as_dict=True)
        gh = F.ghm_weight_figure(A.ghm_simulation(10, 0.0, n=2000), as_dict=True)
        for fig in (cb, gh):
            assert not fig["layout"].get("annotations")
            guide = [tr for tr in fig["data"] if tr.get("name") == t("cls.fig.no_reweight", lang=lang)]
            assert len(guide) == 1 and set(guide[0]["y"]) == {1.0}
    finally:
        i18n.set_lang("en")


def _all_figures() -> list[dict]:
    curves, grads = A.focal_curves(0.25, 2.0), A.focal_gradients(0.25, 2.0)
    pop = A.population_shares(1000, 10, 0.05, 0.5, 0.25, 2.0)
    sim = A.ghm_simulation(10, 0.5, n=2000)
    ap = A.ap_analysis(*A.parse_anchors(A.DEFAULT_ANCHORS))
    return [
        F.focal_loss_figure(curves, as_dict=True), F.modulating_figure(curves, as_dict=True),
        F.focal_grad_figure(grads, as_dict=True), F.population_figure(pop, as_dict=True),
        F.effective_number_figure(A.effective_number_curves(), as_dict=True),
        F.cb_weights_figure(A.class_balanced_table([100, 10], 0.99), as_dict=True),
        F.ghm_density_figure(sim, as_dict=True), F.ghm_weight_figure(sim, as_dict=True),
        F.ghm_contrib_figure(sim, as_dict=True), F.ap_update_figure(ap, as_dict=True),
        F.ap_matrix_figure(ap, as_dict=True), F.ap_matrix_figure(ap, interpolated=True, as_dict=True),
    ]  # fmt: skip


def _texts(fig: dict) -> list[str]:
    lay = fig["layout"]
    out = [lay["title"]["text"], lay["xaxis"]["title"]["text"], lay["yaxis"]["title"]["text"]]
    return out + [tr["name"] for tr in fig["data"] if tr.get("name")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_titles_and_legends_use_real_subscripts_and_superscripts(lang):
    """p_t, (1 − p_t)^γ, E_n, L_ij are written with <sub>/<sup> (Plotly renders them), never as TeX-ish text."""
    from lossviz import i18n

    i18n.set_lang(lang)
    try:
        texts = [s for fig in _all_figures() for s in _texts(fig)]
    finally:
        i18n.set_lang("en")
    bad = [s for s in texts if any(raw in s for raw in ("p_t", "^γ", "E_n", "L_ij", "_{", "^{"))]
    assert not bad, bad
    assert any("p<sub>t</sub>" in s for s in texts) and any("<sup>γ</sup>" in s for s in texts)


def test_chart_titles_are_translated():
    from lossviz import i18n

    titles = {}
    for lang in ("en", "zh"):
        i18n.set_lang(lang)
        titles[lang] = [fig["layout"]["title"]["text"] for fig in _all_figures()]
    i18n.set_lang("en")
    assert all(en != zh for en, zh in zip(titles["en"], titles["zh"], strict=True))


@pytest.mark.parametrize("panel", list(PANELS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_panel_has_a_translated_heading_and_links_its_paper_on_arxiv(app, panel, lang):
    at = _open(app, panel, lang=lang)
    _ok(at)
    assert t(f"cls.head.{panel}", lang=lang) in [h.value for h in at.subheader]
    paper = A.PAPERS[panel]
    assert any(f"]({paper.url})" in c.value for c in at.caption)
    # The id is the one the core's docstring cites for that loss (no second source of truth to drift apart).
    core = {"focal": losses.sigmoid_focal_loss, "cb": losses.class_balanced_loss, "ghm": losses.ghm_c_loss,
            "ap": losses.ap_loss}[panel]  # fmt: skip
    assert paper.url in core.__doc__


def test_focal_fig1_preset_reproduces_the_papers_figure_in_one_click(app):
    """Lin et al. 2017, Fig. 1: CE and FL for γ ∈ {0, 0.5, 1, 2, 5}, loss vs p_t, no α — and the page says so."""
    at = _open(app, "focal", cls_gamma="3.5")
    _ok(at)
    assert not any("Fig. 1" in s.value for s in at.success)
    at.button(key="cls_preset_fig1").click().run()
    _ok(at)
    assert at.slider(key="cls_gamma").value == 2.0 and at.toggle(key="cls_use_alpha").value is False
    assert [s.value for s in at.success] == [t("cls.preset.shows.fig1")]
    assert "arxiv.org/abs/1708.02002" in at.success[0].value
    fig = F.focal_loss_figure(A.focal_curves(-1.0, 2.0), as_dict=True)  # what the page now draws
    assert [tr["name"] for tr in fig["data"]] == ["γ = 0 (CE)", "γ = 0.5", "γ = 1", "γ = 2", "γ = 5"]
    assert fig["layout"]["yaxis"]["range"] == [0, 5] and fig["layout"]["xaxis"]["range"] == [0, 1]
    # Moving away from the preset's values removes the claim.
    at.slider(key="cls_gamma").set_value(2.5).run()
    assert not at.success


def _page_runs(monkeypatch) -> list:
    """Counts the runs of the page's own top level (its explanation is drawn there, outside every tab)."""
    from lossviz.components import shell

    runs, real = [], shell.explanation
    monkeypatch.setattr(shell, "explanation", lambda *a, **k: runs.append(1) or real(*a, **k))
    return runs


def test_a_gamma_step_reruns_the_focal_sections_not_the_page(app, monkeypatch):
    """Issue 15 item 3: a step of γ reran the whole focal tab (its heading, text, controls, formulas and notes), and
    a browser's paint waits on every element re-sent. It now reruns the two sections that follow γ and α: the curves
    with their metrics and gradients, and the population."""
    at = _open(app, "focal")
    runs = _page_runs(monkeypatch)
    at.slider(key="cls_gamma").set_value(3.0).run()
    _ok(at)
    assert runs == []
    assert not at.subheader and "cls_gamma" not in [s.key for s in at.slider]  # the tab's head and controls stay
    pop = A.population_shares(100_000, 100, 0.05, 0.5, 0.25, 3.0)
    assert F.population_summary(pop, 0.25, 3.0) in [m.value for m in at.markdown]  # the population follows γ
    shown = {m.label: m.value for m in at.metric}
    for metric in F.population_metrics(pop) + F.focal_metrics(0.25, 3.0):
        assert shown[metric["label"]] == metric["value"]
    at.run()
    assert runs == [1] and at.slider(key="cls_gamma").value == 3.0


def test_a_gamma_step_re_sends_only_what_gamma_changes_not_formulas_explanations_or_population_inputs(app):
    """A γ step kept Chromium busy ~550 ms against ~245 ms for the bare page; React and Streamlit's styled components
    drew every element the sections re-sent (issue 15 item 3). The formulas, the explanations and the population's
    inputs do not change with γ and are no longer in the sections γ reruns. The download buttons are: a click builds
    its file from the run that drew the button (see the browser test of the CSVs)."""
    at = _open(app, "focal")
    at.slider(key="cls_gamma").set_value(3.0).run()
    _ok(at)
    assert not at.latex and not at.expander and not at.number_input
    charts = {c.proto.id.rsplit("-", 1)[-1] for c in at.get("bidi_component")}
    assert {"cls_focal_curves", "cls_focal_factor", "cls_focal_grad", "cls_pop"} <= charts, charts
    assert len(at.get("download_button")) == 3
    at.run()  # the page: the notes and inputs are all there
    assert at.latex and at.expander and at.number_input(key="cls_nneg")


def test_a_population_input_reruns_its_section_not_the_page_nor_the_focal_curves(app, monkeypatch):
    at = _open(app, "focal")
    runs = _page_runs(monkeypatch)
    at.number_input(key="cls_nneg").set_value(50_000).run()
    _ok(at)
    assert runs == [] and not [c for c in at.get("bidi_component") if "cls_focal" in c.proto.id]
    pop = A.population_shares(50_000, 100, 0.05, 0.5, 0.25, 2.0)
    assert F.population_summary(pop, 0.25, 2.0) in [m.value for m in at.markdown]


def test_the_sections_read_gamma_alpha_and_the_population_from_the_session():
    """A section's own run reuses the arguments of the run that drew it, so it reads the controls' values from the
    session (missing values: the controls' defaults)."""
    from lossviz.cached import classification as C

    state = {"cls_use_alpha": True, "cls_alpha": 0.5, "cls_gamma": 3.0, "cls_nneg": 5000}
    assert C.focal_in(state).metrics == C.focal(0.5, 3.0).metrics
    assert C.population_in(state).text == C.population(5000, 100, 0.05, 0.5, 0.5, 3.0).text
    assert C.focal_in({}).metrics == C.focal(0.25, 2.0).metrics
    assert C.population_in({"cls_use_alpha": False}).text == C.population(100_000, 100, 0.05, 0.5, -1.0, 2.0).text


def test_a_preset_no_longer_shown_after_a_gamma_step_is_clickable_and_sets_the_sliders(app):
    """The preset buttons are drawn in the γ-following section (the one shown is greyed out): after a step away,
    Fig. 1's button is enabled again, and a click reruns the page so that the sliders, drawn outside, show its γ."""
    at = _open(app, "focal", cls_gamma="2.0", cls_use_alpha="false")
    assert at.button(key="cls_preset_fig1").disabled
    at.slider(key="cls_gamma").set_value(2.5).run()
    assert not at.button(key="cls_preset_fig1").disabled and not at.success
    at.button(key="cls_preset_fig1").click().run()
    _ok(at)
    assert at.slider(key="cls_gamma").value == 2.0 and at.button(key="cls_preset_fig1").disabled
    assert [s.value for s in at.success] == [t("cls.preset.shows.fig1")]


def test_focal_presets_live_in_analysis_as_data():
    assert A.matching_preset(A.FOCAL_PRESETS, {"cls_use_alpha": False, "cls_gamma": 2.0}) == "fig1"
    assert A.matching_preset(A.FOCAL_PRESETS, {"cls_use_alpha": True, "cls_alpha": 0.25, "cls_gamma": 2.0}) == "best"
    assert A.matching_preset(A.FOCAL_PRESETS, {"cls_use_alpha": True, "cls_alpha": 0.3, "cls_gamma": 2.0}) is None


def test_population_change_that_rounds_to_zero_is_shown_as_zero_and_the_summary_matches(app):
    """γ = 0 without α: focal loss is CE, the change is exactly 0 — not "+0.0 pp" — and no "cut" is claimed."""
    at = _open(app, "focal", cls_gamma="0", cls_use_alpha="false")
    _ok(at)
    fl = next(m for m in at.metric if m.label == t("cls.pop.m_loss", name="FL"))
    assert fl.proto.delta == "0.0 pp"
    text = " ".join(m.value for m in at.markdown)
    assert t("cls.pop.summary_cut") not in text and t("cls.pop.summary_same", alpha=t("cls.off")) in text
    at.slider(key="cls_gamma").set_value(2.0).run()  # a real cut: the sentence says so
    assert t("cls.pop.summary_cut") in " ".join(m.value for m in at.markdown)


def test_round_off_is_snapped_to_zero_in_tables_and_bars():
    ap = A.ap_analysis(*A.parse_anchors(A.DEFAULT_ANCHORS))
    assert (A.snap_zero(np.array([-1e-17, 2e-13, 0.5])) == np.array([0.0, 0.0, 0.5])).all()
    assert str(A.snap_zero(-1e-17)) == "0.0"  # not "-0.0"
    shown = F.ap_table(ap)[t("cls.ap.col.ap_update")].to_numpy()
    assert (shown == 0).any() and not np.signbit(shown[shown == 0]).any()  # zeros, none of them "-0.0000"


# --------------------------------------------------------------------------------------- issue 14: thin page


def test_page_is_thin_widgets_in_figures_out():
    """Thin (454 lines before, then 185, then 161; the issue asks for ~150): no LaTeX, table building, refusal
    handling or session-state bookkeeping of its own (those live beside the figures, in analysis, in the caches'
    views or in the widgets)."""
    src = (Path(__file__).resolve().parents[1] / "lossviz" / "pages" / "classification.py").read_text(encoding="utf-8")
    assert len(src.splitlines()) <= 150, len(src.splitlines())  # 454, then 185, then 161
    assert "except" not in src  # a refused input comes back in the view (lossviz.cached.classification)
    assert r"\frac" not in src and "st.latex(r" not in src
    assert "_cls_ap_ver" not in src and "_cls_ap_last" not in src  # no hand-versioned editor keys


# ------------------------------------------------------------------------------- issue 15: tabs, old links kept

OLD_LINKS = {  # a link made before the tabs, per panel: every control's URL key with a non-default value
    "focal": {"cls_gamma": "3.5", "cls_use_alpha": "true", "cls_alpha": "0.4", "cls_nneg": "5000", "cls_npos": "50",
              "cls_neg_p": "0.02", "cls_pos_p": "0.3"},
    "cb": {"cls_counts": "900,90,9", "cls_beta": "0.99", "cls_cb_type": "focal", "cls_cb_gamma": "1.5"},
    "ghm": {"cls_bins": "20", "cls_momentum": "0.5", "cls_ghm_easy": "0.8", "cls_ghm_out": "0.02"},
    "ap": {"cls_anchors": "2:1,1:0,0:1", "cls_delta": "0.5", "cls_ap_interp": "true"},
}  # fmt: skip


def _widget_value(at, key: str):
    for kind in ("slider", "number_input", "toggle", "text_input", "selectbox", "button_group"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0].value
    raise AssertionError(f"no control {key}")


@pytest.mark.parametrize("panel", list(PANELS))
def test_old_links_set_every_control_of_their_panel(app, panel):
    at = _open(app, panel, **OLD_LINKS[panel])
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    for key, raw in OLD_LINKS[panel].items():
        value = _widget_value(at, key)
        want = {"true": True, "false": False}.get(raw, raw)
        assert str(value) == str(want) or value == pytest.approx(float(raw)), (key, value, raw)
    assert set(OLD_LINKS[panel]) <= set(A.URL_KEYS)


def test_keys_of_a_closed_tab_are_kept_on_a_fresh_link(app):
    """Only the open tab runs, but a link may carry the other tabs' settings: none is reported or dropped."""
    at = app(page="classification", query={"cls_gamma": "3.5", "cls_counts": "900,90,9", "cls_bins": "20"})
    _ok(at)
    assert at.slider(key="cls_gamma").value == 3.5  # the focal tab is open by default
    assert not at.warning, [w.value for w in at.warning]
    at.session_state["cls_panel"] = PANELS["ghm"]
    at.run()
    assert at.slider(key="cls_bins").value == 20


# ------------------------------------------------------------------------------ issue 15: per-rerun cost (wave 3)


def _page_source() -> str:
    return (Path(__file__).resolve().parents[1] / "lossviz" / "pages" / "classification.py").read_text(encoding="utf-8")


def test_caches_are_defined_once_per_process_not_in_the_page():
    """A cache_data decorator executed by the page hashed its function's source (inspect.getsource) on every rerun;
    the caches live in lossviz/cached/classification.py, imported once per process."""
    from lossviz.cached import classification as C

    assert "cache_data" not in _page_source() and "cache_resource" not in _page_source()
    for name in ("_focal", "_population", "_effective", "_class_balanced", "_ghm", "_ap", "_ap_matrix"):
        assert hasattr(getattr(C, name), "clear"), name  # an st.cache_data function


def test_a_rerun_serialises_no_csv_until_a_download_is_clicked(app, monkeypatch):
    """Every tab's CSV rows were written on every rerun (pandas to_csv in the profile); now only on a click."""
    from lossviz.components import downloads

    written = []
    monkeypatch.setitem(downloads._ENCODE, "csv", lambda data: written.append(data) or b"")
    for panel in PANELS:
        at = _open(app, panel)
        _ok(at)
        assert any(b.label == t("common.download_csv") for b in at.get("download_button"))
    assert written == []


def _counting(monkeypatch) -> list:
    calls = []
    real = losses.sigmoid_focal_loss

    def counted(*args, **kwargs):
        calls.append(kwargs.get("gamma"))
        return real(*args, **kwargs)

    monkeypatch.setattr(losses, "sigmoid_focal_loss", counted)
    return calls


def test_a_gamma_step_evaluates_the_core_only_for_what_gamma_changes(monkeypatch):
    """A γ step recomputed the five classic curves, CE's gradients and CE over the population (12 loss calls on
    100,100 + 1,000 points); the classic curves and CE are the same for every γ: 3 calls on a few hundred points."""
    A.focal_curves(0.25, 2.0), A.focal_gradients(0.25, 2.0), A.population_shares(100000, 100, 0.05, 0.5, 0.25, 2.0)
    calls = _counting(monkeypatch)
    gamma = 2.0 + np.random.default_rng().integers(1, 10**6) * 1e-7  # a value no earlier test has cached
    curves, grads = A.focal_curves(0.25, gamma), A.focal_gradients(0.25, gamma)
    pop = A.population_shares(100000, 100, 0.05, 0.5, 0.25, gamma)
    assert calls == [gamma] * 3, calls
    # ... and the numbers are those of the full computation.
    x = torch.tensor(A.logit(curves.p_t))
    np.testing.assert_allclose(curves.loss[5.0], torch.nn.functional.binary_cross_entropy_with_logits(
        x, torch.ones_like(x), reduction="none").numpy() * (1 - curves.p_t) ** 5, rtol=1e-9)  # fmt: skip
    assert grads.ce_grad[1] == pytest.approx(1 / (1 + np.exp(-grads.x)) - 1)
    assert pop.share("loss", "FL") < pop.share("loss", "CE")


def test_a_ghm_bins_step_does_not_recompute_the_batches_or_ce_and_focal_gradients(monkeypatch):
    A.ghm_simulation(10, 0.0)
    calls = _counting(monkeypatch)
    sim = A.ghm_simulation(13, 0.0)
    assert calls == []  # before: CE and FL on the 20,000 examples again (2 calls) and 5 batches sampled again
    assert sim.bins == 13 and sim.counts.sum() == 20000


_NAMES = ("Focal Loss", "Focal", "focal", "AP-loss", "GHM-C", "logit", "softmax", "sigmoid")


def _english_words(text: str) -> list[str]:
    """Words of 3+ Latin letters left after HTML tags and the methods' own names (kept in Chinese texts too)."""
    text = re.sub(r"<[^>]+>", " ", str(text))
    for name in _NAMES:
        text = text.replace(name, "")
    return re.findall(r"[A-Za-z]{3,}", text)


def _views():
    from lossviz.cached import classification as C

    scores, labels = A.parse_anchors(A.DEFAULT_ANCHORS)
    return [C.focal(0.25, 2.0), C.population(1000, 10, 0.05, 0.5, 0.25, 2.0), C.effective(),
            C.class_balanced("100,10", 0.99, "focal", 2.0), C.ghm(10, 0.5, 0.9, 0.01), C.ap(scores, labels, 1.0),
            C.ap_matrix(scores, labels, 1.0, False), C.ap_matrix(scores, labels, 1.0, True)]  # fmt: skip


def _csv_texts(data) -> list[str]:
    """Headers, and the text cells of a table (the population's "loss"/"grad" column)."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return [*map(str, data.columns), *(v for c in data.columns for v in data[c] if isinstance(v, str))]
    return list(map(str, data))


def test_chinese_page_translates_chart_texts_and_csv_headers():
    """In Chinese the CSV files had English headers (p_t, FL_gamma=2, neg_share, bin_left, ...) and "quantity"
    values; charts said "CE, 正样本". Everything a chart or a CSV shows is Chinese now, except the methods' names and
    symbols; English files keep the analysis results' own column names."""
    from lossviz import i18n

    try:
        i18n.set_lang("zh")
        views = _views()
        texts = [s for v in views for fig in v.figures.values() for s in _texts(fig)]
        texts += [s for v in views for data in v.csv.values() for s in _csv_texts(data)]
        assert len(texts) > 80
        left = {s: _english_words(s) for s in texts if _english_words(s)}
        assert not left, left
        assert not any(", " in s for v in views for fig in v.figures.values() for s in _texts(fig))  # "，" in zh
        i18n.set_lang("en")
        focal, _, eff, cb, ghm, ap, matrix, _ = _views()
        curves, grads = focal.result
        assert list(focal.csv["focal_curves"]) == list(curves.columns())
        assert list(focal.csv["focal_gradients"]) == list(grads.columns())
        assert list(eff.csv["effective_number"]) == list(eff.result.columns())
        assert list(cb.csv["class_balanced_weights"]) == list(cb.result.columns())
        assert list(ghm.csv["ghm_c"]) == list(ghm.result.columns())
        assert list(ap.csv["ap_loss_anchors"]) == list(ap.result.columns())
        assert list(matrix.csv["ap_loss_L_matrix"]) == list(F.ap_matrix_columns(matrix.result, False))
    finally:
        i18n.set_lang("en")


def test_every_colour_of_the_page_comes_from_the_shared_palette():
    """Issue 14: one palette everywhere. Every colour and colour scale in this page's figures is a value defined in
    lossviz/figures/style.py, and the module writes no colour literal of its own."""
    from lossviz.figures import style as S

    palette = set()
    for value in vars(S).values():
        if isinstance(value, str):
            palette.add(value)
        elif isinstance(value, dict):
            palette.update(v for v in value.values() if isinstance(v, str))
        elif isinstance(value, tuple):
            palette.update(v for v in value if isinstance(v, str))
    used = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key in ("color", "colorscale") and isinstance(node, str):
            used.append(node)

    for fig in _all_figures():
        walk(fig["data"])
        walk({k: v for k, v in fig["layout"].items() if k != "template"})
    assert used and not set(used) - palette, set(used) - palette
    src = (Path(F.__file__)).read_text(encoding="utf-8")
    assert not re.findall(r"#[0-9a-fA-F]{6}\b|rgba?\(", src)
