"""The assigner and the negative samplers of ``lossviz.losses.sampling``: against plain-Python references of
mmdetection's ``IoUBalancedNegSampler`` and of the paper's definition, per-bin counts, short bins, top-ups,
seeded determinism and mmdetection's edge cases."""

from __future__ import annotations

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses
from lossviz.losses import sampling
from tests import libra_reference as ref


@pytest.fixture
def deterministic_choice(monkeypatch):
    """Make the core's random choice take the ``k`` smallest indices, as ``ref.first_k``: outputs become comparable."""

    def first_k(gallery, num, generator):
        return gallery if num >= gallery.numel() else torch.sort(gallery).values[:num]

    monkeypatch.setattr(sampling, "_choice", first_k)


def _pool(ious: list[float], neg_below: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    mo = torch.tensor(ious, dtype=torch.float64)
    return torch.nonzero(mo < neg_below).flatten(), mo


def _bin_counts(mo: torch.Tensor, idx: torch.Tensor, edges: list[float]) -> list[int]:
    v = mo[idx]
    return [int(((v >= lo) & (v < hi)).sum()) for lo, hi in itertools.pairwise(edges)]


# ------------------------------------------------------------------------------------------------------ assigner


def test_assigner_splits_negative_ignored_and_positive_at_the_thresholds():
    gt = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
    # IoU 1, 0.5 (half the box), 0.25 (a quarter), 0 (disjoint)
    props = torch.tensor(
        [[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 5.0, 10.0], [0.0, 0.0, 5.0, 5.0], [20.0, 20.0, 30.0, 30.0]]
    )
    a = losses.assign_max_iou(props, gt, pos_iou_thr=0.5, neg_iou_thr=0.3)
    torch.testing.assert_close(a.max_overlaps, torch.tensor([1.0, 0.5, 0.25, 0.0]))
    assert a.gt_inds.tolist() == [1, 1, 0, 0]
    b = losses.assign_max_iou(props, gt, pos_iou_thr=0.6, neg_iou_thr=0.3)
    assert b.gt_inds.tolist() == [1, -1, 0, 0]  # IoU 0.5 lies between the thresholds: ignored


def test_assigner_without_ground_truths_makes_every_proposal_a_negative():
    a = losses.assign_max_iou(torch.tensor([[0.0, 0.0, 1.0, 1.0]] * 3), torch.zeros(0, 4))
    assert a.gt_inds.tolist() == [0, 0, 0]
    assert a.max_overlaps.tolist() == [0.0, 0.0, 0.0]


def test_assigner_picks_the_best_ground_truth_for_a_positive():
    gt = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 9.0, 9.0]])
    a = losses.assign_max_iou(torch.tensor([[0.0, 0.0, 9.0, 9.0]]), gt)
    assert a.gt_inds.tolist() == [2]


def test_assigner_refuses_inverted_boxes_and_crossed_thresholds():
    with pytest.raises(ValueError, match="inverted"):
        losses.assign_max_iou(torch.tensor([[5.0, 0.0, 1.0, 1.0]]), torch.tensor([[0.0, 0.0, 1.0, 1.0]]))
    with pytest.raises(ValueError, match="neg_iou_thr"):
        losses.assign_max_iou(torch.zeros(1, 4), torch.zeros(1, 4), pos_iou_thr=0.3, neg_iou_thr=0.5)


# ---------------------------------------------------------------------------------------------- random and hard


def test_random_sampling_is_seeded_and_reproducible():
    neg = torch.arange(1000)
    a = losses.random_neg_sample(neg, 100, generator=torch.Generator().manual_seed(3))
    b = losses.random_neg_sample(neg, 100, generator=torch.Generator().manual_seed(3))
    c = losses.random_neg_sample(neg, 100, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert a.unique().numel() == 100 and bool(torch.isin(a, neg).all())


def test_random_sampling_does_not_touch_the_global_random_state():
    torch.manual_seed(0)
    before = torch.get_rng_state()
    losses.random_neg_sample(torch.arange(50), 10, generator=torch.Generator().manual_seed(1))
    assert torch.equal(before, torch.get_rng_state())


def test_random_sampling_is_uniform_over_the_negatives():
    neg = torch.arange(20)
    g = torch.Generator().manual_seed(0)
    hits = torch.zeros(20)
    for _ in range(2000):
        hits[losses.random_neg_sample(neg, 5, generator=g)] += 1
    # each index is drawn with probability 5/20: 500 expected, binomial sd ~19
    assert float((hits - 500).abs().max()) < 100


def test_hard_negatives_are_the_top_by_hardness_with_ties_to_the_lower_index():
    neg = torch.tensor([0, 2, 3, 5])
    hardness = torch.tensor([0.1, 9.0, 0.7, 0.7, 9.0, 0.2])
    assert losses.hard_neg_sample(neg, 2, hardness=hardness).tolist() == [2, 3]
    assert losses.hard_neg_sample(neg, 10, hardness=hardness).tolist() == [2, 3, 5, 0]


@pytest.mark.parametrize("fn", ["random", "paper", "mmdet"])
def test_fewer_negatives_than_expected_are_all_returned(fn):
    neg, mo = _pool([0.0, 0.1, 0.2, 0.45, 0.9])
    g = torch.Generator().manual_seed(0)
    out = {
        "random": lambda: losses.random_neg_sample(neg, 10, generator=g),
        "paper": lambda: losses.iou_balanced_neg_sample_paper(neg, mo, 10, generator=g),
        "mmdet": lambda: losses.iou_balanced_neg_sample_mmdet(neg, mo, 10, generator=g),
    }[fn]()
    assert sorted(out.tolist()) == neg.tolist()


# ---------------------------------------------------------------------------------------------------- the paper


def test_paper_sampler_draws_n_over_k_per_bin_and_takes_a_short_bin_whole():
    # bins of [0, 0.5) with K = 3: 40 negatives in the first, 30 in the second, 4 in the third (short)
    ious = [0.01] * 40 + [0.2] * 30 + [0.4] * 4 + [0.9] * 3
    neg, mo = _pool(ious)
    out = losses.iou_balanced_neg_sample_paper(neg, mo, 30, num_bins=3, generator=torch.Generator().manual_seed(0))
    assert _bin_counts(mo, out, [0, 1 / 6, 2 / 6, 0.5]) == [10, 10, 4]
    assert out.numel() == 24  # no top-up in the paper's definition
    assert bool(torch.isin(torch.arange(70, 74), out).all())  # the short bin, whole


def test_paper_sampler_matches_the_plain_reference(deterministic_choice):
    ious = [i / 200 for i in range(100)] * 3
    neg, mo = _pool(ious)
    for k in (2, 3, 5):
        out = losses.iou_balanced_neg_sample_paper(neg, mo, 90, num_bins=k)
        assert sorted(out.tolist()) == sorted(ref.paper_sample_neg(neg.tolist(), mo.tolist(), 90, num_bins=k))


# --------------------------------------------------------------------------------------------------- mmdetection


def test_mmdet_bins_reach_the_largest_iou_so_the_top_bin_stays_empty():
    # ground truths added as proposals: IoU 1 is in the pool, negatives stop below 0.5
    ious = [1.0, 1.0] + [0.6] * 5 + [0.01 * (i % 30) for i in range(100)] + [0.4] * 5
    neg, mo = _pool(ious)
    edges = losses.mmdet_bin_edges(mo, num_bins=3)
    torch.testing.assert_close(edges, torch.tensor([0.0, 1 / 3, 2 / 3, 1.0], dtype=torch.float64))
    out = losses.iou_balanced_neg_sample_mmdet(neg, mo, 30, generator=torch.Generator().manual_seed(0))
    counts = _bin_counts(mo, out, edges.tolist())
    assert counts[2] == 0 and out.numel() == 30
    # 10 per bin: bin 2 only holds [1/3, 0.5) and its 5 are taken whole; the top-up can only come from bin 1
    assert counts == [25, 5, 0]


def test_mmdet_top_up_fills_from_the_unused_negatives_to_exactly_num_expected():
    ious = [0.01] * 100 + [0.45] * 2
    neg, mo = _pool([*ious, 1.0])
    out = losses.iou_balanced_neg_sample_mmdet(neg, mo, 60, num_bins=3, generator=torch.Generator().manual_seed(1))
    assert out.numel() == 60 and out.unique().numel() == 60
    assert bool(torch.isin(torch.tensor([100, 101]), out).all())  # the short bin, whole


@pytest.mark.parametrize(
    ("floor_thr", "floor_fraction", "num_bins"),
    [(-1, 0.0, 3), (-1, 0.0, 2), (-1, 0.0, 5), (0, 0.0, 3), (0, 0.5, 3), (0.05, 0.25, 3), (0.1, 1.0, 3), (0.1, 0.5, 1),
     (-1, 0.0, 1), (0.3, 0.0, 4)],
)  # fmt: skip
def test_mmdet_port_matches_the_plain_reference(deterministic_choice, floor_thr, floor_fraction, num_bins):
    ious = [0.0] * 40 + [0.01 * (i % 50) for i in range(150)] + [0.7] * 5 + [1.0] * 3
    neg, mo = _pool(ious)
    out = losses.iou_balanced_neg_sample_mmdet(
        neg, mo, 64, floor_thr=floor_thr, floor_fraction=floor_fraction, num_bins=num_bins
    )
    want = ref.mmdet_sample_neg(
        neg.tolist(), mo.tolist(), 64, floor_thr=floor_thr, floor_fraction=floor_fraction, num_bins=num_bins
    )
    assert sorted(out.tolist()) == sorted(want)
    assert len(out) == len(want) == 64


@settings(max_examples=150, deadline=None)
@given(
    ious=st.lists(
        st.sampled_from([0.0, 1e-4, 0.02, 0.05, 0.1, 0.2, 0.3, 0.34, 0.45, 0.49, 0.6, 1.0]), min_size=1, max_size=80
    ),
    num_expected=st.integers(0, 60),
    floor_thr=st.sampled_from([-1, 0, 0.05, 0.2]),
    floor_fraction=st.sampled_from([0.0, 0.25, 0.5, 1.0]),
    num_bins=st.integers(1, 6),
)
def test_mmdet_port_matches_the_reference_on_any_pool(ious, num_expected, floor_thr, floor_fraction, num_bins):
    def first_k(gallery, num, generator):
        return gallery if num >= gallery.numel() else torch.sort(gallery).values[:num]

    original = sampling._choice
    sampling._choice = first_k  # hypothesis runs many examples per test call: patch by hand, restore below
    try:
        neg, mo = _pool(ious)
        out = losses.iou_balanced_neg_sample_mmdet(
            neg, mo, num_expected, floor_thr=floor_thr, floor_fraction=floor_fraction, num_bins=num_bins
        )
    finally:
        sampling._choice = original
    want = ref.mmdet_sample_neg(
        neg.tolist(), mo.tolist(), num_expected, floor_thr=floor_thr, floor_fraction=floor_fraction, num_bins=num_bins
    )
    assert sorted(out.tolist()) == sorted(want)
    assert out.numel() == min(neg.numel(), num_expected)
    assert out.unique().numel() == out.numel() and bool(torch.isin(out, neg).all())


def test_mmdet_sampler_is_seeded_and_reproducible():
    neg, mo = _pool([0.003 * i for i in range(160)] + [1.0])
    a = losses.iou_balanced_neg_sample_mmdet(neg, mo, 50, generator=torch.Generator().manual_seed(7))
    b = losses.iou_balanced_neg_sample_mmdet(neg, mo, 50, generator=torch.Generator().manual_seed(7))
    c = losses.iou_balanced_neg_sample_mmdet(neg, mo, 50, generator=torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_mmdet_floor_fraction_takes_that_share_from_below_floor_thr():
    ious = [0.01] * 200 + [0.2] * 200
    neg, mo = _pool([*ious, 1.0])
    out = losses.iou_balanced_neg_sample_mmdet(
        neg, mo, 100, floor_thr=0.1, floor_fraction=0.3, generator=torch.Generator().manual_seed(0)
    )
    assert int((mo[out] < 0.1).sum()) == 30 and int((mo[out] >= 0.1).sum()) == 70


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"floor_thr": -0.5}, "floor_thr"), ({"floor_fraction": 1.5}, "floor_fraction"), ({"num_bins": 0}, "num_bins"),
     ({"floor_thr": float("nan")}, "floor_thr")],
)  # fmt: skip
def test_mmdet_sampler_refuses_what_mmdetection_asserts_against(kwargs, match):
    neg, mo = _pool([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=match):
        losses.iou_balanced_neg_sample_mmdet(neg, mo, 1, **kwargs)


@pytest.mark.parametrize(
    ("neg", "num", "match"),
    [(torch.tensor([0.0, 1.0]), 1, "integer"), (torch.tensor([0, 0]), 1, "repeat"), (torch.tensor([0, 9]), 1, "past"),
     (torch.tensor([0, 1]), -1, "num_expected"), (torch.tensor([-1, 1]), 1, "non-negative")],
)  # fmt: skip
def test_samplers_refuse_bad_indices_and_counts(neg, num, match):
    with pytest.raises(ValueError, match=match):
        losses.iou_balanced_neg_sample_paper(neg, torch.tensor([0.1, 0.2]), num)
