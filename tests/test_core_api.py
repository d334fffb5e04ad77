"""The loss core reads like torchvision and mmdetection (issue 13): signatures, names, docstrings, weight/avg_factor."""

from __future__ import annotations

import importlib
import inspect

import pytest
import torch

from lossviz import losses
from lossviz.losses import classification, distribution, iou, regression

NWD = importlib.import_module("lossviz.losses.nwd")  # the package's ``nwd`` is the function of that name
MODULES = (regression, classification, iou, distribution, NWD)
_FUNCTIONS = {
    name: obj for module in MODULES for name in module.__all__ if inspect.isfunction(obj := getattr(module, name))
}
PUBLIC = [*sorted(_FUNCTIONS.items()), ("value_and_grad", losses.value_and_grad)]

# The data a function works on, which may be passed positionally; everything else is a keyword-only option.
DATA = {
    "pred", "target", "logits", "targets", "labels", "counts", "boxes1", "boxes2", "d", "p_t", "n", "a", "t", "grid",
    "logits_or_probs", "target_dist", "p", "code", "fn",
}  # fmt: skip
#: names that mean the same thing as one of DATA and must not appear (torchvision's ``inputs``, AP-loss' ``scores``)
SYNONYMS = {"inputs", "scores", "gt", "preds", "input", "label", "y", "x"}
#: public functions that are tools rather than losses from a paper
NO_PAPER = {"value_and_grad": "a differentiation helper"}


@pytest.mark.parametrize(("name", "fn"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_hyper_parameters_are_keyword_only_after_the_data_arguments(name, fn):
    params = inspect.signature(fn).parameters.values()
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert set(positional) <= DATA, f"{name}: {positional} may be passed positionally"


@pytest.mark.parametrize(("name", "fn"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_one_name_for_each_thing_across_the_core(name, fn):
    names = set(inspect.signature(fn).parameters)
    assert not names & SYNONYMS, f"{name} uses {names & SYNONYMS}"
    if "labels" in names:  # labels are class indices only
        assert name == "class_balanced_loss", name


@pytest.mark.parametrize(("name", "fn"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_every_public_docstring_has_raises_and_an_arxiv_link(name, fn):
    doc = inspect.getdoc(fn) or ""
    assert "Raises:" in doc, name
    if name not in NO_PAPER:
        assert "https://arxiv.org/abs/" in doc, name


def test_siou_loss_with_a_positional_reduction_is_a_type_error_not_a_theta_error():
    box = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    with pytest.raises(TypeError, match="positional"):
        losses.siou_loss(box, box, "mean")
    assert losses.siou_loss(box, box, reduction="mean").item() == pytest.approx(0.0, abs=1e-6)


BOXES = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 4.0, 8.0], [3.0, 3.0, 6.0, 9.0]], dtype=torch.float64)
TARGETS = torch.tensor([[2.0, 3.0, 12.0, 11.0], [1.0, 1.0, 5.0, 7.0], [0.0, 0.0, 6.0, 6.0]], dtype=torch.float64)
RESID = torch.tensor([0.3, -2.0, 0.01], dtype=torch.float64)
LOGITS = torch.tensor([-2.0, 0.5, 3.0], dtype=torch.float64)
HOT = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
WEIGHTED = [
    *[(code, losses.IOU_LOSSES[code], BOXES, TARGETS) for code in losses.IOU_LOSSES],
    ("l1_loss", losses.l1_loss, RESID, torch.zeros(3, dtype=torch.float64)),
    ("l2_loss", losses.l2_loss, RESID, torch.zeros(3, dtype=torch.float64)),
    ("smooth_l1_loss", losses.smooth_l1_loss, RESID, torch.zeros(3, dtype=torch.float64)),
    ("balanced_l1_loss", losses.balanced_l1_loss, RESID, torch.zeros(3, dtype=torch.float64)),
    ("asl1_loss", losses.asl1_loss, RESID, torch.zeros(3, dtype=torch.float64)),
    ("ghm_r_loss", losses.ghm_r_loss, RESID, torch.zeros(3, dtype=torch.float64)),
    ("sigmoid_focal_loss", losses.sigmoid_focal_loss, LOGITS, HOT),
    ("ghm_c_loss", losses.ghm_c_loss, LOGITS, HOT),
]


@pytest.mark.parametrize(("name", "fn", "pred", "target"), WEIGHTED, ids=[w[0] for w in WEIGHTED])
def test_weight_and_avg_factor_follow_mmdetection_weight_reduce_loss(name, fn, pred, target):
    weight = torch.tensor([0.0, 2.0, 0.5], dtype=torch.float64)
    per = fn(pred, target)  # one value per element / box
    assert per.shape == (3,)
    # mmdetection: loss * weight, then sum / avg_factor for "mean", plain sum for "sum"
    torch.testing.assert_close(fn(pred, target, weight=weight), per * weight)
    torch.testing.assert_close(fn(pred, target, weight=weight, reduction="sum"), (per * weight).sum())
    torch.testing.assert_close(fn(pred, target, weight=weight, reduction="mean"), (per * weight).sum() / 3)
    torch.testing.assert_close(
        fn(pred, target, weight=weight, reduction="mean", avg_factor=7.0), (per * weight).sum() / 7.0
    )
    with pytest.raises(ValueError, match="avg_factor"):
        fn(pred, target, reduction="sum", avg_factor=2.0)
    with pytest.raises(ValueError, match="weight"):
        fn(pred, target, weight=torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64))
    with pytest.raises(ValueError, match="weight"):
        fn(pred, target, weight=torch.ones(5, dtype=torch.float64))


@pytest.mark.parametrize("code", list(losses.IOU_LOSSES))
def test_box_losses_average_a_per_coordinate_weight_like_mmdetection(code):
    fn = losses.IOU_LOSSES[code]
    weight4 = torch.tensor([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0], [4.0, 0.0, 0.0, 0.0]], dtype=torch.float64)
    torch.testing.assert_close(fn(BOXES, TARGETS, weight=weight4), fn(BOXES, TARGETS) * weight4.mean(-1))
