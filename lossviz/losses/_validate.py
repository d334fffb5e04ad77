"""Input checks shared by every loss. Each raises ``ValueError`` naming the argument."""

from __future__ import annotations

import math

import torch
from torch import Tensor

REDUCTIONS = ("none", "mean", "sum")


def check_tensor(name: str, x: Tensor) -> None:
    """``x`` must be a floating tensor with only finite values."""
    if not isinstance(x, Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor, got {x.dtype}")
    if not bool(torch.isfinite(x).all()):
        raise ValueError(f"{name} contains NaN or inf")


def check_same_shape(name_a: str, a: Tensor, name_b: str, b: Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def check_boxes(name: str, boxes: Tensor) -> None:
    """``boxes`` must be ``(..., 4)`` finite xyxy boxes with ``x2 >= x1`` and ``y2 >= y1``."""
    check_tensor(name, boxes)
    if boxes.ndim < 1 or boxes.shape[-1] != 4:
        raise ValueError(f"{name} must have shape (..., 4) in (x1, y1, x2, y2) format, got {tuple(boxes.shape)}")
    if bool((boxes[..., 2] < boxes[..., 0]).any()) or bool((boxes[..., 3] < boxes[..., 1]).any()):
        raise ValueError(f"{name} has inverted boxes: need x2 >= x1 and y2 >= y1")


def check_param(
    name: str,
    value: float,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
) -> float:
    """A scalar hyper-parameter: finite and inside the given bounds. Returns it as ``float``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if gt is not None and not v > gt:
        raise ValueError(f"{name} must be > {gt}, got {v}")
    if ge is not None and not v >= ge:
        raise ValueError(f"{name} must be >= {ge}, got {v}")
    if lt is not None and not v < lt:
        raise ValueError(f"{name} must be < {lt}, got {v}")
    if le is not None and not v <= le:
        raise ValueError(f"{name} must be <= {le}, got {v}")
    return v


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` ("none", "mean" or "sum"); the mean of an empty tensor is 0, not NaN."""
    check_reduction(reduction)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean() if loss.numel() > 0 else loss.sum()
