"""One registration per IoU-family loss (issue 13): the registry is consistent with the functions, the analysis and
the page derive from it, and every term equals an independent closed form (never the term functions themselves)."""

from __future__ import annotations

import inspect
import math

import pytest
import torch

from lossviz import losses
from lossviz.analysis import iou as A

# pred 2 x 1 at the origin, target 1 x 3: every term is a small hand computation
PRED = torch.tensor([[0.0, 0.0, 2.0, 1.0]], dtype=torch.float64)
TARGET = torch.tensor([[1.0, 0.0, 2.0, 3.0]], dtype=torch.float64)
IOU = 1.0 / 4.0  # intersection 1 (x in [1, 2], y in [0, 1]); union 2 + 3 - 1 = 4
GIOU_PEN = (6.0 - 4.0) / 6.0  # enclosing box [0, 0, 2, 3]
RHO2, C2 = 0.5**2 + 1.0**2, 2.0**2 + 3.0**2  # centres (1, 0.5) and (1.5, 1.5); enclosing diagonal
V = 4 / math.pi**2 * (math.atan(1 / 3) - math.atan(2 / 1)) ** 2
ALPHA_V = V / (1 - IOU + V)


def _siou_closed_form(theta=4.0):
    dx, dy = 0.5, 1.0
    sigma = math.hypot(dx, dy)
    lam = 1 - 2 * math.sin(math.asin(dy / sigma) - math.pi / 4) ** 2  # the paper's form, with arcsin
    gamma = 2 - lam
    delta = sum(1 - math.exp(-gamma * r) for r in ((dx / 2.0) ** 2, (dy / 3.0) ** 2))
    omega = sum((1 - math.exp(-w)) ** theta for w in (1 / 2, 2 / 3))
    return delta / 2, omega / 2


CLOSED_FORMS = {
    ("iou", ()): {"1 - IoU": 1 - IOU},
    ("iou", (("mode", "square"),)): {"1 - IoU²": 1 - IOU**2},
    ("iou", (("mode", "log"),)): {"-ln IoU": -math.log(IOU)},
    ("giou", ()): {"1 - IoU": 1 - IOU, "(C - U)/C": GIOU_PEN},
    ("diou", ()): {"1 - IoU": 1 - IOU, "ρ²/c²": RHO2 / C2},
    ("ciou", ()): {"1 - IoU": 1 - IOU, "ρ²/c²": RHO2 / C2, "α·v": ALPHA_V * V},
    ("eiou", ()): {"1 - IoU": 1 - IOU, "ρ²/c²": RHO2 / C2, "(w - w_t)²/C_w²": 1 / 4, "(h - h_t)²/C_h²": 4 / 9},
    ("siou", ()): dict(zip(("1 - IoU", "Δ/2", "Ω/2"), (1 - IOU, *_siou_closed_form()), strict=True)),
    ("alpha_iou", (("alpha", 2.0), ("variant", "ciou"))): {
        "1 - IoU^α": 1 - IOU**2,
        "(ρ²/c²)^α": (RHO2 / C2) ** 2,
        "(β·v)^α": (ALPHA_V * V) ** 2,
    },
    ("alpha_iou", (("alpha", 0.5), ("variant", "giou"))): {"1 - IoU^α": 1 - IOU**0.5, "((C - U)/C)^α": GIOU_PEN**0.5},
    ("wiou", ()): {"1 - IoU": 1 - IOU, "(R - 1)(1 - IoU)": math.expm1(RHO2 / C2) * (1 - IOU)},
}


@pytest.mark.parametrize(("case", "expected"), CLOSED_FORMS.items(), ids=[f"{c}{dict(o)}" for c, o in CLOSED_FORMS])
def test_every_term_equals_its_independent_closed_form(case, expected):
    code, options = case
    terms = losses.iou_loss_terms(code, PRED, TARGET, eps=1e-15, **dict(options))
    assert list(terms) == list(expected)
    for key, value in expected.items():
        assert terms[key].item() == pytest.approx(value, rel=1e-9, abs=1e-12), key
    total = losses.IOU_LOSSES[code](PRED, TARGET, eps=1e-15, **dict(options)).item()
    assert total == pytest.approx(sum(expected.values()), rel=1e-9)


def test_the_registry_lists_every_loss_once_and_the_public_tables_derive_from_it():
    specs = losses.IOU_LOSS_SPECS
    assert list(losses.IOU_LOSSES) == list(specs) == list(losses.IOU_LOSS_NAMES) == list(losses.IOU_LOSS_DEFAULTS)
    for code, spec in specs.items():
        assert losses.IOU_LOSSES[code].__wrapped__ is spec.fn
        assert losses.IOU_LOSS_NAMES[code] == spec.name
        assert spec.paper.startswith("https://arxiv.org/abs/") and spec.paper in inspect.getdoc(spec.fn)


@pytest.mark.parametrize("code", list(losses.IOU_LOSS_SPECS))
def test_registered_options_are_exactly_the_function_keyword_options_with_the_same_defaults(code):
    spec = losses.IOU_LOSS_SPECS[code]
    params = inspect.signature(spec.fn).parameters
    own = {
        n: p.default
        for n, p in params.items()
        if n not in ("pred", "target", "reduction", "eps", "weight", "avg_factor")
    }
    assert own == spec.defaults


OUT_OF_RANGE = [
    (code, opt) for code, spec in losses.IOU_LOSS_SPECS.items() for opt in spec.options if opt.kind == "float"
]


@pytest.mark.parametrize(("code", "opt"), OUT_OF_RANGE, ids=[f"{c}.{o.name}" for c, o in OUT_OF_RANGE])
def test_the_loss_enforces_exactly_the_registered_range(code, opt):
    fn = losses.IOU_LOSSES[code]
    extra = {"version": "v3"} if code == "wiou" else {}
    for inside in (opt.high, opt.low if not opt.low_open else opt.low + 1e-9):
        assert torch.isfinite(fn(PRED, TARGET, **extra, **{opt.name: inside})).all()
    for outside in (opt.high * (1 + 1e-9), opt.low - 1e-9 if not opt.low_open else opt.low):
        with pytest.raises(ValueError, match=opt.name):
            fn(PRED, TARGET, **extra, **{opt.name: outside})


def test_the_analysis_options_and_geometry_come_from_the_registration():
    assert A.MODES == losses.IOU_LOSS_SPECS["iou"].option("mode").choices
    assert A.ALPHA_VARIANTS == losses.IOU_LOSS_SPECS["alpha_iou"].option("variant").choices
    alpha = losses.IOU_LOSS_SPECS["alpha_iou"].option("alpha")
    assert alpha.low < A.ALPHA_RANGE[0] and A.ALPHA_RANGE[1] <= alpha.high  # the page's slider is inside the range
    assert A.Options(mode="log").for_loss("iou") == {"mode": "log"}
    assert A.Options(mode="log").for_loss("giou") == {}
    assert A.reads("ciou") == ("inter", "rho", "c", "aspect")
    assert A.reads("alpha_iou", A.Options(alpha_variant="giou")) == ("inter", "enclose")
    assert A.reads("alpha_iou", A.Options(alpha_variant="iou")) == ("inter",)


def test_the_formula_terms_of_the_analysis_sum_to_the_loss():
    pred, target = (0.0, 0.0, 20.0, 10.0), (10.0, 0.0, 20.0, 30.0)
    for code in losses.IOU_LOSS_SPECS:
        terms = A.formula_terms(code, pred, target)
        assert all(term.tex == losses.TERM_TEX[term.key] for term in terms)
        assert sum(term.value for term in terms) == pytest.approx(A.loss_row(code, pred, target).value, rel=1e-12)


def test_eps_share_of_a_page_sized_pair_is_negligible_and_of_a_tiny_pair_is_not():
    assert A.eps_share((0.0, 0.0, 1.0, 1.0), (0.0, 0.0, 1.0, 1.0)) < 1e-6  # the page's smallest box
    assert A.eps_share((0.0, 0.0, 1e-4, 1e-4), (0.0, 0.0, 1e-4, 1e-4)) > A.EPS_NOTE_SHARE
