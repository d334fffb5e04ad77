"""Plain-Python references for the Libra R-CNN samplers: mmdetection's ``IoUBalancedNegSampler._sample_neg`` and
the paper's definition, written with Python sets and lists exactly as mmdetection reads (no torch, no numpy), with
the random choice passed in. Used by the tests (with a deterministic choice, so the outputs must match exactly)
and by the benchmark (as the baseline)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

Choice = Callable[[list[int], int], list[int]]


def first_k(gallery: list[int], k: int) -> list[int]:
    """A deterministic 'random' choice: the ``k`` smallest indices."""
    return sorted(gallery)[:k]


def seeded(seed: int) -> Choice:
    rng = random.Random(seed)
    return lambda gallery, k: rng.sample(sorted(gallery), k)


def mmdet_sample_neg(
    neg_inds: Sequence[int],
    max_overlaps: Sequence[float],
    num_expected: int,
    *,
    floor_thr: float = -1,
    floor_fraction: float = 0.0,
    num_bins: int = 3,
    choice: Choice = first_k,
) -> list[int]:
    neg_inds = list(neg_inds)
    if len(neg_inds) <= num_expected:
        return neg_inds
    mo = list(max_overlaps)
    neg_set = set(neg_inds)
    if floor_thr > 0:
        floor_set = {i for i, v in enumerate(mo) if 0 <= v < floor_thr}
        iou_sampling_set = {i for i, v in enumerate(mo) if v >= floor_thr}
    elif floor_thr == 0:
        floor_set = {i for i, v in enumerate(mo) if v == 0}
        iou_sampling_set = {i for i, v in enumerate(mo) if v > floor_thr}
    else:
        floor_set = set()
        iou_sampling_set = {i for i, v in enumerate(mo) if v > floor_thr}
        floor_thr = 0
    floor_neg = list(floor_set & neg_set)
    iou_neg = list(iou_sampling_set & neg_set)
    n_iou = int(num_expected * (1 - floor_fraction))
    if len(iou_neg) > n_iou:
        if num_bins >= 2:
            iou_sampled = _via_interval(mo, set(iou_neg), n_iou, floor_thr, num_bins, choice)
        else:
            iou_sampled = choice(iou_neg, n_iou)
    else:
        iou_sampled = list(iou_neg)
    n_floor = num_expected - len(iou_sampled)
    floor_sampled = choice(floor_neg, n_floor) if len(floor_neg) > n_floor else list(floor_neg)
    sampled = floor_sampled + iou_sampled
    if len(sampled) < num_expected:
        n_extra = num_expected - len(sampled)
        extra = list(neg_set - set(sampled))
        if len(extra) > n_extra:
            extra = choice(extra, n_extra)
        sampled += extra
    return sampled


def _via_interval(mo, full_set, num_expected, floor_thr, num_bins, choice) -> list[int]:
    max_iou = max(mo)
    interval = (max_iou - floor_thr) / num_bins
    per = int(num_expected / num_bins)
    sampled: list[int] = []
    for i in range(num_bins):
        start = floor_thr + i * interval
        end = floor_thr + (i + 1) * interval
        tmp = [j for j in full_set if start <= mo[j] < end]
        sampled += choice(tmp, per) if len(tmp) > per else tmp
    if len(sampled) < num_expected:
        n_extra = num_expected - len(sampled)
        extra = list(full_set - set(sampled))
        if len(extra) > n_extra:
            extra = choice(extra, n_extra)
        sampled += extra
    return sampled


def paper_sample_neg(
    neg_inds: Sequence[int],
    max_overlaps: Sequence[float],
    num_expected: int,
    *,
    num_bins: int = 3,
    neg_iou_thr: float = 0.5,
    choice: Choice = first_k,
) -> list[int]:
    """The paper: [0, neg_iou_thr) in K equal bins, N // K from each, a short bin whole, no top-up."""
    neg_inds = list(neg_inds)
    if len(neg_inds) <= num_expected:
        return neg_inds
    per = num_expected // num_bins
    width = neg_iou_thr / num_bins
    out: list[int] = []
    for k in range(num_bins):
        lo, hi = k * width, (k + 1) * width if k < num_bins - 1 else neg_iou_thr
        members = [i for i in neg_inds if lo <= max_overlaps[i] < hi]
        out += choice(members, per) if len(members) > per else members
    return out
