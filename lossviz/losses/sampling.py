"""Proposal assignment and negative sampling for two-stage detectors (Libra R-CNN's IoU-balanced sampling).

Not a loss: the torch code that decides *which* RoIs a detection loss sees. Every function takes index tensors and
per-proposal ``max_overlaps`` (a proposal's largest IoU with any ground truth) and returns a ``LongTensor`` of the
chosen indices. Randomness comes only from the ``generator`` passed in (a seeded ``torch.Generator`` gives the same
sample every time); nothing here touches numpy's or torch's global random state.

Sources:
    * Pang et al., "Libra R-CNN: Towards Balanced Learning for Object Detection", CVPR 2019,
      https://arxiv.org/abs/1904.02701 (Sec. 3.1, IoU-balanced sampling; Fig. 3).
    * mmdetection ``MaxIoUAssigner`` and ``IoUBalancedNegSampler``
      (``mmdet/models/task_modules/samplers/iou_balanced_neg_sampler.py``), ported here with the same bin logic.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ._validate import check_boxes, check_param, check_tensor
from .iou import box_iou

__all__ = [
    "MaxIoUAssignment",
    "assign_max_iou",
    "hard_neg_sample",
    "iou_balanced_neg_sample_mmdet",
    "iou_balanced_neg_sample_paper",
    "mmdet_bin_edges",
    "random_neg_sample",
]


@dataclass(frozen=True)
class MaxIoUAssignment:
    """What :func:`assign_max_iou` decides for ``N`` proposals.

    Attributes:
        max_overlaps: ``Tensor[N]`` float, each proposal's largest IoU with any ground truth (0 when there is none).
        gt_inds: ``Tensor[N]`` int64, mmdetection's convention: ``0`` negative, ``-1`` ignored, ``k > 0`` positive
            assigned to ground truth ``k - 1``.
    """

    max_overlaps: Tensor
    gt_inds: Tensor

    @property
    def neg_inds(self) -> Tensor:
        """Indices of the negatives, ascending."""
        return torch.nonzero(self.gt_inds == 0).flatten()

    @property
    def pos_inds(self) -> Tensor:
        """Indices of the positives, ascending."""
        return torch.nonzero(self.gt_inds > 0).flatten()


def assign_max_iou(
    proposals: Tensor,
    gt_boxes: Tensor,
    *,
    pos_iou_thr: float = 0.5,
    neg_iou_thr: float = 0.5,
    min_neg_iou: float = 0.0,
) -> MaxIoUAssignment:
    """Faster R-CNN's R-CNN assigner (mmdetection ``MaxIoUAssigner`` without low-quality matches).

    A proposal is negative when ``min_neg_iou <= max IoU < neg_iou_thr``, positive when ``max IoU >= pos_iou_thr``
    (assigned to its best ground truth) and ignored otherwise.

    Args:
        proposals: ``Tensor[N, 4]`` xyxy, pixels.
        gt_boxes: ``Tensor[M, 4]`` xyxy, pixels; ``M = 0`` makes every proposal a negative with IoU 0.
        pos_iou_thr: IoU at or above which a proposal is positive (default 0.5).
        neg_iou_thr: IoU below which a proposal is negative (default 0.5, as Faster R-CNN's R-CNN stage).
        min_neg_iou: lowest IoU a negative may have (default 0).

    Returns:
        :class:`MaxIoUAssignment` with ``max_overlaps`` in the proposals' dtype (at least float32).

    Raises:
        ValueError: malformed or inverted boxes, or thresholds outside ``[0, 1]`` or with ``neg_iou_thr > pos_iou_thr``.

    Reference: Ren et al., Faster R-CNN, https://arxiv.org/abs/1506.01497; mmdetection ``MaxIoUAssigner``.
    """
    check_boxes("proposals", proposals)
    if gt_boxes.numel() == 0:
        gt_boxes = gt_boxes.reshape(0, 4).to(proposals.dtype)
    check_boxes("gt_boxes", gt_boxes)
    if proposals.ndim != 2 or gt_boxes.ndim != 2:
        raise ValueError("proposals and gt_boxes must have shape (N, 4) and (M, 4)")
    pos_iou_thr = check_param("pos_iou_thr", pos_iou_thr, ge=0.0, le=1.0)
    neg_iou_thr = check_param("neg_iou_thr", neg_iou_thr, ge=0.0, le=1.0)
    min_neg_iou = check_param("min_neg_iou", min_neg_iou, ge=0.0, le=1.0)
    if neg_iou_thr > pos_iou_thr:
        raise ValueError(f"neg_iou_thr must be <= pos_iou_thr, got {neg_iou_thr} > {pos_iou_thr}")
    n = proposals.shape[0]
    dtype = torch.promote_types(proposals.dtype, torch.float32)
    gt_inds = torch.full((n,), -1, dtype=torch.long, device=proposals.device)
    if gt_boxes.shape[0] == 0:
        return MaxIoUAssignment(torch.zeros(n, dtype=dtype, device=proposals.device), torch.zeros_like(gt_inds))
    overlaps = box_iou(proposals.to(dtype), gt_boxes.to(dtype))  # (N, M)
    max_overlaps, argmax = overlaps.max(dim=1)
    gt_inds[(max_overlaps >= min_neg_iou) & (max_overlaps < neg_iou_thr)] = 0
    pos = max_overlaps >= pos_iou_thr
    gt_inds[pos] = argmax[pos] + 1
    return MaxIoUAssignment(max_overlaps, gt_inds)


# ---------------------------------------------------------------------------------------------------------- helpers


def _check_inds(name: str, inds: Tensor) -> Tensor:
    if not isinstance(inds, Tensor) or inds.dtype not in (torch.int64, torch.int32) or inds.ndim != 1:
        raise ValueError(f"{name} must be a 1-D integer tensor of indices")
    if inds.numel() and bool((inds < 0).any()):
        raise ValueError(f"{name} must hold non-negative indices")
    # strictly ascending (what nonzero gives, the usual case) has no repeats: one comparison instead of a sort
    ascending = inds.numel() < 2 or bool((inds[1:] > inds[:-1]).all())
    if not ascending and inds.unique().numel() != inds.numel():
        raise ValueError(f"{name} must not repeat an index")
    return inds.long()


def _check_num(num_expected: int) -> int:
    if isinstance(num_expected, bool) or not isinstance(num_expected, int) or num_expected < 0:
        raise ValueError(f"num_expected must be a non-negative int, got {num_expected!r}")
    return num_expected


def _check_overlaps(max_overlaps: Tensor, neg_inds: Tensor) -> Tensor:
    check_tensor("max_overlaps", max_overlaps)
    if max_overlaps.ndim != 1:
        raise ValueError(f"max_overlaps must be 1-D, got shape {tuple(max_overlaps.shape)}")
    if neg_inds.numel() and int(neg_inds.max()) >= max_overlaps.numel():
        raise ValueError("neg_inds points past the end of max_overlaps")
    return max_overlaps


def _choice(gallery: Tensor, num: int, generator: torch.Generator | None) -> Tensor:
    """``num`` distinct entries of ``gallery`` drawn uniformly (``torch.randperm`` on ``generator``)."""
    if num >= gallery.numel():
        return gallery
    perm = torch.randperm(gallery.numel(), generator=generator, device="cpu")[:num].to(gallery.device)
    return gallery[perm]


def _minus(full: Tensor, taken: Tensor) -> Tensor:
    """The entries of ``full`` not in ``taken``, in ``full``'s order."""
    if taken.numel() == 0:
        return full
    return full[~torch.isin(full, taken)]


# ---------------------------------------------------------------------------------------------------------- samplers


def random_neg_sample(neg_inds: Tensor, num_expected: int, *, generator: torch.Generator | None = None) -> Tensor:
    """Faster R-CNN's random sampling: ``num_expected`` negatives uniformly without replacement.

    Args:
        neg_inds: ``Tensor[K]`` int64, the negatives' proposal indices.
        num_expected: how many to keep; all of them when ``K <= num_expected``.
        generator: the random source (seed it for a reproducible sample).

    Returns:
        ``Tensor[min(K, num_expected)]`` int64 indices, a subset of ``neg_inds``.

    Raises:
        ValueError: ``neg_inds`` not 1-D non-negative distinct integers, or ``num_expected`` not an int >= 0.

    Reference: mmdetection ``RandomSampler``.
    """
    neg_inds = _check_inds("neg_inds", neg_inds)
    return _choice(neg_inds, _check_num(num_expected), generator)


def hard_neg_sample(neg_inds: Tensor, num_expected: int, *, hardness: Tensor) -> Tensor:
    """OHEM-style hard negatives: the ``num_expected`` negatives with the largest ``hardness``.

    In OHEM (Shrivastava et al., https://arxiv.org/abs/1604.03540) the hardness is each RoI's current loss; the
    Libra paper's Fig. 3 "hard negative" histogram is of such negatives. Pass a per-proposal loss for that, or the
    max IoU itself for the deterministic "top IoU" limit. Ties go to the lower index.

    Args:
        neg_inds: ``Tensor[K]`` int64, the negatives' proposal indices.
        num_expected: how many to keep; all of them when ``K <= num_expected``.
        hardness: ``Tensor[N]`` float over *all* proposals (indexed by ``neg_inds``), larger = harder.

    Returns:
        ``Tensor[min(K, num_expected)]`` int64 indices, hardest first.

    Raises:
        ValueError: bad indices, ``num_expected`` not an int >= 0, or ``hardness`` not finite 1-D covering the indices.
    """
    neg_inds = _check_inds("neg_inds", neg_inds)
    num_expected = _check_num(num_expected)
    check_tensor("hardness", hardness)
    _check_overlaps(hardness, neg_inds)
    h = hardness[neg_inds].double()
    # stable descending sort: equal hardness keeps the ascending index order
    order = torch.sort(-h, stable=True).indices
    return neg_inds[order[:num_expected]]


def iou_balanced_neg_sample_paper(
    neg_inds: Tensor,
    max_overlaps: Tensor,
    num_expected: int,
    *,
    num_bins: int = 3,
    neg_iou_thr: float = 0.5,
    generator: torch.Generator | None = None,
) -> Tensor:
    """IoU-balanced sampling as the Libra R-CNN paper defines it (Sec. 3.1).

    The negatives' IoU range ``[0, neg_iou_thr)`` is split into ``num_bins`` equal intervals; ``N / K`` negatives
    (``floor``) are drawn uniformly from each interval, and an interval holding fewer is taken whole. Nothing tops
    the sample up, so it can hold fewer than ``num_expected`` (the paper does not say what to do then; mmdetection's
    port, :func:`iou_balanced_neg_sample_mmdet`, tops up at random). A negative whose IoU lies outside the range
    (``neg_iou_thr`` lower than the assigner's) falls in no interval and is never drawn.

    Args:
        neg_inds: ``Tensor[K]`` int64, the negatives' proposal indices.
        max_overlaps: ``Tensor[N]`` float, every proposal's max IoU.
        num_expected: ``N``, the number of negatives wanted; all negatives are returned when ``K <= N``.
        num_bins: ``K`` >= 1 (default 3, the paper's choice; its ablation tries 2, 3 and 5).
        neg_iou_thr: top of the negative IoU range (default 0.5, Faster R-CNN's).
        generator: the random source.

    Returns:
        ``Tensor[<= N]`` int64 indices, bin by bin from the lowest IoU.

    Raises:
        ValueError: bad indices or overlaps, ``num_bins < 1``, or ``neg_iou_thr`` outside ``(0, 1]``.

    Reference: Pang et al., CVPR 2019, https://arxiv.org/abs/1904.02701.
    """
    neg_inds = _check_inds("neg_inds", neg_inds)
    num_expected = _check_num(num_expected)
    max_overlaps = _check_overlaps(max_overlaps, neg_inds)
    if isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1:
        raise ValueError(f"num_bins must be an int >= 1, got {num_bins!r}")
    neg_iou_thr = check_param("neg_iou_thr", neg_iou_thr, gt=0.0, le=1.0)
    if neg_inds.numel() <= num_expected:
        return neg_inds
    iou = max_overlaps[neg_inds].double()
    per_bin = num_expected // num_bins
    width = neg_iou_thr / num_bins
    chosen = []
    for k in range(num_bins):
        lo, hi = k * width, (k + 1) * width
        in_bin = (iou >= lo) & ((iou < hi) if k < num_bins - 1 else (iou < neg_iou_thr))
        chosen.append(_choice(neg_inds[in_bin], per_bin, generator))
    return torch.cat(chosen)


def mmdet_bin_edges(max_overlaps: Tensor, *, floor_thr: float = -1.0, num_bins: int = 3) -> Tensor:
    """The IoU interval edges mmdetection's ``IoUBalancedNegSampler`` uses: ``Tensor[num_bins + 1]``.

    They run from ``max(floor_thr, 0)`` to ``max_overlaps.max()`` over *all* proposals, positives and the ground
    truths added as proposals included. With ground truths added the top is 1, so for the usual negative threshold
    0.5 and ``num_bins = 3`` the bins are ``[0, 1/3), [1/3, 2/3), [2/3, 1)`` and the last one is always empty.
    """
    check_tensor("max_overlaps", max_overlaps)
    floor = 0.0 if floor_thr == -1 else float(floor_thr)
    top = float(max_overlaps.max()) if max_overlaps.numel() else 0.0
    step = (top - floor) / num_bins
    return torch.tensor([floor + i * step for i in range(num_bins + 1)], dtype=torch.float64)


def _sample_via_interval(
    max_overlaps: Tensor, full: Tensor, num_expected: int, floor_thr: float, num_bins: int, generator
) -> Tensor:
    """mmdetection ``IoUBalancedNegSampler.sample_via_interval``: equal share per interval, then a random top-up."""
    max_iou = max_overlaps.max()
    iou_interval = (max_iou - floor_thr) / num_bins
    per_num_expected = int(num_expected / num_bins)
    sampled = []
    iou_full = max_overlaps[full]
    # every interval's edges as mmdetection computes them (floor + i * interval, in the overlaps' dtype), compared
    # against all the IoUs in one broadcast instead of one pass per interval
    edges = torch.stack([floor_thr + i * iou_interval for i in range(num_bins + 1)])
    above = iou_full[None, :] >= edges[:-1, None]
    below = iou_full[None, :] < edges[1:, None]
    members = above & below
    for i in range(num_bins):
        tmp = full[members[i]]
        sampled.append(_choice(tmp, per_num_expected, generator) if tmp.numel() > per_num_expected else tmp)
    sampled_inds = torch.cat(sampled)
    if sampled_inds.numel() < num_expected:
        num_extra = num_expected - sampled_inds.numel()
        extra = _minus(full, sampled_inds)
        if extra.numel() > num_extra:
            extra = _choice(extra, num_extra, generator)
        sampled_inds = torch.cat([sampled_inds, extra])
    return sampled_inds


def iou_balanced_neg_sample_mmdet(
    neg_inds: Tensor,
    max_overlaps: Tensor,
    num_expected: int,
    *,
    floor_thr: float = -1.0,
    floor_fraction: float = 0.0,
    num_bins: int = 3,
    generator: torch.Generator | None = None,
) -> Tensor:
    """mmdetection's ``IoUBalancedNegSampler._sample_neg``, step for step, on a seeded generator.

    * ``K <= num_expected`` negatives: all of them.
    * ``floor_thr > 0``: negatives with ``0 <= IoU < floor_thr`` form the *floor* set, ``IoU >= floor_thr`` the
      IoU set. ``floor_thr == 0``: floor = ``IoU == 0``, IoU set = ``IoU > 0``. ``floor_thr == -1`` (default): no
      floor set, every negative in the IoU set, and the intervals start at 0.
    * ``int(num_expected * (1 - floor_fraction))`` come from the IoU set: when it holds more, ``num_bins >= 2``
      intervals of equal width from the floor up to ``max_overlaps.max()`` over **all** proposals
      (:func:`mmdet_bin_edges`), ``int(n / num_bins)`` drawn from each, a short interval taken whole, then a random
      top-up from the rest of the IoU set; ``num_bins == 1`` draws at random; otherwise the whole IoU set is taken.
    * The floor set fills what is left at random, and a last random top-up from all negatives makes up any shortfall.
      The result always has ``min(K, num_expected)`` entries, floor part first.

    How this differs from mmdetection: the draws come from ``torch.randperm`` on ``generator`` (mmdetection calls
    ``torch.randperm`` on torch's global generator, and its 1.x versions ``np.random.shuffle``), and sets are kept
    as ascending index tensors (mmdetection converts Python ``set``s to lists), so the same seed does not give
    mmdetection's exact indices; which pools are drawn from, how many from each, short bins and top-ups are the same.
    One mmdetection quirk is not copied: with ``floor_thr=-1`` it overwrites its own ``floor_thr`` with 0 on the
    first call, so every *later* call behaves as ``floor_thr=0``; call this with ``floor_thr=0`` to see those.

    Args:
        neg_inds: ``Tensor[K]`` int64, the negatives' proposal indices.
        max_overlaps: ``Tensor[N]`` float, every proposal's max IoU (ground truths added as proposals included).
        num_expected: the number of negatives wanted.
        floor_thr: ``-1`` or ``>= 0`` (default -1).
        floor_fraction: share of ``num_expected`` taken from the floor set, in ``[0, 1]`` (default 0, as the Libra
            config).
        num_bins: intervals, ``>= 1`` (default 3).
        generator: the random source.

    Returns:
        ``Tensor[min(K, num_expected)]`` int64 indices.

    Raises:
        ValueError: bad indices or overlaps, ``floor_thr`` neither -1 nor >= 0, ``floor_fraction`` outside
            ``[0, 1]`` or ``num_bins < 1`` (mmdetection asserts the same).

    Reference: Pang et al., CVPR 2019, https://arxiv.org/abs/1904.02701; mmdetection
    ``mmdet/models/task_modules/samplers/iou_balanced_neg_sampler.py``.
    """
    neg_inds = _check_inds("neg_inds", neg_inds)
    num_expected = _check_num(num_expected)
    max_overlaps = _check_overlaps(max_overlaps, neg_inds)
    floor_thr = check_param("floor_thr", floor_thr)
    if not (floor_thr >= 0 or floor_thr == -1):
        raise ValueError(f"floor_thr must be -1 or >= 0, got {floor_thr}")
    floor_fraction = check_param("floor_fraction", floor_fraction, ge=0.0, le=1.0)
    if isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1:
        raise ValueError(f"num_bins must be an int >= 1, got {num_bins!r}")
    if neg_inds.numel() <= num_expected:
        return neg_inds
    iou = max_overlaps[neg_inds]
    if floor_thr > 0:
        floor_neg = neg_inds[(iou >= 0) & (iou < floor_thr)]
        iou_neg = neg_inds[iou >= floor_thr]
    elif floor_thr == 0:
        floor_neg = neg_inds[iou == 0]
        iou_neg = neg_inds[iou > 0]
    else:
        floor_neg = neg_inds[:0]
        iou_neg = neg_inds[iou > floor_thr]
        floor_thr = 0.0  # for the interval computation, as mmdetection does
    num_expected_iou = int(num_expected * (1 - floor_fraction))
    if iou_neg.numel() > num_expected_iou:
        if num_bins >= 2:
            iou_sampled = _sample_via_interval(max_overlaps, iou_neg, num_expected_iou, floor_thr, num_bins, generator)
        else:
            iou_sampled = _choice(iou_neg, num_expected_iou, generator)
    else:
        iou_sampled = iou_neg
    num_expected_floor = num_expected - iou_sampled.numel()
    if floor_neg.numel() > num_expected_floor:
        floor_sampled = _choice(floor_neg, num_expected_floor, generator)
    else:
        floor_sampled = floor_neg
    sampled = torch.cat([floor_sampled, iou_sampled])
    if sampled.numel() < num_expected:
        num_extra = num_expected - sampled.numel()
        extra = _minus(neg_inds, sampled)
        if extra.numel() > num_extra:
            extra = _choice(extra, num_extra, generator)
        sampled = torch.cat([sampled, extra])
    return sampled
